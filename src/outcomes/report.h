// The practice outcomes report: cohorts of treatment courses, their change from baseline on
// each scale at fixed follow-up windows, responder rates, course completion, time to the
// assessment and adverse-event rates, every figure with its interval and n; small cells
// withheld; the comparisons the report defines in advance (needle-length bands, lots, the
// published results), and nothing else. Observational practice data, not a trial.
//
//   OutcomesReport report = build_outcomes_report(next_row, request, kb);
//
// Pure: the knowledge base and the report date come in; memory depends on the number of
// groups, lots, devices and adverse-event types, not on the number of patients.
#pragma once

#include "kb/knowledge_base.h"
#include "outcomes/course_row.h"
#include "outcomes/statistics.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dermaplan::outcomes {

/// What cohorts are grouped by.
enum class Dimension { indication, region, device, needle_length, sessions, interval, fitzpatrick, sex, age,
                       practitioner, period };

/// Stable names: "indication", "region", "device", "needle-length", "sessions", "interval",
/// "fitzpatrick", "sex", "age", "practitioner", "period".
const char* to_string(Dimension dimension);
std::optional<Dimension> parse_dimension(std::string_view text);
/// Every dimension, in the order above.
const std::vector<Dimension>& all_dimensions();

/// The time a follow-up window is counted from.
enum class Anchor { first_session, last_session };
const char* to_string(Anchor anchor);  // "first-session", "last-session"

/// A follow-up window: scores dated [from_days, to_days) after the anchor session are read as
/// the `week` follow-up (the one nearest `week` when a course has several).
struct FollowUpWindow {
  Anchor anchor = Anchor::first_session;
  int week = 0;
  int from_days = 0;
  int to_days = 0;
};
/// The windows of every report: weeks 4, 8, 12, 26, 52 after the first session and weeks 0, 4,
/// 8, 12, 26, 52 after the last (a report layout, not a clinical rule).
const std::vector<FollowUpWindow>& follow_up_windows();

struct ReportRequest {
  std::vector<Dimension> group_by = {Dimension::indication};
  std::vector<std::string> indications;  //!< only these indications; empty: all
  std::string scale;                     //!< only this scale; empty: every outcome scale
  std::optional<CivilDate> from;         //!< courses whose first session is on or after
  std::optional<CivilDate> to;           //!< ... and on or before
  CivilDate as_of;                       //!< the report date (courses still open on it are ongoing)
  int min_cell_patients = 5;             //!< cells with fewer patients are withheld; 3 at least
  double confidence = 0.95;
  int baseline_window_days = 90;         //!< a baseline is the last score at most this long before session 1
  int abandoned_after_days = 90;         //!< an unfinished course with no session for longer is abandoned
};

/// The smallest min_cell_patients a report accepts.
inline constexpr int kMinimumCellPatients = 3;

/// Checks a request: InputError (where = the option: "min_cell", "confidence", "from", ...).
void validate(const ReportRequest& request);

/// One figure of the report. When `suppressed`, every number in it is zero: the cell had too
/// few patients and nothing about it is given beyond "too few".
struct Figure {
  bool suppressed = false;
  bool complementary = false;  //!< withheld only so that another, small cell cannot be worked out
  long long n = 0;         //!< units it is computed over: courses (means, course rates) or sessions
  long long patients = 0;  //!< distinct patients among them
  long long count = 0;     //!< proportions: units with the attribute
  double estimate = 0;     //!< the mean, or the proportion (0..1)
  double sd = 0;           //!< means: the sample standard deviation
  std::optional<Interval> ci;
};

struct FollowUpFigure {
  FollowUpWindow window;
  Figure change;                   //!< mean of (follow-up - baseline), in scale points
  Figure score;                    //!< mean score at the follow-up
  std::optional<Figure> responders;  //!< share improving by the scale's threshold, if one is defined
};

struct ScaleOutcome {
  std::string scale;
  std::string name;
  bool lower_is_better = true;
  std::optional<double> responder_improvement;  //!< the knowledge base's threshold
  kb::SourceIds responder_sources;
  Figure baseline;                               //!< mean baseline score
  std::vector<FollowUpFigure> follow_ups;        //!< in follow_up_windows() order, only windows with data
};

/// How the cohort was treated, for comparing protocols.
struct ProtocolSummary {
  RunningMean needle_length_mm;   //!< the longest needle of each course
  RunningMean sessions;           //!< performed sessions per course
  std::optional<double> median_interval_days;  //!< median of the courses' median gaps
  std::vector<std::string> device_kinds;       //!< roller, pen, stylus as used
};

/// One side-by-side of a practice figure and a published one.
struct LiteratureComparison {
  enum class Kind { mean_change, responders, adverse_event };
  Kind kind = Kind::mean_change;   //!< responders and adverse events are proportions (0..1)
  std::string result_id;
  std::string study;
  kb::SourceIds sources;
  std::string measure;              //!< what both figures are ("mean change from baseline", ...)
  std::string timepoint;            //!< as the source states it ("2 months after the last session")
  std::optional<FollowUpWindow> window;  //!< the practice window it falls in
  Figure practice;
  double published_estimate = 0;    //!< the same unit as practice.estimate
  std::optional<Interval> published_ci;
  double published_level = 0.95;
  long long published_n = 0;
  bool published_derived = false;   //!< computed by dermaplan from the published figures
  std::string assumption;           //!< what the derivation assumes, when derived
  std::optional<bool> overlap;      //!< none when either interval is missing or the cell withheld
  struct Difference {
    std::string aspect;             //!< "needle length", "sessions", "interval", "device"
    std::string practice;
    std::string study;
  };
  std::vector<Difference> protocol;
};

/// A published result for the same indication and scale with no figure dermaplan can set beside
/// a practice one (a modal grade, rating shares), shown with its summary.
struct LiteratureNote {
  std::string result_id;
  std::string study;
  kb::SourceIds sources;
  std::string summary;
};

struct Cohort {
  std::vector<std::pair<Dimension, std::string>> key;  //!< the group's value per dimension
  bool suppressed = false;          //!< fewer patients than the minimum (or withheld so it cannot be derived)
  bool suppressed_secondary = false;//!< withheld only so that another small cell cannot be worked out
  long long courses = 0;            //!< 0 when suppressed
  long long patients = 0;
  Figure completed;                 //!< share of courses completed (all planned sessions performed)
  Figure abandoned;                 //!< share of courses abandoned
  long long ongoing = 0;
  Figure days_to_assessment;        //!< last session to the first assessment after it, completed courses
  std::optional<double> median_days_to_assessment;
  Figure adverse_event_sessions;    //!< share of sessions followed by an adverse event
  ProtocolSummary protocol;
  std::vector<ScaleOutcome> scales;
  std::vector<LiteratureComparison> literature;
  std::vector<LiteratureNote> literature_notes;
  std::vector<std::string> also_published;  //!< result ids for the indication on other measures
  std::string indication;           //!< the one indication of its courses, empty if mixed
};

/// Adverse events of one type, severity, device or lot, per 100 sessions.
struct AdverseEventRate {
  std::string category;
  Figure sessions_with_event;   //!< estimate = share of sessions (x 100 = per 100 sessions)
  long long events = 0;         //!< 0 when suppressed
  /// Lots only: the lot's rate minus every other session's, with the interval at the
  /// Bonferroni-adjusted level, and whether the lot is flagged (interval above zero).
  std::optional<Interval> difference_vs_rest;
  double difference_estimate = 0;
  bool flagged = false;
};

struct AdverseEventSummary {
  long long sessions = 0;
  long long events = 0;
  long long events_without_session = 0;
  Figure any;                                 //!< share of sessions with any adverse event
  std::vector<AdverseEventRate> by_type, by_severity, by_device, by_lot;
  int lots_compared = 0;                      //!< the Bonferroni divisor
  double lot_comparison_level = 0;            //!< the level of each lot's interval
};

/// The pre-defined comparison of needle lengths: within an indication and a scale, at week 12
/// after the first session, each needle-length band's mean change minus the shortest band's.
struct NeedleLengthComparison {
  std::string indication;
  std::string scale;
  FollowUpWindow window;
  std::string band;
  std::string reference_band;
  Figure band_change;
  Figure reference_change;
  bool suppressed = false;              //!< either side withheld: no difference given
  double difference = 0;
  std::optional<Interval> difference_ci;
};

struct ReportTotals {
  long long courses = 0;                 //!< courses with a performed session in the period
  long long patients = 0;
  long long sessions = 0;
  long long courses_without_sessions = 0;
  long long scores_on_unknown_scales = 0;
};

struct OutcomesReport {
  std::string notice;                    //!< "Observational practice data, not a trial: ..."
  ReportRequest request;
  std::string knowledge_version;
  std::vector<std::string> definitions;  //!< how each figure is defined, including every assumption
  std::vector<std::string> comparisons;  //!< the comparisons the report makes, defined in advance
  ReportTotals totals;
  std::vector<Cohort> cohorts;
  AdverseEventSummary adverse_events;
  std::vector<NeedleLengthComparison> needle_length;
  /// The names of the practitioner dimension's values (a user id as text -> the name shown),
  /// filled by whoever knows the users (clinic::practice_outcomes); the engine leaves it empty.
  std::map<std::string, std::string> practitioner_names;
};

/// A cohort key's value as people read it: for the practitioner dimension the practitioner's
/// name and id ("Dr. Jo Smith (user 3)") when the report has it, "user 3" when not; any other
/// value as it is.
std::string value_label(const OutcomesReport& report, Dimension dimension, const std::string& value);

/// Reads every row of `next` and builds the report. InputError for rows out of patient order
/// (where "row N") or a bad request.
OutcomesReport build_outcomes_report(const CourseStream& next, const ReportRequest& request,
                                     const kb::KnowledgeBase& kb);

/// The needle-length band of a length: "up to 0.5 mm", "0.5-1.0 mm", ... in 0.5 mm steps.
std::string needle_length_band(double length_mm);

}  // namespace dermaplan::outcomes
