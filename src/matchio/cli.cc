#include "matchio/cli.h"
namespace matchio {
void RegisterCommands(CLI::App&, int&) {}
}  // namespace matchio
