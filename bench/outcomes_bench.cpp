// The practice outcomes report over a synthetic practice (tests/outcomes/synthetic_practice.h):
// 10,000 and 100,000 patients with their sessions, scores and adverse events, generated row by
// row as the store would stream them. Goal: the full report over 100,000 patients in under 1 s
// on one core, in memory that does not grow with the number of patients.
//
// BM_GenerateRows is the cost of making the rows alone; BM_Report is generation + the engine;
// the difference is the engine. peak_heap_bytes is the most heap in use above the start, sampled
// (glibc mallinfo2) every 1,024 rows and at the end, rows included.
#include "kb/loader.h"
#include "outcomes/render.h"
#include "synthetic_practice.h"

#include <benchmark/benchmark.h>

#include <malloc.h>

namespace {

using namespace dermaplan;

const kb::KnowledgeBase& knowledge() {
  static const kb::KnowledgeBase kb = kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR);
  return kb;
}

testing::SyntheticPractice practice(long long patients) {
  testing::SyntheticPractice p;
  p.patients = patients;
  return p;
}

outcomes::ReportRequest request(const testing::SyntheticPractice& p) {
  outcomes::ReportRequest r;
  r.group_by = {outcomes::Dimension::indication, outcomes::Dimension::device};
  r.as_of = testing::synthetic_report_date(p);
  return r;
}

void BM_GenerateRows(benchmark::State& state) {
  const auto p = practice(state.range(0));
  for (auto _ : state) {
    const auto next = testing::synthetic_stream(p);
    outcomes::CourseRow row;
    long long sessions = 0;
    while (next(row)) sessions += static_cast<long long>(row.sessions.size());
    benchmark::DoNotOptimize(sessions);
  }
  state.counters["patients"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_GenerateRows)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_Report(benchmark::State& state) {
  const auto p = practice(state.range(0));
  const auto r = request(p);
  knowledge();
  auto heap = [] { return static_cast<long long>(mallinfo2().uordblks); };
  long long peak = 0, sessions = 0;
  for (auto _ : state) {
    const long long before = heap();
    const auto rows = testing::synthetic_stream(p);
    long long count = 0;
    const outcomes::CourseStream sampled = [&](outcomes::CourseRow& row) {
      if (++count % 1024 == 0) peak = std::max(peak, heap() - before);
      return rows(row);
    };
    const auto report = outcomes::build_outcomes_report(sampled, r, knowledge());
    peak = std::max(peak, heap() - before);
    sessions = report.totals.sessions;
    benchmark::DoNotOptimize(report.cohorts.data());
  }
  state.counters["patients"] = static_cast<double>(state.range(0));
  state.counters["sessions"] = static_cast<double>(sessions);
  state.counters["peak_heap_bytes"] = static_cast<double>(peak);
}
BENCHMARK(BM_Report)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_RenderJsonTextCsv(benchmark::State& state) {
  const auto p = practice(100000);
  const auto report = outcomes::build_outcomes_report(testing::synthetic_stream(p), request(p), knowledge());
  for (auto _ : state) {
    benchmark::DoNotOptimize(outcomes::report_to_json(report).dump());
    benchmark::DoNotOptimize(outcomes::report_to_text(report));
    benchmark::DoNotOptimize(outcomes::report_to_csv(report));
  }
}
BENCHMARK(BM_RenderJsonTextCsv)->Unit(benchmark::kMillisecond);

void BM_RenderPng(benchmark::State& state) {
  const auto p = practice(100000);
  const auto report = outcomes::build_outcomes_report(testing::synthetic_stream(p), request(p), knowledge());
  for (auto _ : state) benchmark::DoNotOptimize(outcomes::report_png(report));
}
BENCHMARK(BM_RenderPng)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
