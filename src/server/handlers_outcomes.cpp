// The practice outcomes report (docs/outcomes.md): GET /api/outcomes as JSON or CSV and
// GET /api/outcomes/chart.png, for practitioners and admins (grouping by practitioner: admins
// only). The use case (src/clinic/outcomes.h) reads the record, builds and audits the report;
// these handlers only translate query parameters and errors ("?by", "?min_cell", ...).
#include "clinic/failure.h"
#include "clinic/outcomes.h"
#include "core/civil_date.h"
#include "core/errors.h"
#include "outcomes/render.h"
#include "server/api_internal.h"

#include <fmt/format.h>

namespace dermaplan::server {

namespace {

/// The report's query parameters (anything else is refused: a typo cannot silently widen a
/// report); the chart reads the same and refuses 'format' itself.
const std::vector<std::string> kParameters = {"by", "scale", "indication", "from", "to", "min_cell", "format"};

outcomes::OutcomesReport report_for(Context& ctx, const Call& call) {
  clinic::OutcomesFilters filters;
  filters.by = call.request.query_value("by");
  filters.scale = call.request.query_value("scale");
  filters.indication = call.request.query_value("indication");
  filters.from = call.request.query_value("from");
  filters.to = call.request.query_value("to");
  filters.min_cell = call.request.query_value("min_cell");
  try {
    const auto request = clinic::outcomes_request(filters, today_utc());
    return clinic::practice_outcomes(ctx.store, ctx.kb, call.actor(), call.who->user.role, request);
  } catch (const InputError& e) {
    throw ApiError::bad_request(e.message(), "?" + e.where());
  } catch (const clinic::ClinicError& e) {
    // The use case names the filter (the practitioner dimension); here it is a query parameter.
    const clinic::Failure f = clinic::describe_failure(std::current_exception());
    throw ApiError(clinic::http_status(f.kind), f.code, f.message, "?" + f.where);
  }
}

Response outcomes_report(Context& ctx, Call& call) {
  const std::string format = call.request.has_query("format") ? call.request.query_value("format") : "json";
  if (format != "json" && format != "csv")
    throw ApiError::bad_request(fmt::format("'format' must be json or csv, not '{}'", format), "?format");
  const auto report = report_for(ctx, call);
  if (format == "json") return json_response(200, outcomes::report_to_json(report));
  Response r;
  r.body = outcomes::report_to_csv(report);
  r.content_type = "text/csv; charset=utf-8; header=present";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"practice-outcomes.csv\"");
  return r;
}

Response outcomes_chart(Context& ctx, Call& call) {
  if (call.request.has_query("format")) throw ApiError::bad_request("the chart is always PNG", "?format");
  const auto report = report_for(ctx, call);
  Response r;
  r.body = outcomes::report_png(report, report.request.scale);
  r.content_type = "image/png";
  return r;
}

}  // namespace

void add_outcome_routes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/outcomes", Permission::read_outcomes, outcomes_report, kMaxJsonBytes, kParameters});
  routes.push_back({"GET", "/api/outcomes/chart.png", Permission::read_outcomes, outcomes_chart, kMaxJsonBytes, kParameters});
}

}  // namespace dermaplan::server
