// The interval methods against published worked examples.
#include "outcomes/statistics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dermaplan::outcomes {
namespace {

TEST(Statistics, TCriticalValuesMatchTheTables) {
  EXPECT_NEAR(t_critical(0.95, 4), 2.776, 1e-3);
  EXPECT_NEAR(t_critical(0.95, 30), 2.042, 1e-3);
  EXPECT_NEAR(t_critical(0.99, 10), 3.169, 1e-3);
  EXPECT_NEAR(z_critical(0.95), 1.95996, 1e-5);
}

TEST(Statistics, WilsonIntervalMatchesNewcombe1998) {
  // Newcombe, Stat Med 1998;17:857-72, table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605.
  const Interval a = wilson_interval(81, 263, 0.95);
  EXPECT_NEAR(a.low, 0.2553, 1e-4);
  EXPECT_NEAR(a.high, 0.3662, 1e-4);
  const Interval b = wilson_interval(15, 148, 0.95);
  EXPECT_NEAR(b.low, 0.0624, 1e-4);
  EXPECT_NEAR(b.high, 0.1605, 1e-4);
  const Interval none = wilson_interval(0, 10, 0.95);
  EXPECT_EQ(none.low, 0);
  EXPECT_NEAR(none.high, 0.2775, 1e-4);
}

TEST(Statistics, NewcombeDifferenceMatchesItsWorkedExample) {
  // Newcombe, Stat Med 1998;17:873-90, example (a): 56/70 - 48/80 -> 0.0524 to 0.3339 (method 10).
  const Interval d = newcombe_difference_interval(56, 70, 48, 80, 0.95);
  EXPECT_NEAR(d.low, 0.0524, 1e-4);
  EXPECT_NEAR(d.high, 0.3339, 1e-4);
}

TEST(Statistics, RunningMeanAgreesWithTheTwoPassFormula) {
  RunningMean m;
  for (double v : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) m.add(v);
  EXPECT_EQ(m.count(), 8);
  EXPECT_DOUBLE_EQ(m.mean(), 5.0);
  EXPECT_NEAR(m.variance(), 32.0 / 7.0, 1e-12);
  EXPECT_EQ(m.min(), 2.0);
  EXPECT_EQ(m.max(), 9.0);
}

TEST(Statistics, MeanAndWelchIntervals) {
  const Interval m = mean_interval(-1.4, std::sqrt(0.3), 5, 0.95);
  EXPECT_NEAR(m.low, -2.080, 1e-3);
  EXPECT_NEAR(m.high, -0.720, 1e-3);
  // Equal sds and sizes: Welch's df is 2(n - 1).
  const Interval w = welch_difference_interval(1.0, 1.0, 10, 0.0, 1.0, 10, 0.95);
  EXPECT_NEAR(w.high - 1.0, t_critical(0.95, 18) * std::sqrt(0.2), 1e-9);
}

TEST(Statistics, BadArgumentsThrow) {
  EXPECT_THROW(wilson_interval(3, 2, 0.95), std::invalid_argument);
  EXPECT_THROW(mean_interval(0, 1, 1, 0.95), std::invalid_argument);
  EXPECT_THROW(t_critical(1.0, 3), std::invalid_argument);
}

}  // namespace
}  // namespace dermaplan::outcomes
