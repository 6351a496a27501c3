// Use cases on a patient's record: an intake (parsed, screened and stored together) and a
// course plan made from the patient's latest intake.
#pragma once

#include "clinic/engine_requests.h"
#include "records/store.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::clinic {

struct IntakeRequest {
  long long patient_id = 0;
  nlohmann::json intake;            //!< the intake document
  std::vector<std::string> areas;   //!< treated region ids; empty: any area
  std::optional<CivilDate> date;    //!< the screening date; default: today
};

struct RecordedIntake {
  records::Intake row;              //!< as stored: the document, the screening, kb version, policy
  screening::ScreeningResult screening;
};

/// Parses, screens and stores a new intake version. NotFoundError for an unknown patient;
/// InputError under "/intake", "/areas/N" for bad input (nothing is stored then).
RecordedIntake record_intake(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                             const IntakeRequest& request, CivilDate today);

/// Where a stored intake and the patient's record disagree on what screening reads of the
/// person: the birth date, or the sex (female or male on both sides, not the same).
struct IntakeMismatch {
  std::string field;         //!< "/birth_date" or "/sex"
  std::string intake_value;  //!< what the intake gives
  std::string record_value;  //!< what the record now says
};
/// The first disagreement, or none (nothing to compare counts as agreeing).
std::optional<IntakeMismatch> intake_mismatch(const records::Patient& patient, const screening::Intake& intake);
/// "intake version 2 gives the birth date 1990-04-02, the patient's record now 1990-04-03 (...)".
std::string describe(const IntakeMismatch& mismatch, int intake_version);

struct PatientPlanRequest {
  long long patient_id = 0;
  planning::PlanRequest plan;       //!< indication, areas, start, device
  std::optional<CivilDate> date;    //!< the planning date; default: today
};

struct RecordedPlan {
  records::CoursePlan row;
  int intake_version = 0;           //!< the intake the plan was made from
  planning::CoursePlan plan;
};

/// Plans from the patient's latest intake and stores the plan. InputError "/intake" when the
/// patient has no intake yet, or when its birth date or sex is not the record's (corrected
/// since: intake_mismatch).
RecordedPlan plan_for_patient(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                              const PatientPlanRequest& request, CivilDate today);

/// The values the record takes for a patient's sex: "" (not recorded), "female", "male",
/// "other", "unknown" (FHIR's administrative gender codes).
const std::vector<std::string>& patient_sex_values();

/// Checks a patient's fields before they are stored: sex one of patient_sex_values() (InputError
/// at "/sex"); the birth date a real YYYY-MM-DD not after `today` and at most 130 years before
/// it, a bound on typing errors, not a clinical rule (InputError at "/birth_date").
void check_patient_sex(const std::string& sex);
/// The name: at least one character a reader sees, no control characters (a line break, also
/// U+2028/U+2029, or an escape code in a name breaks lists, PDFs and exports), no bidirectional
/// override or isolate (U+202A..U+202E, U+2066..U+2069: the name would show in another order),
/// at most 300 characters; InputError at `where` otherwise.
void check_patient_name(const std::string& name, const std::string& where = "/name");
void check_patient_birth_date(const std::string& birth_date, CivilDate today);

/// Checks a changed birth date against what the record already holds (InputError at
/// "/birth_date"): every dated entry (an intake's day, a consent, a session, an adverse event,
/// a score, a photo) lies on or after it (the earliest one before it is named), and every
/// intake that gives a birth date gives this one (the latest that differs is named: it was
/// screened on that age).
void check_birth_date_against_record(const records::PatientRecord& record, const std::string& birth_date);

/// Bounds on free text in a record (typing and pasting errors, not style): a label or a name
/// (a photo's view, an adverse event's type, who consented) at most kMaxLabelCharacters, a note
/// (notes, a resolution, a reason) at most kMaxNoteCharacters. A record is read whole on every
/// visit, so one pasted megabyte slows every later read of it.
inline constexpr std::size_t kMaxLabelCharacters = 300;
inline constexpr std::size_t kMaxNoteCharacters = 10000;
/// InputError at `where` ("'view' may have at most 300 characters (got 20971520)") when `text`
/// has more than `max_characters` characters (code points).
void check_text_length(const std::string& text, std::size_t max_characters, const std::string& where);
/// A label (a lot number, a photo's view, an adverse event's type, who consented, a session's
/// directions, anaesthetic and end point): at most kMaxLabelCharacters, on one line, with the
/// name's rule (check_patient_name: no control characters, no bidirectional overrides); a line
/// break in a lot number makes it one nobody can type for a recall. InputError at `where`.
void check_label_text(const std::string& text, const std::string& where);

/// When a dated entry of a patient's record may lie. What happened (a performed session, a
/// score, an adverse event, a photo) lies on or after the patient's birth date and no later
/// than tomorrow (a day's slack for practices ahead of UTC); what is planned (a planned
/// session) lies on or after the birth date and at most 5 years ahead. Both bounds catch
/// typing errors; they are not clinical rules. InputError at `where` otherwise.
enum class EntryTime { happened, planned };
void check_entry_date(const records::Patient& patient, const std::string& date, EntryTime when, CivilDate today,
                      const std::string& where);

/// The patient (not deleted) or NotFoundError naming the id.
records::Patient existing_patient(records::Store& store, long long patient_id);

/// An entry's link to a treatment session (an adverse event, a score, a photo): 0 (none) or a
/// session of this patient; InputError at `where` otherwise (another patient's session would
/// put the entry in the wrong record).
void check_session_of_patient(records::Store& store, long long patient_id, long long session_id,
                              const std::string& where);

/// An entry's skin region: "" (none given) or a region id of the knowledge base; InputError at
/// `where` otherwise, listing the ids.
void check_region_id(const kb::KnowledgeBase& kb, const std::string& region, const std::string& where);

}  // namespace dermaplan::clinic
