// SociStore: the Store over SOCI, one class for both backends (the few dialect differences are
// branches on backend_). Internal to dermaplan_records; callers use store.h.
//
// The implementation is split by concept: soci_store.cpp (open, users, login sessions,
// patients), clinical.cpp (intakes, consents, plans, events, outcomes, photos),
// treatment_sessions.cpp (sessions, amendments, lots), course_history.cpp, audit.cpp, backup.cpp.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <optional>
#include <mutex>
#include <thread>

#include "records/group_commit.h"
#include "records/photo_files.h"
#include "records/soci_headers.h"
#include "records/sql_session.h"
#include "records/store.h"

namespace dermaplan::records {

class NamePairCountChanges;  // migrations.h

class SociStore final : public Store {
 public:
  SociStore(DatabaseTarget target, StoreOptions options);

  Backend backend() const override { return pool_.target().backend; }
  int schema_version() override;
  std::string photo_dir() const override { return photos_.dir().string(); }

  User create_user(const Actor& by, User user) override;
  std::optional<User> find_user(long long id) override;
  std::optional<User> find_user_by_username(const std::string& username) override;
  std::vector<User> list_users() override;
  long long count_users() override;
  User update_user(const Actor& by, User user) override;
  AuthSession create_auth_session(AuthSession session) override;
  std::optional<AuthSession> find_auth_session(const std::string& token_hash) override;
  std::optional<std::pair<AuthSession, User>> find_auth_session_and_user(const std::string& token_hash) override;
  void touch_auth_session(const std::string& token_hash, long long seen_at_ms) override;
  bool revoke_auth_session(const std::string& token_hash) override;
  int revoke_auth_sessions_of(long long user_id) override;
  long long auth_change_seq() override;

  Patient create_patient(const Actor& by, Patient patient) override;
  PatientWithIntakes create_patient_with_intakes(const Actor& by, Patient patient,
                                                 std::vector<Intake> intakes) override;
  std::optional<Patient> find_patient(long long id, bool include_deleted) override;
  Patient update_patient(const Actor& by, Patient patient) override;
  void delete_patient(const Actor& by, long long patient_id, const std::string& reason) override;
  PatientPage list_patients(const PatientQuery& query) override;
  PatientCounts count_patients() override;

  std::optional<PatientRecord> read_patient_record(long long patient_id) override;
  std::vector<PatientGlance> read_patient_glances(const std::vector<long long>& patient_ids) override;
  Intake add_intake(const Actor& by, Intake intake, long long checked_patient_version = 0) override;
  std::vector<Intake> list_intakes(long long patient_id) override;
  Consent add_consent(const Actor& by, Consent consent, const std::string& signature_image = "") override;
  std::vector<Consent> list_consents(long long patient_id) override;
  CoursePlan add_course_plan(const Actor& by, CoursePlan plan) override;
  std::optional<CoursePlan> find_course_plan(long long id) override;
  std::vector<CoursePlan> list_course_plans(long long patient_id) override;
  std::vector<CoursePlan> list_plans_assessed_between(const std::string& from, const std::string& to) override;

  TreatmentSession create_session(const Actor& by, TreatmentSession session,
                                  std::optional<GatePassage> passage = std::nullopt) override;
  std::optional<TreatmentSession> find_session(long long id) override;
  std::vector<TreatmentSession> list_sessions(long long patient_id) override;
  std::vector<TreatmentSession> list_sessions_between(const std::string& from, const std::string& to) override;
  TreatmentSession update_session(const Actor& by, TreatmentSession session,
                                  std::optional<GatePassage> passage = std::nullopt) override;
  TreatmentSession sign_session(const Actor& by, long long session_id, long long row_version,
                                std::optional<GatePassage> passage = std::nullopt) override;
  Amendment add_amendment(const Actor& by, long long session_id, const std::string& field,
                          const std::string& new_value, const std::string& reason,
                          const std::optional<std::string>& expected_old_value = std::nullopt) override;
  std::vector<Amendment> list_amendments(long long session_id) override;
  LotTrace trace_lot(const std::string& lot_number) override;

  AdverseEvent add_adverse_event(const Actor& by, AdverseEvent event) override;
  AdverseEvent update_adverse_event(const Actor& by, AdverseEvent event) override;
  std::optional<AdverseEvent> find_adverse_event(long long id) override;
  std::vector<AdverseEvent> list_adverse_events(long long patient_id) override;
  OutcomeAssessment add_outcome(const Actor& by, OutcomeAssessment outcome) override;
  std::vector<OutcomeAssessment> list_outcomes(long long patient_id) override;
  Photo add_photo(const Actor& by, Photo photo, const std::string& image_bytes) override;
  std::vector<Photo> list_photos(long long patient_id) override;
  std::vector<Photo> find_photos(const std::string& sha256) override;
  std::string read_photo(const std::string& sha256) override;

  std::unique_ptr<CourseHistoryCursor> read_course_histories(const CourseHistoryQuery& query) override;

  AuditEntry append_audit(const Actor& by, AuditAction action, const std::string& entity,
                          long long record_id, const std::string& detail) override;
  std::vector<AuditEntry> list_audit(long long after_seq, int limit) override;
  AuditVerification verify_audit_chain(const std::string& expected_hash = "") override;
  AuditHead audit_head() override;

  void backup_to(const std::string& path) override;
  void restore_from(const std::string& path) override;
  std::vector<TableDigest> content_digest() override;
  void in_one_transaction(const std::function<void()>& work) override;
  long long change_seq() override;
  void claim_photo_dir() override;
  std::string integrity_check() override;
  void refresh_planner_statistics() override;

 private:
  /// Runs fn(session) in a write transaction and commits; retries transient lock conflicts;
  /// turns database errors into RecordErrors. A tracked write also bumps store_changes.seq
  /// (change_seq), in the same transaction. On SQLite the writes of concurrent callers share
  /// one transaction and commit (write_grouped): fn may run more than once, each time from
  /// the caller's copy, as a retry does.
  template <bool kTracked = true, class Fn>
  auto write(const char* where, Fn&& fn) {
    if (soci::session* batch = batch_session()) return in_batch(where, *batch, fn);
    const auto run = [&](const std::function<void(soci::session&)>& job) {
      if (backend() == Backend::sqlite) write_grouped(where, kTracked, job);
      else write_alone(where, kTracked, job);
    };
    using Result = decltype(fn(std::declval<soci::session&>()));
    if constexpr (std::is_void_v<Result>) {
      run([&](soci::session& sql) { fn(sql); });
    } else {
      std::optional<Result> result;  // a job run again (a retry) replaces what it set
      run([&](soci::session& sql) { result.emplace(fn(sql)); });
      return std::move(*result);
    }
  }

  /// Runs fn(session) on a pooled connection (in a read snapshot when `snapshot`), turning
  /// database errors into RecordErrors.
  template <class Fn>
  auto read(const char* where, Fn&& fn, bool snapshot = false) {
    if (soci::session* batch = batch_session()) return in_batch(where, *batch, fn);
    try {
      auto lease = pool_.acquire();
      if (snapshot) {
        ReadTransaction tx(*lease, backend());
        return fn(*lease);
      }
      return fn(*lease);
    } catch (const RecordError&) {
      throw;
    } catch (const std::exception& e) {
      rethrow_as_record_error(e, where);
    }
  }

  /// SQLite: this process's writers take turns here, before they take a connection, instead of
  /// all beginning a transaction and sleeping in SQLite's busy handler (which backs off up to
  /// 100 ms a sleep: the seconds-long tail of concurrent creates). Other processes still meet
  /// at SQLite's lock. PostgreSQL: no turn (row locks queue writers).
  std::unique_lock<std::mutex> sqlite_writer_turn() {
    if (backend() != Backend::sqlite) return {};
    return std::unique_lock<std::mutex>(sqlite_writer_);
  }
  /// Counts a change (inside the caller's write transaction).
  static void bump_change_seq(soci::session& sql) { sql << "UPDATE store_changes SET seq = seq + 1 WHERE id = 1"; }
  /// Counts a change to logins (auth_change_seq; inside the caller's write transaction).
  static void bump_auth_change_seq(soci::session& sql) { sql << "UPDATE auth_changes SET seq = seq + 1 WHERE id = 1"; }
  /// Runs fn(statements) with this thread's connection's prepared statements (prepared on its
  /// first use; dropped, to be prepared again, if a call fails). Inside in_one_transaction, on
  /// its connection with statements prepared for the call.
  template <class Fn>
  auto with_prepared(const char* where, Fn&& fn);
  /// The connection of this thread's in_one_transaction on this store, or null.
  soci::session* batch_session() const;
  /// Writes changes to the name pairs' counts now, or, inside in_one_transaction, adds them to
  /// those it writes once before committing.
  void write_pair_counts(soci::session& sql, NamePairCountChanges& counts) const;
  /// A call inside in_one_transaction: on its connection and transaction, not retried (the
  /// whole batch fails and rolls back).
  template <class Fn>
  auto in_batch(const char* where, soci::session& sql, Fn&& fn) {
    try {
      return fn(sql);
    } catch (const RecordError&) {
      throw;
    } catch (const std::exception& e) {
      rethrow_as_record_error(e, where);
    }
  }

  /// What one audit row records (the store adds seq, time and hash).
  struct AuditRow {
    Actor by;
    AuditAction action;
    std::string entity;
    long long record_id;
    std::string detail;
  };
  /// Appends rows (at least one), chained in order, inside the caller's write transaction.
  std::vector<AuditEntry> audit_rows(soci::session& sql, const std::vector<AuditRow>& rows);
  /// Appends an audit row inside the caller's write transaction.
  AuditEntry audit(soci::session& sql, const Actor& by, AuditAction action, const std::string& entity,
                   long long record_id, const std::string& detail);
  /// The current row of a session, locked against concurrent writers (PostgreSQL FOR UPDATE;
  /// SQLite's write transaction already excludes them). NotFoundError if absent.
  TreatmentSession load_session_for_update(soci::session& sql, long long session_id);
  /// Writes and audits a session's passage through the treatment gate (in the caller's transaction).
  void add_gate_passage(soci::session& sql, const Actor& by, TreatmentSession& s, GatePassage passage);
  Patient load_patient_for_update(soci::session& sql, long long patient_id);
  void require_patient(soci::session& sql, long long patient_id, const char* field);
  /// " FOR UPDATE" on PostgreSQL, "" on SQLite.
  const char* for_update() const { return backend() == Backend::postgresql ? " FOR UPDATE" : ""; }
  long long now() const { return now_ms_(); }

  /// One caller's row waiting for the next group commit (audit.cpp).
  struct PendingAudit;
  /// Commits `batch` in one transaction; a failed batch is retried row by row so that one bad
  /// row fails only its own caller.
  void commit_audit_batch(const std::vector<PendingAudit*>& batch);

  /// One caller's write waiting for the next group commit (SQLite; soci_store.cpp).
  struct PendingWrite {
    const char* where;
    bool tracked;
    const std::function<void(soci::session&)>& job;
    std::exception_ptr error;
  };
  /// Runs `job` in a write transaction and commits (retrying transient lock conflicts), alone.
  void write_alone(const char* where, bool tracked, const std::function<void(soci::session&)>& job);
  /// SQLite: runs `job` in a transaction shared with the writes queued while the one before
  /// committed, each in its own savepoint (a job's RecordError undoes only that job); if the
  /// shared transaction fails as a whole, each job runs again alone.
  void write_grouped(const char* where, bool tracked, const std::function<void(soci::session&)>& job);
  void commit_write_batch(const std::vector<PendingWrite*>& batch);

  ConnectionPool pool_;
  std::mutex sqlite_writer_;  //!< see sqlite_writer_turn()
  GroupCommit<PendingAudit> audit_group_;  //!< append_audit's rows
  GroupCommit<PendingWrite> write_group_;  //!< SQLite's writes (write())
  PhotoFiles photos_;
  std::function<long long()> now_ms_;
  long long search_pair_walk_limit_;
};

// ---- row helpers shared by the implementation files ----------------------------------------

/// Column readers that accept whatever integer/real/text type the backend reports; NULL gives
/// 0 or "".
long long row_int(const soci::row& row, std::size_t i);
double row_real(const soci::row& row, std::size_t i);
std::string row_text(const soci::row& row, std::size_t i);

/// NULL for id 0 (optional references).
inline soci::indicator null_if_zero(long long id) { return id == 0 ? soci::i_null : soci::i_ok; }

/// Checks "YYYY-MM-DD" (empty allowed when `optional`); InvalidRecordError naming `field`.
void require_date(const std::string& value, const char* field, bool optional = false);
void require_text(const std::string& value, const char* field);

/// Inserts an intake row as given (version, creator and time set by the caller); fills in
/// intake.id. Inside the caller's write transaction; the caller writes the audit row.
void insert_intake_row(soci::session& sql, Intake& intake);

std::vector<RegionNeedleLength> needle_lengths_from_json(const std::string& json, const char* field);
std::string needle_lengths_to_json(const std::vector<RegionNeedleLength>& lengths);

}  // namespace dermaplan::records
