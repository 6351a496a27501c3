// The planning engine: intake + indication + regions + knowledge base + dates -> a course
// plan (device, needle length per region checked against that region's skin, dated sessions,
// preparation, procedure, aftercare) with every item's sources. A pure function.
#pragma once

#include "core/civil_date.h"
#include "kb/knowledge_base.h"
#include "screening/screening.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::planning {

struct PlanRequest {
  std::string indication;               //!< indication id
  std::vector<std::string> areas;       //!< region ids; empty = the indication's typical regions
  std::optional<CivilDate> start;       //!< first session no earlier than this (default: as_of)
  std::optional<std::string> device;    //!< device id; default: the knowledge base's default
};

/// The region's skin against the planned needle.
struct DepthCheck {
  double needle_um = 0;
  kb::RangeUm epidermis_um;
  kb::RangeUm dermis_um;
  kb::RangeUm skin_um;              //!< epidermis + dermis
  std::string nominal_reach;        //!< epidermis | dermis | beyond-dermis (nominal length)
  bool exceeds_dermis = false;      //!< the needle is longer than the thinnest recorded skin
  bool bleeding_expected = false;   //!< at or above the sources' bleeding threshold
  std::string depth_class;          //!< cosmetic | medical ... (knowledge base depth classes)
  kb::SourceIds sources;
};

struct AreaPlan {
  const kb::Region* region = nullptr;
  kb::NeedleLength needle_length;   //!< the indication's range and the length a source names, if any
  double planned_length_mm = 0;     //!< what the plan asks for: the named length, else the range's
                                    //!< lower end; then capped by the region's guide
  std::string length_basis;         //!< why that length: "named" (a source names it) or "range-minimum"
  const kb::Device* device = nullptr;  //!< the device (or roller) that delivers that length
  double device_length_mm = 0;      //!< the length set on / built into the device
  DepthCheck depth_check;
  std::vector<std::string> warnings;
  kb::SourceIds sources;
};

struct PlannedSession {
  int number = 0;
  CivilDate date;          //!< earliest date (interval minimum after the previous one)
  CivilDate latest_date;   //!< latest date (interval maximum)
  bool optional = false;   //!< beyond the course's minimum: depends on the response
};

struct DatedTask {
  std::string id;
  std::string task;
  CivilDate due;
  int session = 0;  //!< the session it prepares
  kb::SourceIds sources;
};

/// Whether the plan's needles are short enough for use at home (the knowledge base's limit).
struct HomeUse {
  double max_mm = 0;             //!< the limit
  double longest_needle_mm = 0;  //!< the longest needle the plan uses
  bool within = false;
  kb::SourceIds sources;
};

struct CoursePlan {
  screening::ScreeningResult screening;
  const kb::Indication* indication = nullptr;
  kb::TreatmentClass treatment_class = kb::TreatmentClass::cosmetic;
  bool physician_required = false;
  const kb::Device* device = nullptr;
  std::vector<AreaPlan> areas;
  bool treatable = false;     //!< false: screening does not allow a schedule now
  std::string status;         //!< one line saying what the plan is (or why it has no sessions)
  std::vector<PlannedSession> sessions;
  kb::CountRange interval_days;
  kb::CountRange session_count;
  std::optional<CivilDate> assessment_date;
  std::vector<DatedTask> preparation;
  std::vector<const kb::ProcedureStep*> procedure;
  std::vector<std::string> warnings;  //!< plan-wide warnings
  std::optional<HomeUse> home_use;    //!< none when the knowledge base has no home-use limit
  std::vector<const kb::TopicSummary*> disagreements;  //!< every disputed value this plan used
};

/// Plans a course. Throws InputError for an unknown indication, region or device, or a start
/// before `as_of`. Never throws for a screening outcome: a contraindication gives a plan with
/// `treatable = false` and no sessions.
CoursePlan plan_course(const screening::Intake& intake, const kb::KnowledgeBase& kb, CivilDate as_of,
                       const PlanRequest& request);

/// The JSON contract of `dermaplan plan` and POST /api/plan.
nlohmann::json to_json(const CoursePlan& plan, const kb::KnowledgeBase& kb);

/// A readable plan a practitioner could print.
std::string to_text(const CoursePlan& plan, const kb::KnowledgeBase& kb);

}  // namespace dermaplan::planning
