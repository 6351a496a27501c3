// Backup, restore and compare: identical records (table digests) and identical photos, also
// while another connection keeps writing, and across backends.
#include <atomic>
#include <filesystem>
#include <thread>

#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {
namespace fs = std::filesystem;

class StoreBackup : public StoreTest {
 protected:
  /// What the database derives from the rows came along: the counters and the name search
  /// (SQLite's trigram index is recomputed after a restore).
  static void expect_searchable(Store& restored) {
    const auto counts = restored.count_patients();
    EXPECT_EQ(counts.live, 1);
    EXPECT_EQ(counts.deleted, 1);
    PatientQuery q;
    q.name_contains = "ckup pat";
    const auto page = restored.list_patients(q);
    ASSERT_EQ(page.total, 1);
    EXPECT_EQ(page.patients.at(0).name, "Backup Patient");
    q.name_contains = "second";
    EXPECT_EQ(restored.list_patients(q).total, 0);  // deleted
    q.include_deleted = true;
    EXPECT_EQ(restored.list_patients(q).total, 1);
    EXPECT_EQ(restored.list_patients({}).total, 1);
  }

  /// One of every kind of record, two photos.
  void populate(Store& store) {
    Actor admin = make_admin(store);
    Patient p = make_patient(store, admin, "Backup Patient");
    Patient q = make_patient(store, admin, "Second Patient");
    store.delete_patient(admin, q.id, "test delete");
    Intake intake;
    intake.patient_id = p.id;
    intake.intake_json = R"({"note": "ünïcödé ✓"})";
    store.add_intake(admin, intake);
    Consent c;
    c.patient_id = p.id;
    c.text_version = "v1";
    c.consent_text = "text";
    c.consented_by = "Backup Patient";
    c.consented_at_ms = 1'760'000'000'000;
    store.add_consent(admin, c);
    CoursePlan plan;
    plan.patient_id = p.id;
    plan.indication = "striae";
    plan.plan_json = "{}";
    plan = store.add_course_plan(admin, plan);
    TreatmentSession s;
    s.patient_id = p.id;
    s.plan_id = plan.id;
    s.session_date = "2026-03-03";
    s.needle_lengths = {{"abdomen", 2.0}, {"thigh", 1.75}};
    s.lot_number = "LOT-B";
    s.status = SessionStatus::performed;
    s = store.create_session(admin, s);
    store.sign_session(admin, s.id, s.row_version);
    store.add_amendment(admin, s.id, "notes", "added later", "forgot");
    AdverseEvent e;
    e.patient_id = p.id;
    e.session_id = s.id;
    e.event_type = "erythema";
    e.onset_date = "2026-03-03";
    store.add_adverse_event(admin, e);
    OutcomeAssessment o;
    o.patient_id = p.id;
    o.scale_id = "posas";
    o.score = 0.1 + 0.2;  // not exactly representable in decimal: must survive bit-exact
    o.assessed_on = "2026-04-01";
    store.add_outcome(admin, o);
    Photo ph;
    ph.patient_id = p.id;
    ph.content_type = "image/png";
    ph.taken_on = "2026-03-03";
    ph.tag = PhotoTag::before;
    store.add_photo(admin, ph, std::string("\x89PNG before", 11));
    ph.tag = PhotoTag::after;
    store.add_photo(admin, ph, std::string("\x89PNG after", 10));
    AuthSession a;
    a.token_hash = std::string(64, 'f');
    a.user_id = admin.user_id;
    a.expires_at_ms = 1;
    store.create_auth_session(a);
  }

  StoreOptions other_photos(const std::string& tag) {
    StoreOptions options;
    if (backend() == Backend::postgresql) options.photo_dir = (dir() / ("photos-" + tag)).string();
    return options;
  }

  void expect_same_photos(Store& original, Store& copy, long long patient_id) {
    auto photos = original.list_photos(patient_id);
    ASSERT_EQ(photos.size(), 2u);
    for (const auto& ph : photos) EXPECT_EQ(copy.read_photo(ph.sha256), original.read_photo(ph.sha256));
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreBackup);

TEST_P(StoreBackup, BackupRestoreCompare) {
  auto store = open();
  populate(*store);
  auto digest = store->content_digest();
  const std::string backup = (dir() / "backup.db").string();
  store->backup_to(backup);
  EXPECT_TRUE(fs::is_regular_file(backup));
  EXPECT_TRUE(fs::is_directory(backup + ".photos"));
  EXPECT_THROW(store->backup_to(backup), InvalidRecordError);  // never overwrites

  // The backup is itself a store (SQLite) with the same content.
  {
    auto as_store = open_store(backup);
    EXPECT_EQ(as_store->content_digest(), digest);
    expect_searchable(*as_store);
    EXPECT_TRUE(as_store->verify_audit_chain().ok);
  }

  // Restore into an empty database of the same backend.
  auto restored = open_store(make_database("restored"), other_photos("restored"));
  restored->restore_from(backup);
  EXPECT_EQ(restored->content_digest(), digest);
  EXPECT_TRUE(restored->verify_audit_chain().ok);
  EXPECT_EQ(restored->integrity_check(), "ok");
  expect_searchable(*restored);
  long long patient_id = store->list_patients({}).patients.at(0).id;
  expect_same_photos(*store, *restored, patient_id);
  // Ids continue after the restored rows.
  Actor admin{1, "admin"};
  Patient after = make_patient(*restored, admin, "After Restore");
  EXPECT_GT(after.id, patient_id);
  EXPECT_TRUE(restored->verify_audit_chain().ok);
}

TEST_P(StoreBackup, RestoreReplacesNewerContent) {
  auto store = open();
  populate(*store);
  auto digest = store->content_digest();
  const std::string backup = (dir() / "backup.db").string();
  store->backup_to(backup);
  make_patient(*store, Actor{1, "admin"}, "Written after the backup");
  EXPECT_NE(store->content_digest(), digest);
  store->restore_from(backup);
  EXPECT_EQ(store->content_digest(), digest);
  PatientQuery q;
  q.name_contains = "after the backup";
  EXPECT_EQ(store->list_patients(q).total, 0);
  expect_searchable(*store);
  EXPECT_THROW(store->restore_from((dir() / "missing.db").string()), NotFoundError);
}

TEST_P(StoreBackup, RestoresAcrossBackends) {
  // SQLite -> PostgreSQL and back: the backup format is the same SQLite file.
  auto store = open();
  populate(*store);
  auto digest = store->content_digest();
  const std::string backup = (dir() / "backup.db").string();
  store->backup_to(backup);
  auto sqlite_copy = open_store((dir() / "copy.db").string());
  sqlite_copy->restore_from(backup);
  EXPECT_EQ(sqlite_copy->content_digest(), digest);
  expect_searchable(*sqlite_copy);
  long long patient_id = store->list_patients({}).patients.at(0).id;
  expect_same_photos(*store, *sqlite_copy, patient_id);
  // From the SQLite instantiation, also into PostgreSQL (when a server is there).
  if (backend() == Backend::sqlite && pg_server_url()) {
    StoreOptions options;
    options.photo_dir = (dir() / "photos-pg").string();
    auto pg = open_store(make_database_on(Backend::postgresql, "cross"), options);
    pg->restore_from(backup);
    EXPECT_EQ(pg->content_digest(), digest);
    expect_searchable(*pg);
    expect_same_photos(*store, *pg, patient_id);
  }
}

TEST_P(StoreBackup, OnlineBackupWhileWriting) {
  auto store = open();
  Actor admin = make_admin(*store);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    StoreOptions options = other_photos("writer");
    options.pool_size = 1;
    if (backend() == Backend::postgresql) options.photo_dir = (dir() / "photos").string();
    auto w = open_store(db(), options);
    while (!stop) {
      make_patient(*w, admin, "Stream " + std::to_string(written.load()));
      ++written;
    }
  });
  while (written < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string backup = (dir() / "online.db").string();
  store->backup_to(backup);
  int before_stop = written.load();
  stop = true;
  writer.join();
  auto copy = open_store(backup);
  EXPECT_EQ(copy->integrity_check(), "ok");
  auto v = copy->verify_audit_chain();
  EXPECT_TRUE(v.ok) << v.reason;
  // A snapshot: every patient in it has its audit row and vice versa (1 user + n patients).
  long long patients = copy->list_patients(PatientQuery{"", false, 1000, 0, {}}).total;
  EXPECT_EQ(v.rows_checked, 1 + patients);
  EXPECT_GE(patients, 20);
  EXPECT_LE(patients, before_stop + 1);
}

TEST_P(StoreBackup, ARestoreLeavesThePlannersFiguresCurrent) {
  // Every row of a restore is new: on PostgreSQL the planner's statistics and the visibility
  // map are refreshed before restore_from returns, not when autovacuum next passes.
  auto store = open();
  populate(*store);
  const std::string backup = (dir() / "backup.db").string();
  store->backup_to(backup);
  store->restore_from(backup);
  if (backend() == Backend::postgresql) {
    auto sql = raw(db());
    for (const std::string table : {"patients", "patient_name_pairs", "audit_log"}) {
      int vacuumed = 0, analysed = 0;
      *sql << "SELECT COUNT(last_vacuum), COUNT(last_analyze) FROM pg_stat_user_tables WHERE relname = :t",
          soci::use(table), soci::into(vacuumed), soci::into(analysed);
      EXPECT_EQ(vacuumed, 1) << table;
      EXPECT_EQ(analysed, 1) << table;
    }
  }
  // A VACUUM cannot run in a transaction: refused by name inside one, on both backends.
  EXPECT_THROW(store->in_one_transaction([&] { store->refresh_planner_statistics(); }), InvalidRecordError);
  store->refresh_planner_statistics();  // outside one: fine, twice
}

}  // namespace
}  // namespace dermaplan::records::testing
