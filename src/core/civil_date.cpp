#include "core/civil_date.h"

#include <fmt/format.h>

#include <chrono>
#include <vector>

namespace dermaplan {

std::optional<CivilDate> parse_civil_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t count) -> std::optional<int> {
    int value = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d) return std::nullopt;
  CivilDate day{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                date::day{static_cast<unsigned>(*d)}};
  if (!day.ok()) return std::nullopt;
  return day;
}

std::string format_civil_date(CivilDate day) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()),
                     static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
}

CivilDate today_utc() {
  return CivilDate{date::floor<date::days>(std::chrono::system_clock::now())};
}

CivilDate add_days(CivilDate day, long days) {
  return CivilDate{date::sys_days{day} + date::days{days}};
}

CivilDate add_months(CivilDate day, int months) {
  CivilDate moved = day + date::months{months};
  if (!moved.ok()) moved = moved.year() / moved.month() / date::last;
  return moved;
}

long days_between(CivilDate from, CivilDate to) {
  return (date::sys_days{to} - date::sys_days{from}).count();
}

std::string WaitPeriod::describe() const {
  std::vector<std::string> parts;
  auto add = [&](int n, const char* unit) {
    if (n) parts.push_back(fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s"));
  };
  add(years, "year");
  add(months, "month");
  add(weeks, "week");
  add(days, "day");
  if (parts.empty()) return "no wait";
  std::string out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) out += " " + parts[i];
  return out;
}

CivilDate add_wait(CivilDate day, const WaitPeriod& wait) {
  CivilDate out = add_months(day, wait.years * 12 + wait.months);
  return add_days(out, static_cast<long>(wait.weeks) * 7 + wait.days);
}

}  // namespace dermaplan
