#include "outcomes/literature.h"

#include "outcomes/accumulators.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dermaplan::outcomes::detail {

namespace {

const char* kUncorrelatedAssumption =
    "The source gives no standard deviation of the change: the interval assumes baseline and follow-up "
    "scores are uncorrelated, which makes it wider than the paired interval when they correlate positively.";
const char* kWilsonFromCount = "The interval is a Wilson interval computed by dermaplan from the published count.";

std::string range_text(double low, double high, const char* unit, int decimals) {
  if (std::abs(high - low) < 1e-9) return fmt::format("{:.{}f}{}", low, decimals, unit);
  return fmt::format("{:.{}f}-{:.{}f}{}", low, decimals, high, decimals, unit);
}

std::string duration_in_days(const kb::StatedDuration& d) {
  if (d.months == 0 && d.weeks == 0) return d.describe();
  return fmt::format("{} (about {:.0f} days)", d.describe(), d.in_days());
}

std::vector<LiteratureComparison::Difference> protocol_differences(const kb::StudyProtocol& study,
                                                                   const ProtocolSummary& practice) {
  std::vector<LiteratureComparison::Difference> out;
  const auto& needle = practice.needle_length_mm;
  out.push_back({"needle length",
                 needle.count() == 0 ? "not recorded"
                 : needle.max() - needle.min() < 1e-9
                     ? range_text(needle.min(), needle.max(), " mm", 2)
                     : fmt::format("{} (mean {:.2f} mm)", range_text(needle.min(), needle.max(), " mm", 2), needle.mean()),
                 study.needle_length ? range_text(study.needle_length->min_mm, study.needle_length->max_mm, " mm", 2)
                                     : "not stated"});
  const auto& sessions = practice.sessions;
  std::string study_sessions =
      study.sessions ? range_text(study.sessions->min, study.sessions->max, "", 0) : std::string("not stated");
  if (study.course) study_sessions += ", over " + study.course->describe();
  out.push_back({"sessions",
                 fmt::format("{} (mean {:.1f})", range_text(sessions.min(), sessions.max(), "", 0), sessions.mean()),
                 study_sessions});
  out.push_back({"interval",
                 practice.median_interval_days
                     ? fmt::format("median {:.0f} days", *practice.median_interval_days)
                     : std::string("single sessions"),
                 study.interval ? "every " + duration_in_days(*study.interval) : std::string("not stated")});
  std::string kinds;
  for (const auto& kind : practice.device_kinds) kinds += (kinds.empty() ? "" : ", ") + kind;
  out.push_back({"device", kinds.empty() ? "not recorded" : kinds, study.device.empty() ? "not stated" : study.device});
  if (!study.with.empty()) out.push_back({"co-treatment", "not recorded by dermaplan", study.with});
  return out;
}

std::optional<FollowUpWindow> window_for(const kb::StudyFollowUp& point) {
  const Anchor anchor = point.from == kb::FollowUpFrom::first_session ? Anchor::first_session : Anchor::last_session;
  const double days = point.after.in_days();
  for (const auto& window : follow_up_windows())
    if (window.anchor == anchor && days >= window.from_days && days < window.to_days) return window;
  return std::nullopt;
}

const FollowUpFigure* practice_at(const ScaleOutcome& outcome, const FollowUpWindow& window) {
  for (const auto& figure : outcome.follow_ups)
    if (figure.window.anchor == window.anchor && figure.window.week == window.week) return &figure;
  return nullptr;
}

void set_overlap(LiteratureComparison& c) {
  if (c.practice.suppressed || !c.practice.ci || !c.published_ci) return;
  c.overlap = c.practice.ci->overlaps(*c.published_ci);
}

/// The published mean change at a follow-up, in the scale's own direction, if the result has one.
bool published_change(const kb::PublishedResult& result, const kb::StudyFollowUp& point, bool lower_is_better,
                      LiteratureComparison& c) {
  if (point.change) {
    c.published_estimate = point.change->mean;
    if (point.change->low) c.published_ci = Interval{*point.change->low, *point.change->high};
    c.published_level = point.change->level;
    return true;
  }
  if (point.improvement) {
    const double sign = lower_is_better ? -1 : 1;
    c.published_estimate = sign * point.improvement->mean;
    if (point.improvement->low) {
      const double a = sign * *point.improvement->low, b = sign * *point.improvement->high;
      c.published_ci = Interval{std::min(a, b), std::max(a, b)};
    }
    c.published_level = point.improvement->level;
    return true;
  }
  if (point.score.mean && result.baseline.mean) {
    c.published_estimate = *point.score.mean - *result.baseline.mean;
    c.published_derived = true;
    if (point.score.sd && result.baseline.sd && result.analysed >= 2) {
      const double sd_change = std::sqrt(*point.score.sd * *point.score.sd + *result.baseline.sd * *result.baseline.sd);
      c.published_ci = mean_interval(c.published_estimate, sd_change, result.analysed, c.published_level);
      c.assumption = kUncorrelatedAssumption;
    } else {
      c.assumption = "Computed by dermaplan as follow-up mean minus baseline mean; the source gives no spread.";
    }
    return true;
  }
  return false;
}

}  // namespace

void add_literature(Cohort& cohort, const std::map<std::string, Figure>& course_event_shares,
                    const kb::KnowledgeBase& kb, const ReportRequest& request) {
  if (cohort.indication.empty()) return;
  for (const auto& result : kb.results) {
    if (std::find(result.indications.begin(), result.indications.end(), cohort.indication) == result.indications.end())
      continue;
    const ScaleOutcome* outcome = nullptr;
    if (!result.measure.scale.empty())
      for (const auto& scale : cohort.scales)
        if (scale.scale == result.measure.scale) outcome = &scale;
    const auto differences = protocol_differences(result.protocol, cohort.protocol);
    auto start = [&](LiteratureComparison::Kind kind, std::string measure, std::string timepoint) {
      LiteratureComparison c;
      c.kind = kind;
      c.result_id = result.id;
      c.study = result.study;
      c.sources = result.sources;
      c.measure = std::move(measure);
      c.timepoint = std::move(timepoint);
      c.published_n = result.analysed;
      c.published_level = request.confidence;
      c.protocol = differences;
      return c;
    };
    bool compared = false;

    if (outcome) {
      for (const auto& point : result.follow_up) {
        const std::string timepoint =
            fmt::format("{} after the {} session", point.after.describe(),
                        point.from == kb::FollowUpFrom::first_session ? "first" : "last");
        const auto window = window_for(point);
        const FollowUpFigure* practice = window ? practice_at(*outcome, *window) : nullptr;

        LiteratureComparison change = start(LiteratureComparison::Kind::mean_change, "mean change from baseline (" + outcome->name + ")", timepoint);
        if (published_change(result, point, outcome->lower_is_better, change)) {
          change.window = window;
          if (practice) change.practice = practice->change;
          set_overlap(change);
          cohort.literature.push_back(std::move(change));
          compared = true;
        }
        if (point.responders && point.responders->count && outcome->responder_improvement &&
            std::abs(point.responders->improvement - *outcome->responder_improvement) < 1e-9) {
          LiteratureComparison responders =
              start(LiteratureComparison::Kind::responders, fmt::format("responders (improved by {} or more)", *outcome->responder_improvement), timepoint);
          responders.published_estimate =
              static_cast<double>(*point.responders->count) / static_cast<double>(point.responders->of);
          responders.published_ci = wilson_interval(*point.responders->count, point.responders->of, request.confidence);
          responders.published_n = point.responders->of;
          responders.published_derived = true;
          responders.assumption = kWilsonFromCount;
          responders.window = window;
          if (practice && practice->responders) responders.practice = *practice->responders;
          set_overlap(responders);
          cohort.literature.push_back(std::move(responders));
          compared = true;
        }
      }
    }

    for (const auto& event : result.adverse_events) {
      LiteratureComparison c = start(LiteratureComparison::Kind::adverse_event, "patients (practice: courses) with " + event.type, "during the study");
      c.published_estimate = static_cast<double>(event.patients) / static_cast<double>(event.of);
      c.published_ci = wilson_interval(event.patients, event.of, request.confidence);
      c.published_n = event.of;
      c.published_derived = true;
      c.assumption = kWilsonFromCount;
      const Figure* practice = nullptr;
      for (const std::string& name : {normalise_type(event.risk), normalise_type(event.type)})
        if (auto it = course_event_shares.find(name); !name.empty() && it != course_event_shares.end())
          practice = &it->second;
      if (practice) {
        c.practice = *practice;
      } else {
        RateCell none;  // no course of the cohort had such an event
        none.n = cohort.courses;
        none.patients.patients = cohort.patients;
        none.without.patients = cohort.patients;
        c.practice = rate_figure(none, request.min_cell_patients, request.confidence);
      }
      set_overlap(c);
      cohort.literature.push_back(std::move(c));
      compared = true;
    }

    if (compared) continue;
    if (outcome)
      cohort.literature_notes.push_back(
          {result.id, result.study, result.sources, result.summary.empty() ? result.note : result.summary});
    else
      cohort.also_published.push_back(result.id);
  }
}

}  // namespace dermaplan::outcomes::detail
