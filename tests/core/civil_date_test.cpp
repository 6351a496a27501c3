#include "core/civil_date.h"

#include <gtest/gtest.h>

namespace dermaplan {
namespace {

TEST(CivilDate, ParsesRealDatesOnly) {
  EXPECT_TRUE(parse_civil_date("2024-02-29"));
  EXPECT_FALSE(parse_civil_date("2023-02-29"));  // not a leap year
  EXPECT_FALSE(parse_civil_date("2026-02-30"));
  EXPECT_FALSE(parse_civil_date("2026-13-01"));
  EXPECT_FALSE(parse_civil_date("2026-1-01"));
  EXPECT_FALSE(parse_civil_date("2026-01-01T00:00"));
  EXPECT_FALSE(parse_civil_date(""));
  EXPECT_FALSE(parse_civil_date("20x6-01-01"));
}

TEST(CivilDate, FormatsRoundTrip) {
  EXPECT_EQ(format_civil_date(*parse_civil_date("2026-03-05")), "2026-03-05");
}

struct WaitCase {
  const char* from;
  WaitPeriod wait;
  const char* expected;
};

class AddWait : public ::testing::TestWithParam<WaitCase> {};

TEST_P(AddWait, LandsOnTheExpectedDay) {
  const auto& c = GetParam();
  EXPECT_EQ(format_civil_date(add_wait(*parse_civil_date(c.from), c.wait)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, AddWait,
                         ::testing::Values(WaitCase{"2026-01-31", {0, 0, 1, 0}, "2026-02-28"},
                                           WaitCase{"2024-01-31", {0, 0, 1, 0}, "2024-02-29"},
                                           WaitCase{"2026-08-20", {0, 0, 3, 0}, "2026-11-20"},
                                           WaitCase{"2026-12-20", {14, 0, 0, 0}, "2027-01-03"},
                                           WaitCase{"2025-11-22", {0, 0, 0, 1}, "2026-11-22"},
                                           WaitCase{"2026-01-01", {0, 2, 0, 0}, "2026-01-15"}));

TEST(CivilDate, DaysBetweenIsSigned) {
  EXPECT_EQ(days_between(*parse_civil_date("2026-01-01"), *parse_civil_date("2026-03-01")), 59);
  EXPECT_EQ(days_between(*parse_civil_date("2026-03-01"), *parse_civil_date("2026-01-01")), -59);
}

TEST(WaitPeriod, DescribesInWords) {
  EXPECT_EQ((WaitPeriod{14, 0, 0, 0}.describe()), "14 days");
  EXPECT_EQ((WaitPeriod{0, 0, 1, 1}.describe()), "1 year 1 month");
  EXPECT_EQ(WaitPeriod{}.describe(), "no wait");
}

}  // namespace
}  // namespace dermaplan
