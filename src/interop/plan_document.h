// A stored or freshly computed course plan, read back from its JSON contract (the output of
// `dermaplan plan --format json`, kept in records::CoursePlan::plan_json) into the typed parts
// that the patient documents need: handout, calendar and FHIR CarePlan.
#pragma once

#include "core/civil_date.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::interop {

struct PlanSession {
  int number = 0;
  CivilDate date;          //!< earliest date
  CivilDate latest_date;   //!< latest date (equal to `date` when the interval is fixed)
  bool optional = false;   //!< beyond the course's minimum
};

/// Who carries out a preparation task: the patient's go on the handout's checklist and the
/// patient's calendar; the practitioner's (the counselling discussion) do not.
enum class TaskDoer { patient, practitioner };

struct PlanTask {
  std::string id;
  std::string task;
  CivilDate due;
  int session = 0;         //!< the session it prepares
  /// A plan saved before tasks said who does them reads as the patient's: its documents show
  /// every task, as they did when it was made.
  TaskDoer done_by = TaskDoer::patient;
};

/// One aftercare instruction and the time after each session it applies.
struct PlanAftercare {
  std::string id;
  std::string instruction;
  double from_hours = 0;
  std::optional<double> to_hours;  //!< none: open-ended ("until healed")
  /// Open-ended with the source's words for an end it gives no number for ("for a few days");
  /// empty: no end stated at all.
  std::string vague_end;
};

struct PlanArea {
  std::string region;       //!< region id
  std::string region_name;
  double planned_length_mm = 0;
  std::string device_id;
};

struct PlanDocument {
  std::string indication;        //!< id
  std::string indication_name;
  std::string treatment_class;   //!< cosmetic | medical
  bool physician_required = false;
  bool treatable = false;
  std::string status;            //!< the plan's one-line status
  std::string device_id;
  std::string device_name;
  std::vector<PlanArea> areas;
  std::vector<PlanSession> sessions;
  int session_count_min = 0;
  int session_count_max = 0;
  std::vector<PlanTask> preparation;
  std::vector<PlanAftercare> aftercare;
  std::optional<CivilDate> assessment_date;
  std::vector<std::string> warnings;   //!< plan-wide warnings (practitioner's copy)
  std::string notice;                  //!< the decision-support sentence
  std::string knowledge_version;
  std::string policy;
};

/// Reads the plan JSON contract. Keys it does not use are ignored (the contract carries far
/// more); a missing or mistyped key it needs is an InputError naming its JSON path, prefixed
/// by `where` (e.g. "--plan" or "/plan").
PlanDocument parse_plan_document(const nlohmann::json& plan, const std::string& where = "");

}  // namespace dermaplan::interop
