#include "clinic/patient_care.h"

#include "core/errors.h"
#include "core/json_text.h"
#include "core/storable_text.h"
#include "kb/describe.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace dermaplan::clinic {

const std::vector<std::string>& patient_sex_values() {
  static const std::vector<std::string> values{"", "female", "male", "other", "unknown"};
  return values;
}

void check_patient_sex(const std::string& sex) {
  const auto& sexes = patient_sex_values();
  if (std::find(sexes.begin(), sexes.end(), sex) == sexes.end())
    throw InputError("/sex", fmt::format("'{}' is not a value for sex; use female, male, other or unknown "
                                         "(or leave it out when not recorded)",
                                         sex));
}

void check_patient_birth_date(const std::string& birth_date, CivilDate today) {
  const auto birth = parse_civil_date(birth_date);
  if (!birth) throw InputError("/birth_date", fmt::format("'{}' is not a real date YYYY-MM-DD", birth_date));
  if (*birth > today)
    throw InputError("/birth_date",
                     fmt::format("the birth date {} is after today ({})", birth_date, format_civil_date(today)));
  if (*birth < add_months(today, -130 * 12))
    throw InputError("/birth_date",
                     fmt::format("the birth date {} is more than 130 years ago; check the year", birth_date));
}

void check_entry_date(const records::Patient& patient, const std::string& date, EntryTime when, CivilDate today,
                      const std::string& where) {
  const auto day = parse_civil_date(date);
  if (!day) throw InputError(where, fmt::format("'{}' is not a real date YYYY-MM-DD", date));
  if (const auto birth = parse_civil_date(patient.birth_date); birth && *day < *birth)
    throw InputError(where, fmt::format("{} is before the patient's birth date ({})", date, patient.birth_date));
  if (when == EntryTime::happened && *day > add_days(today, 1))
    throw InputError(where, fmt::format("{} is in the future (today is {}); record it once it has happened", date,
                                        format_civil_date(today)));
  if (when == EntryTime::planned && *day > add_months(today, 5 * 12))
    throw InputError(where, fmt::format("{} is more than 5 years ahead; check the year", date));
}

namespace {

/// The UTC day of an epoch-milliseconds time.
CivilDate utc_day(long long ms) {
  return CivilDate{date::floor<date::days>(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)))};
}

/// The day an intake was taken: the day it was screened as of, else the day it was recorded
/// (as the treatment gate reads it).
CivilDate intake_day(const records::Intake& intake) {
  const auto doc = nlohmann::json::parse(intake.screening_json, nullptr, false);
  if (doc.is_object() && doc.contains("as_of") && doc["as_of"].is_string())
    if (const auto day = parse_civil_date(doc["as_of"].get<std::string>())) return *day;
  return utc_day(intake.created_at_ms);
}

}  // namespace

void check_birth_date_against_record(const records::PatientRecord& record, const std::string& birth_date) {
  const auto born = parse_civil_date(birth_date);
  if (!born) throw InputError("/birth_date", fmt::format("'{}' is not a real date YYYY-MM-DD", birth_date));
  // The earliest entry dated before the birth date, as "what (date)".
  std::optional<CivilDate> earliest;
  std::string what;
  const auto consider = [&](std::optional<CivilDate> day, const std::string& entry) {
    if (day && *day < *born && (!earliest || *day < *earliest)) {
      earliest = day;
      what = entry;
    }
  };
  for (const auto& i : record.intakes)
    consider(intake_day(i), fmt::format("intake version {} (taken {})", i.version, format_civil_date(intake_day(i))));
  for (const auto& c : record.consents)
    consider(utc_day(c.consented_at_ms),
             fmt::format("consent {} (given {})", c.id, format_civil_date(utc_day(c.consented_at_ms))));
  for (const auto& t : record.sessions)
    consider(parse_civil_date(t.session_date), fmt::format("treatment session {} ({})", t.id, t.session_date));
  for (const auto& e : record.adverse_events) {
    consider(parse_civil_date(e.onset_date), fmt::format("adverse event {} (onset {})", e.id, e.onset_date));
    consider(parse_civil_date(e.resolution_date),
             fmt::format("adverse event {} (resolved {})", e.id, e.resolution_date));
  }
  for (const auto& o : record.outcomes)
    consider(parse_civil_date(o.assessed_on), fmt::format("outcome assessment {} ({})", o.id, o.assessed_on));
  for (const auto& p : record.photos)
    consider(parse_civil_date(p.taken_on), fmt::format("photo {} (taken {})", p.id, p.taken_on));
  if (earliest)
    throw InputError("/birth_date", fmt::format("the birth date {} is after {} of this record; dates in a record lie "
                                                "on or after the birth date",
                                                birth_date, what));
  // An intake that gives another birth date is not a refusal: it is what was said then (and
  // screened on), and refusing would leave a typed-in error with no way to correct it (a new
  // intake must give the record's birth date). The next intake gives the corrected one.
}

void check_text_length(const std::string& text, std::size_t max_characters, const std::string& where) {
  if (text.size() <= max_characters) return;  // a byte is at most one character
  const std::size_t n = count_code_points(text);
  if (n > max_characters)
    throw InputError(where, fmt::format("'{}' may have at most {} characters (got {})", where.substr(where.rfind('/') + 1),
                                        max_characters, n));
}

records::Patient existing_patient(records::Store& store, long long patient_id) {
  auto patient = store.find_patient(patient_id);
  if (!patient) throw records::NotFoundError("", fmt::format("no patient with id {}", patient_id));
  return *patient;
}

namespace {

/// What a one-line text (a name, a label) may not hold: a control character (C0, DEL, C1, the
/// line and paragraph separators U+2028/U+2029: each breaks a line of a list, a PDF or an
/// export) or a bidirectional embedding, override or isolate (U+202A..U+202E, U+2066..U+2069:
/// "A", U+202E, "evil" reads "Alive" in a list, a PDF or the audit view, so the text on screen
/// is not the text stored; right-to-left names need none of them, and the marks U+200E and
/// U+200F stay allowed). InputError at `where`, `what` naming the text ("a name").
void check_one_line(const std::string& text, const std::string& where, const char* what) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto b1 = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    const auto b2 = i + 2 < text.size() ? static_cast<unsigned char>(text[i + 2]) : 0;
    const bool c1 = c == 0xC2 && b1 >= 0x80 && b1 <= 0x9F;
    const bool separator = c == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9);  // E2 80 A8/A9
    if (c < 0x20 || c == 0x7F || c1 || separator)
      throw InputError(where, fmt::format("{} may not hold control characters (a line break, a tab, an escape "
                                          "code; one at byte {})",
                                          what, i));
    if (c == 0xE2 && ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9)))
      throw InputError(where, fmt::format("{} may not hold a bidirectional override or isolate (U+{:04X} at byte "
                                          "{}): it shows the letters after it in another order than they are stored",
                                          what, b1 == 0x80 ? 0x2000 + (b2 - 0x80) : 0x2040 + (b2 - 0x80), i));
  }
}

}  // namespace

void check_patient_name(const std::string& name, const std::string& where) {
  require_storable_text(name, where);
  if (count_visible_characters(name) == 0) throw InputError(where, "a name needs at least one letter");
  if (count_code_points(name) > 300) throw InputError(where, "a name may have at most 300 characters");
  check_one_line(name, where, "a name");
}

void check_label_text(const std::string& text, const std::string& where) {
  check_text_length(text, kMaxLabelCharacters, where);
  check_one_line(text, where, fmt::format("'{}'", where.substr(where.rfind('/') + 1)).c_str());
}

void check_session_of_patient(records::Store& store, long long patient_id, long long session_id,
                              const std::string& where) {
  if (session_id == 0) return;
  const auto session = session_id > 0 ? store.find_session(session_id) : std::nullopt;
  if (!session)
    throw InputError(where, fmt::format("there is no treatment session {}; leave it out or give one of this "
                                        "patient's sessions",
                                        session_id));
  if (session->patient_id != patient_id)
    throw InputError(where, fmt::format("treatment session {} is another patient's; give one of this patient's "
                                        "sessions",
                                        session_id));
}

void check_region_id(const kb::KnowledgeBase& kb, const std::string& region, const std::string& where) {
  if (region.empty() || kb.find_region(region)) return;
  std::string accepted;
  for (const auto& r : kb.regions) accepted += (accepted.empty() ? "" : ", ") + r.id;
  throw InputError(where, fmt::format("unknown region '{}'; accepted: {}", region, accepted));
}

std::optional<IntakeMismatch> intake_mismatch(const records::Patient& patient, const screening::Intake& intake) {
  if (const auto born = parse_civil_date(patient.birth_date); born && intake.birth_date && *intake.birth_date != *born)
    return IntakeMismatch{"/birth_date", format_civil_date(*intake.birth_date), patient.birth_date};
  const auto sex_of = [](const std::string& s) {
    return s == "female" ? kb::Sex::female : s == "male" ? kb::Sex::male : kb::Sex::unknown;
  };
  if (const kb::Sex recorded = sex_of(patient.sex);
      recorded != kb::Sex::unknown && (intake.sex == kb::Sex::female || intake.sex == kb::Sex::male) &&
      intake.sex != recorded)
    return IntakeMismatch{"/sex", kb::to_string(intake.sex), patient.sex};
  return std::nullopt;
}

std::string describe(const IntakeMismatch& mismatch, int intake_version) {
  const char* what = mismatch.field == "/birth_date" ? "birth date" : "sex";
  return fmt::format("intake version {} gives the {} {}, the patient's record now {} (corrected after the intake "
                     "was taken), so it was screened on what the record no longer says",
                     intake_version, what, mismatch.intake_value, mismatch.record_value);
}

RecordedIntake record_intake(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                             const IntakeRequest& request, CivilDate today) {
  const records::Patient patient = existing_patient(store, request.patient_id);
  const CivilDate as_of = request.date.value_or(today);
  // The day the intake was taken has happened, like every other event of the record (a future
  // day would screen, and show in the patient list, what the patient will have by then).
  if (request.date) check_entry_date(patient, format_civil_date(as_of), EntryTime::happened, today, "/date");
  check_areas(kb, request.areas);
  const auto intake = parse_request_intake(kb, request.intake, as_of);
  // The intake is screened on its own birth date and sex: they must be the patient's, or the
  // screening (age, pregnancy questions, skin thickness by sex) is of someone else.
  if (const auto mismatch = intake_mismatch(patient, intake)) {
    if (mismatch->field == "/birth_date")
      throw InputError("/intake/birth_date",
                       fmt::format("the intake's birth date ({}) is not the patient's ({}); correct one of them",
                                   mismatch->intake_value, mismatch->record_value));
    throw InputError("/intake/sex", fmt::format("the intake's sex is not the patient's ({}); correct one of them",
                                                mismatch->record_value));
  }
  RecordedIntake out;
  out.screening = screening::screen(intake, kb, as_of, request.areas);
  records::Intake row;
  row.patient_id = request.patient_id;
  row.intake_json = request.intake.dump();
  row.screening_json = screening::to_json(out.screening).dump();
  row.knowledge_version = kb.version;
  row.policy = kb.policy;
  out.row = store.add_intake(by, row, patient.row_version);  // the patient checked above, unchanged
  return out;
}

RecordedPlan plan_for_patient(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                              const PatientPlanRequest& request, CivilDate today) {
  const records::Patient patient = existing_patient(store, request.patient_id);
  const CivilDate as_of = request.date.value_or(today);
  // The plan screens the intake as of its date, as an intake is screened: a later day than
  // tomorrow would plan past a deferral still running today ("Plannable: no findings"), and a
  // day before the birth date was answered at /intake/birth_date, not where it was given.
  if (request.date) check_entry_date(patient, format_civil_date(as_of), EntryTime::happened, today, "/date");
  const auto intakes = store.list_intakes(request.patient_id);
  if (intakes.empty())
    throw InputError("/intake", fmt::format("the patient has no intake yet; record one first "
                                            "(POST /api/patients/{}/intakes)", request.patient_id));
  const auto document = parse_json_text(intakes.back().intake_json, screening::kMaxIntakeBytes, "/intake");
  const auto intake = parse_request_intake(kb, document, as_of);
  // A plan screens too (and sets needle lengths by sex): not on what the record no longer says.
  if (const auto mismatch = intake_mismatch(patient, intake))
    throw InputError("/intake", fmt::format("{}; record a new intake first (POST /api/patients/{}/intakes)",
                                            describe(*mismatch, intakes.back().version), request.patient_id));
  RecordedPlan out;
  out.intake_version = intakes.back().version;
  out.plan = plan_parsed(kb, intake, as_of, request.plan);
  records::CoursePlan row;
  row.patient_id = request.patient_id;
  row.indication = request.plan.indication;
  row.plan_json = planning::to_json(out.plan, kb).dump();
  if (out.plan.assessment_date) row.assessment_date = format_civil_date(*out.plan.assessment_date);
  out.row = store.add_course_plan(by, row);
  return out;
}

}  // namespace dermaplan::clinic
