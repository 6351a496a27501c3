// `dermaplan handout`: the patient handout of a course plan as PDF, from the plan JSON of
// `dermaplan plan --format json` (a file or standard input) or from a plan stored in the
// database (--plan-id, audited as the actor "cli", the same use case as the server's).
#include "cli/cli_support.h"
#include "clinic/documents.h"
#include "core/errors.h"
#include "interop/documents.h"
#include "records/store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace dermaplan::cli {

namespace {
struct HandoutOptions {
  std::string plan;
  long long plan_id = 0;
  std::string db = "dermaplan.db";
  std::string photo_dir;
  std::string out;
  std::string paper = "a4";
  std::string copy = "patient";
  std::string practice;
  std::string patient_name;
  std::string birth_date;
  std::string date;
};
}  // namespace

void add_handout_command(CLI::App& app, CommonOptions& common) {
  static HandoutOptions options;
  auto* cmd = app.add_subcommand("handout", "The patient handout of a course plan as PDF: dated sessions, "
                                            "preparation, aftercare day by day, when to call");
  auto* plan_opt =
      cmd->add_option("--plan", options.plan, "Plan JSON from 'dermaplan plan --format json', or - for standard input");
  auto* id_opt = cmd->add_option("--plan-id", options.plan_id,
                                 "A course plan stored in --db (the patient's name and birth date from the record)");
  plan_opt->excludes(id_opt);
  cmd->add_option("--db", options.db, "With --plan-id: SQLite file, or a postgresql:// URL")->capture_default_str();
  cmd->add_option("--photo-dir", options.photo_dir, "With --plan-id: photo directory (as for 'dermaplan serve')");
  cmd->add_option("--out", options.out, "PDF file to write, or - for standard output")->required();
  cmd->add_option("--paper", options.paper, "a4 or letter")->capture_default_str();
  cmd->add_option("--copy", options.copy, "patient, or practitioner (adds the clinical detail)")->capture_default_str();
  cmd->add_option("--practice", options.practice, "Practice settings YAML (name, contact, warning signs)");
  auto* name_opt = cmd->add_option("--patient-name", options.patient_name, "With --plan: the patient's name as printed");
  auto* birth_opt = cmd->add_option("--birth-date", options.birth_date, "With --plan: the patient's birth date YYYY-MM-DD");
  name_opt->excludes(id_opt);
  birth_opt->excludes(id_opt);
  cmd->add_option("--date", options.date, "Date printed as 'prepared on' YYYY-MM-DD (default: today, UTC)");
  cmd->callback([&common] {
    if (options.plan.empty() && options.plan_id <= 0)
      throw InputError("--plan", "give --plan FILE (plan JSON) or --plan-id ID (a stored plan)");
    const interop::Paper paper = paper_option(options.paper);
    interop::HandoutCopy copy;
    if (options.copy == "patient") copy = interop::HandoutCopy::patient;
    else if (options.copy == "practitioner") copy = interop::HandoutCopy::practitioner;
    else throw InputError("--copy", fmt::format("'{}' is not accepted; accepted: patient, practitioner", options.copy));
    const CivilDate prepared_on = date_option(options.date, "--date");
    interop::Practice practice;
    if (!options.practice.empty()) practice = interop::load_practice(options.practice);
    const auto kb = load_kb(common);
    if (options.plan_id > 0) {
      records::StoreOptions store_options;
      store_options.photo_dir = options.photo_dir;
      auto store = records::open_store(options.db, store_options);
      clinic::HandoutRequest request;
      request.plan_id = options.plan_id;
      request.copy = copy;
      request.paper = paper;
      const auto document = clinic::plan_handout(*store, kb, practice, {0, "cli"}, request, prepared_on);
      write_output(options.out, document.bytes, "--out");
      return;
    }
    interop::HandoutInput input;
    input.copy = copy;
    input.prepared_on = prepared_on;
    input.practice = practice;
    if (!options.birth_date.empty()) input.patient_birth_date = date_option(options.birth_date, "--birth-date");
    input.patient_name = options.patient_name;
    const std::string text = read_input(options.plan, 4 << 20, "--plan");
    nlohmann::json plan;
    try {
      plan = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError("--plan", fmt::format("{} is not JSON (byte {})", options.plan, e.byte));
    }
    input.plan = interop::parse_plan_document(plan, "--plan ");
    for (const auto& risk : kb.risks) input.risks.push_back(risk.text);
    interop::DocumentOptions document;
    document.paper = paper;
    write_output(options.out, interop::handout_pdf(input, document), "--out");
  });
}

}  // namespace dermaplan::cli
