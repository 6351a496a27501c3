// dermaplan::records::Store: the clinical record over two backends, one interface per concept:
//
//   AccountStore          users and login sessions           (account_store.h)
//   PatientStore          patients and the patient list      (patient_store.h)
//   ClinicalRecordStore   intakes, consents, plans, adverse events, outcomes, photos, and the
//                         whole record of a patient at once  (clinical_record_store.h)
//   TreatmentSessionStore sessions, signing, amendments, lots (treatment_session_store.h)
//   CourseHistoryReader   the record course by course, for the outcomes report (course_history.h)
//   AuditLog              the hash-chained audit log         (audit_log.h)
//   StoreMaintenance      backend, schema, backup, restore, checks (store_maintenance.h)
//
// A Store is all of them; code that needs one concept takes that interface.
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

#include <functional>
#include <memory>
#include <string>

#include "records/account_store.h"
#include "records/audit_log.h"
#include "records/clinical_record_store.h"
#include "records/course_history.h"
#include "records/entities.h"
#include "records/errors.h"
#include "records/patient_store.h"
#include "records/store_maintenance.h"
#include "records/treatment_session_store.h"

namespace dermaplan::records {

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
  /// A name search of three characters or more walks the names that hold its rarest pair of
  /// characters when at most this many do; past it the trigram index (SQLite FTS5, PostgreSQL
  /// pg_trgm) finds the matches. Measured in bench/scale_bench; tests set 0 to use the index.
  long long search_pair_walk_limit = 16384;
};

/// The whole clinical record: every concept's interface on one database.
class Store : public AccountStore,
              public PatientStore,
              public ClinicalRecordStore,
              public TreatmentSessionStore,
              public CourseHistoryReader,
              public AuditLog,
              public StoreMaintenance {
 public:
  ~Store() override = default;
};

/// Opens (creating if needed) the store named by `db`: a "postgresql://" or "postgres://" URL
/// selects PostgreSQL, anything else is a SQLite file path. Applies pending migrations.
/// Throws StoreUnavailableError if it cannot connect or open.
std::unique_ptr<Store> open_store(const std::string& db, StoreOptions options = {});

/// Epoch milliseconds now (the default clock).
long long system_now_ms();

}  // namespace dermaplan::records
