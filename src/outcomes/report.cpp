#include "outcomes/report.h"

#include "core/errors.h"
#include "outcomes/accumulators.h"
#include "outcomes/literature.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace dermaplan::outcomes {

namespace detail {

std::string normalise_type(std::string_view text) {
  std::string out;
  bool blank = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

void withhold(Figure& figure) {
  figure = Figure{};
  figure.suppressed = true;
}

Figure mean_figure(const MeanCell& cell, int min_patients, double level) {
  Figure figure;
  if (cell.patients.patients < min_patients) {
    withhold(figure);
    return figure;
  }
  figure.n = cell.values.count();
  figure.patients = cell.patients.patients;
  figure.estimate = cell.values.mean();
  figure.sd = cell.values.sd();
  if (figure.n >= 2) figure.ci = mean_interval(figure.estimate, figure.sd, figure.n, level);
  return figure;
}

Figure rate_figure(const RateCell& cell, int min_patients, double level) {
  Figure figure;
  auto small = [&](long long patients) { return patients > 0 && patients < min_patients; };
  if (cell.n == 0 || cell.patients.patients < min_patients || small(cell.with.patients) ||
      small(cell.without.patients)) {
    withhold(figure);
    return figure;
  }
  figure.n = cell.n;
  figure.patients = cell.patients.patients;
  figure.count = cell.count;
  figure.estimate = static_cast<double>(cell.count) / static_cast<double>(cell.n);
  figure.ci = wilson_interval(cell.count, cell.n, level);
  return figure;
}

}  // namespace detail

namespace {

using namespace detail;

constexpr size_t kWindowCount = 11;
constexpr int kPrimaryWeek = 12;  // the needle-length comparison: week 12 after the first session

const char* kNotice =
    "Observational practice data, not a trial: these are this practice's own patients, neither randomised "
    "nor blinded, so a difference between groups may come from who was treated rather than how. "
    "Decision support for a qualified practitioner.";

const char* severity_name(Severity s) {
  return s == Severity::mild ? "mild" : s == Severity::moderate ? "moderate" : "severe";
}

std::string fitzpatrick_name(std::optional<int> type) {
  static const char* roman[] = {"I", "II", "III", "IV", "V", "VI"};
  if (!type || *type < 1 || *type > 6) return "unknown";
  return roman[*type - 1];
}

const char* sex_name(kb::Sex sex) {
  switch (sex) {
    case kb::Sex::female: return "female";
    case kb::Sex::male: return "male";
    case kb::Sex::other: return "other";
    default: return "unknown";
  }
}

std::optional<int> age_in_years(std::optional<CivilDate> birth, CivilDate on) {
  if (!birth || on < *birth) return std::nullopt;
  int years = static_cast<int>(on.year()) - static_cast<int>(birth->year());
  if (date::month_day(on.month(), on.day()) < date::month_day(birth->month(), birth->day())) --years;
  return years;
}

std::string age_band(std::optional<int> age) {
  if (!age) return "unknown";
  if (*age < 25) return "under 25";
  if (*age >= 65) return "65 and over";
  const int low = 25 + (*age - 25) / 10 * 10;
  return fmt::format("{}-{}", low, low + 9);
}

std::string interval_band(std::optional<long> median_gap_days) {
  if (!median_gap_days) return "single session";
  const long d = *median_gap_days;
  if (d <= 10) return "up to 10 days";
  if (d <= 20) return "11-20 days";
  if (d <= 35) return "21-35 days";
  if (d <= 49) return "36-49 days";
  return "50 days or more";
}

std::string period_name(CivilDate first) {
  const unsigned month = static_cast<unsigned>(first.month());
  return fmt::format("{}-Q{}", static_cast<int>(first.year()), (month - 1) / 3 + 1);
}

int band_index(double length_mm) { return std::max(1, static_cast<int>(std::ceil(length_mm / 0.5 - 1e-9))); }

enum class Status { completed, abandoned, ongoing, unknown };

/// What one unit (a course, or a course on one region) contributes.
struct Unit {
  std::string region;                  //!< empty: the whole course
  std::vector<size_t> sessions;        //!< indices into row.sessions
  CivilDate first, last;
  std::string device;
  double needle_mm = 0;
  std::optional<long> median_gap_days;
  long long practitioner = 0;
  Status status = Status::unknown;
  std::optional<long> days_to_assessment;
  std::vector<char> session_has_event;  //!< parallel to sessions
  std::vector<std::string> event_types; //!< distinct normalised types of the unit's events
  struct ScaleResult {
    const kb::Scale* scale = nullptr;
    double baseline_sum = 0;
    int baseline_regions = 0;
    std::array<double, kWindowCount> change_sum{}, score_sum{};
    std::array<int, kWindowCount> regions{};
  };
  std::vector<ScaleResult> scales;
};

struct ScaleCells {
  const kb::Scale* scale = nullptr;
  const kb::ResponderThreshold* threshold = nullptr;
  MeanCell baseline;
  struct Window {
    MeanCell change, score;
    RateCell responders;
  };
  std::array<Window, kWindowCount> windows;
};

struct TypeTally {
  long long units = 0;   //!< sessions or courses with the type
  long long events = 0;
  PatientCounter patients;
};

struct CohortCells {
  std::vector<std::string> values;
  PatientCounter patients;
  long long courses = 0;
  RateCell completed, abandoned;
  long long ongoing = 0;
  MeanCell days_to_assessment;
  DayHistogram assessment_days{730};
  RateCell adverse_event_sessions;
  RunningMean needle_mm, sessions;
  DayHistogram gaps{365};
  std::set<std::string> device_kinds;
  std::vector<ScaleCells> scales;
  std::map<std::string, TypeTally> course_event_types;
  std::set<std::string> indications;
};

struct EventCategory {
  RateCell sessions;
  long long events = 0;
};

class Builder {
 public:
  Builder(const ReportRequest& request, const kb::KnowledgeBase& kb) : request_(request), kb_(kb) {
    validate(request);
    for (const auto& id : request.indications)
      if (!kb.find_indication(id)) throw InputError("indication", fmt::format("unknown indication '{}'", id));
    if (!request.scale.empty()) {
      const kb::Scale* scale = kb.find_scale(request.scale);
      if (!scale) throw InputError("scale", fmt::format("unknown scale '{}'", request.scale));
      if (!scale->lower_is_better)
        throw InputError("scale", fmt::format("'{}' is a classification, not an outcome scale", request.scale));
    }
    by_region_ = std::find(request.group_by.begin(), request.group_by.end(), Dimension::region) !=
                 request.group_by.end();
  }

  void add(const CourseRow& row, long long row_number) {
    if (row.patient_id < last_patient_)
      throw InputError(fmt::format("row {}", row_number),
                       fmt::format("patient {} comes after patient {}: rows must be ordered by patient id",
                                   row.patient_id, last_patient_));
    last_patient_ = row.patient_id;
    if (!request_.indications.empty() &&
        std::find(request_.indications.begin(), request_.indications.end(), row.indication) ==
            request_.indications.end())
      return;
    if (row.sessions.empty()) {
      ++totals_.courses_without_sessions;
      return;
    }
    const CivilDate first = row.sessions.front().date;
    if ((request_.from && first < *request_.from) || (request_.to && *request_.to < first)) return;

    if (!compute_unit(row, "", course_unit_)) return;
    add_course_level(row, course_unit_);
    if (!by_region_) {
      add_to_cohort(row, course_unit_);
      return;
    }
    regions_.clear();
    for (const auto& session : row.sessions)
      for (const auto& needle : session.needles)
        if (std::find(regions_.begin(), regions_.end(), needle.region) == regions_.end())
          regions_.push_back(needle.region);
    for (const auto& region : regions_)
      if (compute_unit(row, region, region_unit_)) add_to_cohort(row, region_unit_);
  }

  OutcomesReport finish();

 private:
  bool compute_unit(const CourseRow& row, const std::string& region, Unit& unit);
  void add_scores(const CourseRow& row, Unit& unit);
  void add_course_level(const CourseRow& row, const Unit& unit);
  void add_to_cohort(const CourseRow& row, const Unit& unit);
  std::string dimension_value(Dimension d, const CourseRow& row, const Unit& unit) const;
  std::string device_kind(const std::string& device_id) const;

  Cohort finish_cohort(const CohortCells& cells);
  void finish_adverse_events(OutcomesReport& report);
  void finish_needle_length(OutcomesReport& report);

  const ReportRequest& request_;
  const kb::KnowledgeBase& kb_;
  bool by_region_ = false;
  long long last_patient_ = std::numeric_limits<long long>::min();
  Unit course_unit_, region_unit_;
  std::vector<std::string> regions_;
  std::vector<size_t> score_order_;
  std::vector<std::string> key_scratch_;
  std::string key_text_;

  ReportTotals totals_;
  PatientCounter patients_;
  std::map<std::string, CohortCells> cohorts_;
  // Adverse events over every session.
  RateCell any_event_;
  long long events_ = 0, events_without_session_ = 0;
  std::map<std::string, TypeTally> by_type_, by_severity_;
  std::map<std::string, EventCategory> by_device_, by_lot_;
  // The needle-length comparison: (indication, scale, band index) -> change at week 12.
  std::map<std::tuple<std::string, std::string, int>, MeanCell> needle_cells_;
};

bool Builder::compute_unit(const CourseRow& row, const std::string& region, Unit& unit) {
  unit.region = region;
  unit.sessions.clear();
  unit.needle_mm = 0;
  for (size_t i = 0; i < row.sessions.size(); ++i) {
    const auto& session = row.sessions[i];
    bool included = region.empty();
    for (const auto& needle : session.needles) {
      if (!region.empty() && needle.region != region) continue;
      included = true;
      unit.needle_mm = std::max(unit.needle_mm, needle.needle_length_mm);
    }
    if (included) unit.sessions.push_back(i);
  }
  if (unit.sessions.empty()) return false;
  unit.first = row.sessions[unit.sessions.front()].date;
  unit.last = row.sessions[unit.sessions.back()].date;

  // The device and practitioner of most sessions (ties: the first in name or id order).
  std::map<std::string, int> devices;
  std::map<long long, int> practitioners;
  for (size_t i : unit.sessions) {
    ++devices[row.sessions[i].device_id];
    ++practitioners[row.sessions[i].practitioner_id];
  }
  unit.device = std::max_element(devices.begin(), devices.end(), [](const auto& a, const auto& b) {
                  return a.second < b.second;
                })->first;
  unit.practitioner = std::max_element(practitioners.begin(), practitioners.end(), [](const auto& a, const auto& b) {
                        return a.second < b.second;
                      })->first;

  // The median gap between consecutive sessions.
  unit.median_gap_days.reset();
  if (unit.sessions.size() >= 2) {
    std::vector<long> gaps;
    for (size_t k = 1; k < unit.sessions.size(); ++k)
      gaps.push_back(days_between(row.sessions[unit.sessions[k - 1]].date, row.sessions[unit.sessions[k]].date));
    std::sort(gaps.begin(), gaps.end());
    unit.median_gap_days = (gaps[(gaps.size() - 1) / 2] + gaps[gaps.size() / 2]) / 2;
  }

  // The course's status, from all its sessions.
  const CivilDate course_last = row.sessions.back().date;
  if (row.planned_sessions <= 0)
    unit.status = Status::unknown;
  else if (static_cast<int>(row.sessions.size()) >= row.planned_sessions)
    unit.status = Status::completed;
  else if (days_between(course_last, request_.as_of) > request_.abandoned_after_days)
    unit.status = Status::abandoned;
  else
    unit.status = Status::ongoing;

  // Adverse events of the unit's sessions (events with no session count for the whole course).
  unit.session_has_event.assign(unit.sessions.size(), 0);
  unit.event_types.clear();
  for (const auto& event : row.adverse_events) {
    bool in_unit = region.empty() && event.session_id == 0;
    for (size_t k = 0; k < unit.sessions.size(); ++k)
      if (event.session_id != 0 && row.sessions[unit.sessions[k]].session_id == event.session_id) {
        unit.session_has_event[k] = 1;
        in_unit = true;
      }
    if (!in_unit) continue;
    std::string type = normalise_type(event.type);
    if (std::find(unit.event_types.begin(), unit.event_types.end(), type) == unit.event_types.end())
      unit.event_types.push_back(std::move(type));
  }

  add_scores(row, unit);
  return true;
}

void Builder::add_scores(const CourseRow& row, Unit& unit) {
  unit.scales.clear();
  unit.days_to_assessment.reset();
  score_order_.clear();
  for (size_t i = 0; i < row.scores.size(); ++i) {
    const auto& score = row.scores[i];
    if (!unit.region.empty() && score.region != unit.region) continue;
    const kb::Scale* scale = kb_.find_scale(score.scale_id);
    if (!scale) {
      if (unit.region.empty()) ++totals_.scores_on_unknown_scales;
      continue;
    }
    if (!scale->lower_is_better) continue;  // a classification (skin type), not an outcome
    if (score.date > unit.last) {
      const long days = days_between(unit.last, score.date);
      if (!unit.days_to_assessment || days < *unit.days_to_assessment) unit.days_to_assessment = days;
    }
    if (!request_.scale.empty() && score.scale_id != request_.scale) continue;
    score_order_.push_back(i);
  }
  std::sort(score_order_.begin(), score_order_.end(), [&](size_t a, size_t b) {
    const auto &x = row.scores[a], &y = row.scores[b];
    if (x.scale_id != y.scale_id) return x.scale_id < y.scale_id;
    if (x.region != y.region) return x.region < y.region;
    return x.date < y.date;
  });

  const auto& windows = follow_up_windows();
  size_t begin = 0;
  while (begin < score_order_.size()) {
    const auto& head = row.scores[score_order_[begin]];
    size_t end = begin;
    while (end < score_order_.size() && row.scores[score_order_[end]].scale_id == head.scale_id &&
           row.scores[score_order_[end]].region == head.region)
      ++end;
    // Baseline: the last score on or before the first session, within the baseline window.
    std::optional<double> baseline;
    for (size_t k = begin; k < end; ++k) {
      const auto& s = row.scores[score_order_[k]];
      if (s.date <= unit.first && days_between(s.date, unit.first) <= request_.baseline_window_days)
        baseline = s.score;
    }
    if (baseline) {
      std::array<long, kWindowCount> best_distance;
      best_distance.fill(-1);
      std::array<double, kWindowCount> best_score{};
      for (size_t k = begin; k < end; ++k) {
        const auto& s = row.scores[score_order_[k]];
        if (!(unit.first < s.date)) continue;
        const long since_first = days_between(unit.first, s.date), since_last = days_between(unit.last, s.date);
        for (size_t w = 0; w < kWindowCount; ++w) {
          const long d = windows[w].anchor == Anchor::first_session ? since_first : since_last;
          if (d < windows[w].from_days || d >= windows[w].to_days) continue;
          const long distance = std::labs(d - 7L * windows[w].week);
          if (best_distance[w] < 0 || distance < best_distance[w]) {
            best_distance[w] = distance;
            best_score[w] = s.score;
          }
        }
      }
      const kb::Scale* scale = kb_.find_scale(head.scale_id);
      auto it = std::find_if(unit.scales.begin(), unit.scales.end(), [&](const auto& r) { return r.scale == scale; });
      if (it == unit.scales.end()) {
        unit.scales.push_back({});
        it = unit.scales.end() - 1;
        it->scale = scale;
      }
      it->baseline_sum += *baseline;
      ++it->baseline_regions;
      for (size_t w = 0; w < kWindowCount; ++w) {
        if (best_distance[w] < 0) continue;
        it->change_sum[w] += best_score[w] - *baseline;
        it->score_sum[w] += best_score[w];
        ++it->regions[w];
      }
    }
    begin = end;
  }
}

std::string Builder::device_kind(const std::string& device_id) const {
  const kb::Device* device = kb_.find_device(device_id);
  if (!device) return "unknown";
  switch (device->kind) {
    case kb::DeviceKind::roller: return "roller";
    case kb::DeviceKind::pen: return "pen";
    default: return "stylus";
  }
}

std::string Builder::dimension_value(Dimension d, const CourseRow& row, const Unit& unit) const {
  switch (d) {
    case Dimension::indication: return row.indication;
    case Dimension::region: return unit.region;
    case Dimension::device: return unit.device.empty() ? "unknown" : unit.device;
    case Dimension::needle_length: return needle_length_band(unit.needle_mm);
    case Dimension::sessions: return unit.sessions.size() >= 10 ? "10 or more" : std::to_string(unit.sessions.size());
    case Dimension::interval: return interval_band(unit.median_gap_days);
    case Dimension::fitzpatrick: return fitzpatrick_name(row.fitzpatrick);
    case Dimension::sex: return sex_name(row.sex);
    case Dimension::age: return age_band(age_in_years(row.birth_date, unit.first));
    case Dimension::practitioner: return std::to_string(unit.practitioner);
    case Dimension::period: return period_name(unit.first);
  }
  return "";
}

void Builder::add_course_level(const CourseRow& row, const Unit& unit) {
  ++totals_.courses;
  patients_.see(row.patient_id);
  totals_.sessions += static_cast<long long>(row.sessions.size());

  // Adverse events per session, by type, severity, device and lot.
  for (size_t k = 0; k < unit.sessions.size(); ++k) {
    const auto& session = row.sessions[unit.sessions[k]];
    const bool has = unit.session_has_event[k] != 0;
    any_event_.add(has, row.patient_id);
    auto& device = by_device_[session.device_id.empty() ? "unknown" : session.device_id];
    auto& lot = by_lot_[session.lot_number.empty() ? "(no lot recorded)" : session.lot_number];
    device.sessions.add(has, row.patient_id);
    lot.sessions.add(has, row.patient_id);
    if (!has) continue;
    std::vector<std::string> types, severities;
    for (const auto& event : row.adverse_events) {
      if (event.session_id != session.session_id) continue;
      ++device.events;
      ++lot.events;
      std::string type = normalise_type(event.type);
      auto& tally = by_type_[type];
      ++tally.events;
      if (std::find(types.begin(), types.end(), type) == types.end()) {
        types.push_back(type);
        ++tally.units;
        tally.patients.see(row.patient_id);
      }
      const std::string severity = severity_name(event.severity);
      auto& severity_tally = by_severity_[severity];
      ++severity_tally.events;
      if (std::find(severities.begin(), severities.end(), severity) == severities.end()) {
        severities.push_back(severity);
        ++severity_tally.units;
        severity_tally.patients.see(row.patient_id);
      }
    }
  }
  for (const auto& event : row.adverse_events) {
    ++events_;
    if (event.session_id == 0 ||
        std::none_of(row.sessions.begin(), row.sessions.end(),
                     [&](const auto& s) { return s.session_id == event.session_id; }))
      ++events_without_session_;
  }

  // Needle length: the change at week 12 after the first session, per band.
  const auto& windows = follow_up_windows();
  for (const auto& result : unit.scales)
    for (size_t w = 0; w < kWindowCount; ++w)
      if (windows[w].anchor == Anchor::first_session && windows[w].week == kPrimaryWeek && result.regions[w] > 0)
        needle_cells_[{row.indication, result.scale->id, band_index(unit.needle_mm)}].add(
            result.change_sum[w] / result.regions[w], row.patient_id);
}

void Builder::add_to_cohort(const CourseRow& row, const Unit& unit) {
  key_text_.clear();
  key_scratch_.clear();
  for (Dimension d : request_.group_by) {
    key_scratch_.push_back(dimension_value(d, row, unit));
    key_text_ += key_scratch_.back();
    key_text_ += '\x1f';
  }
  auto it = cohorts_.find(key_text_);
  if (it == cohorts_.end()) {
    it = cohorts_.emplace(key_text_, CohortCells{}).first;
    it->second.values = key_scratch_;
  }
  CohortCells& cells = it->second;
  const long long patient = row.patient_id;
  cells.patients.see(patient);
  ++cells.courses;
  cells.indications.insert(row.indication);
  if (unit.status != Status::unknown) {
    cells.completed.add(unit.status == Status::completed, patient);
    cells.abandoned.add(unit.status == Status::abandoned, patient);
    if (unit.status == Status::ongoing) ++cells.ongoing;
  }
  if (unit.status == Status::completed && unit.days_to_assessment) {
    cells.days_to_assessment.add(static_cast<double>(*unit.days_to_assessment), patient);
    cells.assessment_days.add(*unit.days_to_assessment);
  }
  for (char has : unit.session_has_event) cells.adverse_event_sessions.add(has != 0, patient);
  cells.needle_mm.add(unit.needle_mm);
  cells.sessions.add(static_cast<double>(unit.sessions.size()));
  if (unit.median_gap_days) cells.gaps.add(*unit.median_gap_days);
  cells.device_kinds.insert(device_kind(unit.device));
  for (const auto& type : unit.event_types) {
    auto& tally = cells.course_event_types[type];
    ++tally.units;
    tally.patients.see(patient);
  }

  for (const auto& result : unit.scales) {
    auto scale_it = std::find_if(cells.scales.begin(), cells.scales.end(),
                                 [&](const auto& s) { return s.scale == result.scale; });
    if (scale_it == cells.scales.end()) {
      cells.scales.emplace_back();
      scale_it = cells.scales.end() - 1;
      scale_it->scale = result.scale;
      scale_it->threshold = kb_.find_responder_threshold(result.scale->id);
    }
    scale_it->baseline.add(result.baseline_sum / result.baseline_regions, patient);
    for (size_t w = 0; w < kWindowCount; ++w) {
      if (result.regions[w] == 0) continue;
      const double change = result.change_sum[w] / result.regions[w];
      auto& window = scale_it->windows[w];
      window.change.add(change, patient);
      window.score.add(result.score_sum[w] / result.regions[w], patient);
      if (scale_it->threshold) {
        const double improvement = *result.scale->lower_is_better ? -change : change;
        window.responders.add(improvement >= scale_it->threshold->improvement - 1e-9, patient);
      }
    }
  }
}

Cohort Builder::finish_cohort(const CohortCells& cells) {
  const int k = request_.min_cell_patients;
  const double level = request_.confidence;
  Cohort cohort;
  for (size_t i = 0; i < request_.group_by.size(); ++i) cohort.key.emplace_back(request_.group_by[i], cells.values[i]);
  if (cells.patients.patients < k) {
    cohort.suppressed = true;
    return cohort;
  }
  cohort.courses = cells.courses;
  cohort.patients = cells.patients.patients;
  if (cells.indications.size() == 1) cohort.indication = *cells.indications.begin();
  cohort.completed = rate_figure(cells.completed, k, level);
  cohort.abandoned = rate_figure(cells.abandoned, k, level);
  cohort.ongoing = cells.ongoing;
  cohort.days_to_assessment = mean_figure(cells.days_to_assessment, k, level);
  if (!cohort.days_to_assessment.suppressed) cohort.median_days_to_assessment = cells.assessment_days.median();
  cohort.adverse_event_sessions = rate_figure(cells.adverse_event_sessions, k, level);
  cohort.protocol.needle_length_mm = cells.needle_mm;
  cohort.protocol.sessions = cells.sessions;
  cohort.protocol.median_interval_days = cells.gaps.median();
  cohort.protocol.device_kinds.assign(cells.device_kinds.begin(), cells.device_kinds.end());

  const auto& windows = follow_up_windows();
  for (const auto& scale_cells : cells.scales) {
    ScaleOutcome outcome;
    outcome.scale = scale_cells.scale->id;
    outcome.name = scale_cells.scale->name;
    outcome.lower_is_better = *scale_cells.scale->lower_is_better;
    if (scale_cells.threshold) {
      outcome.responder_improvement = scale_cells.threshold->improvement;
      outcome.responder_sources = scale_cells.threshold->sources;
    }
    outcome.baseline = mean_figure(scale_cells.baseline, k, level);
    for (size_t w = 0; w < kWindowCount; ++w) {
      const auto& window = scale_cells.windows[w];
      if (window.change.values.count() == 0) continue;
      FollowUpFigure figure;
      figure.window = windows[w];
      figure.change = mean_figure(window.change, k, level);
      figure.score = mean_figure(window.score, k, level);
      if (scale_cells.threshold) figure.responders = rate_figure(window.responders, k, level);
      outcome.follow_ups.push_back(figure);
    }
    cohort.scales.push_back(std::move(outcome));
  }
  std::sort(cohort.scales.begin(), cohort.scales.end(), [](const auto& a, const auto& b) { return a.scale < b.scale; });

  // Courses with an adverse event of each type, for the published adverse-event figures.
  std::map<std::string, Figure> event_shares;
  for (const auto& [type, tally] : cells.course_event_types) {
    RateCell cell;  // rebuilt from the tally: courses with the type among all courses
    cell.n = cells.courses;
    cell.count = tally.units;
    cell.patients.patients = cells.patients.patients;
    cell.with.patients = tally.patients.patients;
    cell.without.patients = std::max(0LL, cells.patients.patients - tally.patients.patients);
    event_shares[type] = rate_figure(cell, k, level);
  }
  add_literature(cohort, event_shares, kb_, request_);
  return cohort;
}

/// Withholds one more cell when exactly one of a partition is withheld, so that it cannot be
/// worked out from the total: the remaining cell with the fewest patients.
template <class T, class IsSuppressed, class Patients, class Withhold>
void secondary_suppression(std::vector<T>& cells, IsSuppressed is_suppressed, Patients patients, Withhold withhold_cell) {
  if (cells.size() < 2) return;
  const long long withheld = std::count_if(cells.begin(), cells.end(), is_suppressed);
  if (withheld != 1) return;
  T* smallest = nullptr;
  for (auto& cell : cells)
    if (!is_suppressed(cell) && (!smallest || patients(cell) < patients(*smallest))) smallest = &cell;
  if (smallest) withhold_cell(*smallest);
}

void Builder::finish_adverse_events(OutcomesReport& report) {
  const int k = request_.min_cell_patients;
  const double level = request_.confidence;
  auto& summary = report.adverse_events;
  summary.sessions = any_event_.n;
  summary.events = events_;
  summary.events_without_session = events_without_session_;
  summary.any = rate_figure(any_event_, k, level);

  auto tally_rate = [&](const std::string& name, const TypeTally& tally) {
    RateCell cell;
    cell.n = any_event_.n;
    cell.count = tally.units;
    cell.patients = any_event_.patients;
    cell.with = tally.patients;
    cell.without.patients = any_event_.without.patients;  // patients with an event-free session
    AdverseEventRate rate;
    rate.category = name;
    rate.sessions_with_event = rate_figure(cell, k, level);
    rate.events = rate.sessions_with_event.suppressed ? 0 : tally.events;
    return rate;
  };
  for (const auto& [type, tally] : by_type_) summary.by_type.push_back(tally_rate(type, tally));
  for (const char* severity : {"mild", "moderate", "severe"})
    if (auto it = by_severity_.find(severity); it != by_severity_.end())
      summary.by_severity.push_back(tally_rate(severity, it->second));

  auto category_rate = [&](const std::string& name, const EventCategory& category) {
    AdverseEventRate rate;
    rate.category = name;
    rate.sessions_with_event = rate_figure(category.sessions, k, level);
    rate.events = rate.sessions_with_event.suppressed ? 0 : category.events;
    return rate;
  };
  for (const auto& [device, category] : by_device_) summary.by_device.push_back(category_rate(device, category));
  for (const auto& [lot, category] : by_lot_) summary.by_lot.push_back(category_rate(lot, category));

  auto is_suppressed = [](const AdverseEventRate& r) { return r.sessions_with_event.suppressed; };
  auto patients_with_event = [](const AdverseEventRate& r) { return r.sessions_with_event.count; };
  auto withhold_rate = [](AdverseEventRate& r) {
    withhold(r.sessions_with_event);
    r.sessions_with_event.complementary = true;
    r.events = 0;
  };
  for (auto* list : {&summary.by_type, &summary.by_severity, &summary.by_device, &summary.by_lot})
    secondary_suppression(*list, is_suppressed, patients_with_event, withhold_rate);

  // Each lot against every other session, Bonferroni-adjusted over the lots compared.
  for (const auto& lot : summary.by_lot)
    if (!lot.sessions_with_event.suppressed && lot.sessions_with_event.n < any_event_.n) ++summary.lots_compared;
  if (summary.lots_compared == 0) return;
  summary.lot_comparison_level = 1 - (1 - level) / summary.lots_compared;
  for (auto& lot : summary.by_lot) {
    const Figure& f = lot.sessions_with_event;
    if (f.suppressed || f.n >= any_event_.n) continue;
    const long long rest_n = any_event_.n - f.n, rest_count = any_event_.count - f.count;
    lot.difference_estimate = f.estimate - static_cast<double>(rest_count) / static_cast<double>(rest_n);
    lot.difference_vs_rest =
        newcombe_difference_interval(f.count, f.n, rest_count, rest_n, summary.lot_comparison_level);
    lot.flagged = lot.difference_vs_rest->low > 0;
  }
}

void Builder::finish_needle_length(OutcomesReport& report) {
  const int k = request_.min_cell_patients;
  const double level = request_.confidence;
  const auto& windows = follow_up_windows();
  const FollowUpWindow primary = *std::find_if(windows.begin(), windows.end(), [](const auto& w) {
    return w.anchor == Anchor::first_session && w.week == kPrimaryWeek;
  });
  // Bands in order per (indication, scale): the map is sorted that way.
  auto it = needle_cells_.begin();
  while (it != needle_cells_.end()) {
    const auto& [indication, scale, first_band] = it->first;
    auto end = it;
    while (end != needle_cells_.end() && std::get<0>(end->first) == indication && std::get<1>(end->first) == scale) ++end;
    // The reference is the shortest band whose cell is shown.
    auto reference = it;
    while (reference != end && reference->second.patients.patients < k) ++reference;
    for (auto band = it; band != end; ++band) {
      if (band == reference) continue;
      NeedleLengthComparison comparison;
      comparison.indication = indication;
      comparison.scale = scale;
      comparison.window = primary;
      comparison.band = needle_length_band(std::get<2>(band->first) * 0.5);
      comparison.band_change = mean_figure(band->second, k, level);
      if (reference == end) {
        comparison.reference_band = "none shown";
        withhold(comparison.reference_change);
      } else {
        comparison.reference_band = needle_length_band(std::get<2>(reference->first) * 0.5);
        comparison.reference_change = mean_figure(reference->second, k, level);
      }
      const Figure &a = comparison.band_change, &b = comparison.reference_change;
      comparison.suppressed = a.suppressed || b.suppressed || a.n < 2 || b.n < 2;
      if (!comparison.suppressed) {
        comparison.difference = a.estimate - b.estimate;
        comparison.difference_ci = welch_difference_interval(a.estimate, a.sd, a.n, b.estimate, b.sd, b.n, level);
      }
      report.needle_length.push_back(std::move(comparison));
    }
    it = end;
  }
}

OutcomesReport Builder::finish() {
  OutcomesReport report;
  report.notice = kNotice;
  report.request = request_;
  report.knowledge_version = kb_.version;
  totals_.patients = patients_.patients;
  report.totals = totals_;
  const int k = request_.min_cell_patients;
  report.definitions = {
      "Unit: a treatment course (a course plan with at least one performed session); grouped by region, a "
      "course on one region.",
      fmt::format("Baseline: the last score on a scale on or before the first session, at most {} days "
                  "before it, per region.",
                  request_.baseline_window_days),
      "Change: follow-up score minus baseline, averaged over the course's regions; follow-up windows count "
      "weeks from the first or from the last session, and a course gives the score nearest the window's week.",
      "Responder: improved by at least the scale's threshold in the knowledge base (with its sources); scales "
      "without one have no responder rate.",
      "Completed: every planned session performed. Abandoned: fewer, and no session for more than " +
          std::to_string(request_.abandoned_after_days) +
          " days before the report date (dermaplan's own rule: no source defines abandonment). Courses whose "
          "plan gives no session count are left out of both shares.",
      "Time to assessment: days from the last session to the first outcome score after it, completed "
      "courses only.",
      "Adverse events: sessions followed by at least one event of the kind, per 100 sessions; an event "
      "with no session counts for its course only.",
      "Needle length of a course: the longest needle used; device: the one used in most sessions.",
      fmt::format("Intervals: {:.0f}% Student t for means, Wilson for proportions, Welch for differences of "
                  "means, Newcombe for differences of proportions.",
                  request_.confidence * 100),
      fmt::format("Small cells: a figure over fewer than {} patients, or with 1 to {} patients on either side "
                  "of a proportion, is given as 'too few'; one more cell of a list is withheld when only "
                  "one would be, so it cannot be worked out from the total.",
                  k, k - 1)};
  report.comparisons = {
      "Needle length: within an indication and a scale, the mean change 12 weeks after the first session in "
      "each needle-length band minus the shortest band's (Welch interval).",
      "Lots: each lot's adverse-event rate minus that of every other session (Newcombe interval, "
      "Bonferroni-adjusted over the lots compared); a lot is flagged when the interval lies above zero.",
      "Literature: each cohort of one indication beside the published results for that indication and scale "
      "(knowledge/results.yaml), with both intervals and whether they overlap.",
      "No other comparison between groups is made."};
  for (const auto& [key, cells] : cohorts_) report.cohorts.push_back(finish_cohort(cells));
  secondary_suppression(
      report.cohorts, [](const Cohort& c) { return c.suppressed; }, [](const Cohort& c) { return c.patients; },
      [](Cohort& c) {
        auto key = c.key;
        c = Cohort{};
        c.key = std::move(key);
        c.suppressed = true;
        c.suppressed_secondary = true;
      });
  finish_adverse_events(report);
  finish_needle_length(report);
  return report;
}

}  // namespace

OutcomesReport build_outcomes_report(const CourseStream& next, const ReportRequest& request,
                                     const kb::KnowledgeBase& kb) {
  Builder builder(request, kb);
  CourseRow row;
  long long row_number = 0;
  while (next(row)) builder.add(row, ++row_number);
  return builder.finish();
}

}  // namespace dermaplan::outcomes
