// The `stagepunt` command line: see shared spec cli.md and docs/architecture.md.
#include <CLI/CLI.hpp>

#include "matchio/cli.h"

int main(int argc, char** argv) {
  CLI::App app{"Stagepunt: meldpunt en stagematching tegen stagediscriminatie"};
  app.require_subcommand(1);
  int exit_code = 0;
  matchio::RegisterCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}
