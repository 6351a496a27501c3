// Migrations: from an empty database and from every earlier version, with data written at that
// version surviving the upgrade.
#include "records/migrations.h"
#include "records/search_fold.h"
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreMigration : public StoreTest {
 protected:
  struct Seeded {
    long long user_id = 0;
    long long patient_id = 0;
    long long session_id = 0;
    long long plan_id = 0;
    std::string token_hash;
  };

  /// Writes rows with the SQL of schema version `version` (not through the store, whose code
  /// speaks only the latest schema).
  Seeded seed(soci::session& sql, int version) {
    Seeded s;
    if (version < 1) return s;
    sql << "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at_ms,"
           " updated_at_ms) VALUES ('old-admin', 'Old Admin', 'admin', 'hash', 0, 1000, 1000) RETURNING id",
        soci::into(s.user_id);
    sql << "INSERT INTO patients (name, birth_date, sex, notes, created_by, created_at_ms, updated_at_ms)"
           " VALUES ('Old Patient Ärzteweg', '1970-01-01', 'male', 'from v" << version << "', :u, 1000, 1000)"
           " RETURNING id",
        soci::use(s.user_id), soci::into(s.patient_id);
    s.token_hash = std::string(64, 'f');
    sql << "INSERT INTO auth_sessions (token_hash, user_id, created_at_ms, expires_at_ms, revoked"
        << (version >= 4 ? ", last_seen_ms) VALUES (:t, :u, 5000, 9000000000000, 0, 5000)"
                         : ") VALUES (:t, :u, 5000, 9000000000000, 0)"),
        soci::use(s.token_hash), soci::use(s.user_id);
    if (version >= 3) {  // from 3 on, writers fill the search column
      std::string folded = fold_for_search("Old Patient Ärzteweg");
      sql << "UPDATE patients SET search_name = :f WHERE id = :id", soci::use(folded), soci::use(s.patient_id);
      if (version >= 12) {  // from 12 on, they write the name's pairs of characters too
        for (const std::string& pair : character_pairs(folded))
          sql << "INSERT INTO patient_name_pairs (pair, search_name, patient_id, deleted) VALUES (:g, :n, :p, 0)",
              soci::use(pair), soci::use(folded), soci::use(s.patient_id);
      }
      if (version >= 13) {  // from 13 on, and how many names hold each pair
        for (const std::string& pair : character_pairs(folded))
          sql << "INSERT INTO patient_name_pair_counts (pair, live, deleted) VALUES (:g, 1, 0)", soci::use(pair);
      }
    }
    if (version < 2) return s;
    sql << "INSERT INTO intakes (patient_id, version, intake_json, screening_json, knowledge_version, policy,"
           " created_by, created_at_ms) VALUES (:p, 1, '{\"fitzpatrick\": 4}', '{}', 'kb-old', 'default', :u, 1000)",
        soci::use(s.patient_id), soci::use(s.user_id);
    sql << "INSERT INTO treatment_sessions (patient_id, session_date, device_id, lot_number, passes,"
           " directions, anaesthetic, anaesthetic_minutes, end_point, products_applied, notes, status,"
           " created_by, created_at_ms, updated_at_ms) VALUES (:p, '2025-12-01', 'pen', 'LOT-OLD', 2, '', '',"
           " 0, '', '', '', 'performed', :u, 1000, 1000) RETURNING id",
        soci::use(s.patient_id), soci::use(s.user_id), soci::into(s.session_id);
    sql << "INSERT INTO session_needle_lengths (session_id, region, needle_length_mm) VALUES (:s, 'cheek', 1.5)",
        soci::use(s.session_id);
    // Two required sessions and an optional third, as the planning engine writes them.
    const std::string plan_json =
        R"({"assessment_date": "2026-03-01", "sessions": [{"number": 1}, {"number": 2}, {"number": 3, "optional": true}]})";
    if (version >= 4) {
      sql << "INSERT INTO course_plans (patient_id, indication, plan_json, created_by, created_at_ms, assessment_date)"
             " VALUES (:p, 'acne-scars', :j, :u, 1000, '2026-03-01') RETURNING id",
          soci::use(s.patient_id), soci::use(plan_json), soci::use(s.user_id), soci::into(s.plan_id);
    } else {  // before 4 the date is only inside the plan's JSON
      sql << "INSERT INTO course_plans (patient_id, indication, plan_json, created_by, created_at_ms)"
             " VALUES (:p, 'acne-scars', :j, :u, 1000) RETURNING id",
          soci::use(s.patient_id), soci::use(plan_json), soci::use(s.user_id), soci::into(s.plan_id);
    }
    if (version >= 7) {  // from 7 on, writers fill the derived columns
      sql << "UPDATE intakes SET fitzpatrick = 4 WHERE patient_id = :p", soci::use(s.patient_id);
      sql << "UPDATE course_plans SET planned_sessions = 2 WHERE id = :id", soci::use(s.plan_id);
    }
    return s;
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreMigration);

TEST_P(StoreMigration, MigrationsAreNumberedInOrder) {
  const auto& list = schema_migrations();
  ASSERT_FALSE(list.empty());
  for (std::size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i].version, static_cast<int>(i) + 1);
}

TEST_P(StoreMigration, FromEveryEarlierVersionDataSurvives) {
  for (int from = 0; from <= latest_schema_version(); ++from) {
    SCOPED_TRACE("migrating from version " + std::to_string(from));
    std::string db = make_database("v" + std::to_string(from));
    Seeded seeded;
    {
      auto sql = raw(db);
      EXPECT_EQ(migrate(*sql, backend(), from), from);
      EXPECT_EQ(applied_schema_version(*sql), from);
      seeded = seed(*sql, from);
    }
    StoreOptions options;
    options.photo_dir = (dir() / ("photos" + std::to_string(from))).string();
    auto store = open_store(db, options);
    EXPECT_EQ(store->schema_version(), latest_schema_version());
    EXPECT_EQ(store->integrity_check(), "ok");

    if (from >= 1) {
      auto p = store->find_patient(seeded.patient_id);
      ASSERT_TRUE(p);
      EXPECT_EQ(p->notes, "from v" + std::to_string(from));
      PatientQuery q;
      q.name_contains = "ärztew";  // found through the search column filled by migration 3
      auto page = store->list_patients(q);
      ASSERT_EQ(page.total, 1);
      EXPECT_EQ(page.patients[0].id, seeded.patient_id);
      // Migration 13 counted the name's pairs (a search finds the name without the counts too).
      long long counted = 0, total = 0;
      *raw(db) << "SELECT COUNT(*), CAST(SUM(live) AS BIGINT) FROM patient_name_pair_counts WHERE deleted = 0",
          soci::into(counted), soci::into(total);
      const auto pairs = static_cast<long long>(character_pairs(fold_for_search("Old Patient Ärzteweg")).size());
      EXPECT_EQ(counted, pairs);
      EXPECT_EQ(total, pairs);
      EXPECT_EQ(store->find_user_by_username("old-admin")->role, Role::admin);
      // Migration 4 starts an old login session's activity at its creation.
      EXPECT_EQ(store->find_auth_session(seeded.token_hash)->last_seen_ms, 5000);
    }
    if (from >= 2) {
      EXPECT_EQ(store->list_intakes(seeded.patient_id).size(), 1u);
      auto trace = store->trace_lot("LOT-OLD");
      ASSERT_EQ(trace.sessions.size(), 1u);
      ASSERT_EQ(trace.sessions[0].needle_lengths.size(), 1u);
      EXPECT_DOUBLE_EQ(trace.sessions[0].needle_lengths[0].needle_length_mm, 1.5);
      // Migration 4 takes the assessment date out of the plan's JSON.
      EXPECT_EQ(store->find_course_plan(seeded.plan_id)->assessment_date, "2026-03-01");
      EXPECT_EQ(store->list_plans_assessed_between("2026-03-01", "2026-03-01").size(), 1u);
      EXPECT_EQ(store->list_sessions_between("2025-12-01", "2025-12-01").size(), 1u);
      // Migration 10 fills the course summaries (fresh before any report reads them); rows
      // written after it are marked stale by its triggers until the first read.
      {
        int stale = -1, kept = 0;
        *raw(db) << "SELECT COUNT(*), COALESCE(SUM(stale), 0) FROM course_summaries", soci::into(kept),
            soci::into(stale);
        EXPECT_EQ(kept, 1);
        EXPECT_EQ(stale, from >= 10 ? 1 : 0);
      }
      // Migration 7 takes the skin type out of the intake and the required sessions out of the plan.
      auto courses = store->read_course_histories();
      CourseHistory course;
      ASSERT_TRUE(courses->next(course));
      EXPECT_EQ(course.plan_id, seeded.plan_id);
      EXPECT_EQ(course.planned_sessions, 2);
      EXPECT_EQ(course.fitzpatrick, 4);
      EXPECT_FALSE(courses->next(course));
    }
    // Migration 8 counts the patients already there (the counters start right).
    EXPECT_EQ(store->count_patients().live, from >= 1 ? 1 : 0);
    // The upgraded database takes new writes (ids continue after the old rows).
    Actor admin = make_admin(*store, "new-admin");
    Patient fresh = make_patient(*store, admin, "New Patient");
    EXPECT_GT(fresh.id, seeded.patient_id);
    EXPECT_EQ(store->count_patients().live, from >= 1 ? 2 : 1);
    if (from >= 1) {
      Intake intake;
      intake.patient_id = seeded.patient_id;
      intake.intake_json = "{}";
      EXPECT_EQ(store->add_intake(admin, intake).version, from >= 2 ? 2 : 1);
    }
    EXPECT_TRUE(store->verify_audit_chain().ok);

    // Idempotent: nothing left to apply.
    auto sql = raw(db);
    EXPECT_EQ(migrate(*sql, backend()), 0);
  }
}

TEST_P(StoreMigration, StepByStepEqualsAllAtOnce) {
  std::string stepwise = make_database("stepwise");
  {
    auto sql = raw(stepwise);
    for (int v = 1; v <= latest_schema_version(); ++v) EXPECT_EQ(migrate(*sql, backend(), v), 1);
  }
  StoreOptions options;
  options.photo_dir = (dir() / "pa").string();
  auto a = open_store(stepwise, options);
  auto b = open();
  EXPECT_EQ(a->content_digest().size(), b->content_digest().size());
  EXPECT_EQ(a->content_digest(), b->content_digest());
}

TEST_P(StoreMigration, RefusesADatabaseFromANewerProgram) {
  { auto store = open(); }
  {
    auto sql = raw(db());
    *sql << "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (999, 'future', 0)";
  }
  EXPECT_THROW(open(), StoreUnavailableError);
}

}  // namespace
}  // namespace dermaplan::records::testing
