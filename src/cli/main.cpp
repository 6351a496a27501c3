// The dermaplan command: screening, planning, simulation, the knowledge base, the server and
// operator commands. Every failure is reported once, here, with clinic::exit_code.
#include "cli/commands.h"
#include "clinic/failure.h"
#include "core/storable_text.h"

#include <sys/stat.h>

#include <iostream>

int main(int argc, char** argv) {
  // What dermaplan writes holds patient data or password hashes (the database and its WAL,
  // backups, photos, exports, handouts): readable by its owner alone, whatever the shell's umask.
  ::umask(0077);
  CLI::App app{
      "dermaplan " DERMAPLAN_VERSION " — microneedling screening, planning and simulation.\n"
      "Decision support for a qualified practitioner, not a decision.\n"
      "Exit codes: 0 done; 1 internal error; 2 bad input; 3 audit chain broken; 4 refused "
      "(conflict, signed record, not allowed); 5 database unavailable or busy."};
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
  dermaplan::cli::add_outcomes_command(app, common);
  // Arguments become records (names, notes, usernames): text the database cannot store is
  // refused before anything runs (a NUL cannot be in an argument; invalid UTF-8 can).
  for (int i = 1; i < argc; ++i) {
    if (const std::string reason = dermaplan::unstorable_reason(argv[i]); !reason.empty()) {
      std::cerr << "dermaplan: bad input: argument " << i << ": text with " << reason
                << " cannot be stored; use UTF-8\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (...) {
    using dermaplan::clinic::FailureKind;
    const auto failure = dermaplan::clinic::describe_failure(std::current_exception());
    const char* label = failure.kind == FailureKind::bad_input       ? "bad input"
                        : failure.kind == FailureKind::bad_knowledge ? "knowledge base"
                        : failure.kind == FailureKind::audit_chain_broken ? "AUDIT CHAIN BROKEN"
                        : failure.kind == FailureKind::internal      ? "error"
                                                                     : failure.code.c_str();
    std::cerr << "dermaplan: " << label << ": " << (failure.where.empty() ? "" : failure.where + ": ")
              << failure.message << "\n";
    return dermaplan::clinic::exit_code(failure.kind);
  }
  return 0;
}
