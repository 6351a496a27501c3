// Writes the synthetic practice of the outcomes tests (tests/outcomes/synthetic_practice.h: a
// seeded needle-length effect on acne scars, one lot with a raised adverse-event rate, three
// burn-scar patients too few to show) into a SQLite record, for bench/outcomes_store_bench.sh,
// the example in docs/outcomes.md and the README chart.
//
// Usage: outcomes_seed DB PATIENTS
//
// The store creates and migrates the database and its users (an admin and practitioners 2-5);
// the rows go in through the sqlite3 C API in one transaction (the store's per-write
// transactions and audit rows would take hours for 100,000 patients), with the columns the
// store derives (intakes.fitzpatrick, course_plans.planned_sessions) filled as it would; then
// the store's first read recomputes the course summaries the rows' triggers marked stale.
#include "records/store.h"
#include "synthetic_practice.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

using namespace dermaplan;

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw std::runtime_error(what + ": " + sqlite3_errmsg(db));
}

void exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql);
}

/// A prepared statement, bound by position and stepped once per row.
class Insert {
 public:
  Insert(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) fail(db, sql);
  }
  ~Insert() { sqlite3_finalize(st_); }
  Insert& i(int at, long long v) { return check(sqlite3_bind_int64(st_, at, v)); }
  Insert& d(int at, double v) { return check(sqlite3_bind_double(st_, at, v)); }
  Insert& t(int at, const std::string& v) { return check(sqlite3_bind_text(st_, at, v.c_str(), -1, SQLITE_TRANSIENT)); }
  Insert& null(int at) { return check(sqlite3_bind_null(st_, at)); }
  long long run() {
    if (sqlite3_step(st_) != SQLITE_DONE) fail(db_, "insert");
    sqlite3_reset(st_);
    return sqlite3_last_insert_rowid(db_);
  }

 private:
  Insert& check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "bind");
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

const char* sex_text(kb::Sex sex) {
  return sex == kb::Sex::female ? "female" : sex == kb::Sex::male ? "male" : "other";
}

const char* severity_text(outcomes::Severity s) {
  return s == outcomes::Severity::mild ? "mild" : s == outcomes::Severity::moderate ? "moderate" : "severe";
}

/// The plan document's schedule as the planning engine writes it (what planned_sessions is
/// derived from).
std::string plan_json(const std::string& indication, int sessions) {
  std::string list;
  for (int n = 1; n <= sessions; ++n) list += (n > 1 ? ", " : "") + std::string("{\"number\": ") + std::to_string(n) + "}";
  return "{\"indication\": \"" + indication + "\", \"sessions\": [" + list + "]}";
}

void seed(const std::string& path, long long patients) {
  {
    auto store = records::open_store(path);
    if (store->count_users() != 0) throw std::runtime_error(path + " is not empty");
    auto add = [&](const std::string& name, records::Role role) {
      records::User u;
      u.username = name;
      u.display_name = name;
      u.role = role;
      u.password_hash = "not-a-real-hash";
      return store->create_user({0, "seed"}, u).id;
    };
    add("admin", records::Role::admin);  // id 1; the practitioners are 2-5 as in the practice
    for (int k = 2; k <= 5; ++k) add("practitioner" + std::to_string(k), records::Role::practitioner);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) fail(db, "open " + path);
  exec(db, "PRAGMA foreign_keys = ON");
  exec(db, "BEGIN");
  Insert patient(db,
                 "INSERT INTO patients (name, birth_date, sex, notes, created_by, created_at_ms, updated_at_ms,"
                 " search_name) VALUES (?1, ?2, ?3, '', 1, 0, 0, ?4)");
  Insert intake(db,
                "INSERT INTO intakes (patient_id, version, intake_json, screening_json, knowledge_version, policy,"
                " created_by, created_at_ms, fitzpatrick) VALUES (?1, 1, ?2, '{}', 'seed', 'default', 1, 0, ?3)");
  Insert plan(db,
              "INSERT INTO course_plans (patient_id, indication, plan_json, created_by, created_at_ms,"
              " assessment_date, planned_sessions) VALUES (?1, ?2, ?3, 1, 0, '', ?4)");
  Insert session(db,
                 "INSERT INTO treatment_sessions (patient_id, plan_id, session_date, practitioner_id, device_id,"
                 " lot_number, passes, directions, anaesthetic, anaesthetic_minutes, end_point, products_applied,"
                 " notes, status, created_by, created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 4, '',"
                 " '', 0, '', '', '', 'performed', 1, 0, 0)");
  Insert needle(db, "INSERT INTO session_needle_lengths (session_id, region, needle_length_mm) VALUES (?1, ?2, ?3)");
  Insert score(db,
               "INSERT INTO outcome_assessments (patient_id, scale_id, score, region, assessor_id, assessed_on,"
               " notes, created_at_ms) VALUES (?1, ?2, ?3, ?4, 1, ?5, '', 0)");
  Insert event(db,
               "INSERT INTO adverse_events (patient_id, session_id, event_type, severity, onset_date,"
               " resolution_date, resolution, notes, recorded_by, created_at_ms, updated_at_ms)"
               " VALUES (?1, ?2, ?3, ?4, ?5, '', '', '', 1, 0, 0)");

  testing::SyntheticPractice practice;
  practice.patients = patients;
  const auto next = testing::synthetic_stream(practice);
  outcomes::CourseRow row;
  long long n = 0;
  while (next(row)) {
    const std::string name = "Synthetic Patient " + std::to_string(++n);
    const long long patient_id = patient.t(1, name)
                                     .t(2, row.birth_date ? format_civil_date(*row.birth_date) : "")
                                     .t(3, sex_text(row.sex))
                                     .t(4, "synthetic patient " + std::to_string(n))
                                     .run();
    if (row.fitzpatrick) intake.i(1, patient_id).t(2, "{\"fitzpatrick\": " + std::to_string(*row.fitzpatrick) + "}").i(3, *row.fitzpatrick).run();
    const long long plan_id =
        plan.i(1, patient_id).t(2, row.indication).t(3, plan_json(row.indication, row.planned_sessions)).i(4, row.planned_sessions).run();
    std::vector<std::pair<long long, long long>> ids;  // the practice's session id -> the record's
    for (const auto& s : row.sessions) {
      const long long id = session.i(1, patient_id)
                               .i(2, plan_id)
                               .t(3, format_civil_date(s.date))
                               .i(4, s.practitioner_id)
                               .t(5, s.device_id)
                               .t(6, s.lot_number)
                               .run();
      ids.emplace_back(s.session_id, id);
      for (const auto& nl : s.needles) needle.i(1, id).t(2, nl.region).d(3, nl.needle_length_mm).run();
    }
    for (const auto& s : row.scores)
      score.i(1, patient_id).t(2, s.scale_id).d(3, s.score).t(4, s.region).t(5, format_civil_date(s.date)).run();
    for (const auto& e : row.adverse_events) {
      event.i(1, patient_id);
      long long session_id = 0;
      for (const auto& [from, to] : ids)
        if (from == e.session_id) session_id = to;
      if (session_id) event.i(2, session_id);
      else event.null(2);
      event.t(3, e.type).t(4, severity_text(e.severity)).t(5, format_civil_date(e.onset)).run();
    }
  }
  exec(db, "COMMIT");
  sqlite3_close(db);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: outcomes_seed DB PATIENTS\n";
    return 2;
  }
  try {
    if (std::filesystem::exists(argv[1])) throw std::runtime_error(std::string(argv[1]) + " exists; give a new file");
    const auto start = std::chrono::steady_clock::now();
    seed(argv[1], std::stoll(argv[2]));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "seeded " << argv[2] << " synthetic patients into " << argv[1] << " in " << seconds << " s\n";
    // The rows' triggers marked every patient's course summary stale; the store's first read
    // recomputes them (what a report after a restore or a migration pays once).
    const auto refresh = std::chrono::steady_clock::now();
    records::open_store(argv[1])->read_course_histories();
    std::cout << "course summaries of " << argv[2] << " patients recomputed in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - refresh).count() << " s\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "outcomes_seed: " << e.what() << "\n";
    return 1;
  }
}
