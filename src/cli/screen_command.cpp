// `dermaplan screen`: the screening engine on an intake file.
#include "cli/cli_support.h"
#include "clinic/engine_requests.h"
#include "core/json_text.h"

#include <iostream>

namespace dermaplan::cli {

namespace {
struct ScreenOptions {
  std::string intake;
  std::string date;
  std::vector<std::string> areas;
  std::string format = "text";
};
}  // namespace

void add_screen_command(CLI::App& app, CommonOptions& common) {
  static ScreenOptions options;
  auto* cmd = app.add_subcommand("screen", "Screen an intake for contraindications and precautions");
  cmd->add_option("--intake", options.intake, "Intake JSON file, or - for standard input")->required();
  cmd->add_option("--date", options.date, "Screening date YYYY-MM-DD (default: today, UTC)");
  cmd->add_option("--area", options.areas, "Treated region id (repeatable); default: any area");
  cmd->add_option("--format", options.format, "json or text")->capture_default_str();
  cmd->callback([&common] {
    const bool as_json = json_format(options.format);
    clinic::ScreenRequest request;
    request.date = date_option(options.date, "--date");
    request.areas = options.areas;
    const auto kb = load_kb(common);
    request.intake = parse_json_text(read_input(options.intake, screening::kMaxIntakeBytes, "--intake"),
                                     screening::kMaxIntakeBytes, "--intake");
    screening::ScreeningResult result;
    try {
      result = clinic::screen_request(kb, request, today_utc());
    } catch (const InputError& e) {
      throw as_option_error(e, {{"/areas", "--area"}, {"/intake", "--intake", true}});
    }
    if (as_json) std::cout << screening::to_json(result).dump(2) << "\n";
    else std::cout << screening::to_text(result);
  });
}

}  // namespace dermaplan::cli
