// docs/outcomes.md shows a real report: docs/outcomes-example.json, made by
// scripts/outcomes-example.sh with `dermaplan outcomes` over the synthetic practice written into
// a SQLite record. The report the engine makes of the same practice must equal it, so the
// example cannot drift from the code (bench/outcomes_store_bench checks record == generator).
#include "outcomes/render.h"
#include "synthetic_practice.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fstream>

namespace dermaplan::outcomes {
namespace {

TEST(DocsExample, IsWhatTheEngineMakesOfTheExamplePractice) {
  std::ifstream in(DERMAPLAN_DOCS_DIR "/outcomes-example.json");
  ASSERT_TRUE(in) << "docs/outcomes-example.json is missing: run scripts/outcomes-example.sh";
  const auto documented = nlohmann::json::parse(in);
  testing::SyntheticPractice practice;
  practice.patients = 300;
  ReportRequest request;
  request.group_by = {Dimension::indication, Dimension::needle_length};
  request.as_of = testing::synthetic_report_date(practice);
  ASSERT_EQ(format_civil_date(request.as_of), "2026-10-04");  // the script's --date
  const auto report = build_outcomes_report(testing::synthetic_stream(practice), request, testing::bundled_kb());
  EXPECT_EQ(report_to_json(report), documented)
      << "docs/outcomes-example.json is out of date: run scripts/outcomes-example.sh";
}

}  // namespace
}  // namespace dermaplan::outcomes
