// The screening engine: intake + knowledge base + date -> findings -> one decision.
// A pure function; the clock and the knowledge base are passed in.
#pragma once

#include "core/civil_date.h"
#include "kb/knowledge_base.h"
#include "screening/intake.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::screening {

/// One reason the decision is not simply "eligible", with the sources behind it.
struct Finding {
  std::string id;     //!< the rule id ("isotretinoin"); "<rule>-unknown" when status is unknown
  std::string title;  //!< the rule's title
  kb::Decision decision = kb::Decision::caution;
  std::string message;
  std::optional<std::string> area;   //!< where the condition or procedure is, when the intake says
  std::optional<std::string> zone;   //!< the zone (face, neck, ...) a zone-wide rule matched in
  std::optional<CivilDate> until;    //!< the end of a waiting period
  kb::SourceIds sources;
  bool unknown = false;              //!< raised because the intake does not say
  std::string reading;               //!< how an ambiguous source sentence is read (the rule's), if any
  const kb::TopicSummary* topic = nullptr;  //!< set when the sources disagree on this rule
};

struct ScreeningResult {
  kb::Decision decision = kb::Decision::eligible;  //!< the most severe finding
  std::optional<CivilDate> earliest_date;          //!< for defer, when every wait has an end
  std::vector<Finding> findings;
  std::vector<std::string> checks;  //!< what the practitioner must still ask or verify
  /// Disputed rules that do not apply under the chosen position (a wait that is over) while
  /// another position still would: each is named in `checks`, and a plan shows the topic.
  std::vector<const kb::TopicSummary*> other_positions_apply;
  CivilDate as_of;
  std::vector<std::string> areas;   //!< the treated areas screened for (empty: any area)
  std::string policy;
  std::string knowledge_version;
};

/// `intake` with the conditions `indication` implies (Indication::implies_conditions) present
/// on every area, whatever the intake said of them: a patient treated for keloids has a history
/// of keloid scarring. Planning screens this, and so does the treatment gate for a session of a
/// plan for that indication.
Intake with_conditions_implied_by(Intake intake, const kb::Indication& indication);

/// Screens an intake (already validated by parse_intake) on `as_of` for the treated `areas`
/// (region ids; empty = any area, which applies area-limited findings conservatively).
ScreeningResult screen(const Intake& intake, const kb::KnowledgeBase& kb, CivilDate as_of,
                       const std::vector<std::string>& areas);

/// The JSON contract of `dermaplan screen` and POST /api/screen.
nlohmann::json to_json(const ScreeningResult& result);

/// A readable report for a practitioner.
std::string to_text(const ScreeningResult& result);

/// Text shown with every result: the software supports, and does not replace, a decision.
extern const char* const kDecisionSupportNotice;

}  // namespace dermaplan::screening

namespace dermaplan::screening {

/// Whether the intake contains what a trigger looks for (used for preparation tasks and
/// procedure steps that apply only to some patients). Unknown counts as not matching.
bool intake_matches(const kb::Trigger& trigger, const Intake& intake);

}  // namespace dermaplan::screening
