// Columns the store derives from the JSON documents it keeps, so that practice-wide reads (the
// outcomes report) need not parse every document: written with each row and backfilled by
// migration 7 with the same functions. Internal to dermaplan_records.
#pragma once

#include <optional>
#include <string>

namespace dermaplan::records {

/// intakes.fitzpatrick: the intake document's "fitzpatrick" (a whole number 1..6), or nullopt
/// when it has none or the document is not the intake JSON.
std::optional<int> fitzpatrick_of_intake(const std::string& intake_json);

/// course_plans.planned_sessions: the number of the plan's "sessions" not marked "optional"
/// (what the course requires); 0 when it lists none or is not a plan document.
int required_sessions_of_plan(const std::string& plan_json);

}  // namespace dermaplan::records
