#include "outcomes/render.h"

#include "interop/csv.h"

#include <fmt/format.h>

#include <algorithm>

#include <sstream>

namespace dermaplan::outcomes {

namespace {

std::string number(double value) { return fmt::format("{:.6g}", value); }

struct Row {
  std::string section{}, cohort{}, scale{}, anchor{}, week{}, measure{}, n{}, patients{}, count{}, estimate{},
      ci_low{}, ci_high{}, level{}, suppressed = "false", note{};
};

class Table {
 public:
  explicit Table(int k, double level)
      : k_(k), level_(number(level)),
        writer_(out_, {"section", "cohort", "scale", "anchor", "week", "measure", "n", "patients", "count", "estimate",
                       "ci_low", "ci_high", "level", "suppressed", "note"}) {}
  /// Text cells are neutralised against spreadsheet formulas; the numbers stay numbers.
  void add(const Row& r) {
    using interop::CsvCell;
    auto numeric = [](const std::string& value) { return value.empty() ? CsvCell::text("") : CsvCell{value, true}; };
    writer_.row({CsvCell::text(r.section), CsvCell::text(r.cohort), CsvCell::text(r.scale), CsvCell::text(r.anchor),
                 numeric(r.week), CsvCell::text(r.measure), numeric(r.n), numeric(r.patients), numeric(r.count),
                 numeric(r.estimate), numeric(r.ci_low), numeric(r.ci_high), numeric(r.level),
                 CsvCell::text(r.suppressed), CsvCell::text(r.note)});
  }
  /// A figure's columns; a withheld one has none of its numbers.
  Row figure(Row row, const Figure& f, bool proportion) const {
    if (f.suppressed) {
      row.suppressed = "true";
      row.note = f.complementary ? "withheld so that a smaller cell cannot be worked out from the total"
                                 : fmt::format("too few patients (fewer than {})", k_);
      return row;
    }
    row.n = std::to_string(f.n);
    row.patients = std::to_string(f.patients);
    if (proportion) row.count = std::to_string(f.count);
    row.estimate = number(f.estimate);
    if (f.ci) {
      row.ci_low = number(f.ci->low);
      row.ci_high = number(f.ci->high);
      row.level = level_;
    }
    return row;
  }
  std::string take() { return out_.str(); }

 private:
  int k_;
  std::string level_;
  std::ostringstream out_;
  interop::CsvWriter writer_;
};

// "indication=acne-scars;practitioner=Dr. Jo Smith (user 3)": a name's own ';' and '=' become ','
// so that the cell still splits into dimension=value pairs.
std::string cohort_name(const OutcomesReport& report, const Cohort& c) {
  std::string out;
  for (const auto& [dimension, value] : c.key) {
    std::string label = value_label(report, dimension, value);
    std::replace_if(label.begin(), label.end(), [](char ch) { return ch == ';' || ch == '='; }, ',');
    out += fmt::format("{}{}={}", out.empty() ? "" : ";", to_string(dimension), label);
  }
  return out;
}

}  // namespace

std::string report_to_csv(const OutcomesReport& report) {
  const int k = report.request.min_cell_patients;
  Table table(k, report.request.confidence);
  table.add({.section = "notice", .note = report.notice});
  table.add({.section = "totals", .measure = "courses", .n = std::to_string(report.totals.courses),
             .patients = std::to_string(report.totals.patients)});
  table.add({.section = "totals", .measure = "sessions", .n = std::to_string(report.totals.sessions)});

  for (const auto& c : report.cohorts) {
    const std::string name = cohort_name(report, c);
    if (c.suppressed) {
      table.add({.section = "cohort", .cohort = name, .measure = "courses", .suppressed = "true",
                 .note = c.suppressed_secondary ? "withheld so that a smaller cell cannot be worked out from the total"
                                                : fmt::format("too few patients (fewer than {})", k)});
      continue;
    }
    table.add({.section = "cohort", .cohort = name, .measure = "courses", .n = std::to_string(c.courses),
               .patients = std::to_string(c.patients)});
    table.add(table.figure({.section = "completion", .cohort = name, .measure = "completed"}, c.completed, true));
    table.add(table.figure({.section = "completion", .cohort = name, .measure = "abandoned"}, c.abandoned, true));
    table.add(table.figure({.section = "assessment", .cohort = name, .measure = "days from the last session"},
                           c.days_to_assessment, false));
    table.add(table.figure({.section = "adverse_events", .cohort = name, .measure = "sessions with an event"},
                           c.adverse_event_sessions, true));
    for (const auto& s : c.scales) {
      table.add(table.figure({.section = "baseline", .cohort = name, .scale = s.scale, .measure = "score"}, s.baseline,
                             false));
      for (const auto& f : s.follow_ups) {
        const Row base{.cohort = name, .scale = s.scale, .anchor = to_string(f.window.anchor),
                       .week = std::to_string(f.window.week)};
        Row change = base, score = base;
        change.section = "change";
        change.measure = "mean change from baseline";
        score.section = "score";
        score.measure = "mean score";
        table.add(table.figure(change, f.change, false));
        table.add(table.figure(score, f.score, false));
        if (f.responders) {
          Row responders = base;
          responders.section = "responders";
          responders.measure = fmt::format("improved by {} or more", *s.responder_improvement);
          table.add(table.figure(responders, *f.responders, true));
        }
      }
    }
    for (const auto& l : c.literature) {
      const bool proportion = l.kind != LiteratureComparison::Kind::mean_change;
      Row practice{.section = "literature_practice", .cohort = name, .measure = l.measure, .note = l.result_id + ": " + l.timepoint};
      if (l.window) {
        practice.anchor = to_string(l.window->anchor);
        practice.week = std::to_string(l.window->week);
      }
      if (!l.practice.suppressed && l.practice.n == 0)
        practice.note += "; no practice scores in this window";
      else
        practice = table.figure(practice, l.practice, proportion);
      if (l.overlap) practice.note = l.result_id + ": " + l.timepoint + (*l.overlap ? "; overlap" : "; no overlap");
      table.add(practice);
      Row published{.section = "literature_published", .cohort = name, .anchor = practice.anchor, .week = practice.week,
                    .measure = l.measure, .n = std::to_string(l.published_n), .estimate = number(l.published_estimate),
                    .note = fmt::format("{} [{}]{}", l.study, l.result_id, l.published_derived ? "; derived by dermaplan" : "")};
      if (l.published_ci) {
        published.ci_low = number(l.published_ci->low);
        published.ci_high = number(l.published_ci->high);
        published.level = number(l.published_level);
      }
      table.add(published);
    }
  }
  auto rates = [&](const char* section, const std::vector<AdverseEventRate>& list) {
    for (const auto& r : list) {
      Row row = table.figure({.section = section, .measure = r.category}, r.sessions_with_event, true);
      if (r.flagged) row.note = "flagged: higher than every other session";
      table.add(row);
    }
  };
  table.add(table.figure({.section = "adverse_events", .measure = "any"}, report.adverse_events.any, true));
  rates("ae_type", report.adverse_events.by_type);
  rates("ae_severity", report.adverse_events.by_severity);
  rates("ae_device", report.adverse_events.by_device);
  rates("ae_lot", report.adverse_events.by_lot);
  for (const auto& n : report.needle_length) {
    Row row{.section = "needle_length", .cohort = "indication=" + n.indication, .scale = n.scale,
            .anchor = to_string(n.window.anchor), .week = std::to_string(n.window.week),
            .measure = n.band + " minus " + n.reference_band};
    if (n.suppressed) {
      row.suppressed = "true";
      row.note = fmt::format("too few patients (fewer than {})", k);
    } else {
      row.n = std::to_string(n.band_change.n + n.reference_change.n);
      row.patients = std::to_string(n.band_change.patients + n.reference_change.patients);
      row.estimate = number(n.difference);
      row.ci_low = number(n.difference_ci->low);
      row.ci_high = number(n.difference_ci->high);
      row.level = number(report.request.confidence);
    }
    table.add(row);
  }
  return table.take();
}

}  // namespace dermaplan::outcomes
