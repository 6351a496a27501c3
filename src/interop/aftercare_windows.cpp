#include "interop/aftercare_windows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace dermaplan::interop {

std::vector<AftercareWindow> aftercare_windows(const PlanDocument& plan) {
  std::vector<AftercareWindow> windows;
  for (const auto& item : plan.aftercare) {
    const int first = static_cast<int>(std::floor(item.from_hours / 24.0));
    std::optional<int> last;
    if (item.to_hours) last = std::max(first, static_cast<int>(std::ceil(*item.to_hours / 24.0)));
    const std::string& vague = last ? std::string() : item.vague_end;
    auto it = std::find_if(windows.begin(), windows.end(), [&](const AftercareWindow& w) {
      return w.first_day == first && w.last_day == last && w.vague_end == vague;
    });
    if (it == windows.end()) {
      windows.push_back({first, last, vague, {}});
      it = windows.end() - 1;
    }
    it->instructions.push_back(&item);
  }
  std::stable_sort(windows.begin(), windows.end(), [](const AftercareWindow& a, const AftercareWindow& b) {
    const int a_last = a.last_day.value_or(1 << 30), b_last = b.last_day.value_or(1 << 30);
    // Open-ended windows whose source gives a vague end ("a few days") before those with none.
    const bool a_none = !a.last_day && a.vague_end.empty(), b_none = !b.last_day && b.vague_end.empty();
    return std::tie(a_last, a_none, a.first_day) < std::tie(b_last, b_none, b.first_day);
  });
  return windows;
}

std::string describe_window(const AftercareWindow& window) {
  if (!window.last_day && !window.vague_end.empty())
    return fmt::format("from day {}, {} (no number is given: ask the practice)", window.first_day, window.vague_end);
  if (!window.last_day) return fmt::format("from day {}, no set end (ask the practice)", window.first_day);
  if (*window.last_day == window.first_day) return fmt::format("day {}", window.first_day);
  return fmt::format("day {}–{}", window.first_day, *window.last_day);
}

}  // namespace dermaplan::interop
