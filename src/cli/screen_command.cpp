#include "cli/cli_support.h"
#include "core/errors.h"
#include "screening/screening.h"

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
    const CivilDate as_of = date_option(options.date, "--date");
    const auto kb = load_kb(common);
    for (const auto& area : options.areas)
      if (!kb.find_region(area)) {
        std::string accepted;
        for (const auto& r : kb.regions) accepted += (accepted.empty() ? "" : ", ") + r.id;
        throw InputError("--area", "unknown region '" + area + "'; accepted: " + accepted);
      }
    const std::string text = read_input(options.intake, screening::kMaxIntakeBytes, "--intake");
    const auto intake = screening::parse_intake_text(text, kb, as_of);
    const auto result = screening::screen(intake, kb, as_of, options.areas);
    if (as_json) std::cout << screening::to_json(result).dump(2) << "\n";
    else std::cout << screening::to_text(result);
  });
}

}  // namespace dermaplan::cli
