// The report on a synthetic practice with seeded effects: it recovers each effect inside its
// interval, flags the lot with the raised adverse-event rate and no other, and withholds the
// small cohort in every rendering.
#include "core/errors.h"
#include "outcomes/chart.h"
#include "outcomes/render.h"
#include "synthetic_practice.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace dermaplan::outcomes {
namespace {

using testing::bundled_kb;
using testing::SyntheticPractice;

ReportRequest request_for(const SyntheticPractice& practice, std::vector<Dimension> by) {
  ReportRequest request;
  request.group_by = std::move(by);
  request.as_of = testing::synthetic_report_date(practice);
  return request;
}

const OutcomesReport& needle_report() {
  static const OutcomesReport report = [] {
    const SyntheticPractice practice;
    return build_outcomes_report(testing::synthetic_stream(practice),
                                 request_for(practice, {Dimension::indication, Dimension::needle_length}), bundled_kb());
  }();
  return report;
}

const Cohort* cohort(const OutcomesReport& report, const std::vector<std::string>& values) {
  for (const auto& c : report.cohorts) {
    bool match = c.key.size() == values.size();
    for (size_t i = 0; match && i < values.size(); ++i) match = c.key[i].second == values[i];
    if (match) return &c;
  }
  return nullptr;
}

const FollowUpFigure* at_week(const Cohort& c, const std::string& scale, Anchor anchor, int week) {
  for (const auto& s : c.scales)
    if (s.scale == scale)
      for (const auto& f : s.follow_ups)
        if (f.window.anchor == anchor && f.window.week == week) return &f;
  return nullptr;
}

TEST(OutcomesReport, RecoversTheSeededNeedleLengthEffectInsideItsInterval) {
  const OutcomesReport& report = needle_report();
  const SyntheticPractice seeded;
  const NeedleLengthComparison* found = nullptr;
  for (const auto& n : report.needle_length)
    if (n.indication == "acne-scars" && n.scale == "goodman-baron-qualitative" && n.band == "1.0-1.5 mm") found = &n;
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->reference_band, "up to 0.5 mm");
  ASSERT_FALSE(found->suppressed);
  ASSERT_TRUE(found->difference_ci);
  const double seeded_difference = seeded.long_needle_change - seeded.short_needle_change;  // -1 grade
  EXPECT_LE(found->difference_ci->low, seeded_difference);
  EXPECT_GE(found->difference_ci->high, seeded_difference);
  EXPECT_LT(found->difference_ci->high, 0) << "the interval excludes no difference";
  EXPECT_GT(found->band_change.n, 300);

  // Each band's own change at week 12 holds its seeded mean.
  for (const auto& [band, seeded_mean] : {std::pair{"up to 0.5 mm", seeded.short_needle_change},
                                          std::pair{"1.0-1.5 mm", seeded.long_needle_change}}) {
    const Cohort* c = cohort(report, {"acne-scars", band});
    ASSERT_NE(c, nullptr) << band;
    const FollowUpFigure* f = at_week(*c, "goodman-baron-qualitative", Anchor::first_session, 12);
    ASSERT_NE(f, nullptr) << band;
    ASSERT_TRUE(f->change.ci);
    EXPECT_LE(f->change.ci->low, seeded_mean) << band;
    EXPECT_GE(f->change.ci->high, seeded_mean) << band;
  }
}

TEST(OutcomesReport, NoNeedleEffectSeededMeansAnIntervalAroundZero) {
  SyntheticPractice practice;
  practice.long_needle_change = practice.short_needle_change;
  const OutcomesReport report = build_outcomes_report(testing::synthetic_stream(practice),
                                                      request_for(practice, {Dimension::indication}), bundled_kb());
  for (const auto& n : report.needle_length)
    if (n.indication == "acne-scars" && n.band == "1.0-1.5 mm") {
      ASSERT_TRUE(n.difference_ci);
      EXPECT_LE(n.difference_ci->low, 0);
      EXPECT_GE(n.difference_ci->high, 0);
      return;
    }
  FAIL() << "no acne-scar needle comparison";
}

TEST(OutcomesReport, FlagsTheLotWithTheRaisedAdverseEventRateAndNoOther) {
  const OutcomesReport& report = needle_report();
  const SyntheticPractice seeded;
  const auto& lots = report.adverse_events.by_lot;
  ASSERT_EQ(lots.size(), static_cast<size_t>(seeded.lots));
  EXPECT_EQ(report.adverse_events.lots_compared, seeded.lots);
  long long other_sessions = 0, other_events = 0;
  for (const auto& lot : lots) {
    ASSERT_FALSE(lot.sessions_with_event.suppressed) << lot.category;
    EXPECT_EQ(lot.flagged, lot.category == seeded.raised_lot) << lot.category;
    ASSERT_TRUE(lot.sessions_with_event.ci);
    if (lot.category == seeded.raised_lot) {
      EXPECT_LE(lot.sessions_with_event.ci->low, seeded.raised_lot_event_rate);
      EXPECT_GE(lot.sessions_with_event.ci->high, seeded.raised_lot_event_rate);
      EXPECT_GT(lot.difference_vs_rest->low, 0);
    } else {
      other_sessions += lot.sessions_with_event.n;
      other_events += lot.sessions_with_event.count;
    }
  }
  // The other lots together hold the base rate.
  const Interval rest = wilson_interval(other_events, other_sessions, 0.95);
  EXPECT_LE(rest.low, seeded.event_rate);
  EXPECT_GE(rest.high, seeded.event_rate);
  EXPECT_NEAR(report.adverse_events.lot_comparison_level, 1 - 0.05 / seeded.lots, 1e-12);
  const std::string text = report_to_text(report);
  EXPECT_NE(text.find(seeded.raised_lot), std::string::npos);
  EXPECT_NE(text.find("FLAGGED"), std::string::npos);
}

TEST(OutcomesReport, AdverseEventTypesAreGroupedCaseAndBlankInsensitively) {
  const auto& types = needle_report().adverse_events.by_type;
  std::vector<std::string> names;
  for (const auto& t : types) names.push_back(t.category);
  EXPECT_EQ(names, (std::vector<std::string>{"erythema", "infection", "post-inflammatory hyperpigmentation"}));
}

TEST(OutcomesReport, SmallCohortIsWithheldInEveryOutput) {
  const OutcomesReport& report = needle_report();
  const Cohort* burns = cohort(report, {"burn-scars", "2.0-2.5 mm"});
  ASSERT_NE(burns, nullptr);
  EXPECT_TRUE(burns->suppressed);
  EXPECT_EQ(burns->courses, 0);
  EXPECT_EQ(burns->patients, 0);
  EXPECT_TRUE(burns->scales.empty());

  const nlohmann::json json = report_to_json(report);
  bool seen = false;
  for (const auto& c : json["cohorts"])
    if (c["key"]["indication"] == "burn-scars") {
      seen = true;
      EXPECT_EQ(c["suppressed"], true);
      EXPECT_FALSE(c.contains("courses"));
      EXPECT_FALSE(c.contains("scales"));
    }
  EXPECT_TRUE(seen);

  const std::string text = report_to_text(report);
  EXPECT_NE(text.find("indication burn-scars · needle-length 2.0-2.5 mm — too few (fewer than 5 patients)"),
            std::string::npos);

  const std::string csv = report_to_csv(report);
  EXPECT_NE(csv.find("cohort,indication=burn-scars;needle-length=2.0-2.5 mm,,,,courses,,,,,,,,true,"), std::string::npos);
  EXPECT_EQ(csv.find("indication=burn-scars;needle-length=2.0-2.5 mm,vancouver"), std::string::npos);

  const ChartData chart = chart_data(report, "vancouver");
  for (const auto& series : chart.trajectories)
    if (series.label == "burn-scars · 2.0-2.5 mm") {
      EXPECT_TRUE(series.suppressed);
      EXPECT_TRUE(series.points.empty());
    }
}

TEST(OutcomesReport, EveryRenderingSaysObservationalNotATrial) {
  const OutcomesReport& report = needle_report();
  EXPECT_EQ(report_to_json(report)["notice"].get<std::string>().rfind("Observational practice data, not a trial", 0), 0u);
  EXPECT_EQ(report_to_text(report).rfind("PRACTICE OUTCOMES — observational, not a trial", 0), 0u);
  const std::string csv = report_to_csv(report);
  EXPECT_NE(csv.find("\r\nnotice,,,,,,,,,,,,,false,\"Observational practice data, not a trial"), std::string::npos);
  EXPECT_EQ(chart_data(report).notice, report.notice);
}

TEST(OutcomesReport, ChartIsAPngOfTheStatedSize) {
  const std::string png = report_png(needle_report());
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto be32 = [&](size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  EXPECT_EQ(be32(16), 1200u);
  EXPECT_EQ(be32(20), 640u);
}

TEST(OutcomesReport, CsvReadsBackWithPythonsCsvModule) {
  const OutcomesReport& report = needle_report();
  const auto dir = std::filesystem::temp_directory_path() / "dermaplan-outcomes-csv";
  std::filesystem::create_directories(dir);
  const auto csv_path = dir / "report.csv", out_path = dir / "parsed.json";
  std::ofstream(csv_path, std::ios::binary) << report_to_csv(report);
  const std::string command = "python3 " DERMAPLAN_OUTCOMES_TEST_DIR "/read_csv.py " + csv_path.string() + " > " +
                              out_path.string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const nlohmann::json rows = testing::read_json_file(out_path);
  std::filesystem::remove_all(dir);
  ASSERT_GT(rows.size(), 20u);
  EXPECT_EQ(rows[0]["section"], "notice");
  EXPECT_EQ(rows[0]["note"], report.notice);
  int changes = 0, withheld = 0;
  for (const auto& row : rows) {
    if (row["suppressed"] == "true") {
      ++withheld;
      for (const char* column : {"n", "patients", "count", "estimate", "ci_low", "ci_high"})
        EXPECT_EQ(row[column], "") << column << " of a withheld row: " << row.dump();
    }
    if (row["section"] == "change" && row["cohort"] == "indication=acne-scars;needle-length=1.0-1.5 mm" &&
        row["anchor"] == "first-session" && row["week"] == "12") {
      ++changes;
      const FollowUpFigure* f =
          at_week(*cohort(report, {"acne-scars", "1.0-1.5 mm"}), "goodman-baron-qualitative", Anchor::first_session, 12);
      EXPECT_NEAR(std::stod(row["estimate"].get<std::string>()), f->change.estimate, 1e-5);
      EXPECT_EQ(std::stoll(row["n"].get<std::string>()), f->change.n);
      EXPECT_NEAR(std::stod(row["ci_low"].get<std::string>()), f->change.ci->low, 1e-5);
    }
  }
  EXPECT_EQ(changes, 1);
  EXPECT_GE(withheld, 1);
}

TEST(OutcomesReport, RowsOutOfPatientOrderAreRefusedWithTheRow) {
  std::vector<CourseRow> rows(2);
  rows[0].patient_id = 7;
  rows[1].patient_id = 3;
  size_t next = 0;
  const CourseStream stream = [&](CourseRow& row) {
    if (next == rows.size()) return false;
    row = rows[next++];
    return true;
  };
  ReportRequest request;
  request.as_of = CivilDate{date::year{2026}, date::month{1}, date::day{1}};
  try {
    build_outcomes_report(stream, request, bundled_kb());
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "row 2");
    EXPECT_NE(std::string(e.what()).find("ordered by patient id"), std::string::npos);
  }
}

TEST(OutcomesReport, BadRequestsNameTheOption) {
  const CourseStream empty = [](CourseRow&) { return false; };
  auto where = [&](ReportRequest request) {
    try {
      build_outcomes_report(empty, request, bundled_kb());
    } catch (const InputError& e) {
      return e.where();
    }
    return std::string("no error");
  };
  ReportRequest r;
  r.min_cell_patients = 2;
  EXPECT_EQ(where(r), "min_cell");
  r = {};
  r.confidence = 1.2;
  EXPECT_EQ(where(r), "confidence");
  r = {};
  r.scale = "fitzpatrick";
  EXPECT_EQ(where(r), "scale") << "a classification is not an outcome scale";
  r = {};
  r.scale = "no-such-scale";
  EXPECT_EQ(where(r), "scale");
  r = {};
  r.indications = {"acne"};
  EXPECT_EQ(where(r), "indication");
  r = {};
  r.group_by = {Dimension::device, Dimension::device};
  EXPECT_EQ(where(r), "by");
  r = {};
  r.from = CivilDate{date::year{2026}, date::month{2}, date::day{1}};
  r.to = CivilDate{date::year{2026}, date::month{1}, date::day{1}};
  EXPECT_EQ(where(r), "to");
}

TEST(OutcomesReport, PeriodAndIndicationFiltersKeepOnlyTheirCourses) {
  SyntheticPractice practice;
  practice.patients = 400;
  ReportRequest request = request_for(practice, {Dimension::indication});
  request.indications = {"melasma"};
  request.from = add_days(practice.first_day, 100);
  request.to = add_days(practice.first_day, 199);
  const OutcomesReport report = build_outcomes_report(testing::synthetic_stream(practice), request, bundled_kb());
  ASSERT_EQ(report.cohorts.size(), 1u);
  EXPECT_EQ(report.cohorts[0].key[0].second, "melasma");
  const OutcomesReport all = build_outcomes_report(testing::synthetic_stream(practice),
                                                   request_for(practice, {Dimension::indication}), bundled_kb());
  EXPECT_LT(report.totals.courses, all.totals.courses / 4);
  EXPECT_GT(report.totals.courses, 0);
}

TEST(OutcomesReport, GroupsByEveryDimension) {
  SyntheticPractice practice;
  practice.patients = 300;
  const OutcomesReport report = build_outcomes_report(
      testing::synthetic_stream(practice), request_for(practice, all_dimensions()), bundled_kb());
  ASSERT_FALSE(report.cohorts.empty());
  for (const auto& c : report.cohorts) {
    ASSERT_EQ(c.key.size(), all_dimensions().size());
    for (const auto& [dimension, value] : c.key) EXPECT_FALSE(value.empty()) << to_string(dimension);
  }
  // So many groups of so few patients: every cohort is withheld.
  EXPECT_TRUE(std::all_of(report.cohorts.begin(), report.cohorts.end(), [](const auto& c) { return c.suppressed; }));
}

TEST(OutcomesReport, GroupedByRegionACourseCountsOnEachRegionItTreated) {
  SyntheticPractice practice;
  practice.patients = 600;
  const OutcomesReport report = build_outcomes_report(
      testing::synthetic_stream(practice), request_for(practice, {Dimension::indication, Dimension::region}), bundled_kb());
  const Cohort* cheek = cohort(report, {"acne-scars", "cheek"});
  const Cohort* forehead = cohort(report, {"acne-scars", "forehead"});
  ASSERT_NE(cheek, nullptr);
  ASSERT_NE(forehead, nullptr);
  EXPECT_GT(cheek->courses, forehead->courses);
  EXPECT_GT(forehead->courses, 0);
}

TEST(OutcomesReport, TheSameStreamGivesTheSameReport) {
  SyntheticPractice practice;
  practice.patients = 500;
  auto json = [&] {
    return report_to_json(build_outcomes_report(testing::synthetic_stream(practice),
                                                request_for(practice, {Dimension::indication, Dimension::device}),
                                                bundled_kb()))
        .dump();
  };
  EXPECT_EQ(json(), json());
}

}  // namespace
}  // namespace dermaplan::outcomes
