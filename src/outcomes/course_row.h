// The outcomes engine's input: one row per treatment course, with what the record holds about
// it (the patient's sex, age and skin type, the performed sessions, the scores and the adverse
// events). The engine reads rows one at a time from a CourseStream, so its memory does not grow
// with the number of patients.
#pragma once

#include "core/civil_date.h"
#include "kb/knowledge_base.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dermaplan::outcomes {

enum class Severity { mild, moderate, severe };

/// The needle length used on one region in one session.
struct RegionNeedle {
  std::string region;
  double needle_length_mm = 0;
};

/// A performed (or signed) session of the course.
struct SessionFact {
  long long session_id = 0;
  CivilDate date;
  std::string device_id;
  std::string lot_number;              //!< empty when not recorded
  std::vector<RegionNeedle> needles;   //!< one per treated region
  long long practitioner_id = 0;
};

/// A score on an outcome scale.
struct ScoreFact {
  std::string scale_id;
  double score = 0;
  CivilDate date;
  std::string region;  //!< empty when the score is for the patient as a whole
};

struct AdverseEventFact {
  long long session_id = 0;  //!< the session it followed; 0 when not linked to one
  std::string type;          //!< as recorded; grouped case- and blank-insensitively
  Severity severity = Severity::mild;
  CivilDate onset;
};

/// One treatment course (a course plan and what followed it).
struct CourseRow {
  long long patient_id = 0;
  long long course_id = 0;
  std::string indication;
  kb::Sex sex = kb::Sex::unknown;
  std::optional<CivilDate> birth_date;
  std::optional<int> fitzpatrick;       //!< 1-6 from the intake in force, if recorded
  int planned_sessions = 0;             //!< sessions the plan foresees; 0 when unknown
  std::vector<SessionFact> sessions;    //!< performed sessions, by date
  std::vector<ScoreFact> scores;        //!< the patient's scores from the baseline window on
  std::vector<AdverseEventFact> adverse_events;
};

/// Fills `row` with the next course and returns true, or returns false at the end. Rows must
/// come ordered by patient id (a patient's courses together), so that patients can be counted
/// without remembering them. The row object is reused between calls.
using CourseStream = std::function<bool(CourseRow& row)>;

}  // namespace dermaplan::outcomes
