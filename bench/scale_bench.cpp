// The patient list as the practice grows (issue 13): search, any page and one record read at
// 1,000, 10,000 and 100,000 patients (with 10 audit rows per patient: 1 M at 100k), and the
// growth class of each. Store-level latencies (what a request adds to the HTTP layer).
//
//   scale_bench [--db FILE|URL] [--max N] [--quiet-below LOAD [--quiet-from N]]
//       default: a SQLite file in a temp dir; a postgresql:// URL names an EMPTY database.
//       --quiet-below: after growing to a size of at least --quiet-from patients (default: the
//       largest) and the search right after it, wait until the machine's 1-minute load average
//       is below LOAD (at most 45 minutes) before the other figures, so growing may share the
//       machine and measuring need not. The load each size was measured at is printed.
//
// The database starts with 5 patients from `demo-data` (their records are read), then grows
// with synthetic demo patients in transactions of 2,000. Figures: p50 / p99 over 300 calls each.
// Every search matches a substring; two characters or more walk the names of a pair of
// characters (patient_name_pairs), one walks the name index. "qx", a pair no name holds, is the
// contrast of the walk of the whole name index that two characters needed before migration 12.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>
#include <unistd.h>

#include <fmt/format.h>

#include "clinic/demo_data.h"
#include "clinic/patient_status.h"
#include "kb/loader.h"
#include "records/search_fold.h"
#include "records/store.h"

using namespace dermaplan;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
  double p50_ms = 0, p99_ms = 0;
};

/// Times `call(i)` for i in [0, n); `each_ms`, when given, gets each call's time.
template <class F>
Figures time_calls(int n, F&& call, std::vector<double>* each_ms = nullptr) {
  std::vector<double> ms;
  ms.reserve(n);
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    call(i);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  if (each_ms) *each_ms = ms;
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

const char* const kFirst[] = {"Anna", "Maria", "Lena", "Sofia", "Emma", "Julia", "Laura", "Sarah", "Clara", "Nora",
                              "Ida", "Zoë", "Chloé", "Inès", "Olga", "Mia", "Hannah", "Jonas", "Lukas", "Felix",
                              "Paul", "Elias", "Noah", "David", "Tomás", "Björn", "Mehmet", "Ivan", "Kenji", "Omar"};
const char* const kStem[] = {"Bern", "Mül", "Schmi", "Fisch", "Web", "Wag", "Beck", "Hoff", "Schä", "Ko",
                             "Rich", "Kle", "Wol", "Neu", "Schwa", "Zimm", "Brau", "Krü", "Hart", "Lan"};
const char* const kEnd[] = {"er", "mann", "ler", "dt", "ner", "ke", "hoff", "stein", "berg", "feld",
                            "ova", "ski", "sen", "ez", "elli", "ard", "ot", "quist", "aki", "ić"};

std::string synthetic_name(std::mt19937_64& rng) {
  auto pick = [&](auto& list) { return list[rng() % std::size(list)]; };
  return fmt::format("{} {}{}-{}{}", pick(kFirst), pick(kStem), pick(kEnd), pick(kStem), pick(kEnd));
}

/// The 1-minute load average (-1 when the system does not say).
double load_average() {
  double load[1];
  return ::getloadavg(load, 1) == 1 ? load[0] : -1;
}

/// Waits until the load average is below `below` (no wait when below <= 0), at most 45 minutes;
/// returns the load measured at the end.
double wait_for_quiet(double below) {
  const auto until = Clock::now() + std::chrono::minutes(45);
  double load = load_average();
  while (below > 0 && load >= below && Clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    load = load_average();
  }
  if (below > 0 && load >= below) std::printf("the machine did not go quiet in 45 minutes: measuring at load %.2f\n", load);
  return load;
}

const char* growth_class(double small, double large, double factor) {
  const double r = large / std::max(small, 1e-6);
  if (r < 3) return "flat";
  if (r < factor / 3) return "sub-linear";
  return "linear";
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  long long max_n = 100000;
  double quiet_below = 0;
  long long quiet_from = -1;
  for (int i = 1; i < argc; i += 2) {
    const std::string a = argv[i];
    if (i + 1 == argc) {
      std::fprintf(stderr, "scale_bench: %s needs a value\n", a.c_str());
      return 2;
    }
    if (a == "--db") db = argv[i + 1];
    else if (a == "--max") max_n = std::stoll(argv[i + 1]);
    else if (a == "--quiet-below") quiet_below = std::stod(argv[i + 1]);
    else if (a == "--quiet-from") quiet_from = std::stoll(argv[i + 1]);
    else {
      std::fprintf(stderr, "scale_bench: unknown option '%s' (accepted: --db, --max, --quiet-below, --quiet-from)\n",
                   a.c_str());
      return 2;
    }
  }
  std::filesystem::path tmp;
  if (db.empty()) {
    tmp = std::filesystem::temp_directory_path() / fmt::format("dermaplan-scale.{}", ::getpid());
    std::filesystem::create_directories(tmp);
    db = (tmp / "scale.db").string();
  }
  records::StoreOptions options;
  options.photo_dir = (tmp.empty() ? std::filesystem::temp_directory_path() / "dermaplan-scale-photos" : tmp / "photos").string();
  auto store = records::open_store(db, options);
  const auto kb = kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR);
  records::User u;
  u.username = "scale-bench";
  u.display_name = "Scale bench";
  u.role = records::Role::practitioner;
  u.password_hash = "!no-login";
  u.disabled = true;
  u = store->create_user({0, "bench"}, u);
  const records::Actor by{u.id, u.username};
  clinic::DemoDataRequest demo;
  demo.patients = 5;
  clinic::add_demo_data(*store, kb, by, demo, *parse_civil_date("2026-12-03"));
  std::vector<long long> record_ids;
  for (const auto& p : store->list_patients({}).patients) record_ids.push_back(p.id);

  std::mt19937_64 rng(13);
  std::vector<std::string> names;  // every name added, for queries that find something
  long long have = 5;
  struct Row {
    long long n = 0;
    Figures search_unsettled, search, search_next, short_search, short_no_match, keyset, first_page, offset, record;
    Figures statuses_each, statuses_batched;  //!< the statuses of a page of 50: one by one, in one batch
    int many_matches = 0;  //!< of the 300 search queries, how many matched more than 1,000
    double grow_s = 0;
    double settle_s = 0;  //!< refresh_planner_statistics after growing
    double load = 0;  //!< the 1-minute load average when the settled figures were taken
  };
  std::vector<Row> rows;
  std::printf("backend %s\n", store->backend() == records::Backend::sqlite ? "SQLite" : "PostgreSQL");
  for (long long target : {1000LL, 10000LL, 100000LL}) {
    if (target > max_n) break;
    const auto t0 = Clock::now();
    while (have < target) {
      const long long batch = std::min<long long>(2000, target - have);
      store->in_one_transaction([&] {
        for (long long k = 0; k < batch; ++k) {
          records::Patient p;
          p.name = synthetic_name(rng) + clinic::kDemoNameSuffix;
          p.birth_date = "1980-01-01";
          p.sex = "female";
          p.demo = true;
          p = store->create_patient(by, p);
          names.push_back(p.name);
          // Nine more audit rows (reads), so the log holds 10 per patient.
          for (int r = 0; r < 9; ++r) store->append_audit(by, records::AuditAction::read, "patient", p.id, "");
        }
      });
      have += batch;
    }
    Row row;
    row.n = target;
    row.grow_s = std::chrono::duration<double>(Clock::now() - t0).count();
    auto substring = [&](int len) {
      const std::string folded = records::fold_for_search(names[rng() % names.size()]);
      // A start on a character boundary (UTF-8), then len bytes (short queries: 2).
      std::size_t at = rng() % (folded.size() - 8);
      while (at > 0 && (static_cast<unsigned char>(folded[at]) & 0xC0) == 0x80) --at;
      std::string q = folded.substr(at, len);
      while (!q.empty() && (static_cast<unsigned char>(q.back()) & 0xC0) == 0xC0) q.pop_back();
      return q;
    };
    std::vector<std::string> queries, short_queries;
    for (int i = 0; i < 300; ++i) queries.push_back(substring(4 + static_cast<int>(rng() % 4)));
    for (int i = 0; i < 300; ++i) short_queries.push_back(substring(2));
    auto search_all = [&](int i) {
      records::PatientQuery q;
      q.name_contains = queries[i];
      store->list_patients(q);
    };
    // Right after growing (PostgreSQL: before autovacuum has passed over the new rows), then
    // as autovacuum would leave it (refresh_planner_statistics; SQLite: nothing to do). Every
    // other figure is taken after.
    row.search_unsettled = time_calls(300, search_all);
    row.load = wait_for_quiet(target >= (quiet_from < 0 ? std::min(max_n, 100000LL) : quiet_from) ? quiet_below : 0);
    const auto settle0 = Clock::now();
    store->refresh_planner_statistics();
    row.settle_s = std::chrono::duration<double>(Clock::now() - settle0).count();
    std::vector<double> search_ms;
    row.search = time_calls(300, search_all, &search_ms);
    // The second page of each search, through the cursor its first page returned.
    std::vector<std::optional<records::PatientCursor>> second;
    for (const auto& query : queries) {
      records::PatientQuery q;
      q.name_contains = query;
      const auto first = store->list_patients(q);
      second.push_back(first.next);
      row.many_matches += first.total_is_lower_bound ? 1 : 0;
    }
    // The slowest searches, with how many they matched: what the tail is made of.
    std::vector<int> by_time(300);
    for (int i = 0; i < 300; ++i) by_time[i] = i;
    std::sort(by_time.begin(), by_time.end(), [&](int a, int b) { return search_ms[a] > search_ms[b]; });
    std::printf("%lld patients, slowest searches:", target);
    for (int k = 0; k < 4; ++k) {
      records::PatientQuery q;
      q.name_contains = queries[by_time[k]];
      const auto page = store->list_patients(q);
      std::printf(" \"%s\" %.2f ms (%s%lld matches)%s", queries[by_time[k]].c_str(), search_ms[by_time[k]],
                  page.total_is_lower_bound ? "more than " : "", page.total_is_lower_bound ? page.total - 1 : page.total,
                  k < 3 ? "," : "\n");
    }
    row.search_next = time_calls(300, [&](int i) {
      records::PatientQuery q;
      q.name_contains = queries[i];
      q.after = second[i];
      store->list_patients(q);
    });
    row.short_search = time_calls(300, [&](int i) {
      records::PatientQuery q;
      q.name_contains = short_queries[i];
      store->list_patients(q);
    });
    row.short_no_match = time_calls(100, [&](int) {
      records::PatientQuery q;
      q.name_contains = "qx";
      store->list_patients(q);
    });
    row.first_page = time_calls(300, [&](int) { store->list_patients({}); });
    row.keyset = time_calls(300, [&](int) {
      records::PatientQuery q;
      // A random patient's place (every one still at its first version here).
      q.after = records::PatientCursor{1 + static_cast<long long>(rng() % static_cast<unsigned long long>(target)), 1};
      store->list_patients(q);
    });
    row.offset = time_calls(100, [&](int) {
      records::PatientQuery q;
      q.offset = static_cast<int>(target / 2);
      store->list_patients(q);
    });
    row.record = time_calls(300, [&](int i) { store->read_patient_record(record_ids[i % record_ids.size()]); });
    // The patient list's statuses for its first page (the demo patients have records).
    std::vector<long long> page_ids = record_ids;
    for (const auto& p : store->list_patients({}).patients)
      if (page_ids.size() < 50) page_ids.push_back(p.id);
    std::map<std::string, std::string> forms;
    row.statuses_each = time_calls(100, [&](int) {
      for (long long id : page_ids) clinic::patient_status(*store, kb, id, forms);
    });
    row.statuses_batched = time_calls(100, [&](int) { clinic::patient_statuses(*store, kb, page_ids, forms); });
    rows.push_back(row);
    std::fflush(stdout);
  }
  std::printf(
      "\n| patients | audit rows | load | grow (s) | settle (s) | search 4-7 chars right after growing p50 / p99 | search 4-7 chars p50 / p99 | its 2nd page (cursor) p50 / p99 | queries with > 1,000 matches | "
      "2-char search p50 / p99 | 2 chars matching none p50 / p99 | first page p99 | "
      "keyset page (random place) p50 / p99 | offset page at n/2 p99 (contrast) | record read p50 / p99 | "
      "statuses of a 50-patient page: one by one / batched p50 |\n"
      "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
  for (const auto& r : rows)
    std::printf("| %lld | %lld | %.2f | %.1f | %.1f | %.2f / %.2f ms | %.2f / %.2f ms | %.2f / %.2f ms | %d of 300 | %.2f / %.2f ms | %.2f / %.2f ms | %.2f ms | %.2f / %.2f ms | %.2f ms | %.2f / %.2f ms | %.2f / %.2f ms |\n",
                r.n, 10 * r.n, r.load, r.grow_s, r.settle_s, r.search_unsettled.p50_ms, r.search_unsettled.p99_ms, r.search.p50_ms, r.search.p99_ms, r.search_next.p50_ms, r.search_next.p99_ms,
                r.many_matches, r.short_search.p50_ms,
                r.short_search.p99_ms, r.short_no_match.p50_ms, r.short_no_match.p99_ms, r.first_page.p99_ms, r.keyset.p50_ms, r.keyset.p99_ms, r.offset.p99_ms,
                r.record.p50_ms, r.record.p99_ms, r.statuses_each.p50_ms, r.statuses_batched.p50_ms);
  if (rows.size() >= 2) {
    const Row& a = rows.front();
    const Row& b = rows.back();
    const double f = static_cast<double>(b.n) / static_cast<double>(a.n);
    std::printf("\ngrowth %lld -> %lld patients (x%.0f), by p50: search %s, its 2nd page %s, 2-char search %s, 2 chars matching none %s, "
                "first page %s, keyset page %s, offset page %s, record read %s, batched statuses %s\n",
                a.n, b.n, f, growth_class(a.search.p50_ms, b.search.p50_ms, f),
                growth_class(a.search_next.p50_ms, b.search_next.p50_ms, f),
                growth_class(a.short_search.p50_ms, b.short_search.p50_ms, f),
                growth_class(a.short_no_match.p50_ms, b.short_no_match.p50_ms, f),
                growth_class(a.first_page.p50_ms, b.first_page.p50_ms, f), growth_class(a.keyset.p50_ms, b.keyset.p50_ms, f),
                growth_class(a.offset.p50_ms, b.offset.p50_ms, f), growth_class(a.record.p50_ms, b.record.p50_ms, f),
                growth_class(a.statuses_batched.p50_ms, b.statuses_batched.p50_ms, f));
  }
  store.reset();
  if (!tmp.empty()) std::filesystem::remove_all(tmp);
  return 0;
}
