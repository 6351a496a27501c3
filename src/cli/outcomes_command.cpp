// `dermaplan outcomes`: the practice outcomes report read from the record (docs/outcomes.md):
// cohorts grouped as asked, change from baseline with intervals, responder and adverse-event
// rates, small cells withheld, the published results beside them; text, JSON or CSV on standard
// output and optionally the chart as PNG. Audited as a read by the actor "cli" (an operator
// with the database in hand sees what an administrator sees). Observational, not a trial.
#include "cli/cli_support.h"
#include "clinic/outcomes.h"
#include "core/errors.h"
#include "outcomes/render.h"
#include "records/store.h"

#include <fmt/format.h>

#include <iostream>

namespace dermaplan::cli {

namespace {
struct OutcomesOptions {
  std::string db = "dermaplan.db";
  std::string photo_dir;
  clinic::OutcomesFilters filters;
  std::string format = "text";
  std::string plot;
  std::string date;
};
}  // namespace

void add_outcomes_command(CLI::App& app, CommonOptions& common) {
  static OutcomesOptions options;
  auto* cmd = app.add_subcommand("outcomes", "The practice's own outcomes from the record, beside the published "
                                             "results (observational, not a trial; cells under --min-cell withheld)");
  cmd->add_option("--db", options.db, "SQLite file, or a postgresql:// URL")->capture_default_str();
  cmd->add_option("--photo-dir", options.photo_dir, "Photo directory (as for 'dermaplan serve')");
  cmd->add_option("--by", options.filters.by,
                  "Group by, comma-separated: indication, region, device, needle-length, sessions, interval, "
                  "fitzpatrick, sex, age, practitioner, period (default: indication)");
  cmd->add_option("--scale", options.filters.scale, "Only this outcome scale (default: every one)");
  cmd->add_option("--indication", options.filters.indication, "Only these indications, comma-separated");
  cmd->add_option("--from", options.filters.from, "Courses whose first session is on or after YYYY-MM-DD");
  cmd->add_option("--to", options.filters.to, "... and on or before YYYY-MM-DD");
  cmd->add_option("--min-cell", options.filters.min_cell, "Withhold cells under this many patients (default 5, at least 3)");
  cmd->add_option("--format", options.format, "text, json or csv")->capture_default_str();
  cmd->add_option("--plot", options.plot, "Also write the chart (score change by week, adverse events by device) as PNG");
  cmd->add_option("--date", options.date, "The report date YYYY-MM-DD (default: today, UTC)");
  cmd->callback([&common] {
    if (options.format != "text" && options.format != "json" && options.format != "csv")
      throw InputError("--format", fmt::format("'{}' is not accepted; accepted: text, json, csv", options.format));
    const CivilDate as_of = date_option(options.date, "--date");
    outcomes::ReportRequest request;
    try {
      request = clinic::outcomes_request(options.filters, as_of);
    } catch (const InputError& e) {
      throw as_option_error(e, {{"by", "--by"}, {"scale", "--scale"}, {"indication", "--indication"},
                                {"from", "--from"}, {"to", "--to"}, {"min_cell", "--min-cell"}});
    }
    const auto kb = load_kb(common);
    records::StoreOptions store_options;
    store_options.photo_dir = options.photo_dir;
    auto store = records::open_store(options.db, store_options);
    outcomes::OutcomesReport report;
    try {
      report = clinic::practice_outcomes(*store, kb, {0, "cli"}, records::Role::admin, request);
    } catch (const InputError& e) {
      throw as_option_error(e, {{"scale", "--scale"}, {"indication", "--indication"}});
    }
    if (!options.plot.empty()) write_output(options.plot, outcomes::report_png(report, request.scale), "--plot");
    if (options.format == "json") std::cout << outcomes::report_to_json(report).dump(2) << "\n";
    else if (options.format == "csv") std::cout << outcomes::report_to_csv(report);
    else std::cout << outcomes::report_to_text(report);
  });
}

}  // namespace dermaplan::cli
