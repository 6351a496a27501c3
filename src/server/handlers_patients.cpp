// Patients and what hangs off them: intakes (screened on entry), consents, course plans,
// adverse events, outcome assessments, photos; lot tracing and the day's agenda.
#include "clinic/consent.h"
#include "clinic/patient_care.h"
#include "clinic/patient_status.h"
#include "core/civil_date.h"
#include "core/storable_text.h"
#include "server/api_internal.h"
#include "server/views.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>

#include <cmath>

namespace dermaplan::server {

using nlohmann::json;

namespace {

/// A search (`q`) or an id in a query: at most this many bytes.
constexpr size_t kMaxQueryBytes = 200;

/// A consent carries its signature image as base64 (at most 1 MiB of image).
constexpr size_t kMaxConsentBodyBytes = 4u << 20;

/// Records larger than this are not kept in memory (256 records of this size: 64 MiB).
constexpr size_t kMaxCachedRecordBytes = 256u << 10;

records::Patient live_patient(Context& ctx, long long id) {
  return found(ctx.store.find_patient(id), "patient", id);
}

/// A list cursor as the API shows it: base64url of "<id>.<row version>" of the page's last
/// patient (opaque to clients, and no name: it goes into URLs and their logs).
std::string encode_cursor(const records::PatientCursor& c) {
  const std::string raw = std::to_string(c.id) + "." + std::to_string(c.row_version);
  std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

ApiError not_a_cursor(const std::string& why) {
  return ApiError::bad_request("'after' is not a cursor this list returned (its 'next'): " + why, "?after");
}

records::PatientCursor decode_cursor(const std::string& text) {
  std::string raw(text.size(), '\0');
  size_t length = 0;
  if (text.size() > 64 ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), text.data(), text.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    throw not_a_cursor("not base64url");
  raw.resize(length);
  // Two numbers of at most 18 digits (no sign, no leading zero) around one dot.
  const auto number = [](const std::string& digits) -> std::optional<long long> {
    if (digits.empty() || digits.size() > 18 || digits[0] == '0' ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    return std::stoll(digits);
  };
  const auto dot = raw.find('.');
  const auto id = dot == std::string::npos ? std::nullopt : number(raw.substr(0, dot));
  const auto version = dot == std::string::npos ? std::nullopt : number(raw.substr(dot + 1));
  if (!id || !version) throw not_a_cursor("not a place in the list");
  return records::PatientCursor{*id, *version};
}

/// The page, with the store's refusal of a cursor said at ?after.
records::PatientPage read_patient_page(Context& ctx, const records::PatientQuery& q) {
  try {
    return ctx.store.list_patients(q);
  } catch (const records::RecordError& e) {
    if (!q.after || e.where() != "after") throw;
    if (e.code() == records::RecordErrorCode::conflict) throw ApiError(409, "conflict", e.message(), "?after");
    throw not_a_cursor(e.message());
  }
}

Response list_patients(Context& ctx, Call& call) {
  records::PatientQuery q;
  q.name_contains = call.request.query_value("q");
  if (q.name_contains.size() > kMaxQueryBytes)
    throw ApiError::bad_request(fmt::format("'q' may have at most {} bytes of UTF-8 (got {})", kMaxQueryBytes,
                                            q.name_contains.size()),
                                "?q");
  q.limit = static_cast<int>(query_integer(call, "limit", 50, 1, 200));
  q.offset = static_cast<int>(query_integer(call, "offset", 0, 0, 1 << 30));
  const std::string after = call.request.query_value("after");
  if (!after.empty()) {
    if (q.offset != 0) throw ApiError::bad_request("give 'after' or 'offset', not both", "?offset");
    q.after = decode_cursor(after);
  }
  const std::string key = fmt::format("{}\n{}\n{}\n{}", q.limit, q.offset, after, q.name_contains);
  const long long now = ctx.clock();
  const long long change_seq = ctx.store.change_seq();  // before the page is read
  auto page = ctx.patient_pages.find(key, now, change_seq);
  std::unique_lock<std::mutex> filling;
  if (!page) {
    filling = std::unique_lock(ctx.patient_page_fill);
    page = ctx.patient_pages.find(key, now, change_seq);  // filled while this one waited
  }
  if (!page) {
    const auto generation = ctx.patient_pages.generation();
    const auto found = read_patient_page(ctx, q);
    json patients = json::array();
    std::vector<long long> ids;
    for (const auto& p : found.patients) ids.push_back(p.id);
    std::map<std::string, std::string> forms;
    // The page's statuses in three store queries, not three per patient.
    const auto statuses = clinic::patient_statuses(ctx.store, ctx.kb, ids, forms);
    for (std::size_t i = 0; i < found.patients.size(); ++i) {
      json j = to_json(found.patients[i]);
      j["status"] = clinic::to_json(statuses[i]);
      patients.push_back(std::move(j));
    }
    json body = json::object();
    body["patients"] = std::move(patients);
    body["total"] = found.total;
    body["total_is_lower_bound"] = found.total_is_lower_bound;
    body["limit"] = q.limit;
    body["offset"] = q.offset;
    body["next"] = found.next ? json(encode_cursor(*found.next)) : json(nullptr);
    // Demo data present: the web can say so on every page (dermaplan demo-data).
    body["demo_patients"] = ctx.store.count_patients().demo;
    json list = {{"q", q.name_contains}, {"offset", q.offset}};
    if (q.after) list["after"] = after;
    page = PageCache::Page{json_response(200, body).body, json{{"list", std::move(list)}, {"ids", std::move(ids)}}.dump()};
    ctx.patient_pages.put(key, *page, generation, now, change_seq);
  }
  if (filling.owns_lock()) filling.unlock();
  // Every read is audited, from the cache or not.
  audit_read(ctx, call, "patient", 0, page->audit);
  Response r;
  r.body = std::move(page->body);
  return r;
}

void patient_fields(const json& doc, JsonBody& body, records::Patient& p, bool creating) {
  // null is not "leave it out": every field is a string ("" clears notes and sex).
  for (const char* name : {"name", "birth_date", "sex", "notes"})
    if (doc.is_object() && doc.contains(name) && doc[name].is_null())
      throw ApiError::bad_request(fmt::format("'{}' must be a string, not null{}", name,
                                              std::string_view(name) == "notes" || std::string_view(name) == "sex"
                                                  ? " (\"\" clears it)"
                                                  : ""),
                                  std::string("/") + name);
  if (creating) {
    p.name = body.required_text("name");
    clinic::check_patient_name(p.name);
  } else if (auto v = body.text("name")) {  // a name stored before the rule stays editable otherwise
    clinic::check_patient_name(*v);
    p.name = *v;
  }
  if (auto v = body.date("birth_date")) {
    clinic::check_patient_birth_date(*v, today_utc());
    p.birth_date = *v;
  } else if (creating) {
    throw ApiError::bad_request("'birth_date' is required (YYYY-MM-DD)", "/birth_date");
  }
  if (auto v = body.text("sex")) {
    clinic::check_patient_sex(*v);
    p.sex = *v;
  }
  if (auto v = body.text("notes")) {
    clinic::check_text_length(*v, clinic::kMaxNoteCharacters, "/notes");
    p.notes = *v;
  }
}

Response create_patient(Context& ctx, Call& call) {
  const json doc = call.body();
  JsonBody body(doc);
  records::Patient p;
  patient_fields(doc, body, p, true);
  body.finish();
  return json_response(201, to_json(ctx.store.create_patient(call.actor(), p)));
}

/// Decodes standard base64 (line breaks and spaces ignored); 400 at `where` if it is not.
std::string decode_base64(const std::string& b64, const std::string& where) {
  std::string bytes(b64.size() * 3 / 4 + 3, '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), b64.data(), b64.size(), " \r\n",
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    throw ApiError::bad_request("'" + where.substr(where.rfind('/') + 1) + "' is not valid base64", where);
  bytes.resize(length);
  return bytes;
}

/// A consent as the API shows it: with whether its text is still today's form.
json consent_json(Context& ctx, const records::Consent& c) {
  json j = to_json(c);
  j["current"] = clinic::consent_is_current(ctx.kb, c, c.indication);
  return j;
}

Response get_patient(Context& ctx, Call& call) {
  const long long id = call.id();
  // From memory while the database is unchanged (PageCache: the change counter is read before
  // the record, so a page is never newer than its counter says).
  const std::string key = std::to_string(id);
  const long long now = ctx.clock();
  const long long change_seq = ctx.store.change_seq();
  if (auto page = ctx.patient_records.find(key, now, change_seq)) {
    audit_read(ctx, call, "patient", id);
    Response r;
    r.body = std::move(page->body);
    return r;
  }
  const auto generation = ctx.patient_records.generation();
  const auto record = found(ctx.store.read_patient_record(id), "patient", id);
  // The stored intakes, screenings and plans go in as their text (most of the record's bytes;
  // parsing them and writing them again was most of this request's time).
  JsonSplice splice;
  json j = to_json(record.patient);
  j["intakes"] = json::array();
  for (auto i = record.intakes.rbegin(); i != record.intakes.rend(); ++i) j["intakes"].push_back(to_json(*i, &splice));
  j["plans"] = json::array();
  for (const auto& p : record.plans) j["plans"].push_back(to_json(p, &splice));
  j["sessions"] = json::array();
  for (const auto& s : record.sessions) j["sessions"].push_back(to_json(s, &splice));
  j["consents"] = json::array();
  for (const auto& c : record.consents) j["consents"].push_back(consent_json(ctx, c));
  j["adverse_events"] = json::array();
  for (const auto& e : record.adverse_events) j["adverse_events"].push_back(to_json(e));
  j["outcomes"] = json::array();
  for (const auto& o : record.outcomes) j["outcomes"].push_back(to_json(o));
  j["photos"] = json::array();
  for (const auto& p : record.photos) j["photos"].push_back(to_json(p));
  audit_read(ctx, call, "patient", id);
  Response r;
  r.body = splice.dump(j);
  if (r.body.size() <= kMaxCachedRecordBytes)
    ctx.patient_records.put(key, PageCache::Page{r.body, ""}, generation, now, change_seq);
  return r;
}

Response update_patient(Context& ctx, Call& call) {
  const long long id = call.id();
  auto p = live_patient(ctx, id);
  const json doc = call.body();
  JsonBody body(doc);
  const records::Patient before = p;
  p.row_version = body.required_integer("row_version");
  patient_fields(doc, body, p, false);
  body.finish();
  // Nothing to change: the record as it is, not a new version (which would turn every other
  // editor's row_version stale for nothing). A stale row_version is still a conflict.
  const bool unchanged =
      p.name == before.name && p.birth_date == before.birth_date && p.sex == before.sex && p.notes == before.notes;
  if (unchanged && p.row_version == before.row_version) {
    audit_read(ctx, call, "patient", id);
    return json_response(200, to_json(before));
  }
  if (p.birth_date != before.birth_date)
    clinic::check_birth_date_against_record(found(ctx.store.read_patient_record(id), "patient", id), p.birth_date);
  return json_response(200, to_json(ctx.store.update_patient(call.actor(), p)));
}

Response delete_patient(Context& ctx, Call& call) {
  const long long id = call.id();
  live_patient(ctx, id);
  const json doc = call.body();
  JsonBody body(doc);
  const std::string reason = body.required_text("reason");
  body.finish();
  if (count_visible_characters(reason) == 0)
    throw ApiError::bad_request("'reason' must say why, not only spaces", "/reason");
  clinic::check_text_length(reason, clinic::kMaxNoteCharacters, "/reason");
  ctx.store.delete_patient(call.actor(), id, reason);
  return no_content();
}

Response add_intake(Context& ctx, Call& call) {
  const json doc = call.body();
  JsonBody body(doc);
  clinic::IntakeRequest request;
  request.patient_id = call.id();
  const json* intake = body.raw("intake");
  if (!intake) throw ApiError::bad_request("'intake' is required", "/intake");
  request.intake = *intake;
  request.areas = body.texts("areas").value_or(std::vector<std::string>{});
  if (auto date = body.date("date")) request.date = parse_civil_date(*date);
  body.finish();
  const auto recorded = clinic::record_intake(ctx.store, ctx.kb, call.actor(), request, today_utc());
  return json_response(201, {{"id", recorded.row.id},
                             {"version", recorded.row.version},
                             {"screening", screening::to_json(recorded.screening)}});
}

Response consent_text(Context& ctx, Call& call) {
  const std::string indication = call.request.query_value("indication");
  if (indication.size() > kMaxQueryBytes)
    throw ApiError::bad_request(
        fmt::format("'indication' may have at most {} bytes (got {})", kMaxQueryBytes, indication.size()),
        "?indication");
  return json_response(200, to_json(clinic::consent_form_for(ctx.kb, indication, "?indication")));
}

Response add_consent(Context& ctx, Call& call) {
  const json doc = parse_body(call.request.body, kMaxConsentBodyBytes);
  JsonBody body(doc);
  clinic::ConsentRequest request;
  request.patient_id = call.id();
  request.consented_by = body.required_text("consented_by");
  clinic::check_label_text(request.consented_by, "/consented_by");
  const std::string at = body.required_text("consented_at");
  const long long at_ms = parse_iso_utc(at, "/consented_at");
  clinic::check_entry_date(live_patient(ctx, request.patient_id), at.substr(0, 10), clinic::EntryTime::happened,
                           today_utc(), "/consented_at");
  request.consented_at_ms = at_ms;
  request.text_version = body.text("text_version");
  request.indication = body.text("indication").value_or("");
  request.acknowledged = body.texts("acknowledged").value_or(std::vector<std::string>{});
  if (auto use = body.text("photo_use")) {
    request.photo_use = records::parse_photo_use(*use);
    if (!request.photo_use)
      throw ApiError::bad_request("'photo_use' must be record_only, teaching or marketing", "/photo_use");
  }
  if (const json* signature = body.raw("signature")) {
    if (!signature->is_object())
      throw ApiError::bad_request("'signature' must be {\"content_type\", \"data_base64\"}", "/signature");
    JsonBody image(*signature, "/signature");
    clinic::SignatureImage s;
    s.content_type = image.required_text("content_type");
    const std::string b64 = image.required_text("data_base64");
    image.finish();
    if (b64.size() > clinic::kMaxSignatureBytes / 3 * 4 + 8)
      throw ApiError(413, "payload_too_large", "a signature image may have at most 1 MiB", "/signature/data_base64");
    s.bytes = decode_base64(b64, "/signature/data_base64");
    request.signature = std::move(s);
  }
  body.finish();
  return json_response(201, consent_json(ctx, clinic::record_consent(ctx.store, ctx.kb, call.actor(), request)));
}

/// The signature image of a consent, served so that it can never run as a page.
Response get_consent_signature(Context& ctx, Call& call) {
  const long long patient_id = call.id();
  live_patient(ctx, patient_id);
  const long long consent_id = call.id("consent");
  for (const auto& c : ctx.store.list_consents(patient_id)) {
    if (c.id != consent_id) continue;
    if (c.signature_sha256.empty())
      throw ApiError::not_found("consent " + std::to_string(consent_id) + " has no signature image");
    Response r;
    r.body = ctx.store.read_photo(c.signature_sha256);
    r.content_type = c.signature_content_type;
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Cache-Control", "private, max-age=3600");
    audit_read(ctx, call, "consent_signature", patient_id, json{{"consent_id", consent_id}}.dump());
    return r;
  }
  throw ApiError::not_found("no consent " + std::to_string(consent_id) + " for patient " + std::to_string(patient_id));
}

Response add_plan(Context& ctx, Call& call) {
  const json doc = call.body();
  JsonBody body(doc);
  clinic::PatientPlanRequest request;
  request.patient_id = call.id();
  request.plan = plan_fields(body);
  if (auto date = body.date("date")) request.date = parse_civil_date(*date);
  body.finish();
  const auto recorded = clinic::plan_for_patient(ctx.store, ctx.kb, call.actor(), request, today_utc());
  return json_response(201, {{"id", recorded.row.id},
                             {"intake_version", recorded.intake_version},
                             {"plan", planning::to_json(recorded.plan, ctx.kb)}});
}

records::Severity severity_field(JsonBody& body, records::Severity fallback) {
  auto text = body.text("severity");
  if (!text) return fallback;
  auto s = records::parse_severity(*text);
  if (!s) throw ApiError::bad_request("severity must be mild, moderate or severe", "/severity");
  return *s;
}

void adverse_fields(JsonBody& body, records::AdverseEvent& e) {
  if (auto v = body.integer("session_id")) e.session_id = *v;
  if (auto v = body.text("type")) {
    // Blank is no type (the store refuses it too, but by its own column name).
    if (count_visible_characters(*v) == 0)
      throw ApiError::bad_request("'type' must name the event (it is empty or only spaces)", "/type");
    clinic::check_label_text(*v, "/type");
    e.event_type = *v;
  }
  e.severity = severity_field(body, e.severity);
  if (auto v = body.date("onset")) e.onset_date = *v;
  if (auto v = body.date("resolved")) e.resolution_date = *v;
  if (auto v = body.text("resolution")) {
    clinic::check_text_length(*v, clinic::kMaxNoteCharacters, "/resolution");
    e.resolution = *v;
  }
  if (auto v = body.text("notes")) {
    clinic::check_text_length(*v, clinic::kMaxNoteCharacters, "/notes");
    e.notes = *v;
  }
}

/// Onset and resolution have happened, the resolution not before the onset.
void check_adverse_event_dates(Context& ctx, const records::AdverseEvent& e) {
  const auto patient = clinic::existing_patient(ctx.store, e.patient_id);
  clinic::check_entry_date(patient, e.onset_date, clinic::EntryTime::happened, today_utc(), "/onset");
  if (e.resolution_date.empty()) return;
  clinic::check_entry_date(patient, e.resolution_date, clinic::EntryTime::happened, today_utc(), "/resolved");
  if (e.resolution_date < e.onset_date)  // both YYYY-MM-DD: text order is date order
    throw ApiError::bad_request(
        fmt::format("the resolution ({}) is before the onset ({})", e.resolution_date, e.onset_date), "/resolved");
}

Response add_adverse_event(Context& ctx, Call& call) {
  const long long id = call.id();
  live_patient(ctx, id);
  const json doc = call.body();
  JsonBody body(doc);
  records::AdverseEvent e;
  e.patient_id = id;
  adverse_fields(body, e);
  body.finish();
  if (e.event_type.empty()) throw ApiError::bad_request("'type' is required", "/type");
  if (e.onset_date.empty()) throw ApiError::bad_request("'onset' is required", "/onset");
  check_adverse_event_dates(ctx, e);
  clinic::check_session_of_patient(ctx.store, id, e.session_id, "/session_id");
  return json_response(201, to_json(ctx.store.add_adverse_event(call.actor(), e)));
}

Response update_adverse_event(Context& ctx, Call& call) {
  const long long patient_id = call.id();
  const long long event_id = call.id("event");
  live_patient(ctx, patient_id);
  auto event = ctx.store.find_adverse_event(event_id);
  if (!event || event->patient_id != patient_id)
    throw ApiError::not_found("no adverse event " + std::to_string(event_id) + " for this patient");
  const records::AdverseEvent before = *event;
  records::AdverseEvent e = std::move(*event);
  const json doc = call.body();
  refuse_null_fields(doc);
  JsonBody body(doc);
  e.row_version = body.required_integer("row_version");
  adverse_fields(body, e);
  body.finish();
  // Nothing to change: the event as it is, not a new version (as for a patient's PATCH).
  const bool unchanged = e.session_id == before.session_id && e.event_type == before.event_type &&
                         e.severity == before.severity && e.onset_date == before.onset_date &&
                         e.resolution_date == before.resolution_date && e.resolution == before.resolution &&
                         e.notes == before.notes;
  if (unchanged && e.row_version == before.row_version) {
    audit_read(ctx, call, "adverse_event", event_id, json{{"patient_id", patient_id}}.dump());
    return json_response(200, to_json(before));
  }
  check_adverse_event_dates(ctx, e);
  clinic::check_session_of_patient(ctx.store, patient_id, e.session_id, "/session_id");
  return json_response(200, to_json(ctx.store.update_adverse_event(call.actor(), e)));
}

Response add_outcome(Context& ctx, Call& call) {
  const long long id = call.id();
  live_patient(ctx, id);
  const json doc = call.body();
  JsonBody body(doc);
  records::OutcomeAssessment o;
  o.patient_id = id;
  o.scale_id = body.required_text("scale");
  const auto score = body.number("score");
  if (!score) throw ApiError::bad_request("'score' is required", "/score");
  o.score = *score;
  o.assessed_on = body.date("date").value_or(format_civil_date(today_utc()));
  o.region = body.text("region").value_or("");
  o.session_id = body.integer("session_id").value_or(0);
  o.notes = body.text("notes").value_or("");
  body.finish();
  clinic::check_text_length(o.notes, clinic::kMaxNoteCharacters, "/notes");
  clinic::check_entry_date(live_patient(ctx, id), o.assessed_on, clinic::EntryTime::happened, today_utc(), "/date");
  clinic::check_region_id(ctx.kb, o.region, "/region");
  clinic::check_session_of_patient(ctx.store, id, o.session_id, "/session_id");
  const kb::Scale* scale = nullptr;
  for (const auto& s : ctx.kb.scales) if (s.id == o.scale_id) scale = &s;
  if (!scale) throw ApiError::bad_request("unknown scale '" + o.scale_id + "' (GET /api/kb/scales lists them)", "/scale");
  if (!scale->lower_is_better)
    throw ApiError::bad_request(fmt::format("{} is a classification, not an outcome: it has no better end to "
                                            "measure a change towards (record it on the intake)",
                                            scale->name),
                                "/scale");
  if (o.score < scale->min || o.score > scale->max)
    throw ApiError::bad_request(fmt::format("{} scores run from {} to {}", scale->name, scale->min, scale->max), "/score");
  if (scale->step) {
    const double steps = (o.score - scale->min) / *scale->step;
    if (std::abs(steps - std::round(steps)) > 1e-9)
      throw ApiError::bad_request(fmt::format("{} scores are whole grades: {}, {}, ... {} (got {})", scale->name,
                                              scale->min, scale->min + *scale->step, scale->max, o.score),
                                  "/score");
  }
  o.assessor_id = call.who->user.id;
  return json_response(201, to_json(ctx.store.add_outcome(call.actor(), o)));
}

std::string image_type(const std::string& bytes) {
  if (bytes.size() >= 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return "image/png";
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xff\xd8\xff") == 0) return "image/jpeg";
  return "";
}

Response add_photo(Context& ctx, Call& call) {
  const long long id = call.id();
  live_patient(ctx, id);
  const json doc = parse_body(call.request.body, 24u << 20);
  JsonBody body(doc);
  records::Photo p;
  p.patient_id = id;
  p.region = body.text("region").value_or("");
  p.view = body.text("view").value_or("");
  clinic::check_label_text(p.view, "/view");
  if (auto tag = body.text("tag")) {
    auto t = records::parse_photo_tag(*tag);
    if (!t) throw ApiError::bad_request("tag must be before, after or progress", "/tag");
    p.tag = *t;
  }
  p.taken_on = body.date("taken_on").value_or(format_civil_date(today_utc()));
  p.session_id = body.integer("session_id").value_or(0);
  const std::string bytes = decode_base64(body.required_text("image_base64"), "/image_base64");
  body.finish();
  clinic::check_entry_date(live_patient(ctx, id), p.taken_on, clinic::EntryTime::happened, today_utc(), "/taken_on");
  clinic::check_region_id(ctx.kb, p.region, "/region");
  clinic::check_session_of_patient(ctx.store, id, p.session_id, "/session_id");
  if (bytes.size() > (16u << 20)) throw ApiError(413, "payload_too_large", "a photo may have at most 16 MiB", "/image_base64");
  p.content_type = image_type(bytes);
  if (p.content_type.empty()) throw ApiError::bad_request("the image must be a PNG or a JPEG", "/image_base64");
  return json_response(201, to_json(ctx.store.add_photo(call.actor(), p, bytes)));
}

Response get_photo(Context& ctx, Call& call) {
  const std::string sha = call.params["sha256"];
  if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw ApiError::not_found("no photo '" + sha + "'", "/sha256");
  // Only images that belong to a patient on record are served; the audit row names them.
  json patients = json::array();
  for (const auto& photo : ctx.store.find_photos(sha)) {
    if (ctx.store.find_patient(photo.patient_id)) patients.push_back(photo.patient_id);
  }
  if (patients.empty()) throw ApiError::not_found("no photo '" + sha + "'", "/sha256");
  Response r;
  r.body = ctx.store.read_photo(sha);
  r.content_type = image_type(r.body);
  if (r.content_type.empty()) r.content_type = "application/octet-stream";
  r.headers.emplace_back("Cache-Control", "private, max-age=3600");
  audit_read(ctx, call, "photo", patients.size() == 1 ? patients[0].get<long long>() : 0,
             json{{"sha256", sha}, {"patients", patients}}.dump());
  return r;
}

Response trace_lot(Context& ctx, Call& call) {
  const std::string lot = call.params["lot"];
  // A lot number is a label (at most kMaxLabelCharacters): a longer one names no lot and would
  // only fill the audit row; a blank one was refused by the store at "lot_number".
  if (count_visible_characters(lot) == 0)
    throw ApiError::bad_request("give the lot number to trace (/api/lots/DP4-2611-B)", "/lot");
  clinic::check_text_length(lot, clinic::kMaxLabelCharacters, "/lot");
  const auto trace = ctx.store.trace_lot(lot);
  json sessions = json::array(), patients = json::array(), ids = json::array();
  for (const auto& s : trace.sessions) sessions.push_back(to_json(s));
  for (const auto& p : trace.patients) {
    patients.push_back(to_json(p));
    ids.push_back(p.id);
  }
  audit_read(ctx, call, "lot", 0, json{{"lot", lot}, {"patients", ids}}.dump());
  return json_response(200, {{"lot", lot}, {"sessions", sessions}, {"patients", patients}});
}

// The day's sessions and what falls due in the next `days` days: planned sessions and the
// assessments the saved plans set, of patients on record.
Response agenda(Context& ctx, Call& call) {
  std::string date_text = call.request.query_value("date");
  CivilDate day = today_utc();
  if (!date_text.empty()) {
    auto d = parse_civil_date(date_text);
    if (!d) throw ApiError::bad_request("'date' must be YYYY-MM-DD", "?date");
    day = *d;
  }
  const int days = static_cast<int>(query_integer(call, "days", 7, 1, 90));
  // The last day a date can name is 9999-12-31: an agenda past it has no dates to list.
  const auto representable = [&](int n) { return parse_civil_date(format_civil_date(add_days(day, n))).has_value(); };
  if (!representable(1))
    throw ApiError::bad_request(fmt::format("an agenda from {} ends after 9999-12-31, the last day a date can name; "
                                            "give an earlier 'date'",
                                            format_civil_date(day)),
                                "?date");
  if (!representable(days))
    throw ApiError::bad_request(fmt::format("an agenda from {} for {} days ends after 9999-12-31, the last day a date "
                                            "can name; give fewer 'days' or an earlier 'date'",
                                            format_civil_date(day), days),
                                call.request.has_query("days") ? "?days" : "?date");
  const std::string from = format_civil_date(day);
  const std::string to = format_civil_date(add_days(day, days));
  const auto sessions = ctx.store.list_sessions_between(from, to);
  const auto assessed = ctx.store.list_plans_assessed_between(from, to);
  // Everyone on the agenda, and their statuses read for all of them at once (three store
  // queries per 1,000 patients, not three per patient).
  std::map<long long, json> people;  // patient id -> {id, name, status}
  for (const auto& s : sessions) people.emplace(s.patient_id, json());
  for (const auto& plan : assessed) people.emplace(plan.patient_id, json());
  std::vector<long long> known;
  for (auto& [patient_id, j] : people) {
    const auto p = ctx.store.find_patient(patient_id);
    j = json{{"id", patient_id}, {"name", p ? p->name : ""}};
    if (p) known.push_back(patient_id);
  }
  std::map<std::string, std::string> forms;
  const auto statuses = clinic::patient_statuses(ctx.store, ctx.kb, known, forms);
  for (std::size_t i = 0; i < known.size(); ++i) people[known[i]]["status"] = clinic::to_json(statuses[i]);
  auto who = [&](long long patient_id) -> const json& { return people.at(patient_id); };
  json today = json::array(), due = json::array();
  for (const auto& s : sessions) {
    if (s.session_date == from) {
      json j = to_json(s);
      j["patient"] = who(s.patient_id);
      today.push_back(std::move(j));
    } else if (s.status == records::SessionStatus::planned) {
      due.push_back({{"patient", who(s.patient_id)}, {"kind", "session"}, {"date", s.session_date}, {"session_id", s.id}});
    }
  }
  for (const auto& plan : assessed) {
    due.push_back({{"patient", who(plan.patient_id)}, {"kind", "assessment"}, {"date", plan.assessment_date},
                   {"plan_id", plan.id}});
  }
  std::stable_sort(due.begin(), due.end(), [](const json& a, const json& b) { return a["date"] < b["date"]; });
  json ids = json::array();
  for (const auto& [id, _] : people) ids.push_back(id);
  audit_read(ctx, call, "agenda", 0, json{{"date", from}, {"patients", ids}}.dump());
  return json_response(200, {{"date", from}, {"until", to}, {"sessions_today", today}, {"due", due}});
}

}  // namespace

void add_patient_routes(std::vector<Route>& routes) {
  using P = Permission;
  routes.push_back({"GET", "/api/patients", P::read_patients, list_patients, kMaxJsonBytes, {"q", "limit", "offset", "after"}});
  routes.push_back({"POST", "/api/patients", P::write_patients, create_patient});
  routes.push_back({"GET", "/api/patients/{id}", P::read_patients, get_patient});
  routes.push_back({"PATCH", "/api/patients/{id}", P::write_patients, update_patient});
  routes.push_back({"DELETE", "/api/patients/{id}", P::delete_patients, delete_patient});
  routes.push_back({"POST", "/api/patients/{id}/intakes", P::write_patients, add_intake});
  routes.push_back({"GET", "/api/consent-text", P::read_patients, consent_text, kMaxJsonBytes, {"indication"}});
  routes.push_back({"POST", "/api/patients/{id}/consents", P::write_patients, add_consent, kMaxConsentBodyBytes});
  routes.push_back({"GET", "/api/patients/{id}/consents/{consent}/signature", P::read_patients, get_consent_signature});
  routes.push_back({"POST", "/api/patients/{id}/plans", P::create_plans, add_plan});
  routes.push_back({"POST", "/api/patients/{id}/adverse-events", P::write_clinical, add_adverse_event});
  routes.push_back({"PATCH", "/api/patients/{id}/adverse-events/{event}", P::write_clinical, update_adverse_event});
  routes.push_back({"POST", "/api/patients/{id}/outcomes", P::write_clinical, add_outcome});
  routes.push_back({"POST", "/api/patients/{id}/photos", P::write_patients, add_photo, 24u << 20});
  routes.push_back({"GET", "/api/photos/{sha256}", P::read_patients, get_photo});
  routes.push_back({"GET", "/api/lots/{lot}", P::read_patients, trace_lot});
  routes.push_back({"GET", "/api/agenda", P::read_patients, agenda, kMaxJsonBytes, {"date", "days"}});
}

}  // namespace dermaplan::server
