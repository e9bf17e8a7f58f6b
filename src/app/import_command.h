// File: app/import_command.h
//
// The stagematching subcommands (see placement/service.h):
//
//   stagepunt import students|companies|places --school BRIN --file F [--db URL] [--data-dir DIR]
//   stagepunt import students ... [--invite]      (make and invite logins for the email column)
//   stagepunt import staff --school BRIN --file F [--no-invite]   (login,name,role[,email])
//   stagepunt register import --file F [--db URL] [--data-dir DIR]
//   stagepunt round export --school BRIN --round ID --out DIR [--db URL] [--data-dir DIR]
//
// `import` validates the whole file and applies it in one transaction, or
// applies nothing and prints every problem as "FILE:LINE: message" (exit 2).
// A school's `import companies` writes only that school's view of each
// company; `register import` (the system admin's, run on the server) writes
// the deployment's register facts that every school sees, the same way.
// `round export` writes the round's matching-io files (rerun them with
// `stagepunt match`) and bpvo.csv when the round is published.
#pragma once

#include <CLI/CLI.hpp>

namespace app {

void RegisterPlacementCommands(CLI::App& cli, int& exit_code);

}  // namespace app
