// dermaplan::records::Store: the clinical record, behind one interface with two backends.
//
//   auto store = open_store("clinic.db");                                  // SQLite (default)
//   auto store = open_store("postgresql://user@db.example:5432/dermaplan"); // PostgreSQL
//
// Thread safety: a Store is safe for concurrent use from many threads. It holds a small pool of
// database connections (StoreOptions::pool_size); each call borrows one. Several processes (or
// several Store objects) may open the same database at once.
//
// Writes: every method that writes does so in one transaction, together with its audit row, so
// a write and its audit entry are either both kept or both absent. A write that returns has been
// committed durably (SQLite: WAL with synchronous=FULL; PostgreSQL: synchronous_commit as the
// server is configured, on by default). Updates take the row_version the caller read and throw
// ConflictError if the record changed since, so concurrent writers never silently overwrite each
// other. Transient lock conflicts (SQLite busy, PostgreSQL serialization failures) are retried.
//
// Reads are not audited by the store (it cannot tell a user's view from internal use): the
// server records reads of patient data with append_audit().
//
// Errors: every method throws a RecordError subclass (errors.h) and nothing else.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "records/entities.h"
#include "records/errors.h"

namespace dermaplan::records {

enum class Backend { sqlite, postgresql };

struct StoreOptions {
  /// Where photo files go. Empty: "<db file>.photos" next to a SQLite file; for PostgreSQL the
  /// directory "dermaplan-photos" in the current working directory.
  std::string photo_dir;
  /// Connections kept open (and the maximum number of concurrent database calls).
  int pool_size = 4;
  /// The clock, in epoch milliseconds; tests replace it.
  std::function<long long()> now_ms;
  /// Apply pending migrations on open (the default). Tests turn it off to build old versions.
  bool migrate = true;
};

/// A page of the patient list, and how many patients match in total.
struct PatientQuery {
  std::string name_contains;     //!< case-insensitive substring of the name; empty matches all
  bool include_deleted = false;
  int limit = 50;                //!< 1..1000
  int offset = 0;
};
struct PatientPage {
  std::vector<Patient> patients; //!< ordered by name, then id
  long long total = 0;
};

/// Everything that used one lot number.
struct LotTrace {
  std::vector<TreatmentSession> sessions;  //!< ordered by date, then id
  std::vector<Patient> patients;           //!< each once, ordered by id (deleted ones included)
};

/// The result of checking the audit hash chain.
struct AuditVerification {
  bool ok = true;
  long long rows_checked = 0;
  long long first_broken_seq = 0;  //!< 0 when ok
  std::string reason;              //!< what was wrong at that seq, empty when ok
};

/// A fingerprint of one table, for comparing a restored database with its original.
struct TableDigest {
  std::string table;
  long long rows = 0;
  std::string sha256;
  bool operator==(const TableDigest&) const = default;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Backend backend() const = 0;
  /// Schema version in the database (after the migrations applied on open).
  virtual int schema_version() = 0;
  /// The directory holding photo files.
  virtual std::string photo_dir() const = 0;

  // ---- users and login sessions ----------------------------------------------------------
  /// Throws DuplicateError if the username is taken.
  virtual User create_user(const Actor& by, User user) = 0;
  virtual std::optional<User> find_user(long long id) = 0;
  virtual std::optional<User> find_user_by_username(const std::string& username) = 0;
  virtual std::vector<User> list_users() = 0;
  virtual long long count_users() = 0;
  /// Changes display name, role, password hash and disabled flag (not the username).
  /// ConflictError if user.row_version is not the stored one.
  virtual User update_user(const Actor& by, User user) = 0;

  virtual AuthSession create_auth_session(AuthSession session) = 0;
  /// The session with this token hash, revoked or expired ones included (the caller checks).
  virtual std::optional<AuthSession> find_auth_session(const std::string& token_hash) = 0;
  /// Records activity on a session at `seen_at_ms` (kept only if later than what is stored).
  /// Not audited: it is bookkeeping of the login, not patient data.
  virtual void touch_auth_session(const std::string& token_hash, long long seen_at_ms) = 0;
  /// Returns false if there was no such session. Revoking twice is fine.
  virtual bool revoke_auth_session(const std::string& token_hash) = 0;
  /// Revokes every session of a user (password change, disable); returns how many.
  virtual int revoke_auth_sessions_of(long long user_id) = 0;

  // ---- patients --------------------------------------------------------------------------
  virtual Patient create_patient(const Actor& by, Patient patient) = 0;
  /// nullopt if absent; a deleted patient only with include_deleted.
  virtual std::optional<Patient> find_patient(long long id, bool include_deleted = false) = 0;
  /// Changes name, birth date, sex and notes. ConflictError on a stale row_version;
  /// NotFoundError if deleted.
  virtual Patient update_patient(const Actor& by, Patient patient) = 0;
  /// The explicit, audited delete (the server allows it to admins only). The patient is marked
  /// deleted and hidden from lists; nothing is erased. `reason` goes into the audit row.
  virtual void delete_patient(const Actor& by, long long patient_id, const std::string& reason) = 0;
  virtual PatientPage list_patients(const PatientQuery& query) = 0;

  // ---- intake, consent, plans ------------------------------------------------------------
  /// Stores a new version (the store assigns intake.version = previous + 1).
  virtual Intake add_intake(const Actor& by, Intake intake) = 0;
  /// Every version, oldest first.
  virtual std::vector<Intake> list_intakes(long long patient_id) = 0;
  virtual Consent add_consent(const Actor& by, Consent consent) = 0;
  virtual std::vector<Consent> list_consents(long long patient_id) = 0;
  virtual CoursePlan add_course_plan(const Actor& by, CoursePlan plan) = 0;
  virtual std::optional<CoursePlan> find_course_plan(long long id) = 0;
  virtual std::vector<CoursePlan> list_course_plans(long long patient_id) = 0;
  /// Plans whose assessment date is in [from, to] (YYYY-MM-DD), of patients not deleted, by
  /// date then id.
  virtual std::vector<CoursePlan> list_plans_assessed_between(const std::string& from, const std::string& to) = 0;

  // ---- treatment sessions ----------------------------------------------------------------
  /// status must be planned or performed (sign with sign_session).
  virtual TreatmentSession create_session(const Actor& by, TreatmentSession session) = 0;
  virtual std::optional<TreatmentSession> find_session(long long id) = 0;
  /// A patient's sessions ordered by date, then id.
  virtual std::vector<TreatmentSession> list_sessions(long long patient_id) = 0;
  /// Every session dated in [from, to] (YYYY-MM-DD, inclusive), of patients not deleted, by
  /// date then id (the day's agenda).
  virtual std::vector<TreatmentSession> list_sessions_between(const std::string& from, const std::string& to) = 0;
  /// Replaces every field but ids, signature and creation. SignedSessionError if the stored
  /// session is signed; ConflictError on a stale row_version; status may go planned -> performed
  /// (or back), never to signed.
  virtual TreatmentSession update_session(const Actor& by, TreatmentSession session) = 0;
  /// Signs a performed session: from then on it is immutable. InvalidRecordError unless
  /// performed; SignedSessionError if already signed; ConflictError on a stale row_version.
  virtual TreatmentSession sign_session(const Actor& by, long long session_id, long long row_version) = 0;
  /// Records a correction to a signed session (InvalidRecordError if not signed or the field is
  /// not amendable). The store fills in old_value, author and time.
  virtual Amendment add_amendment(const Actor& by, long long session_id, const std::string& field,
                                  const std::string& new_value, const std::string& reason) = 0;
  /// Oldest first.
  virtual std::vector<Amendment> list_amendments(long long session_id) = 0;
  /// Every session whose lot number is `lot_number`, originally or by amendment, and their
  /// patients (exact match after trimming blanks).
  virtual LotTrace trace_lot(const std::string& lot_number) = 0;

  // ---- adverse events, outcomes, photos --------------------------------------------------
  virtual AdverseEvent add_adverse_event(const Actor& by, AdverseEvent event) = 0;
  /// Changes type, severity, dates, resolution and notes. ConflictError on a stale row_version.
  virtual AdverseEvent update_adverse_event(const Actor& by, AdverseEvent event) = 0;
  virtual std::vector<AdverseEvent> list_adverse_events(long long patient_id) = 0;
  virtual OutcomeAssessment add_outcome(const Actor& by, OutcomeAssessment outcome) = 0;
  virtual std::vector<OutcomeAssessment> list_outcomes(long long patient_id) = 0;
  /// Writes the image file (named by its SHA-256; the same image twice is stored once) and then
  /// the row. photo.sha256 and size_bytes are filled in.
  virtual Photo add_photo(const Actor& by, Photo photo, const std::string& image_bytes) = 0;
  virtual std::vector<Photo> list_photos(long long patient_id) = 0;
  /// The photo rows of an image (the same bytes added twice share one file), oldest first.
  virtual std::vector<Photo> find_photos(const std::string& sha256) = 0;
  /// The image bytes; NotFoundError if missing, StoreUnavailableError if the file no longer
  /// matches its hash.
  virtual std::string read_photo(const std::string& sha256) = 0;

  // ---- audit -----------------------------------------------------------------------------
  /// Appends one row (for reads, logins, exports: writes audit themselves). Returns once the
  /// row is committed as durably as any write. Concurrent callers are group-committed: rows
  /// that arrive while a commit is under way go together in the next transaction (one sync to
  /// disk for many rows), each still chained and returned to its own caller.
  virtual AuditEntry append_audit(const Actor& by, AuditAction action, const std::string& entity,
                                  long long record_id, const std::string& detail) = 0;
  /// Rows with seq > after_seq, oldest first, at most `limit` (1..10000).
  virtual std::vector<AuditEntry> list_audit(long long after_seq, int limit) = 0;
  /// Recomputes the whole chain. Reports the first seq whose hash does not match, or that is
  /// missing, or the end of the chain if rows after it were removed.
  virtual AuditVerification verify_audit_chain() = 0;

  // ---- maintenance -----------------------------------------------------------------------
  /// Consistent online backup while others keep writing. Writes a SQLite file at `path`
  /// (for SQLite: the sqlite3 backup API; for PostgreSQL: a logical export of every table, in
  /// one snapshot, into a SQLite file of the same schema) and copies the photos the backup
  /// references into "<path>.photos". The backup opens as a store itself. Refuses to overwrite.
  virtual void backup_to(const std::string& path) = 0;
  /// Replaces this database's content with a backup made by backup_to (from either backend),
  /// and copies its photos in. The caller should append an audit row afterwards.
  virtual void restore_from(const std::string& path) = 0;
  /// One digest per table (rows in primary-key order): equal digests mean equal content.
  virtual std::vector<TableDigest> content_digest() = 0;
  /// "ok", or what the database reports as wrong (SQLite: PRAGMA integrity_check and foreign
  /// key check; PostgreSQL: the foreign key check).
  virtual std::string integrity_check() = 0;
};

/// Opens (creating if needed) the store named by `db`: a "postgresql://" or "postgres://" URL
/// selects PostgreSQL, anything else is a SQLite file path. Applies pending migrations.
/// Throws StoreUnavailableError if it cannot connect or open.
std::unique_ptr<Store> open_store(const std::string& db, StoreOptions options = {});

/// Epoch milliseconds now (the default clock).
long long system_now_ms();

}  // namespace dermaplan::records
