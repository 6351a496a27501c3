#include "kb/results.h"

#include <fmt/format.h>

namespace dermaplan::kb {

std::string StatedDuration::describe() const {
  std::string out;
  auto part = [&](int value, const char* one, const char* many) {
    if (value == 0) return;
    out += fmt::format("{}{} {}", out.empty() ? "" : " ", value, value == 1 ? one : many);
  };
  part(months, "month", "months");
  part(weeks, "week", "weeks");
  part(days, "day", "days");
  return out.empty() ? "0 weeks" : out;
}

}  // namespace dermaplan::kb
