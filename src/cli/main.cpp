// The dermaplan command: screening, planning, simulation and the knowledge base.
#include "cli/commands.h"
#include "core/errors.h"

#include <fmt/format.h>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{
      "dermaplan " DERMAPLAN_VERSION " — microneedling screening, planning and simulation.\n"
      "Decision support for a qualified practitioner, not a decision."};
  app.require_subcommand(1);
  app.set_version_flag("--version", DERMAPLAN_VERSION);
  dermaplan::cli::CommonOptions common;
  app.add_option("--knowledge", common.knowledge_dir, "Knowledge base directory (default: the bundled one)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--policy", common.policy_file, "Clinic policy file choosing positions where sources disagree")
      ->check(CLI::ExistingFile);
  dermaplan::cli::add_kb_command(app, common);
  dermaplan::cli::add_screen_command(app, common);
  dermaplan::cli::add_plan_command(app, common);
  dermaplan::cli::add_simulate_command(app, common);
  dermaplan::cli::add_serve_command(app, common);
  dermaplan::cli::add_admin_commands(app, common);
  dermaplan::cli::add_handout_command(app, common);
  dermaplan::cli::add_export_commands(app, common);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const dermaplan::InputError& e) {
    std::cerr << "dermaplan: bad input: " << e.what() << "\n";
    return 2;
  } catch (const dermaplan::KnowledgeError& e) {
    std::cerr << "dermaplan: knowledge base: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "dermaplan: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
