// `dermaplan plan`: the planning engine on an intake file.
#include "cli/cli_support.h"
#include "clinic/engine_requests.h"
#include "core/errors.h"
#include "core/json_text.h"
#include "interop/icalendar.h"
#include "records/sha256.h"
#include "records/store.h"

#include <fmt/format.h>

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
  std::string calendar_id;
};
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
  cmd->add_option("--format", options.format, "text, json, or ics (iCalendar: sessions, preparation, aftercare)")
      ->capture_default_str();
  cmd->add_option("--calendar-id", options.calendar_id,
                  "With --format ics: the key the event UIDs derive from (default: a digest of the intake, "
                  "indication and areas, so exporting again updates the same events)");
  cmd->callback([&common] {
    if (options.format != "text" && options.format != "json" && options.format != "ics")
      throw InputError("--format", fmt::format("'{}' is not accepted; accepted: text, json, ics", options.format));
    const bool as_ics = options.format == "ics";
    const bool as_json = options.format == "json";
    clinic::PlanCourseRequest request;
    request.date = date_option(options.date, "--date");
    request.plan.indication = options.indication;
    request.plan.areas = options.areas;
    if (!options.start.empty()) request.plan.start = date_option(options.start, "--start");
    if (!options.device.empty()) request.plan.device = options.device;
    const auto kb = load_kb(common);
    const std::string text = read_input(options.intake, screening::kMaxIntakeBytes, "--intake");
    request.intake = parse_json_text(text, screening::kMaxIntakeBytes, "--intake");
    planning::CoursePlan plan;
    try {
      plan = clinic::plan_request(kb, request, today_utc());
    } catch (const InputError& e) {
      throw as_option_error(e, {{"/areas", "--area"},
                                {"/indication", "--indication"},
                                {"/device", "--device"},
                                {"/start", "--start"},
                                {"/intake", "--intake", true}});
    }
    if (as_ics) {
      interop::CalendarOptions calendar;
      calendar.series = options.calendar_id;
      if (calendar.series.empty()) {
        std::string key = options.indication + "\n" + text;
        for (const auto& area : options.areas) key += "\n" + area;
        calendar.series = "plan-" + records::sha256_hex(key).substr(0, 16);
      }
      calendar.stamp_ms = records::system_now_ms();
      calendar.product_version = DERMAPLAN_VERSION;
      std::cout << interop::plan_calendar(interop::parse_plan_document(planning::to_json(plan, kb)), calendar);
    } else if (as_json) {
      std::cout << planning::to_json(plan, kb).dump(2) << "\n";
    } else {
      std::cout << planning::to_text(plan, kb);
    }
  });
}

}  // namespace dermaplan::cli
