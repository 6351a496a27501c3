#include "interop/fhir_export.h"

#include "interop/aftercare_windows.h"
#include "interop/fhir_intake.h"
#include "interop/plan_document.h"
#include "records/sha256.h"

#include <fmt/format.h>
#include <sodium.h>

#include <chrono>
#include <set>

namespace dermaplan::interop {

using nlohmann::json;

std::string fhir_resource_id(const std::string& key) {
  const std::string hex = records::sha256_hex("dermaplan:" + key);
  // An RFC 9562 version-8 (custom) UUID from the first 128 bits of the digest.
  std::string u = hex.substr(0, 32);
  u[12] = '8';
  u[16] = "89ab"[std::stoi(u.substr(16, 1), nullptr, 16) & 3];
  return u.substr(0, 8) + "-" + u.substr(8, 4) + "-" + u.substr(12, 4) + "-" + u.substr(16, 4) + "-" + u.substr(20, 12);
}

std::string fhir_instant(long long epoch_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{epoch_ms}};
  const auto day = floor<days>(t);
  const hh_mm_ss<milliseconds> time{t - day};
  return fmt::format("{}T{:02}:{:02}:{:02}.{:03}Z", format_civil_date(CivilDate{day}), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

namespace {

std::string base64(const std::string& bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

/// FHIR strings must not be empty and codes must not have stray spaces: only non-empty
/// values are written.
void put(json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

/// A code as FHIR accepts it: no leading, trailing or doubled whitespace.
std::string as_code(const std::string& text) {
  std::string out;
  for (char c : trimmed(text)) {
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

class Mapper {
 public:
  Mapper(const RecordForExport& record, const FhirExportOptions& options)
      : r_(record), o_(options), patient_id_(fhir_resource_id(fmt::format("patient/{}", record.patient.id))) {}

  std::vector<json> run() {
    out_.push_back(patient());
    for (const auto& intake : r_.intakes) out_.push_back(questionnaire_response(intake));
    for (const auto& consent : r_.consents) out_.push_back(consent_resource(consent));
    for (const auto& plan : r_.plans) out_.push_back(care_plan(plan));
    for (const auto& session : r_.sessions)
      if (session.status != records::SessionStatus::planned) {
        for (const auto& resource : device(session)) out_.push_back(resource);
        out_.push_back(procedure(session));
      }
    for (const auto& outcome : r_.outcomes) out_.push_back(observation(outcome));
    for (const auto& event : r_.adverse_events) out_.push_back(adverse_event(event));
    for (const auto& photo : r_.photos) out_.push_back(media(photo));
    return std::move(out_);
  }

 private:
  json ref(const char* type, const std::string& id) const {
    return o_.references == ReferenceStyle::bundle ? json{{"reference", "urn:uuid:" + id}}
                                                   : json{{"reference", std::string(type) + "/" + id}};
  }
  json patient_ref() const { return ref("Patient", patient_id_); }
  std::string session_id(long long id) const { return fhir_resource_id(fmt::format("session/{}", id)); }
  bool session_exported(long long id) const {
    for (const auto& s : r_.sessions)
      if (s.id == id) return s.status != records::SessionStatus::planned;
    return false;
  }

  /// A staff member as a reference by identifier and name (no Practitioner resource).
  json user(long long user_id) const {
    std::string name = o_.user_name ? o_.user_name(user_id) : "";
    if (name.empty()) name = fmt::format("user {}", user_id);
    return {{"identifier", {{"system", kIdentifierUser}, {"value", std::to_string(user_id)}}}, {"display", name}};
  }

  json coding(const char* system, const std::string& code, const std::string& display) const {
    json c = {{"system", system}, {"code", as_code(code)}};
    put(c, "display", display);
    return c;
  }

  std::string region_name(const std::string& id) const {
    const kb::Region* region = o_.kb ? o_.kb->find_region(id) : nullptr;
    return region ? region->name : "";
  }
  json region(const std::string& id) const {
    json concept_ = {{"coding", json::array({coding(kCodeSystemRegion, id, region_name(id))})}};
    put(concept_, "text", region_name(id).empty() ? id : region_name(id));
    return concept_;
  }

  json resource(const char* type, const std::string& id) const { return {{"resourceType", type}, {"id", id}}; }

  json patient() const {
    const records::Patient& p = r_.patient;
    json out = resource("Patient", patient_id_);
    out["identifier"] = json::array({{{"system", kIdentifierPatient}, {"value", std::to_string(p.id)}}});
    out["active"] = !p.deleted;
    if (!trimmed(p.name).empty()) out["name"] = json::array({{{"text", trimmed(p.name)}}});
    const std::string sex = p.sex;
    out["gender"] = sex == "female" || sex == "male" || sex == "other" ? sex : "unknown";
    if (parse_civil_date(p.birth_date)) out["birthDate"] = p.birth_date;
    return out;
  }

  json questionnaire_response(const records::Intake& intake) const {
    json out = resource("QuestionnaireResponse", fhir_resource_id(fmt::format("intake/{}", intake.id)));
    out["identifier"] = {{"system", "urn:dermaplan:id:intake"},
                         {"value", fmt::format("{}-v{}", r_.patient.id, intake.version)}};
    out["status"] = "completed";
    out["subject"] = patient_ref();
    out["authored"] = fhir_instant(intake.created_at_ms);
    out["author"] = user(intake.created_by);
    json document = json::parse(intake.intake_json, nullptr, false);
    if (document.is_discarded()) document = json::object();
    json items = intake_items(document, o_.kb);
    if (!items.empty()) out["item"] = std::move(items);
    return out;
  }

  json consent_resource(const records::Consent& c) const {
    json out = resource("Consent", fhir_resource_id(fmt::format("consent/{}", c.id)));
    out["status"] = "active";
    out["scope"] = {{"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/consentscope"},
                                             {"code", "treatment"},
                                             {"display", "Treatment"}}})}};
    out["category"] = json::array({{{"coding", json::array({{{"system", "http://loinc.org"},
                                                             {"code", "59284-0"},
                                                             {"display", "Patient Consent"}}})}}});
    out["patient"] = patient_ref();
    out["dateTime"] = fhir_instant(c.consented_at_ms);
    if (!trimmed(c.consented_by).empty()) out["performer"] = json::array({{{"display", trimmed(c.consented_by)}}});
    out["policy"] = json::array({{{"uri", "urn:dermaplan:consent-form:" + as_code(c.text_version)}}});
    json attachment = {{"contentType", "text/plain; charset=utf-8"}, {"language", "en"},
                       {"title", "Consent form " + c.text_version}, {"creation", fhir_instant(c.consented_at_ms)}};
    if (!c.consent_text.empty()) attachment["data"] = base64(c.consent_text);
    out["sourceAttachment"] = std::move(attachment);
    return out;
  }

  json care_plan(const records::CoursePlan& plan) const {
    json out = resource("CarePlan", fhir_resource_id(fmt::format("plan/{}", plan.id)));
    out["identifier"] = json::array({{{"system", "urn:dermaplan:id:plan"}, {"value", std::to_string(plan.id)}}});
    out["status"] = "active";
    out["intent"] = "plan";
    out["subject"] = patient_ref();
    out["created"] = fhir_instant(plan.created_at_ms);
    out["author"] = user(plan.created_by);
    json procedure_code = {{"coding", json::array({coding(kCodeSystemProcedure, "microneedling",
                                                          "Microneedling (collagen induction therapy)")})},
                           {"text", "Microneedling (collagen induction therapy)"}};
    PlanDocument doc;
    try {
      doc = parse_plan_document(json::parse(plan.plan_json));
    } catch (const std::exception&) {
      out["title"] = "Microneedling course (" + as_code(plan.indication) + ")";
      out["note"] = json::array({{{"text", "The stored plan could not be read; it is exported without activities."}}});
      return out;
    }
    out["title"] = "Microneedling course: " + doc.indication_name;
    put(out, "description", doc.status);
    json activities = json::array();
    for (const auto& s : doc.sessions) {
      json detail = {{"kind", "ServiceRequest"},
                     {"code", procedure_code},
                     {"status", "scheduled"},
                     {"scheduledPeriod", {{"start", format_civil_date(s.date)}, {"end", format_civil_date(s.latest_date)}}},
                     {"description", fmt::format("Session {}{}", s.number, s.optional ? " (optional)" : "")}};
      activities.push_back({{"detail", std::move(detail)}});
    }
    for (const auto& t : doc.preparation) {
      json detail = {{"kind", "Task"},
                     {"code", {{"coding", json::array({coding("urn:dermaplan:codesystem:preparation", t.id, "")})},
                               {"text", t.task}}},
                     {"status", "not-started"},
                     {"scheduledPeriod", {{"end", format_civil_date(t.due)}}},
                     {"description", fmt::format("Before session {}, by {}: {}", t.session, format_civil_date(t.due), t.task)}};
      activities.push_back({{"detail", std::move(detail)}});
    }
    for (const auto& w : aftercare_windows(doc))
      for (const auto* a : w.instructions) {
        json detail = {{"kind", "Task"},
                       {"code", {{"coding", json::array({coding("urn:dermaplan:codesystem:aftercare", a->id, "")})},
                                 {"text", a->instruction}}},
                       {"status", "not-started"},
                       {"scheduledString", "after each session, " + describe_window(w)},
                       {"description", a->instruction}};
        activities.push_back({{"detail", std::move(detail)}});
      }
    if (!activities.empty()) out["activity"] = std::move(activities);
    json notes = json::array();
    if (doc.assessment_date) notes.push_back({{"text", "Result assessment on " + format_civil_date(*doc.assessment_date)}});
    if (!doc.knowledge_version.empty())
      notes.push_back({{"text", fmt::format("Knowledge base {}; policy: {}.", doc.knowledge_version, doc.policy)}});
    if (!notes.empty()) out["note"] = std::move(notes);
    return out;
  }

  std::string device_resource_id(const records::TreatmentSession& s) const {
    return fhir_resource_id(fmt::format("device/{}/{}/{}", r_.patient.id, s.device_id, trimmed(s.lot_number)));
  }

  /// The Device of a session's device and lot, the first time that pair appears.
  std::vector<json> device(const records::TreatmentSession& s) {
    if (trimmed(s.device_id).empty()) return {};
    const std::string id = device_resource_id(s);
    if (!devices_.insert(id).second) return {};
    json out = resource("Device", id);
    out["identifier"] = json::array({{{"system", kCodeSystemDevice}, {"value", as_code(s.device_id)}}});
    put(out, "lotNumber", trimmed(s.lot_number));
    const kb::Device* known = o_.kb ? o_.kb->find_device(s.device_id) : nullptr;
    out["deviceName"] = json::array({{{"name", known ? known->name : s.device_id}, {"type", "user-friendly-name"}}});
    out["type"] = {{"coding", json::array({coding(kCodeSystemDevice, s.device_id, known ? known->name : "")})},
                   {"text", known ? known->name : s.device_id}};
    out["patient"] = patient_ref();
    return {out};
  }

  json procedure(const records::TreatmentSession& s) const {
    json out = resource("Procedure", session_id(s.id));
    out["identifier"] = json::array({{{"system", "urn:dermaplan:id:session"}, {"value", std::to_string(s.id)}}});
    if (s.plan_id) {
      for (const auto& plan : r_.plans)
        if (plan.id == s.plan_id)
          out["basedOn"] = json::array({ref("CarePlan", fhir_resource_id(fmt::format("plan/{}", s.plan_id)))});
    }
    out["status"] = "completed";
    out["code"] = {{"coding", json::array({coding(kCodeSystemProcedure, "microneedling",
                                                  "Microneedling (collagen induction therapy)")})},
                   {"text", "Microneedling (collagen induction therapy)"}};
    out["subject"] = patient_ref();
    if (parse_civil_date(s.session_date)) out["performedDateTime"] = s.session_date;
    if (s.practitioner_id) out["performer"] = json::array({{{"actor", user(s.practitioner_id)}}});
    json sites = json::array();
    for (const auto& n : s.needle_lengths) {
      json site = region(n.region);
      site["text"] = fmt::format("{}: {} mm", site.value("text", n.region), n.needle_length_mm);
      sites.push_back(std::move(site));
    }
    if (!sites.empty()) out["bodySite"] = std::move(sites);
    if (!trimmed(s.device_id).empty())
      out["focalDevice"] = json::array({{{"manipulated", ref("Device", device_resource_id(s))}}});
    json notes = json::array();
    auto note = [&](const std::string& text) {
      if (!trimmed(text).empty()) notes.push_back({{"text", trimmed(text)}});
    };
    if (s.passes) note(fmt::format("Passes: {}{}", s.passes, s.directions.empty() ? "" : " (" + s.directions + ")"));
    if (!s.anaesthetic.empty())
      note(fmt::format("Anaesthetic: {}{}", s.anaesthetic,
                       s.anaesthetic_minutes ? fmt::format(", {} min", s.anaesthetic_minutes) : ""));
    if (!s.end_point.empty()) note("End point: " + s.end_point);
    if (!s.products_applied.empty()) note("Products applied: " + s.products_applied);
    note(s.notes);
    if (s.status == records::SessionStatus::signed_off)
      note(fmt::format("Signed by {} at {}", user(s.signed_by).at("display").get<std::string>(), fhir_instant(s.signed_at_ms)));
    if (auto it = r_.amendments.find(s.id); it != r_.amendments.end())
      for (const auto& a : it->second)
        note(fmt::format("Amended {} by {} at {}: {} -> {} ({})", a.field, user(a.author_id).at("display").get<std::string>(),
                         fhir_instant(a.amended_at_ms), a.old_value, a.new_value, a.reason));
    if (!notes.empty()) out["note"] = std::move(notes);
    return out;
  }

  json observation(const records::OutcomeAssessment& o) const {
    json out = resource("Observation", fhir_resource_id(fmt::format("outcome/{}", o.id)));
    if (o.session_id && session_exported(o.session_id)) out["partOf"] = json::array({ref("Procedure", session_id(o.session_id))});
    out["status"] = "final";
    out["category"] = json::array({{{"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/observation-category"},
                                                             {"code", "exam"},
                                                             {"display", "Exam"}}})}}});
    const kb::Scale* scale = o_.kb ? o_.kb->find_scale(o.scale_id) : nullptr;
    out["code"] = {{"coding", json::array({coding(kCodeSystemScale, o.scale_id, scale ? scale->name : "")})},
                   {"text", scale ? scale->name : o.scale_id}};
    out["subject"] = patient_ref();
    if (parse_civil_date(o.assessed_on)) out["effectiveDateTime"] = o.assessed_on;
    if (o.assessor_id) out["performer"] = json::array({user(o.assessor_id)});
    out["valueQuantity"] = {{"value", o.score}, {"unit", "score"}, {"system", "http://unitsofmeasure.org"}, {"code", "{score}"}};
    if (!trimmed(o.region).empty()) out["bodySite"] = region(o.region);
    if (!trimmed(o.notes).empty()) out["note"] = json::array({{{"text", trimmed(o.notes)}}});
    return out;
  }

  json adverse_event(const records::AdverseEvent& e) const {
    json out = resource("AdverseEvent", fhir_resource_id(fmt::format("adverse-event/{}", e.id)));
    out["actuality"] = "actual";
    out["event"] = {{"text", trimmed(e.event_type).empty() ? "adverse event" : trimmed(e.event_type)}};
    out["subject"] = patient_ref();
    if (parse_civil_date(e.onset_date)) out["date"] = e.onset_date;
    out["recordedDate"] = fhir_instant(e.created_at_ms);
    out["recorder"] = user(e.recorded_by);
    const char* severity = records::to_string(e.severity);
    out["severity"] = {{"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/adverse-event-severity"},
                                                {"code", severity}}})}};
    const bool resolved = parse_civil_date(e.resolution_date).has_value();
    json outcome = {{"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"},
                                             {"code", resolved ? "resolved" : "ongoing"}}})}};
    std::string outcome_text = resolved ? "Resolved " + e.resolution_date : "";
    if (!trimmed(e.resolution).empty()) outcome_text += (outcome_text.empty() ? "" : ": ") + trimmed(e.resolution);
    put(outcome, "text", outcome_text);
    out["outcome"] = std::move(outcome);
    if (e.session_id && session_exported(e.session_id))
      out["suspectEntity"] = json::array({{{"instance", ref("Procedure", session_id(e.session_id))}}});
    if (!trimmed(e.notes).empty()) out["extension"] = json::array({{{"url", kExtensionNote}, {"valueString", trimmed(e.notes)}}});
    return out;
  }

  json media(const records::Photo& p) const {
    json out = resource("Media", fhir_resource_id(fmt::format("photo/{}", p.id)));
    out["identifier"] = json::array({{{"system", kIdentifierPhotoSha256}, {"value", p.sha256}}});
    if (p.session_id && session_exported(p.session_id)) out["partOf"] = json::array({ref("Procedure", session_id(p.session_id))});
    out["status"] = "completed";
    out["type"] = {{"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/media-type"},
                                            {"code", "image"},
                                            {"display", "Image"}}})}};
    if (!trimmed(p.view).empty()) out["view"] = {{"text", trimmed(p.view)}};
    out["subject"] = patient_ref();
    if (parse_civil_date(p.taken_on)) out["createdDateTime"] = p.taken_on;
    if (!trimmed(p.region).empty()) out["bodySite"] = region(p.region);
    json content = {{"url", o_.photo_url_prefix + p.sha256}, {"title", std::string(records::to_string(p.tag)) + " photo"}};
    put(content, "contentType", as_code(p.content_type));
    if (p.size_bytes > 0) content["size"] = p.size_bytes;
    out["content"] = std::move(content);
    out["note"] = json::array({{{"text", fmt::format("{} photo; SHA-256 {}", records::to_string(p.tag), p.sha256)}}});
    return out;
  }

  const RecordForExport& r_;
  const FhirExportOptions& o_;
  std::string patient_id_;
  std::set<std::string> devices_;
  std::vector<json> out_;
};

}  // namespace

std::vector<json> patient_resources(const RecordForExport& record, const FhirExportOptions& options) {
  return Mapper(record, options).run();
}

json patient_bundle(const RecordForExport& record, FhirExportOptions options, long long timestamp_ms) {
  options.references = ReferenceStyle::bundle;
  json entries = json::array();
  for (auto& resource : patient_resources(record, options)) {
    const std::string id = resource.at("id").get<std::string>();
    entries.push_back({{"fullUrl", "urn:uuid:" + id}, {"resource", std::move(resource)}});
  }
  json bundle = {{"resourceType", "Bundle"},
                 {"id", fhir_resource_id(fmt::format("bundle/patient/{}/{}", record.patient.id, timestamp_ms))},
                 {"type", "collection"},
                 {"timestamp", fhir_instant(timestamp_ms)}};
  bundle["entry"] = std::move(entries);
  return bundle;
}

}  // namespace dermaplan::interop
