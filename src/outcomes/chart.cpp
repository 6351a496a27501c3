#include "outcomes/chart.h"

#include <map>

namespace dermaplan::outcomes {

ChartData chart_data(const OutcomesReport& report, const std::string& scale) {
  ChartData chart;
  chart.min_cell_patients = report.request.min_cell_patients;
  chart.notice = report.notice;
  chart.scale = scale;
  if (chart.scale.empty()) {
    std::map<std::string, long long> courses;
    for (const auto& cohort : report.cohorts)
      for (const auto& s : cohort.scales) courses[s.scale] += s.baseline.n;
    long long most = -1;
    for (const auto& [id, n] : courses)
      if (n > most) most = n, chart.scale = id;
  }
  for (const auto& cohort : report.cohorts) {
    ChartSeries series;
    for (const auto& [dimension, value] : cohort.key) series.label += (series.label.empty() ? "" : " · ") + value_label(report, dimension, value);
    series.suppressed = cohort.suppressed;
    series.complementary = cohort.suppressed_secondary;
    if (!cohort.suppressed) {
      const ScaleOutcome* outcome = nullptr;
      for (const auto& s : cohort.scales)
        if (s.scale == chart.scale) outcome = &s;
      if (!outcome) continue;
      chart.scale_name = outcome->name;
      chart.lower_is_better = outcome->lower_is_better;
      ChartPoint start;
      start.n = outcome->baseline.n;
      start.suppressed = outcome->baseline.suppressed;
      series.points.push_back(start);
      for (const auto& f : outcome->follow_ups) {
        if (f.window.anchor != Anchor::first_session) continue;
        ChartPoint point;
        point.week = f.window.week;
        point.suppressed = f.change.suppressed;
        if (!point.suppressed) {
          point.mean = f.change.estimate;
          point.ci = f.change.ci.value_or(Interval{f.change.estimate, f.change.estimate});
          point.n = f.change.n;
        }
        series.points.push_back(point);
      }
    }
    chart.trajectories.push_back(std::move(series));
  }
  for (const auto& device : report.adverse_events.by_device) {
    ChartBar bar;
    bar.label = device.category;
    bar.suppressed = device.sessions_with_event.suppressed;
    bar.complementary = device.sessions_with_event.complementary;
    if (!bar.suppressed) {
      bar.per_100 = device.sessions_with_event.estimate * 100;
      const Interval ci = device.sessions_with_event.ci.value_or(Interval{});
      bar.ci = {ci.low * 100, ci.high * 100};
      bar.sessions = device.sessions_with_event.n;
    }
    chart.adverse_events_by_device.push_back(bar);
  }
  return chart;
}

}  // namespace dermaplan::outcomes
