// Treatment sessions: planned and performed, signed (then immutable) and amended.
#include "clinic/patient_care.h"
#include "clinic/treatment_sessions.h"
#include "core/errors.h"
#include "core/storable_text.h"
#include "server/api_internal.h"
#include "server/views.h"

namespace dermaplan::server {

using nlohmann::json;

namespace {

/// The longest override reason taken (characters): a paragraph, not a document.
constexpr std::size_t kMaxOverrideReasonCharacters = 4000;

/// Reads every editable session field present in the body into `s`.
void session_fields(JsonBody& body, records::TreatmentSession& s, const kb::KnowledgeBase& kb) {
  if (auto v = body.integer("plan_id")) s.plan_id = *v;
  if (auto v = body.date("date")) s.session_date = *v;
  if (auto v = body.integer("practitioner_id")) s.practitioner_id = *v;
  if (auto v = body.text("device")) {
    if (!v->empty() && !kb.find_device(*v))
      throw ApiError::bad_request("unknown device '" + *v + "' (GET /api/kb/devices lists them)", "/device");
    s.device_id = *v;
  }
  if (const json* lengths = body.raw("needle_lengths")) {
    if (!lengths->is_array()) throw ApiError::bad_request("'needle_lengths' must be an array", "/needle_lengths");
    s.needle_lengths.clear();
    for (size_t i = 0; i < lengths->size(); ++i) {
      JsonBody item((*lengths)[i], "/needle_lengths/" + std::to_string(i));
      records::RegionNeedleLength n;
      n.region = item.required_text("region");
      if (!kb.find_region(n.region))
        throw ApiError::bad_request("unknown region '" + n.region + "'", item.field("region"));
      const auto mm = item.number("needle_length_mm");
      if (!mm || *mm <= 0 || *mm > 5)
        throw ApiError::bad_request("'needle_length_mm' must be a number in (0, 5]", item.field("needle_length_mm"));
      n.needle_length_mm = *mm;
      item.finish();
      s.needle_lengths.push_back(n);
    }
  }
  // Labels (a lot, a product) and notes, bounded as the record's other free text is; a label
  // is one line.
  const auto label = [&](const char* name) -> std::optional<std::string> {
    auto v = body.text(name);
    if (v) clinic::check_label_text(*v, body.field(name));
    return v;
  };
  const auto note = [&](const char* name) -> std::optional<std::string> {
    auto v = body.text(name);
    if (v) clinic::check_text_length(*v, clinic::kMaxNoteCharacters, body.field(name));
    return v;
  };
  if (auto v = label("lot_number")) s.lot_number = *v;
  if (auto v = body.integer("passes")) {
    if (*v < 0 || *v > 1000) throw ApiError::bad_request("'passes' must be 0..1000", "/passes");
    s.passes = static_cast<int>(*v);
  }
  if (auto v = label("directions")) s.directions = *v;
  if (auto v = label("anaesthetic")) s.anaesthetic = *v;
  if (auto v = body.integer("anaesthetic_minutes")) {
    if (*v < 0 || *v > 600) throw ApiError::bad_request("'anaesthetic_minutes' must be 0..600", "/anaesthetic_minutes");
    s.anaesthetic_minutes = static_cast<int>(*v);
  }
  if (auto v = label("end_point")) s.end_point = *v;
  if (auto v = note("products_applied")) s.products_applied = *v;
  if (auto v = note("notes")) s.notes = *v;
  if (auto v = body.text("status")) {
    auto status = records::parse_session_status(*v);
    if (!status || *status == records::SessionStatus::signed_off)
      throw ApiError::bad_request("status must be planned or performed (sign with POST .../sign)", "/status");
    s.status = *status;
  }
}

/// What the practitioner confirms with the step: acknowledged cautions, an override reason.
clinic::GateConfirmation gate_confirmation(JsonBody& body) {
  clinic::GateConfirmation c;
  c.acknowledged_cautions = body.texts("acknowledged_cautions").value_or(std::vector<std::string>{});
  c.override_reason = body.text("override_reason").value_or("");
  clinic::check_text_length(c.override_reason, kMaxOverrideReasonCharacters, "/override_reason");
  return c;
}

/// A performed session has happened; a planned one lies ahead (clinic::check_entry_date).
void check_session_date(Context& ctx, const records::TreatmentSession& s) {
  if (s.session_date.empty()) throw ApiError::bad_request("'date' is required (YYYY-MM-DD)", "/date");
  const auto patient = clinic::existing_patient(ctx.store, s.patient_id);
  clinic::check_entry_date(patient, s.session_date,
                           s.status == records::SessionStatus::planned ? clinic::EntryTime::planned
                                                                       : clinic::EntryTime::happened,
                           today_utc(), "/date");
}

Response create_session(Context& ctx, Call& call) {
  const long long patient_id = call.id();
  found(ctx.store.find_patient(patient_id), "patient", patient_id);
  const json doc = call.body();
  JsonBody body(doc);
  records::TreatmentSession s;
  s.patient_id = patient_id;
  session_fields(body, s, ctx.kb);
  const auto confirmation = gate_confirmation(body);
  body.finish();
  check_session_date(ctx, s);
  return json_response(201, to_json(clinic::create_session(ctx.store, ctx.kb, call.who->user, s, confirmation)));
}

json session_with_amendments(Context& ctx, const records::TreatmentSession& s) {
  json j = to_json(s);
  j["amendments"] = json::array();
  for (const auto& a : ctx.store.list_amendments(s.id)) j["amendments"].push_back(to_json(a));
  return j;
}

records::TreatmentSession existing_session(Context& ctx, long long id) {
  auto s = found(ctx.store.find_session(id), "session", id);
  if (!ctx.store.find_patient(s.patient_id)) throw ApiError::not_found("no session with id " + std::to_string(id));
  return s;
}

Response get_session(Context& ctx, Call& call) {
  const auto s = existing_session(ctx, call.id());
  json j = session_with_amendments(ctx, s);
  audit_read(ctx, call, "session", s.id);
  return json_response(200, j);
}

Response update_session(Context& ctx, Call& call) {
  auto s = existing_session(ctx, call.id());
  if (s.status == records::SessionStatus::signed_off)
    throw ApiError(409, "signed", "session " + std::to_string(s.id) + " is signed; add an amendment instead");
  const json doc = call.body();
  refuse_null_fields(doc);
  JsonBody body(doc);
  s.row_version = body.required_integer("row_version");
  session_fields(body, s, ctx.kb);
  const auto confirmation = gate_confirmation(body);
  body.finish();
  check_session_date(ctx, s);
  return json_response(200, to_json(clinic::update_session(ctx.store, ctx.kb, call.who->user, s, confirmation)));
}

Response sign_session(Context& ctx, Call& call) {
  const auto s = existing_session(ctx, call.id());
  const json doc = call.body();
  JsonBody body(doc);
  const long long row_version = body.required_integer("row_version");
  const auto confirmation = gate_confirmation(body);
  body.finish();
  return json_response(
      200, to_json(clinic::sign_session(ctx.store, ctx.kb, call.who->user, s.id, row_version, confirmation)));
}

/// What the treatment gate says about the session as stored (the sign dialog's recap).
Response session_gate(Context& ctx, Call& call) {
  const auto s = existing_session(ctx, call.id());
  json j = clinic::to_json(clinic::evaluate_stored_gate(ctx.store, ctx.kb, s.id));
  j["session_id"] = s.id;
  j["status"] = records::to_string(s.status);
  audit_read(ctx, call, "session", s.id, json{{"gate", true}}.dump());
  return json_response(200, j);
}

/// The amendable fields by the names a session has in the API ("date", "device"), each with
/// the name the record keeps ("session_date", "device_id"; accepted too, as before).
const std::vector<std::pair<std::string, std::string>>& amendable_fields_by_body_name() {
  static const std::vector<std::pair<std::string, std::string>> names = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : records::amendable_session_fields())
      out.emplace_back(f == "session_date" ? "date" : f == "device_id" ? "device" : f, f);
    return out;
  }();
  return names;
}

/// The record's name of the field an amendment names (either name); 400 at /field listing them.
std::string amended_field(const std::string& named) {
  std::string accepted;
  for (const auto& [body_name, record_name] : amendable_fields_by_body_name()) {
    if (named == body_name || named == record_name) return record_name;
    accepted += (accepted.empty() ? "" : ", ") + body_name;
  }
  throw ApiError::bad_request("'" + named + "' cannot be amended; accepted: " + accepted +
                                  " (session_date and device_id name date and device too)",
                              "/field");
}

/// An amended value meets the rules an edit of the field meets (its type, a known device and
/// regions, lengths in range and at least one, a real date the session can have, a practitioner
/// who may treat, a lot number for a single-use device): the same reader as the session's own
/// fields, on a copy. Errors name "/new_value" (and the place inside it).
void check_amended_value(Context& ctx, const records::TreatmentSession& s, const std::string& field,
                         const json& value) {
  std::string name = field;
  for (const auto& [body_name, record_name] : amendable_fields_by_body_name())
    if (record_name == field) name = body_name;
  records::TreatmentSession amended = s;
  const json one = json{{name, value}};
  try {
    JsonBody body(one);
    session_fields(body, amended, ctx.kb);
    body.finish();
    if (field == "session_date") {
      amended.status = records::SessionStatus::performed;  // it has happened
      check_session_date(ctx, amended);
    }
    if (field == "practitioner_id") clinic::check_practitioner(ctx.store, amended.practitioner_id, "/" + name);
    if (field == "needle_lengths" && amended.needle_lengths.empty())
      throw ApiError::bad_request("a performed session records the needle length used on each treated region: "
                                  "give at least one {region, needle_length_mm}",
                                  "/" + name);
    if (field == "lot_number" || field == "device_id") {
      const kb::Device* device = ctx.kb.find_device(amended.device_id);
      if (device && device->single_use && count_visible_characters(amended.lot_number) == 0)
        throw ApiError::bad_request(device->name + " is single-use: its lot number cannot be blank", "/" + name);
    }
  } catch (const ApiError& e) {
    if (e.status() != 400) throw;
    const std::string& at = e.field();  // "/device", "/needle_lengths/0/region"
    const size_t rest = at.find('/', 1);
    throw ApiError::bad_request(e.what(), "/new_value" + (rest == std::string::npos ? "" : at.substr(rest)));
  } catch (const dermaplan::InputError& e) {
    const std::string& at = e.where();
    const size_t rest = at.find('/', 1);
    throw ApiError::bad_request(e.message(), "/new_value" + (rest == std::string::npos ? "" : at.substr(rest)));
  }
}

/// An amendment's value as the record keeps it: text as it is, anything else as JSON.
std::string value_text(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

Response add_amendment(Context& ctx, Call& call) {
  const auto s = existing_session(ctx, call.id());
  const json doc = call.body();
  JsonBody body(doc);
  const std::string named = body.required_text("field");
  const json* value = body.raw("new_value");
  const json* old_value = body.raw("old_value");
  const std::string reason = body.required_text("reason");
  body.finish();
  const std::string field = amended_field(named);
  if (s.status != records::SessionStatus::signed_off)
    throw ApiError(409, "not_signed",
                   "session " + std::to_string(s.id) + " is " + records::to_string(s.status) +
                       ", not signed: edit it with PUT /api/sessions/" + std::to_string(s.id) +
                       "; amendments correct signed sessions");
  if (!value || value->is_null()) throw ApiError::bad_request("'new_value' is required", "/new_value");
  // What the author read: a correction never silently supersedes one its author did not see.
  if (!old_value || old_value->is_null())
    throw ApiError::bad_request("'old_value' is required: the value in force that the amendment corrects, as "
                                "read (the field's last amendment's new_value, else the session's own value)",
                                "/old_value");
  if (!old_value->is_string() && !old_value->is_number_integer() && !old_value->is_array())
    throw ApiError::bad_request("'old_value' must be the value as read: text, a whole number or a list", "/old_value");
  check_amended_value(ctx, s, field, *value);
  clinic::check_text_length(reason, clinic::kMaxNoteCharacters, "/reason");
  clinic::check_written_reason(reason, "/reason", "an amendment must say why the value is corrected");
  return json_response(201, to_json(ctx.store.add_amendment(call.actor(), s.id, field, value_text(*value), reason,
                                                            value_text(*old_value))));
}

}  // namespace

void add_session_routes(std::vector<Route>& routes) {
  using P = Permission;
  routes.push_back({"POST", "/api/patients/{id}/sessions", P::edit_sessions, create_session});
  routes.push_back({"GET", "/api/sessions/{id}", P::read_patients, get_session});
  routes.push_back({"PUT", "/api/sessions/{id}", P::edit_sessions, update_session});
  routes.push_back({"GET", "/api/sessions/{id}/gate", P::read_patients, session_gate});
  routes.push_back({"POST", "/api/sessions/{id}/sign", P::sign_sessions, sign_session});
  routes.push_back({"POST", "/api/sessions/{id}/amendments", P::sign_sessions, add_amendment});
}

}  // namespace dermaplan::server
