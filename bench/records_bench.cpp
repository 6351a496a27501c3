// The clinical record's hot paths on SQLite (a temporary file, WAL, synchronous=FULL, as the
// server runs): a page of the patient list, and audit rows appended by one caller or by many at
// once (group commit). Wall time per operation; the figures go into bench/RESULTS.md.
#include "records/store.h"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace {

using namespace dermaplan::records;
namespace fs = std::filesystem;

/// One database for the whole run: 200 patients, an admin.
struct Fixture {
  fs::path dir;
  std::unique_ptr<Store> store;
  Actor admin;
  Fixture() {
    dir = fs::temp_directory_path() / ("dermaplan-records-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    StoreOptions options;
    options.pool_size = 8;
    store = open_store((dir / "bench.db").string(), options);
    User u;
    u.username = "admin";
    u.display_name = "Admin";
    u.role = Role::admin;
    u.password_hash = "$argon2id$not-used";
    u = store->create_user(Actor{0, "bench"}, u);
    admin = Actor{u.id, u.username};
    for (int i = 0; i < 200; ++i) {
      Patient p;
      p.name = "Bench Patient " + std::to_string(i);
      p.birth_date = "1980-01-01";
      p.sex = "female";
      store->create_patient(admin, p);
    }
  }
  ~Fixture() {
    store.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_ListPatientsPage(benchmark::State& state) {
  Store& store = *fixture().store;
  PatientQuery q;
  q.limit = 50;
  int i = 0;
  for (auto _ : state) {
    q.offset = (i++ * 7) % 150;
    benchmark::DoNotOptimize(store.list_patients(q));
  }
}
BENCHMARK(BM_ListPatientsPage)->UseRealTime();

void BM_ListPatientsSearch(benchmark::State& state) {
  Store& store = *fixture().store;
  PatientQuery q;
  q.name_contains = "patient 1";
  for (auto _ : state) benchmark::DoNotOptimize(store.list_patients(q));
}
BENCHMARK(BM_ListPatientsSearch)->UseRealTime();

// One caller: every row is its own durable commit. With N threads at once the rows of callers
// that arrive during a commit go together into the next one; the figure is wall time per row.
void BM_AppendAuditRead(benchmark::State& state) {
  Fixture& f = fixture();
  const std::string detail = R"({"list":{"q":"","offset":0},"ids":[1,2,3,4,5,6,7,8,9,10]})";
  for (auto _ : state) benchmark::DoNotOptimize(f.store->append_audit(f.admin, AuditAction::read, "patient", 0, detail));
}
BENCHMARK(BM_AppendAuditRead)->UseRealTime()->Threads(1)->Threads(16)->Threads(64);

}  // namespace

BENCHMARK_MAIN();
