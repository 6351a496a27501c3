// Aftercare instructions grouped by the days after a session they cover, for the handout's
// day-by-day timeline and the calendar's aftercare entries. Day 0 is the session day; an
// instruction of 0-24 hours covers days 0-1 (it ends during day 1).
#pragma once

#include "interop/plan_document.h"

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::interop {

struct AftercareWindow {
  int first_day = 0;
  std::optional<int> last_day;   //!< none: open-ended
  std::string vague_end;         //!< open-ended: the source's words for its end ("for a few days"), if any
  std::vector<const PlanAftercare*> instructions;  //!< in the plan's order
};

/// Windows ordered by last day (open-ended ones last), then first day.
std::vector<AftercareWindow> aftercare_windows(const PlanDocument& plan);

/// "day 0–1", "days 1–14", "from day 0, no set end (ask the practice)", "from day 0, for a few days
/// (no number is given: ask the practice)": how the handout names a window.
std::string describe_window(const AftercareWindow& window);

}  // namespace dermaplan::interop
