#include "cli/commands.h"

namespace dermaplan::cli {

// Placeholder until the simulator lands (issue 3).
void add_simulate_command(CLI::App&, CommonOptions&) {}

}  // namespace dermaplan::cli
