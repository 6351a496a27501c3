#include "cli/cli_support.h"
#include "core/errors.h"
#include "planning/course_plan.h"

#include <iostream>

namespace dermaplan::cli {

namespace {
struct PlanOptions {
  std::string intake;
  std::string indication;
  std::vector<std::string> areas;
  std::string date;
  std::string start;
  std::string device;
  std::string format = "text";
};

/// Engine errors name the request field; the CLI names its option.
InputError as_option_error(const InputError& e) {
  const std::string& where = e.where();
  const std::string option = where == "indication" ? "--indication"
                             : where == "area"     ? "--area"
                             : where == "device"   ? "--device"
                             : where == "start"    ? "--start"
                                                   : where;
  std::string message = e.what();
  if (message.rfind(where + ": ", 0) == 0) message = message.substr(where.size() + 2);
  return InputError(option, message);
}
}  // namespace

void add_plan_command(CLI::App& app, CommonOptions& common) {
  static PlanOptions options;
  auto* cmd = app.add_subcommand("plan", "Plan a course: device, needle length per region, dated sessions, "
                                         "preparation and aftercare");
  cmd->add_option("--intake", options.intake, "Intake JSON file, or - for standard input")->required();
  cmd->add_option("--indication", options.indication, "Indication id (see 'dermaplan kb list indications')")
      ->required();
  cmd->add_option("--area", options.areas, "Region id (repeatable); default: the indication's typical regions");
  cmd->add_option("--date", options.date, "Planning date YYYY-MM-DD (default: today, UTC)");
  cmd->add_option("--start", options.start, "First session no earlier than YYYY-MM-DD (default: --date)");
  cmd->add_option("--device", options.device, "Device id (see 'dermaplan kb list devices')");
  cmd->add_option("--format", options.format, "json or text")->capture_default_str();
  cmd->callback([&common] {
    const bool as_json = json_format(options.format);
    const CivilDate as_of = date_option(options.date, "--date");
    const auto kb = load_kb(common);
    const std::string text = read_input(options.intake, screening::kMaxIntakeBytes, "--intake");
    const auto intake = screening::parse_intake_text(text, kb, as_of);
    planning::PlanRequest request;
    request.indication = options.indication;
    request.areas = options.areas;
    if (!options.start.empty()) request.start = date_option(options.start, "--start");
    if (!options.device.empty()) request.device = options.device;
    planning::CoursePlan plan;
    try {
      plan = planning::plan_course(intake, kb, as_of, request);
    } catch (const InputError& e) {
      throw as_option_error(e);
    }
    if (as_json) std::cout << planning::to_json(plan, kb).dump(2) << "\n";
    else std::cout << planning::to_text(plan, kb);
  });
}

}  // namespace dermaplan::cli
