// The dermaplan command's subcommands. Each add_*_command registers one subcommand on the
// app and sets its callback; the callback throws InputError/KnowledgeError for bad input
// (main turns those into exit code 2) and returns normally on success.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace dermaplan::cli {

/// Options every subcommand shares.
struct CommonOptions {
  std::string knowledge_dir;  //!< --knowledge; defaults to the bundled knowledge base
  std::string policy_file;    //!< --policy; empty = the default positions (the seed texts)
};

void add_kb_command(CLI::App& app, CommonOptions& common);
void add_screen_command(CLI::App& app, CommonOptions& common);
void add_plan_command(CLI::App& app, CommonOptions& common);
void add_simulate_command(CLI::App& app, CommonOptions& common);
void add_serve_command(CLI::App& app, CommonOptions& common);   // serve_command.cpp
void add_admin_commands(CLI::App& app, CommonOptions& common);  // admin_commands.cpp: user, audit, backup, restore
void add_handout_command(CLI::App& app, CommonOptions& common);  // document_commands.cpp
void add_export_commands(CLI::App& app, CommonOptions& common);  // export_commands.cpp: export fhir|csv, import fhir
void add_outcomes_command(CLI::App& app, CommonOptions& common);  // outcomes_command.cpp

}  // namespace dermaplan::cli
