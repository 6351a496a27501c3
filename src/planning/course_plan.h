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
  kb::RangeMm planned_range;        //!< the indication's range within the region's limit (or, with
                                    //!< no overlap, the shallower side, with a warning)
  std::string limit_basis;          //!< "region-guide", or "skin-thickness" where no guide exists
  double planned_length_mm = 0;     //!< what the device delivers there: the setting or roller in the
                                    //!< planned range nearest the named length (else its lower end)
  std::string length_basis;         //!< why that length: "named" (a source names it) or "range-minimum"
  const kb::Device* device = nullptr;  //!< the device (or roller) that delivers that length
  double device_length_mm = 0;      //!< the length set on / built into the device (= planned)
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

/// An assessment of the results: the first date it makes sense and the latest.
struct PlannedAssessment {
  CivilDate date;
  CivilDate latest_date;
  int after_session = 0;  //!< the session it follows
};

struct DatedTask {
  std::string id;
  std::string task;
  CivilDate due;
  int session = 0;  //!< the session it prepares
  kb::SourceIds sources;
  std::string decided_by;       //!< who decides on it, when not the practitioner
  std::string decided_by_note;  //!< why (or that it is an assumption)
  kb::TaskDoer done_by = kb::TaskDoer::patient;  //!< the practitioner's stay off the patient's documents
  std::string assumption;       //!< a choice in its planning no source makes, if any
};

/// Whether the plan uses anaesthetic cream, and where (or with what) it is not needed.
struct PlanAnaesthesia {
  bool needed = true;
  std::vector<const kb::Region*> areas_without;  //!< treated areas that need none (the scalp)
  kb::SourceIds not_needed_sources;               //!< the sources for those (or for the device)
};

/// Whether the plan's needles are short enough for use at home (the knowledge base's limit).
struct HomeUse {
  double max_mm = 0;             //!< the limit
  double longest_needle_mm = 0;  //!< the longest needle the plan uses
  bool within = false;           //!< the needles are within the limit and no physician is required
  bool physician_required = false;  //!< the indication needs a physician: never home use
  kb::SourceIds sources;
};

struct CoursePlan {
  screening::ScreeningResult screening;
  const kb::Indication* indication = nullptr;
  kb::TreatmentClass treatment_class = kb::TreatmentClass::cosmetic;
  bool physician_required = false;
  const kb::Device* device = nullptr;          //!< the first area's device (the plan's device)
  std::vector<const kb::Device*> devices;     //!< every device the areas use, in area order
  std::vector<AreaPlan> areas;
  PlanAnaesthesia anaesthesia;
  bool treatable = false;     //!< false: screening does not allow a schedule now
  std::string status;         //!< one line saying what the plan is (or why it has no sessions)
  std::vector<PlannedSession> sessions;
  kb::CountRange interval_days;
  kb::CountRange session_count;
  std::optional<CivilDate> assessment_date;  //!< the first assessment: the decision one, else the final
  /// After the last required session and before the first optional one: decides on them.
  std::optional<PlannedAssessment> decision_assessment;
  std::optional<PlannedAssessment> final_assessment;  //!< after the last planned session
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

/// The parts of a plan's JSON that depend on the knowledge base alone (each disagreement, each
/// procedure step, the aftercare, the "about" texts: three quarters of a plan's bytes), written
/// once for `kb`, which must outlive them.
class PlanJsonParts {
 public:
  explicit PlanJsonParts(const kb::KnowledgeBase& kb);
  const kb::KnowledgeBase& kb() const { return *kb_; }

  /// A part's text; nullptr for a topic or step that is not this knowledge base's.
  const std::string* topic(const kb::TopicSummary& topic) const;
  const std::string* step(const kb::ProcedureStep& step) const;
  const std::string& aftercare() const { return aftercare_; }
  const std::string& about(bool anaesthesia_needed, bool cosmetic_depth) const {
    return about_[anaesthesia_needed ? 1 : 0][cosmetic_depth ? 1 : 0];
  }

 private:
  const kb::KnowledgeBase* kb_;
  std::vector<std::string> topics_;     //!< parallel to kb.topics
  std::vector<std::string> steps_;      //!< parallel to kb.procedure
  std::string aftercare_;
  std::string about_[2][2];             //!< [anaesthesia needed][every area at cosmetic depth]
};

/// to_json(plan, parts.kb()).dump() (UTF-8 errors replaced), with the parts spliced in as text:
/// the same bytes, in a quarter of the time (bench/protocol_bench).
std::string to_json_text(const CoursePlan& plan, const PlanJsonParts& parts);

/// A readable plan a practitioner could print.
std::string to_text(const CoursePlan& plan, const kb::KnowledgeBase& kb);

}  // namespace dermaplan::planning
