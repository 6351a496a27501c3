// `dermaplan handout`: the patient handout of a course plan as PDF, from the plan JSON of
// `dermaplan plan --format json` (a file or standard input).
#include "cli/cli_support.h"
#include "core/errors.h"
#include "interop/documents.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace dermaplan::cli {

namespace {
struct HandoutOptions {
  std::string plan;
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
  cmd->add_option("--plan", options.plan, "Plan JSON from 'dermaplan plan --format json', or - for standard input")
      ->required();
  cmd->add_option("--out", options.out, "PDF file to write, or - for standard output")->required();
  cmd->add_option("--paper", options.paper, "a4 or letter")->capture_default_str();
  cmd->add_option("--copy", options.copy, "patient, or practitioner (adds the clinical detail)")->capture_default_str();
  cmd->add_option("--practice", options.practice, "Practice settings YAML (name, contact, warning signs)");
  cmd->add_option("--patient-name", options.patient_name, "The patient's name as printed");
  cmd->add_option("--birth-date", options.birth_date, "The patient's birth date YYYY-MM-DD");
  cmd->add_option("--date", options.date, "Date printed as 'prepared on' YYYY-MM-DD (default: today, UTC)");
  cmd->callback([&common] {
    interop::HandoutInput input;
    const interop::Paper paper = paper_option(options.paper);
    if (options.copy == "patient") input.copy = interop::HandoutCopy::patient;
    else if (options.copy == "practitioner") input.copy = interop::HandoutCopy::practitioner;
    else throw InputError("--copy", fmt::format("'{}' is not accepted; accepted: patient, practitioner", options.copy));
    input.prepared_on = date_option(options.date, "--date");
    if (!options.birth_date.empty()) input.patient_birth_date = date_option(options.birth_date, "--birth-date");
    input.patient_name = options.patient_name;
    if (!options.practice.empty()) input.practice = interop::load_practice(options.practice);
    const std::string text = read_input(options.plan, 4 << 20, "--plan");
    nlohmann::json plan;
    try {
      plan = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError("--plan", fmt::format("{} is not JSON (byte {})", options.plan, e.byte));
    }
    input.plan = interop::parse_plan_document(plan, "--plan ");
    const auto kb = load_kb(common);
    for (const auto& risk : kb.risks) input.risks.push_back(risk.text);
    interop::DocumentOptions document;
    document.paper = paper;
    write_output(options.out, interop::handout_pdf(input, document), "--out");
  });
}

}  // namespace dermaplan::cli
