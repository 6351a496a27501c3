// Documents and exports: the handout and calendar of a stored plan, the PDF of a recorded
// consent, a patient's record as FHIR, a patient imported from FHIR, and the practice's tables
// as CSV. The use cases (src/clinic/documents.h, exports.h) read, render and audit; these
// handlers only translate.
#include "clinic/documents.h"
#include "clinic/exports.h"
#include "core/civil_date.h"
#include "core/json_text.h"
#include "server/api_internal.h"
#include "server/views.h"

#include <fmt/format.h>

#include <sstream>

namespace dermaplan::server {

using nlohmann::json;

namespace {

/// Largest FHIR document POST /api/patients/import accepts.
constexpr size_t kMaxImportBytes = 16u << 20;

/// The whole document in the body; `disposition` "inline" (PDFs open in the browser) or
/// "attachment" (files to keep: calendars, exports).
Response document_response(const clinic::Document& document, const char* disposition) {
  Response r;
  r.body = document.bytes;
  r.content_type = document.content_type;
  r.headers.emplace_back("Content-Disposition", fmt::format("{}; filename=\"{}\"", disposition, document.file_name));
  return r;
}

interop::Paper paper_query(const Call& call) {
  if (!call.request.has_query("paper")) return interop::Paper::a4;
  const auto paper = interop::parse_paper(call.request.query_value("paper"));
  if (!paper) throw ApiError::bad_request("'paper' must be a4 or letter", "?paper");
  return *paper;
}

Response plan_handout(Context& ctx, Call& call) {
  clinic::HandoutRequest request;
  request.plan_id = call.id();
  request.paper = paper_query(call);
  const std::string copy = call.request.has_query("copy") ? call.request.query_value("copy") : "patient";
  if (copy == "practitioner") request.copy = interop::HandoutCopy::practitioner;
  else if (copy != "patient") throw ApiError::bad_request("'copy' must be patient or practitioner", "?copy");
  return document_response(
      clinic::plan_handout(ctx.store, ctx.kb, ctx.options.practice, call.actor(), request, today_utc()), "inline");
}

Response plan_calendar(Context& ctx, Call& call) {
  clinic::CalendarRequest request;
  request.plan_id = call.id();
  request.stamp_ms = ctx.clock();
  request.product_version = ctx.options.program_version;
  return document_response(clinic::plan_calendar(ctx.store, ctx.options.practice, call.actor(), request),
                           "attachment");
}

Response consent_pdf(Context& ctx, Call& call) {
  clinic::ConsentDocumentRequest request;
  request.patient_id = call.id();
  request.consent_id = call.id("cid");
  request.paper = paper_query(call);
  return document_response(clinic::consent_document(ctx.store, ctx.options.practice, call.actor(), request), "inline");
}

Response patient_fhir(Context& ctx, Call& call) {
  clinic::PatientFhirRequest request;
  request.patient_id = call.id();
  request.now_ms = ctx.clock();
  request.photo_url_prefix = "/api/photos/";
  Response r = json_response(200, clinic::patient_fhir_bundle(ctx.store, ctx.kb, call.actor(), request));
  r.content_type = "application/fhir+json";
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=\"patient-{}.fhir.json\"", request.patient_id));
  return r;
}

Response import_patient(Context& ctx, Call& call) {
  CivilDate as_of = today_utc();  // checked against today in import_fhir_patient
  if (call.request.has_query("date")) {
    const auto date = parse_civil_date(call.request.query_value("date"));
    if (!date) throw ApiError::bad_request("'date' must be YYYY-MM-DD", "?date");
    as_of = *date;
  }
  const json document = parse_body(call.request.body, kMaxImportBytes);
  const auto imported = clinic::import_fhir_patient(ctx.store, ctx.kb, call.actor(), document, as_of, today_utc(), "?date");
  json intakes = json::array(), skipped = json::array(), merged = json::array();
  for (const auto& i : imported.intakes) intakes.push_back({{"id", i.id}, {"version", i.version}});
  for (const auto& s : imported.skipped)
    skipped.push_back({{"path", s.path}, {"resource_type", s.resource_type}, {"reason", s.reason}});
  for (const auto& m : imported.merged)
    merged.push_back({{"path", m.path}, {"resource_type", m.resource_type}, {"into", m.into}, {"reason", m.reason}});
  return json_response(201, {{"patient", to_json(imported.patient)},
                             {"intakes", intakes},
                             {"skipped", skipped},
                             {"merged", merged}});
}

Response export_table(Context& ctx, Call& call) {
  const std::string table = call.params["table"];
  std::ostringstream out;
  clinic::export_csv_table(ctx.store, call.actor(), table, out);
  Response r;
  r.body = std::move(out).str();
  r.content_type = "text/csv; charset=utf-8; header=present";
  r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}.csv\"", table));
  return r;
}

}  // namespace

void add_document_routes(std::vector<Route>& routes) {
  using P = Permission;
  routes.push_back({"GET", "/api/plans/{id}/handout.pdf", P::read_patients, plan_handout, kMaxJsonBytes, {"paper", "copy"}});
  routes.push_back({"GET", "/api/plans/{id}/calendar.ics", P::read_patients, plan_calendar});
  routes.push_back({"GET", "/api/patients/{id}/consents/{cid}.pdf", P::read_patients, consent_pdf, kMaxJsonBytes, {"paper"}});
  routes.push_back({"GET", "/api/patients/{id}/fhir", P::export_records, patient_fhir});
  routes.push_back({"POST", "/api/patients/import", P::write_patients, import_patient, kMaxImportBytes, {"date"}});
  routes.push_back({"GET", "/api/export/{table}.csv", P::administer, export_table});
}

}  // namespace dermaplan::server
