// The `stagepunt` command line: see the shared spec cli.md and docs/architecture.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "app/commands.h"
#include "matchio/cli.h"

namespace {

int Run(int argc, char** argv) {
  CLI::App cli{"Stagepunt: meldpunt en stagematching tegen stagediscriminatie"};
  cli.require_subcommand(1);
  int exit_code = 0;
  app::RegisterCommands(cli, exit_code);
  matchio::RegisterCommands(cli, exit_code);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = cli.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // An exception no command handled is an internal error: exit code 1 with a
  // message (cli.md), not std::terminate's abort.
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "stagepunt: %s\n", e.what());
  } catch (...) {
    (void)std::fprintf(stderr, "stagepunt: unknown error\n");
  }
  return 1;
}
