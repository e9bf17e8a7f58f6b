// The `stagepunt` command line: see the shared spec cli.md and docs/architecture.md.
#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "matchio/cli.h"

int main(int argc, char** argv) {
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
