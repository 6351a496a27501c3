// Sets a cohort's figures beside the published results for its indication and scale
// (internal to the outcomes library).
#pragma once

#include "outcomes/report.h"

#include <map>
#include <string>

namespace dermaplan::outcomes::detail {

/// Fills cohort.literature, literature_notes and also_published. `course_event_shares` holds,
/// per normalised adverse-event type, the share of the cohort's courses with such an event.
void add_literature(Cohort& cohort, const std::map<std::string, Figure>& course_event_shares,
                    const kb::KnowledgeBase& kb, const ReportRequest& request);

/// Lower case, blanks trimmed and collapsed: how adverse-event types are grouped.
std::string normalise_type(std::string_view text);

}  // namespace dermaplan::outcomes::detail
