#include "clinic/treatment_sessions.h"

#include "clinic/consent.h"
#include "clinic/engine_requests.h"
#include "clinic/failure.h"
#include "clinic/patient_care.h"
#include "core/errors.h"
#include "core/json_text.h"
#include "core/storable_text.h"
#include "kb/describe.h"
#include "screening/screening.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace dermaplan::clinic {
using nlohmann::json;

const std::vector<std::string> kGateConditions{
    "intake_missing",          "intake_unreadable",      "screening_contraindicated",
    "screening_deferred",      "caution_unacknowledged", "plan_missing",
    "consent_missing",         "consent_stale",          "device_missing",
    "lot_number_missing",      "needle_lengths_missing", "region_not_in_plan",
    "needle_length_above_plan", "needle_length_not_on_device",
};

namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

/// The UTC day of an epoch-milliseconds time.
CivilDate utc_day(long long ms) {
  return CivilDate{date::floor<date::days>(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)))};
}

/// Whether a record made at `ms` (UTC) was there on the session's `day`, with a day's slack
/// for practices behind UTC (their evening is the next UTC day), as the record's dates allow
/// (the same slack for an intake's day).
bool on_or_before(long long ms, CivilDate day) { return utc_day(ms) <= add_days(day, 1); }

constexpr double kLengthTolerance_mm = 1e-6;

std::string mm_text(double mm) { return fmt::format("{:g} mm", mm); }

/// What a stored plan allows in one region.
struct PlannedArea {
  double planned_mm = 0;
  double min_mm = 0;
  double max_mm = 0;
  std::string device_id;
  std::vector<std::string> warnings;  //!< the plan's warnings for the region (depth, device)
};

/// What the gate reads of a stored plan (its JSON, as the planning engine wrote it), parsed once.
struct PlanFacts {
  std::map<std::string, PlannedArea> areas;  //!< by region id
  std::optional<CivilDate> first_session;    //!< the first session's date
};

PlanFacts plan_facts(const records::CoursePlan& plan) {
  PlanFacts facts;
  const auto doc = json::parse(plan.plan_json, nullptr, false);
  if (!doc.is_object()) return facts;
  if (doc.contains("sessions") && doc["sessions"].is_array() && !doc["sessions"].empty()) {
    const json& first = doc["sessions"][0];
    if (first.is_object() && first.contains("date") && first["date"].is_string())
      facts.first_session = parse_civil_date(first["date"].get<std::string>());
  }
  if (!doc.contains("areas") || !doc["areas"].is_array()) return facts;
  auto& out = facts.areas;
  for (const auto& area : doc["areas"]) {
    if (!area.is_object() || !area.contains("region") || !area["region"].is_string()) continue;
    PlannedArea p;
    const json lengths = area.value("needle_length_mm", json::object());
    p.planned_mm = lengths.value("planned", 0.0);
    const json range = lengths.value("planned_range", json::object());
    // The planned length may lie below the range (the nearest roller on the shallow side): it
    // is the plan's own choice, not shorter than planned.
    p.min_mm = std::min(range.value("min", p.planned_mm), p.planned_mm);
    p.max_mm = range.value("max", p.planned_mm);
    if (area.contains("device") && area["device"].is_object()) p.device_id = area["device"].value("id", "");
    if (area.contains("warnings") && area["warnings"].is_array())
      for (const auto& w : area["warnings"])
        if (w.is_string()) p.warnings.push_back(w.get<std::string>());
    out[area["region"].get<std::string>()] = p;
  }
  return facts;
}

/// The session's plan: its own, else the patient's latest (said as a warning).
std::optional<records::CoursePlan> plan_of(records::Store& store, const records::TreatmentSession& session,
                                           std::vector<std::string>& warnings) {
  if (session.plan_id != 0) {
    auto plan = store.find_course_plan(session.plan_id);
    if (plan && plan->patient_id == session.patient_id) return plan;
  }
  auto plans = store.list_course_plans(session.patient_id);
  if (plans.empty()) return std::nullopt;
  warnings.push_back(fmt::format("the session is not linked to a course plan; checked against the latest plan ({})",
                                 plans.back().id));
  return plans.back();
}

void add(GateReport& report, std::string condition, std::string message, std::string where = "") {
  report.unmet.push_back({std::move(condition), std::move(message), std::move(where)});
}

/// Screens the latest intake taken by the session's date, on that date, for the session's regions.
void check_screening(records::Store& store, const kb::KnowledgeBase& kb, const records::Patient& patient,
                     const records::TreatmentSession& session, CivilDate date, const std::vector<std::string>& regions,
                     const GateConfirmation& confirmation, GateReport& report) {
  report.screening_decision = "none";
  const auto intakes = store.list_intakes(session.patient_id);
  if (intakes.empty()) {
    add(report, "intake_missing", "no intake on record: record and screen an intake before treatment");
    return;
  }
  // Screening comes before treatment: the intake screened (on the session's date) is the latest
  // taken by then. Its day is the one it was screened as of (given when a paper intake is
  // entered later), else the day it was recorded, with a day's slack for time zones. Without
  // one, the condition is unmet and the latest is screened anyway, so that an override still
  // sees what it says.
  const auto taken_on = [](const records::Intake& i) {
    const auto doc = json::parse(i.screening_json, nullptr, false);
    if (doc.is_object() && doc.contains("as_of") && doc["as_of"].is_string())
      if (const auto day = parse_civil_date(doc["as_of"].get<std::string>())) return *day;
    return utc_day(i.created_at_ms);
  };
  const records::Intake* screened = nullptr;
  for (const auto& intake : intakes)
    if (taken_on(intake) <= add_days(date, 1)) screened = &intake;  // in version order: the last one wins
  if (!screened) {
    add(report, "intake_missing",
        fmt::format("no intake was taken on or before the session's date ({}); the first is from {}: "
                    "screening comes before treatment",
                    format_civil_date(date), format_civil_date(taken_on(intakes.front()))));
    screened = &intakes.back();
  } else if (screened != &intakes.back()) {
    report.warnings.push_back(fmt::format(
        "intake version {} was taken after the session's date ({}), so it is not what this session was screened "
        "on; check what it says",
        intakes.back().version, format_civil_date(date)));
  }
  screening::ScreeningResult result;
  try {
    const auto document = parse_json_text(screened->intake_json, screening::kMaxIntakeBytes, "/intake");
    screening::Intake intake = parse_request_intake(kb, document, date);
    // Its birth date or sex corrected on the record since: screened on what the record no longer
    // says. As without an intake: a new one is asked for (and the old one screened anyway, so
    // that an override sees what it says).
    if (const auto mismatch = intake_mismatch(patient, intake))
      add(report, "intake_missing",
          fmt::format("{}: record a new intake with the record's {} before treatment", describe(*mismatch, screened->version),
                      mismatch->field == "/birth_date" ? "birth date" : "sex"));
    // A plan for keloids screens as if the intake named them: so does its session.
    if (const kb::Indication* indication = kb.find_indication(report.indication))
      intake = screening::with_conditions_implied_by(std::move(intake), *indication);
    result = screening::screen(intake, kb, date, regions);
  } catch (const InputError& e) {
    add(report, "intake_unreadable",
        fmt::format("intake version {} cannot be screened with this knowledge base ({}: {}); record it again",
                    screened->version, e.where(), e.message()));
    return;
  }
  report.screening_decision = kb::to_string(result.decision);
  report.deferred_until = result.earliest_date;
  std::vector<std::string> unacknowledged;
  for (const auto& f : result.findings) {
    // The finding's message usually begins with what it is about ("Isotretinoin (oral) ..."):
    // the rule's title is put in front only when the message does not already say it.
    const bool says_title = f.title.empty() || std::string_view(f.message).starts_with(f.title);
    const std::string what = says_title ? f.message : f.title + ": " + f.message;
    switch (f.decision) {
      case kb::Decision::contraindicated:
        add(report, "screening_contraindicated",
            fmt::format("screening on {} (intake version {}) says contraindicated: {}", format_civil_date(date),
                        screened->version, what),
            "/intake");
        break;
      case kb::Decision::defer:
        add(report, "screening_deferred",
            f.until ? fmt::format("screening on {} says defer until {}: {}", format_civil_date(date),
                                  format_civil_date(*f.until), what)
                    : fmt::format("screening on {} says defer: {}", format_civil_date(date), what),
            "/intake");
        break;
      case kb::Decision::caution: {
        report.cautions.push_back({f.id, what});
        const auto& ack = confirmation.acknowledged_cautions;
        // Named as the practitioner reads it (the rule's title), the id in brackets for the API.
        if (std::find(ack.begin(), ack.end(), f.id) == ack.end())
          unacknowledged.push_back(f.title.empty() ? f.id : fmt::format("{} ({})", f.title, f.id));
        break;
      }
      case kb::Decision::eligible: break;
    }
  }
  if (!unacknowledged.empty()) {
    std::string ids;
    for (const auto& id : unacknowledged) ids += (ids.empty() ? "" : ", ") + id;
    add(report, "caution_unacknowledged",
        fmt::format("acknowledge each screening caution before treatment: {}", ids), "/acknowledged_cautions");
  }
}

void check_consent(records::Store& store, const kb::KnowledgeBase& kb, const records::TreatmentSession& session,
                   CivilDate date, const std::string& indication, GateReport& report, json& recap) {
  auto consents = store.list_consents(session.patient_id);
  const std::string form = indication.empty() ? "the general consent form" : "the consent form for " + indication;
  if (consents.empty()) {
    add(report, "consent_missing", fmt::format("no consent on record: the patient must consent to {}", form));
    return;
  }
  // Consent comes before treatment: one given after the session's date does not count for it.
  std::erase_if(consents, [&](const records::Consent& c) { return !on_or_before(c.consented_at_ms, date); });
  if (consents.empty()) {
    add(report, "consent_missing",
        fmt::format("no consent was given on or before the session's date ({}): the patient must consent to {} "
                    "before treatment",
                    format_civil_date(date), form));
    return;
  }
  for (auto it = consents.rbegin(); it != consents.rend(); ++it) {
    if (consent_is_current(kb, *it, indication)) {
      recap["consent"] = {{"id", it->id}, {"text_version", it->text_version}};
      return;
    }
  }
  const auto& latest = consents.back();
  add(report, "consent_stale",
      fmt::format("the consent on record (version {}{}) is not today's text of {}: show the form again and record "
                  "a new consent",
                  latest.text_version, latest.indication.empty() ? "" : ", for " + latest.indication, form));
}

void check_device_and_lengths(const kb::KnowledgeBase& kb, const records::TreatmentSession& session,
                              const std::optional<records::CoursePlan>& plan, const PlanFacts& facts,
                              GateReport& report) {
  const kb::Device* device = session.device_id.empty() ? nullptr : kb.find_device(session.device_id);
  if (session.device_id.empty()) {
    add(report, "device_missing", "record the device used", "/device");
  } else if (!device) {
    add(report, "device_missing", fmt::format("unknown device '{}'", session.device_id), "/device");
  } else if (device->single_use && count_visible_characters(session.lot_number) == 0) {
    add(report, "lot_number_missing",
        fmt::format("{} is single-use: record its lot number (recalls are traced by lot)", device->name),
        "/lot_number");
  }
  if (session.needle_lengths.empty()) {
    add(report, "needle_lengths_missing", "record the needle length used on each treated region", "/needle_lengths");
    return;
  }
  const std::map<std::string, PlannedArea>& areas = facts.areas;
  for (std::size_t i = 0; i < session.needle_lengths.size(); ++i) {
    const auto& n = session.needle_lengths[i];
    const std::string where = fmt::format("/needle_lengths/{}", i);
    if (device && !device->offers_length(n.needle_length_mm)) {
      add(report, "needle_length_not_on_device",
          fmt::format("{} does not deliver {} on {} (a region treated with another device, e.g. a second roller, "
                      "goes in a session of its own on the same date, with that device and its lot)",
                      device->name, mm_text(n.needle_length_mm), n.region),
          where);
    }
    if (!plan) continue;
    const auto area = areas.find(n.region);
    if (area == areas.end()) {
      add(report, "region_not_in_plan",
          fmt::format("{} is not a region of plan {}; plan it first", n.region, plan->id), where);
      continue;
    }
    if (n.needle_length_mm > area->second.max_mm + kLengthTolerance_mm) {
      add(report, "needle_length_above_plan",
          fmt::format("{} on {} is longer than plan {} allows there ({} at most)", mm_text(n.needle_length_mm),
                      n.region, plan->id, mm_text(area->second.max_mm)),
          where);
    } else if (n.needle_length_mm + kLengthTolerance_mm < area->second.min_mm) {
      report.warnings.push_back(fmt::format("{} on {} is shorter than the plan's range there ({} to {})",
                                            mm_text(n.needle_length_mm), n.region, mm_text(area->second.min_mm),
                                            mm_text(area->second.max_mm)));
    }
    if (device && !area->second.device_id.empty() && area->second.device_id != device->id) {
      report.warnings.push_back(fmt::format("{}: the plan uses {}, the session records {}", n.region,
                                            area->second.device_id, device->id));
    }
    // What the plan warned about this region (a depth past the thinnest skin, no roller of the
    // planned length, ...) still stands when it is treated.
    for (const auto& w : area->second.warnings)
      report.warnings.push_back(fmt::format("plan {}, {}: {}", plan->id, n.region, w));
  }
}

records::TreatmentSession existing_session(records::Store& store, long long session_id) {
  auto session = store.find_session(session_id);
  if (!session || !store.find_patient(session->patient_id))
    throw records::NotFoundError("", fmt::format("no session with id {}", session_id));
  return *session;
}

json conditions_json(const std::vector<GateCondition>& conditions) {
  json out = json::array();
  for (const auto& c : conditions) out.push_back(to_json(c));
  return out;
}

json cautions_json(const std::vector<GateCaution>& cautions) {
  json out = json::array();
  for (const auto& c : cautions) out.push_back({{"id", c.id}, {"message", c.message}});
  return out;
}

/// The most recent passage of a step, if any.
const records::GatePassage* last_passage(const records::TreatmentSession& s, const std::string& step) {
  for (auto it = s.gate_passages.rbegin(); it != s.gate_passages.rend(); ++it) {
    if (it->step == step) return &*it;
  }
  return nullptr;
}

/// Adds the cautions a stored passage acknowledged to `confirmation`.
void carry_acknowledged(const records::GatePassage& passage, GateConfirmation& confirmation) {
  for (const auto& c : json::parse(passage.cautions_json, nullptr, false)) {
    if (c.is_object() && c.contains("id")) confirmation.acknowledged_cautions.push_back(c.value("id", ""));
  }
}

/// Each caution the caller acknowledges is one the gate reports for the session, or one an
/// earlier passage of it acknowledged, and is named once; InputError at
/// /acknowledged_cautions/N naming the id and what can be acknowledged otherwise.
void check_acknowledged(const std::vector<std::string>& given, const GateReport& report,
                        const records::TreatmentSession& session) {
  std::set<std::string> known;
  for (const auto& c : report.cautions) known.insert(c.id);
  GateConfirmation earlier;
  for (const auto& passage : session.gate_passages) carry_acknowledged(passage, earlier);
  known.insert(earlier.acknowledged_cautions.begin(), earlier.acknowledged_cautions.end());
  for (std::size_t i = 0; i < given.size(); ++i) {
    const std::string where = fmt::format("/acknowledged_cautions/{}", i);
    const auto first = std::find(given.begin(), given.end(), given[i]);
    if (first != given.begin() + static_cast<std::ptrdiff_t>(i))
      throw InputError(where, fmt::format("'{}' is acknowledged twice (also at /acknowledged_cautions/{})", given[i],
                                          first - given.begin()));
    if (known.count(given[i])) continue;
    std::string ids;
    for (const auto& c : report.cautions) ids += (ids.empty() ? "" : ", ") + c.id;
    throw InputError(where, fmt::format("'{}' is not a caution of this session's screening on {}; {}", given[i],
                                        session.session_date,
                                        ids.empty() ? "there is none to acknowledge" : "the cautions to acknowledge: " + ids));
  }
}

/// A planned session passes no gate: nothing is confirmed yet (InputError when something is:
/// dropping it would lose what the practitioner meant to record). A blank reason is none, as
/// at the gate.
void check_nothing_confirmed(const records::TreatmentSession& session, const GateConfirmation& confirmation) {
  if (session.status != records::SessionStatus::planned) return;
  if (!confirmation.acknowledged_cautions.empty())
    throw InputError("/acknowledged_cautions/0",
                     "cautions are acknowledged when the session is marked performed or signed; this session is "
                     "planned");
  if (count_visible_characters(confirmation.override_reason) > 0)
    throw InputError("/override_reason",
                     "an override sets aside the treatment gate's unmet conditions when the session is marked "
                     "performed or signed; this session is planned, so there is nothing to override and the reason "
                     "would not be kept. Send it with the step that marks the session performed");
}

/// Runs the gate for `step` and returns the passage to store, or throws the refusal.
records::GatePassage pass_gate(records::Store& store, const kb::KnowledgeBase& kb, const records::User& by,
                               const records::TreatmentSession& session, const std::string& step,
                               GateConfirmation confirmation, bool carry_performed = false) {
  // What was confirmed when the session was marked performed still holds at signing, and when
  // a performed session is edited and passes again (not when it is marked performed anew).
  const std::vector<std::string> given = confirmation.acknowledged_cautions;  // before any carried
  const records::GatePassage* earlier =
      step == "signed" || carry_performed ? last_passage(session, "performed") : nullptr;
  std::set<std::pair<std::string, std::string>> overridden_before;
  if (earlier) {
    carry_acknowledged(*earlier, confirmation);
    if (!earlier->override_reason.empty()) {
      for (const auto& u : json::parse(earlier->unmet_json, nullptr, false)) {
        if (u.is_object()) overridden_before.insert({u.value("condition", ""), u.value("message", "")});
      }
    }
  }
  GateReport report = evaluate_gate(store, kb, session, confirmation);
  check_acknowledged(given, report, session);
  records::GatePassage passage;
  passage.step = step;
  passage.cautions_json = report.recap["acknowledged_cautions"].dump();
  report.recap["step"] = step;
  passage.recap_json = report.recap.dump();
  if (report.unmet.empty()) {
    // A reason with nothing to set aside would be kept nowhere: refused rather than dropped.
    if (count_visible_characters(confirmation.override_reason) > 0)
      throw InputError("/override_reason",
                       fmt::format("the treatment gate has nothing unmet for {}, so there is nothing to override "
                                   "and the reason would not be kept; send the request again without it",
                                   session.id == 0 ? std::string("this session")
                                                   : fmt::format("session {}", session.id)));
    return passage;
  }

  std::string reason = confirmation.override_reason;
  const bool covered = earlier && std::all_of(report.unmet.begin(), report.unmet.end(), [&](const GateCondition& c) {
                         return overridden_before.count({c.condition, c.message}) > 0;
                       });
  if (count_visible_characters(reason) == 0) reason.clear();
  const bool carried = reason.empty() && covered;  // the reason given when it was performed
  if (carried) reason = earlier->override_reason;
  if (reason.empty()) {
    std::string list;
    for (const auto& c : report.unmet) list += (list.empty() ? "" : "; ") + c.message;
    throw ClinicError(FailureKind::refused, "gate",
                      fmt::format("the treatment gate refuses to mark {} as {}: {}",
                                  session.id == 0 ? std::string("this session") : fmt::format("session {}", session.id),
                                  step, list),
                      "", json{{"unmet", conditions_json(report.unmet)}, {"cautions", cautions_json(report.cautions)}});
  }
  if (!carried && !may_override_gate(by.role)) {  // a practitioner's override carried still holds
    throw ClinicError(FailureKind::forbidden, "forbidden",
                      "only a practitioner or an admin may override the treatment gate", "/override_reason",
                      json{{"unmet", conditions_json(report.unmet)}});
  }
  if (!carried) check_written_reason(reason, "/override_reason", "an override must say why the unmet conditions are set aside");
  passage.override_reason = reason;
  passage.unmet_json = conditions_json(report.unmet).dump();
  return passage;
}

/// Who performed the session: the user named (must exist), else, once performed, the caller
/// when the caller may treat; an assistant documenting leaves it to the signer.
void settle_practitioner(records::Store& store, const records::User& by, records::TreatmentSession& s) {
  if (s.practitioner_id != 0) {
    check_practitioner(store, s.practitioner_id, "/practitioner_id");
    return;
  }
  if (s.status == records::SessionStatus::performed && may_override_gate(by.role)) s.practitioner_id = by.id;
}

records::Actor actor_of(const records::User& user) { return {user.id, user.username}; }

/// The session's plan is 0 (none) or one of its patient's plans: checked before the gate, which
/// would otherwise judge the session against another plan (InputError at /plan_id).
void check_plan(records::Store& store, const records::TreatmentSession& s) {
  if (s.plan_id == 0) return;
  const auto plan = s.plan_id > 0 ? store.find_course_plan(s.plan_id) : std::nullopt;
  if (plan && plan->patient_id == s.patient_id) return;
  std::string ids;
  for (const auto& p : store.list_course_plans(s.patient_id)) ids += (ids.empty() ? "" : ", ") + std::to_string(p.id);
  throw InputError("/plan_id", fmt::format("no plan {} for patient {} (the patient's plans: {}; 0 for none)", s.plan_id,
                                           s.patient_id, ids.empty() ? "none" : ids));
}

/// Whether an edit of a performed session changes what the gate checked.
bool gate_fields_changed(const records::TreatmentSession& a, const records::TreatmentSession& b) {
  if (a.plan_id != b.plan_id || a.session_date != b.session_date || a.device_id != b.device_id ||
      trim(a.lot_number) != trim(b.lot_number) || a.needle_lengths.size() != b.needle_lengths.size())
    return true;
  for (std::size_t i = 0; i < a.needle_lengths.size(); ++i)
    if (a.needle_lengths[i].region != b.needle_lengths[i].region ||
        std::abs(a.needle_lengths[i].needle_length_mm - b.needle_lengths[i].needle_length_mm) > kLengthTolerance_mm)
      return true;
  return false;
}

}  // namespace

namespace {

/// Whether UTF-8 `text` holds a letter or a digit: an ASCII letter or digit, or a character of
/// another script (not punctuation, symbols, spaces, marks or emoji).
bool has_letter_or_digit(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (std::isalnum(byte)) return true;
      ++i;
      continue;
    }
    const int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    char32_t cp = length == 4 ? byte & 0x07 : length == 3 ? byte & 0x0F : byte & 0x1F;
    for (int k = 1; k < length && i + k < text.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += length;
    const bool not_a_letter = cp < 0xC0 || cp == 0xD7 || cp == 0xF7 ||   // Latin-1 punctuation and signs
                              (cp >= 0x0300 && cp <= 0x036F) ||           // combining marks
                              (cp >= 0x2000 && cp <= 0x2BFF) ||           // spaces, punctuation, symbols, arrows
                              (cp >= 0x3000 && cp <= 0x303F) ||           // CJK spaces and punctuation
                              (cp >= 0xFE00 && cp <= 0xFE4F) ||           // variation selectors, CJK forms
                              (cp >= 0xFF00 && cp <= 0xFF0F) || cp == 0xFEFF ||  // fullwidth punctuation, BOM
                              cp >= 0x1F000;                              // emoji and pictographs
    if (!not_a_letter) return true;
  }
  return false;
}

}  // namespace

void check_written_reason(std::string_view reason, const std::string& where, std::string_view what) {
  // The length is this software's choice (no source sets one).
  const std::size_t seen = count_visible_characters(reason);
  if (seen >= kMinReasonCharacters && has_letter_or_digit(reason)) return;
  throw InputError(where, fmt::format("{}, in at least {} characters that are not spaces, with letters or digits "
                                      "among them (got {} visible{}: \"{}\")",
                                      what, kMinReasonCharacters, seen,
                                      seen > 0 && !has_letter_or_digit(reason) ? ", no letter or digit" : "",
                                      std::string(trim(reason))));
}

void check_practitioner(records::Store& store, long long user_id, const std::string& where) {
  const auto user = user_id > 0 ? store.find_user(user_id) : std::nullopt;
  if (!user) throw InputError(where, fmt::format("no user with id {}", user_id));
  if (user->disabled)
    throw InputError(where, fmt::format("{} ({}) is disabled and cannot be recorded as the practitioner", user->username,
                                        user_id));
  if (!may_override_gate(user->role))
    throw InputError(where, fmt::format("{} ({}) is an {}: the practitioner recorded for a session is a practitioner "
                                        "or an admin",
                                        user->username, user_id, records::to_string(user->role)));
}

bool may_override_gate(records::Role role) {
  return role == records::Role::practitioner || role == records::Role::admin;
}

GateReport evaluate_gate(records::Store& store, const kb::KnowledgeBase& kb, const records::TreatmentSession& session,
                         const GateConfirmation& confirmation) {
  GateReport report;
  const records::Patient patient = existing_patient(store, session.patient_id);
  const auto date = parse_civil_date(session.session_date);
  if (!date) throw InputError("/date", fmt::format("'{}' is not a date (YYYY-MM-DD)", session.session_date));

  const auto plan = plan_of(store, session, report.warnings);
  if (plan) {
    report.plan_id = plan->id;
    report.indication = plan->indication;
  }
  // Screen for the regions treated; without any yet, for the plan's regions.
  std::vector<std::string> regions;
  for (const auto& n : session.needle_lengths) {
    if (kb.find_region(n.region)) regions.push_back(n.region);
  }
  const PlanFacts facts = plan ? plan_facts(*plan) : PlanFacts{};
  if (regions.empty()) {
    for (const auto& [region, area] : facts.areas) regions.push_back(region);
  }
  check_screening(store, kb, patient, session, *date, regions, confirmation, report);
  if (!plan) add(report, "plan_missing", "no course plan on record: plan the course before treatment");

  json recap = {{"patient", {{"id", patient.id}, {"name", patient.name}}},
                {"session_id", session.id},
                {"date", session.session_date},
                {"device", session.device_id},
                {"lot_number", session.lot_number},
                {"plan_id", report.plan_id},
                {"indication", report.indication}};
  if (const kb::Device* device = kb.find_device(session.device_id)) recap["device_name"] = device->name;
  check_consent(store, kb, session, *date, report.indication, report, recap);
  if (plan) {
    // The plan dates its first session after the preparation (a pre-treatment's weeks, a
    // deferral); one held earlier shortens it. Not refused: no source makes the preparation a
    // condition of safety (an assumption of this software), but the practitioner is told.
    if (facts.first_session && *date < *facts.first_session)
      report.warnings.push_back(fmt::format(
          "the session ({}) is before the first session plan {} dates ({}), which leaves time for the preparation; "
          "check the preparation tasks due before it were done",
          session.session_date, plan->id, format_civil_date(*facts.first_session)));
  }
  check_device_and_lengths(kb, session, plan, facts, report);

  json lengths = json::array();
  for (const auto& n : session.needle_lengths) {
    const kb::Region* region = kb.find_region(n.region);
    lengths.push_back({{"region", n.region},
                       {"region_name", region ? region->name : n.region},
                       {"needle_length_mm", n.needle_length_mm}});
  }
  recap["needle_lengths"] = lengths;
  recap["screening_decision"] = report.screening_decision;
  recap["warnings"] = report.warnings;
  json acknowledged = json::array();
  for (const auto& c : report.cautions) {
    const auto& ack = confirmation.acknowledged_cautions;
    if (std::find(ack.begin(), ack.end(), c.id) != ack.end()) acknowledged.push_back({{"id", c.id}, {"message", c.message}});
  }
  recap["acknowledged_cautions"] = acknowledged;
  report.recap = std::move(recap);
  report.allowed = report.unmet.empty();
  return report;
}

GateReport evaluate_stored_gate(records::Store& store, const kb::KnowledgeBase& kb, long long session_id) {
  const auto session = existing_session(store, session_id);
  GateConfirmation confirmation;
  for (const auto& passage : session.gate_passages) carry_acknowledged(passage, confirmation);
  return evaluate_gate(store, kb, session, confirmation);
}

records::TreatmentSession create_session(records::Store& store, const kb::KnowledgeBase& kb, const records::User& by,
                                         records::TreatmentSession session, const GateConfirmation& confirmation) {
  existing_patient(store, session.patient_id);
  if (session.session_date.empty()) throw InputError("/date", "'date' is required");
  session.lot_number = std::string(trim(session.lot_number));
  check_plan(store, session);
  settle_practitioner(store, by, session);
  check_nothing_confirmed(session, confirmation);
  std::optional<records::GatePassage> passage;
  if (session.status == records::SessionStatus::performed) {
    passage = pass_gate(store, kb, by, session, "performed", confirmation);
  }
  return store.create_session(actor_of(by), session, passage);
}

records::TreatmentSession update_session(records::Store& store, const kb::KnowledgeBase& kb, const records::User& by,
                                         records::TreatmentSession session, const GateConfirmation& confirmation) {
  const auto old = existing_session(store, session.id);
  if (old.status == records::SessionStatus::signed_off)
    throw records::SignedSessionError("", fmt::format("session {} is signed; add an amendment instead", old.id));
  if (old.status == records::SessionStatus::performed && session.status == records::SessionStatus::planned)
    throw ClinicError(FailureKind::conflict, "performed",
                      fmt::format("session {} was recorded as performed on {}: a treatment that happened stays "
                                  "performed. Correct what was recorded (date, device, lot, needle lengths, notes) "
                                  "here; if it did not take place, say so in its notes; once it is signed, "
                                  "corrections are amendments",
                                  old.id, old.session_date),
                      "/status");
  session.lot_number = std::string(trim(session.lot_number));
  session.patient_id = old.patient_id;
  if (session.plan_id != old.plan_id) check_plan(store, session);
  if (session.practitioner_id != old.practitioner_id || session.practitioner_id == 0)
    settle_practitioner(store, by, session);
  std::optional<records::GatePassage> passage;
  // Marked performed: the gate. Already performed and what the gate checked has changed (the
  // date, the plan, the device, the lot, a needle length): the gate again, so an edit cannot
  // put through what marking it performed would have refused.
  const bool now_performed = session.status == records::SessionStatus::performed;
  const bool was_performed = old.status == records::SessionStatus::performed;
  check_nothing_confirmed(session, confirmation);
  session.gate_passages = old.gate_passages;
  if (now_performed && (!was_performed || gate_fields_changed(old, session))) {
    passage = pass_gate(store, kb, by, session, "performed", confirmation, /*carry_performed=*/was_performed);
  } else if (now_performed) {
    // No new passage: the earlier acknowledgements and override stand; what is sent is still
    // checked, and a new reason, which would be kept nowhere, is refused rather than dropped.
    if (count_visible_characters(confirmation.override_reason) > 0)
      throw InputError("/override_reason",
                       fmt::format("session {} is already marked performed and this change does not touch what the "
                                   "treatment gate checks (the date, the plan, the device, the lot, the needle "
                                   "lengths), so there is nothing to override and the reason would not be kept; a "
                                   "reason given when it is signed replaces the override's",
                                   session.id));
    if (!confirmation.acknowledged_cautions.empty())
      check_acknowledged(confirmation.acknowledged_cautions, evaluate_gate(store, kb, session, confirmation), session);
  }
  return store.update_session(actor_of(by), session, passage);
}

records::TreatmentSession sign_session(records::Store& store, const kb::KnowledgeBase& kb, const records::User& by,
                                       long long session_id, long long row_version,
                                       const GateConfirmation& confirmation) {
  auto s = existing_session(store, session_id);
  if (s.status == records::SessionStatus::signed_off)
    throw records::SignedSessionError("", fmt::format("session {} is already signed", s.id));
  if (s.status != records::SessionStatus::performed)
    throw InputError("/status", fmt::format("only a performed session can be signed (session {} is {})", s.id,
                                            records::to_string(s.status)));
  if (s.row_version != row_version)
    throw records::ConflictError("/row_version", "the session changed since it was read; reload it");
  const auto passage = pass_gate(store, kb, by, s, "signed", confirmation);
  // A signed record says who performed the session: when nobody was recorded (an assistant
  // documented it), the signer is, recorded as an audited update before the signature.
  if (s.practitioner_id == 0) {
    s.practitioner_id = by.id;
    row_version = store.update_session(actor_of(by), s).row_version;
  }
  return store.sign_session(actor_of(by), s.id, row_version, passage);
}

json to_json(const GateCondition& condition) {
  json j = {{"condition", condition.condition}, {"message", condition.message}};
  if (!condition.where.empty()) j["where"] = condition.where;
  return j;
}

json to_json(const GateReport& report) {
  return {{"allowed", report.allowed},
          {"unmet", conditions_json(report.unmet)},
          {"cautions", cautions_json(report.cautions)},
          {"warnings", report.warnings},
          {"screening_decision", report.screening_decision},
          {"deferred_until", report.deferred_until ? json(format_civil_date(*report.deferred_until)) : json(nullptr)},
          {"plan_id", report.plan_id},
          {"indication", report.indication},
          {"recap", report.recap}};
}

}  // namespace dermaplan::clinic
