#include "server/views.h"

#include "core/civil_date.h"
#include "core/errors.h"
#include "screening/screening.h"

#include <fmt/format.h>

#include <cstdio>
#include <ctime>

namespace dermaplan::server {

using nlohmann::json;

std::string iso_utc(long long epoch_ms) {
  if (epoch_ms == 0) return "";
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

long long parse_iso_utc(const std::string& text, const std::string& where) {
  const std::string name = where.substr(where.rfind('/') + 1);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail = 0;
  const bool date_only = text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3;
  if (date_only)
    throw InputError(where, fmt::format("'{}' needs the time as well: YYYY-MM-DDTHH:MM:SSZ in UTC (e.g. {}T09:30:00Z); "
                                        "a date alone does not say when on that day",
                                        name, text));
  const bool shaped = text.size() == 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
                      text[16] == ':' &&
                      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail) == 7 &&
                      tail == 'Z' && text.find_first_of("+- ", 11) == std::string::npos;
  if (!shaped)
    throw InputError(where, fmt::format("'{}' must be YYYY-MM-DDTHH:MM:SSZ (UTC), e.g. 2026-11-22T09:30:00Z", name));
  if (!parse_civil_date(text.substr(0, 10)))
    throw InputError(where, fmt::format("'{}': {} is not a day of the calendar", name, text.substr(0, 10)));
  if (h > 23 || mi > 59 || s > 59)
    throw InputError(where, fmt::format("'{}': {} is not a time of day (00:00:00 to 23:59:59)", name,
                                        text.substr(11, 8)));
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<long long>(timegm(&tm)) * 1000;
}

json to_json(const records::User& u) {
  return {{"id", u.id}, {"username", u.username}, {"display_name", u.display_name},
          {"role", records::to_string(u.role)}, {"disabled", u.disabled},
          {"created_at", iso_utc(u.created_at_ms)}, {"row_version", u.row_version}};
}

json to_json(const records::Patient& p) {
  json j = {{"id", p.id}, {"name", p.name}, {"birth_date", p.birth_date}, {"sex", p.sex},
            {"notes", p.notes}, {"created_at", iso_utc(p.created_at_ms)},
            {"updated_at", iso_utc(p.updated_at_ms)}, {"row_version", p.row_version}};
  if (p.deleted) {
    j["deleted"] = true;
    j["deleted_at"] = iso_utc(p.deleted_at_ms);
  }
  if (p.demo) j["demo"] = true;
  return j;
}

namespace {
json parsed_or_text(const std::string& text, JsonSplice* splice) {
  if (splice) return splice->raw(text);
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(text) : j;
}
}  // namespace

json to_json(const records::Intake& i, JsonSplice* splice) {
  return {{"id", i.id}, {"version", i.version}, {"intake", parsed_or_text(i.intake_json, splice)},
          {"screening", parsed_or_text(i.screening_json, splice)}, {"knowledge_version", i.knowledge_version},
          {"policy", i.policy}, {"created_by", i.created_by}, {"created_at", iso_utc(i.created_at_ms)}};
}

json to_json(const records::Consent& c) {
  return {{"id", c.id}, {"patient_id", c.patient_id}, {"text_version", c.text_version},
          {"text", c.consent_text}, {"consented_by", c.consented_by},
          {"consented_at", iso_utc(c.consented_at_ms)}, {"recorded_by", c.recorded_by},
          {"recorded_at", iso_utc(c.recorded_at_ms)}, {"indication", c.indication},
          {"acknowledged", c.acknowledged},
          {"photo_use", c.photo_use ? json(records::to_string(*c.photo_use)) : json(nullptr)},
          {"signature_sha256", c.signature_sha256.empty() ? json(nullptr) : json(c.signature_sha256)},
          {"signature_content_type", c.signature_content_type.empty() ? json(nullptr) : json(c.signature_content_type)}};
}

json to_json(const records::CoursePlan& p, JsonSplice* splice) {
  return {{"id", p.id}, {"patient_id", p.patient_id}, {"indication", p.indication},
          {"plan", parsed_or_text(p.plan_json, splice)}, {"created_by", p.created_by},
          {"created_at", iso_utc(p.created_at_ms)}};
}

json to_json(const records::TreatmentSession& s, JsonSplice* splice) {
  json lengths = json::array();
  for (const auto& n : s.needle_lengths) lengths.push_back({{"region", n.region}, {"needle_length_mm", n.needle_length_mm}});
  json j = {{"id", s.id}, {"patient_id", s.patient_id}, {"plan_id", s.plan_id}, {"date", s.session_date},
            {"practitioner_id", s.practitioner_id}, {"device", s.device_id}, {"needle_lengths", lengths},
            {"lot_number", s.lot_number}, {"passes", s.passes}, {"directions", s.directions},
            {"anaesthetic", s.anaesthetic}, {"anaesthetic_minutes", s.anaesthetic_minutes},
            {"end_point", s.end_point}, {"products_applied", s.products_applied}, {"notes", s.notes},
            {"status", records::to_string(s.status)}, {"created_at", iso_utc(s.created_at_ms)},
            {"updated_at", iso_utc(s.updated_at_ms)}, {"row_version", s.row_version}};
  if (s.status == records::SessionStatus::signed_off) {
    j["signed_by"] = s.signed_by;
    j["signed_at"] = iso_utc(s.signed_at_ms);
  }
  // Every passage through the treatment gate, and the override in force, shown for good.
  j["gate_passages"] = json::array();
  j["gate_override"] = nullptr;
  for (const auto& g : s.gate_passages) {
    const bool overridden = !g.override_reason.empty();
    j["gate_passages"].push_back({{"step", g.step},
                                  {"passed_by", g.passed_by},
                                  {"passed_at", iso_utc(g.passed_at_ms)},
                                  {"overridden", overridden},
                                  {"override_reason", overridden ? json(g.override_reason) : json(nullptr)},
                                  {"unmet", parsed_or_text(g.unmet_json, splice)},
                                  {"acknowledged_cautions", parsed_or_text(g.cautions_json, splice)},
                                  {"recap", parsed_or_text(g.recap_json, splice)}});
    if (overridden) {
      j["gate_override"] = {{"reason", g.override_reason}, {"step", g.step}, {"by", g.passed_by},
                            {"at", iso_utc(g.passed_at_ms)}, {"unmet", parsed_or_text(g.unmet_json, splice)}};
    }
  }
  j["acknowledged_cautions"] =
      s.gate_passages.empty() ? json::array() : parsed_or_text(s.gate_passages.back().cautions_json, splice);
  return j;
}

json to_json(const records::Amendment& a) {
  return {{"id", a.id}, {"session_id", a.session_id}, {"author_id", a.author_id},
          {"amended_at", iso_utc(a.amended_at_ms)}, {"field", a.field}, {"old_value", a.old_value},
          {"new_value", a.new_value}, {"reason", a.reason}};
}

json to_json(const records::AdverseEvent& e) {
  return {{"id", e.id}, {"patient_id", e.patient_id}, {"session_id", e.session_id}, {"type", e.event_type},
          {"severity", records::to_string(e.severity)}, {"onset", e.onset_date},
          {"resolved", e.resolution_date}, {"resolution", e.resolution}, {"notes", e.notes},
          {"recorded_by", e.recorded_by}, {"created_at", iso_utc(e.created_at_ms)},
          {"row_version", e.row_version}};
}

json to_json(const records::OutcomeAssessment& o) {
  return {{"id", o.id}, {"patient_id", o.patient_id}, {"session_id", o.session_id}, {"scale", o.scale_id},
          {"score", o.score}, {"region", o.region}, {"assessor_id", o.assessor_id}, {"date", o.assessed_on},
          {"notes", o.notes}, {"created_at", iso_utc(o.created_at_ms)}};
}

json to_json(const records::Photo& p) {
  return {{"id", p.id}, {"patient_id", p.patient_id}, {"session_id", p.session_id}, {"sha256", p.sha256},
          {"size_bytes", p.size_bytes}, {"content_type", p.content_type}, {"region", p.region},
          {"view", p.view}, {"tag", records::to_string(p.tag)}, {"taken_on", p.taken_on},
          {"url", "/api/photos/" + p.sha256}, {"created_at", iso_utc(p.created_at_ms)}};
}

json to_json(const records::AuditEntry& e) {
  return {{"seq", e.seq}, {"at", iso_utc(e.at_ms)}, {"at_ms", e.at_ms}, {"user_id", e.user_id},
          {"username", e.username}, {"action", records::to_string(e.action)}, {"entity", e.entity},
          {"record_id", e.record_id}, {"detail", e.detail}, {"hash", e.hash}};
}

json to_json(const clinic::ConsentForm& form) {
  auto statements = [](const std::vector<clinic::ConsentStatement>& list) {
    json out = json::array();
    for (const auto& s : list) out.push_back({{"id", s.id}, {"text", s.text}, {"sources", s.sources}});
    return out;
  };
  return {{"version", form.version},
          {"indication", form.indication ? json(form.indication->id) : json(nullptr)},
          {"title", form.title},
          {"text", form.text},
          {"items", statements(form.items)},
          {"risks", statements(form.risks)},
          {"notice", screening::kDecisionSupportNotice}};
}

}  // namespace dermaplan::server
