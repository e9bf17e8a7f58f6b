// File: app/commands.h
//
// The `stagepunt` subcommands of cli.md (except the matching ones, which live
// in matchio/). Each callback sets the process exit code:
// 0 success, 1 internal failure, 2 bad input or usage, 3 database unreachable
// or in need of a migration the command may not run.
#pragma once

#include <CLI/CLI.hpp>

namespace app {

void RegisterCommands(CLI::App& cli, int& exit_code);

// `backup` and `restore` of a SQLite database (backup_command.cc).
void RegisterBackupCommands(CLI::App& cli, int& exit_code);

// `school sso` (sso_command.cc), under the `school` command.
void RegisterSsoCommand(CLI::App& school, int& exit_code);
// `meldpunt leads` (meldpunt_command.cc).
void RegisterMeldpuntCommands(CLI::App& cli, int& exit_code);

}  // namespace app
