// File: matchio/cli.h
//
// The `stagepunt match` and `stagepunt gen-instance` subcommands:
//
//   stagepunt match --in DIR --out FILE [--algorithm da|optimal] [--seed N]
//                   [--explain FILE] [--json]
//   stagepunt gen-instance --out DIR [--students N] [--companies N] [--choices N]
//                   [--seed N] [--places-per-student X] [--regions N]
//                   [--excluded N] [--no-priorities]
//
// Exit codes (set through `exit_code` by the callbacks): 0 success, 1
// internal error, 2 bad input or usage, with "FILE:LINE: message" on stderr.
// The library API behind them is in round.h, loader.h and generator.h.
#pragma once

#include <CLI/CLI.hpp>

namespace matchio {

// Adds `match` and `gen-instance` subcommands; their callbacks set exit_code.
void RegisterCommands(CLI::App& app, int& exit_code);

}  // namespace matchio
