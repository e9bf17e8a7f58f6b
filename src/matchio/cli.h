// Placeholder until the matching command lands.
#pragma once
#include <CLI/CLI.hpp>
namespace matchio {
// Adds `match` and `gen-instance` subcommands; their callbacks set exit_code.
void RegisterCommands(CLI::App& app, int& exit_code);
}  // namespace matchio
