// The practice outcomes report read from a SQLite record (seeded by outcomes_seed): how long the
// store takes to stream every course (CourseHistoryReader), how long the whole report takes
// (clinic::practice_outcomes: store + engine + its audit row), and the peak resident memory of
// the process. Also checks that the report from the record equals the report the engine makes
// from the generator's rows directly (the store loses nothing on the way).
//
// Usage: outcomes_store_bench DB PATIENTS [REPEATS]   (PATIENTS: what outcomes_seed was given)
#include "clinic/outcomes.h"
#include "kb/loader.h"
#include "outcomes/render.h"
#include "records/store.h"
#include "synthetic_practice.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <iostream>
#include <vector>

namespace {

using namespace dermaplan;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: outcomes_store_bench DB PATIENTS [REPEATS]\n";
    return 2;
  }
  const std::string db = argv[1];
  const long long patients = std::stoll(argv[2]);
  const int repeats = argc > 3 ? std::stoi(argv[3]) : 3;
  const auto kb = kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR);
  auto store = records::open_store(db);
  const long rss_open = peak_rss_kib();

  testing::SyntheticPractice practice;
  practice.patients = patients;
  outcomes::ReportRequest request;
  request.group_by = {outcomes::Dimension::indication, outcomes::Dimension::device};
  request.as_of = testing::synthetic_report_date(practice);

  std::vector<double> read_s, report_s, engine_s;
  long long courses = 0, sessions = 0;
  outcomes::OutcomesReport from_record;
  for (int k = 0; k < repeats; ++k) {
    auto start = Clock::now();
    auto cursor = store->read_course_histories();
    records::CourseHistory course;
    courses = sessions = 0;
    while (cursor->next(course)) {
      ++courses;
      sessions += static_cast<long long>(course.sessions.size());
    }
    cursor.reset();
    read_s.push_back(seconds_since(start));

    start = Clock::now();
    from_record = clinic::practice_outcomes(*store, kb, {0, "bench"}, records::Role::admin, request);
    report_s.push_back(seconds_since(start));

    start = Clock::now();
    const auto direct = outcomes::build_outcomes_report(testing::synthetic_stream(practice), request, kb);
    engine_s.push_back(seconds_since(start));
    if (k == 0 && outcomes::report_to_json(direct) != outcomes::report_to_json(from_record)) {
      std::cerr << "the report from the record differs from the generator's\n";
      return 1;
    }
  }
  auto best = [](std::vector<double> v) { return *std::min_element(v.begin(), v.end()); };
  std::cout << fmt::format(
      "patients {}  courses {}  sessions {}  (best of {})\n"
      "  store read, every course:        {:.3f} s\n"
      "  report from the record:          {:.3f} s  (store + engine + audit row)\n"
      "  engine on generated rows:        {:.3f} s  (generation + engine, no store)\n"
      "  peak RSS: {} KiB after opening, {} KiB at the end\n"
      "  report from the record equals the generator's: yes\n",
      patients, courses, sessions, repeats, best(read_s), best(report_s), best(engine_s), rss_open, peak_rss_kib());
  return 0;
}
