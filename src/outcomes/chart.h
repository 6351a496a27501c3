// What the outcomes chart shows, separated from drawing it: score trajectories (mean change
// after the first session, with intervals) per cohort on one scale, and adverse events per 100
// sessions by device. Withheld cells carry no numbers and are drawn as "too few".
#pragma once

#include "outcomes/report.h"

#include <string>
#include <vector>

namespace dermaplan::outcomes {

struct ChartPoint {
  int week = 0;
  bool suppressed = false;
  double mean = 0;
  Interval ci;
  long long n = 0;
};

struct ChartSeries {
  std::string label;         //!< the cohort's key ("acne-scars · 1.0-1.5 mm")
  bool suppressed = false;   //!< the whole cohort is withheld
  bool complementary = false;//!< ... only so that a smaller cell cannot be worked out
  std::vector<ChartPoint> points;  //!< weeks 0 (baseline, change 0), 4, 8, 12, 26, 52 after the first session
};

struct ChartBar {
  std::string label;
  bool suppressed = false;
  bool complementary = false;
  double per_100 = 0;
  Interval ci;               //!< per 100 sessions
  long long sessions = 0;
};

struct ChartData {
  std::string scale;         //!< the scale of the trajectories, empty if none has data
  std::string scale_name;
  bool lower_is_better = true;
  std::vector<ChartSeries> trajectories;
  std::vector<ChartBar> adverse_events_by_device;
  int min_cell_patients = 5;
  std::string notice;
};

/// The chart's content for `scale`, or, when empty, the scale scored in most courses.
ChartData chart_data(const OutcomesReport& report, const std::string& scale = "");

}  // namespace dermaplan::outcomes
