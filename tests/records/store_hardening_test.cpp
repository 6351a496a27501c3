// What an attacker with database access or odd bytes can and cannot do to the record: text the
// database cannot store, truncation, deleting the log's tail, forging a signed session's
// content after dropping the guards.
#include <string>

#include "records/errors.h"
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

using namespace std::string_literals;

class StoreHardening : public StoreTest {
 protected:
  /// What someone with the database's credentials can do: every trigger gone.
  void drop_every_guard(soci::session& sql) {
    if (backend() == Backend::sqlite) {
      std::vector<std::string> names;
      soci::rowset<std::string> rows = sql.prepare << "SELECT name FROM sqlite_master WHERE type = 'trigger'";
      for (const auto& n : rows) names.push_back(n);
      for (const auto& n : names) sql << "DROP TRIGGER " << n;
    } else {
      for (const char* t : {"treatment_sessions", "session_needle_lengths", "amendments", "audit_log", "audit_head"})
        sql << "ALTER TABLE " << t << " DISABLE TRIGGER USER";
    }
  }

  TreatmentSession signed_session(Store& store, const Actor& by) {
    Patient p = make_patient(store, by, "Signed Patient");
    TreatmentSession s;
    s.patient_id = p.id;
    s.session_date = "2026-06-01";
    s.practitioner_id = by.user_id;
    s.device_id = "dermapen-4";
    s.needle_lengths = {{"cheek_left", 1.5}, {"forehead", 0.5}};
    s.lot_number = "LOT-REAL";
    s.passes = 3;
    s.status = SessionStatus::performed;
    s = store.create_session(by, s);
    return store.sign_session(by, s.id, s.row_version);
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreHardening);

TEST_P(StoreHardening, audit_text_with_a_nul_is_refused_and_the_chain_stays_valid) {
  auto store = open();
  make_admin(*store);
  const Actor evil{0, "evil\0user"s};
  EXPECT_THROW(store->append_audit(evil, AuditAction::login_failed, "user", 0, "from 127.0.0.1"), InvalidRecordError);
  EXPECT_THROW(store->append_audit(Actor{0, "bad \xff utf-8"}, AuditAction::login_failed, "user", 0, ""),
               InvalidRecordError);
  store->append_audit(Actor{0, "plain"}, AuditAction::login_failed, "user", 0, "from 127.0.0.1");
  const auto verification = store->verify_audit_chain();
  EXPECT_TRUE(verification.ok) << verification.reason;
}

TEST_P(StoreHardening, restore_into_postgresql_refuses_a_nul_row_and_names_it) {
  if (backend() != Backend::sqlite || !pg_server_url()) GTEST_SKIP() << "SQLite -> PostgreSQL only";
  auto store = open();
  const Actor admin = make_admin(*store);
  Patient p;
  p.name = "Nul Notes";
  p.birth_date = "1985-04-12";
  p.sex = "female";
  p.notes = "before\0after"s;  // SQLite keeps every byte (an old database, or written before the check)
  p = store->create_patient(admin, p);
  ASSERT_EQ(store->find_patient(p.id)->notes, "before\0after"s);
  const std::string backup = (dir() / "nul.db").string();
  store->backup_to(backup);

  StoreOptions options;
  options.photo_dir = (dir() / "photos-pg").string();
  auto pg = open_store(make_database_on(Backend::postgresql, "nulrestore"), options);
  const Actor pg_admin = make_admin(*pg, "pgadmin");
  make_patient(*pg, pg_admin, "Kept");
  try {
    pg->restore_from(backup);
    FAIL() << "the restore went through";
  } catch (const InvalidRecordError& e) {
    EXPECT_NE(std::string(e.what()).find("table patients, row id " + std::to_string(p.id) + ", column notes"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("NUL"), std::string::npos) << e.what();
  }
  // Nothing changed on the target.
  EXPECT_EQ(pg->list_patients({}).patients.at(0).name, "Kept");
  EXPECT_TRUE(pg->verify_audit_chain().ok);
}

// ---- the guards and the chain ------------------------------------------------------------

TEST_P(StoreHardening, the_database_refuses_truncating_or_rewinding_the_audit_log) {
  auto store = open();
  const Actor admin = make_admin(*store);
  make_patient(*store, admin, "Someone");
  const AuditHead head = store->audit_head();
  ASSERT_GT(head.seq, 0);
  auto sql = raw(db());
  if (backend() == Backend::postgresql) {
    EXPECT_ANY_THROW(*sql << "TRUNCATE audit_log, audit_head");
    EXPECT_ANY_THROW(*sql << "TRUNCATE audit_head");
    EXPECT_ANY_THROW(*sql << "TRUNCATE treatment_sessions, session_needle_lengths, amendments");
  }
  EXPECT_ANY_THROW(*sql << "DELETE FROM audit_head");
  EXPECT_ANY_THROW(*sql << "UPDATE audit_head SET seq = 0, hash = ''");
  EXPECT_ANY_THROW(*sql << "INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, '')");
  EXPECT_EQ(store->audit_head().seq, head.seq);
  EXPECT_TRUE(store->verify_audit_chain().ok);
}

TEST_P(StoreHardening, a_signed_sessions_needle_lengths_and_amendments_cannot_change) {
  auto store = open();
  const Actor admin = make_admin(*store);
  TreatmentSession s = signed_session(*store, admin);
  store->add_amendment(admin, s.id, "lot_number", "LOT-FIXED", "typo on the label");
  auto sql = raw(db());
  const long long id = s.id;
  EXPECT_ANY_THROW((*sql << "UPDATE session_needle_lengths SET needle_length_mm = 2.5 WHERE session_id = :s",
                    soci::use(id)));
  EXPECT_ANY_THROW((*sql << "DELETE FROM session_needle_lengths WHERE session_id = :s", soci::use(id)));
  EXPECT_ANY_THROW((*sql << "INSERT INTO session_needle_lengths (session_id, region, needle_length_mm) "
                            "VALUES (:s, 'chin', 2.0)",
                    soci::use(id)));
  EXPECT_ANY_THROW(*sql << "UPDATE amendments SET new_value = 'LOT-OTHER'");
  EXPECT_ANY_THROW(*sql << "DELETE FROM amendments");
  const auto v = store->verify_audit_chain();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.signed_sessions_checked, 1);
  EXPECT_EQ(v.amendments_checked, 1);
}

TEST_P(StoreHardening, a_forged_lot_or_depth_is_found_even_with_the_triggers_dropped) {
  int round = 0;
  for (const char* forgery : {"UPDATE treatment_sessions SET lot_number = 'LOT-FORGED' WHERE id = :s",
                              "UPDATE session_needle_lengths SET needle_length_mm = 0.25 WHERE session_id = :s",
                              "UPDATE amendments SET new_value = 'LOT-FORGED' WHERE session_id = :s"}) {
    SCOPED_TRACE(forgery);
    const std::string database = make_database("forge" + std::to_string(++round));
    StoreOptions options;
    options.photo_dir = (dir() / ("photos-forge" + std::to_string(round))).string();
    auto store = open_store(database, options);
    const Actor admin = make_admin(*store);
    TreatmentSession s = signed_session(*store, admin);
    store->add_amendment(admin, s.id, "lot_number", "LOT-FIXED", "typo on the label");
    ASSERT_TRUE(store->verify_audit_chain().ok);
    {
      auto sql = raw(database);
      drop_every_guard(*sql);
      const long long id = s.id;
      *sql << forgery, soci::use(id);
    }
    const auto v = store->verify_audit_chain();
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.reason.find("content hash"), std::string::npos) << v.reason;
  }
}

TEST_P(StoreHardening, an_external_head_finds_a_log_cut_and_rebuilt_behind_the_triggers) {
  auto store = open();
  const Actor admin = make_admin(*store);
  for (int i = 0; i < 5; ++i) make_patient(*store, admin, "Patient " + std::to_string(i));
  const AuditHead kept = store->audit_head();  // printed by `dermaplan audit head`, kept elsewhere
  make_patient(*store, admin, "Later");
  EXPECT_TRUE(store->verify_audit_chain(kept.hash).ok);
  EXPECT_EQ(store->verify_audit_chain(kept.hash).expected_seq, kept.seq);
  {
    // Cut the log back before the kept head and make the head agree: the chain alone is whole.
    auto sql = raw(db());
    drop_every_guard(*sql);
    const long long keep = kept.seq - 3;
    std::string hash;
    *sql << "SELECT hash FROM audit_log WHERE seq = :s", soci::use(keep), soci::into(hash);
    *sql << "DELETE FROM audit_log WHERE seq > :s", soci::use(keep);
    *sql << "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1", soci::use(keep), soci::use(hash);
  }
  EXPECT_TRUE(store->verify_audit_chain().ok);  // what no chain can see on its own
  const auto v = store->verify_audit_chain(kept.hash);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("expected hash"), std::string::npos) << v.reason;
}

TEST_P(StoreHardening, backup_and_restore_lift_the_guards_only_for_themselves) {
  auto store = open();
  const Actor admin = make_admin(*store);
  TreatmentSession s = signed_session(*store, admin);
  store->add_amendment(admin, s.id, "passes", "4", "counted again");
  const auto digest = store->content_digest();
  const std::string backup = (dir() / "guarded-backup.db").string();
  store->backup_to(backup);
  const std::string target = make_database("guarded");
  StoreOptions options;
  options.photo_dir = (dir() / "photos-guarded").string();
  auto restored = open_store(target, options);
  make_admin(*restored, "other");
  restored->restore_from(backup);
  EXPECT_EQ(restored->content_digest(), digest);
  const auto v = restored->verify_audit_chain();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.signed_sessions_checked, 1);
  // The guards are back.
  auto sql = raw(target);
  EXPECT_ANY_THROW(*sql << "DELETE FROM amendments");
  EXPECT_ANY_THROW(*sql << "DELETE FROM session_needle_lengths");
  if (backend() == Backend::postgresql) {
    EXPECT_ANY_THROW(*sql << "TRUNCATE audit_log, audit_head");
  }
}

}  // namespace
}  // namespace dermaplan::records::testing
