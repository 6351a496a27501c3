// Calendar dates (no time of day, no time zone) as used in intakes and plans.
#pragma once

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>

namespace dermaplan {

/// A calendar day. Ordered, and cheap to copy.
using CivilDate = date::year_month_day;

/// Parses "YYYY-MM-DD" strictly (four-digit year, real calendar day, nothing after it).
/// Returns nullopt for anything else, including 2026-02-30.
std::optional<CivilDate> parse_civil_date(std::string_view text);

/// "YYYY-MM-DD".
std::string format_civil_date(CivilDate day);

/// Today in UTC, read from the system clock (only the CLI and server call this; engines take dates).
CivilDate today_utc();

CivilDate add_days(CivilDate day, long days);
/// Adds calendar months; the day is clamped to the end of a shorter month (Jan 31 + 1 = Feb 28/29).
CivilDate add_months(CivilDate day, int months);
/// Days from `from` to `to` (negative when `to` is earlier).
long days_between(CivilDate from, CivilDate to);

/// A waiting period as the sources state it: some days, weeks, months or years.
struct WaitPeriod {
  int days = 0;
  int weeks = 0;
  int months = 0;
  int years = 0;
  bool empty() const { return days == 0 && weeks == 0 && months == 0 && years == 0; }
  /// "3 months", "14 days", "1 year 2 weeks".
  std::string describe() const;
};

CivilDate add_wait(CivilDate day, const WaitPeriod& wait);

}  // namespace dermaplan
