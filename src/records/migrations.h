// Versioned schema migrations, kept in code. Each step has a number, a name, its SQL (written
// once for both backends, with small dialect substitutions) and an optional data step in C++.
// Applied versions are recorded in the table schema_migrations. Steps are never edited once
// released: a change to the schema is a new step at the end.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "records/soci_headers.h"
#include "records/store.h"

namespace dermaplan::records {

struct Migration {
  int version = 0;
  std::string name;
  /// The statements, one per string, already in the backend's dialect.
  std::vector<std::string> (*statements)(Backend backend) = nullptr;
  /// Runs after the statements, in the same transaction (data backfills); may be null.
  void (*backfill)(soci::session& sql, Backend backend) = nullptr;
};

/// Every migration, in version order (1, 2, 3, ...).
const std::vector<Migration>& schema_migrations();
int latest_schema_version();

/// The highest applied version; 0 for an empty database.
int applied_schema_version(soci::session& sql);

/// Applies every migration after the applied version up to `target_version` (all of them
/// when it is -1), in one transaction that also serialises concurrent openers. Idempotent.
/// Returns the number of steps applied. Throws StoreUnavailableError if the database is newer
/// than this program.
int migrate(soci::session& sql, Backend backend, int target_version = -1,
            long long now_ms = 0);

/// Recomputes what the database derives from the patients (patient_counts, patient_name_pairs
/// and their counts; SQLite's trigram name index) from the rows as they are, inside the caller's transaction. Restore and backup
/// call it after copying rows with the triggers lifted.
void recompute_derived_tables(soci::session& sql, Backend backend);

/// Changes to patient_name_pair_counts (migration 13), gathered per pair so that a batch of
/// writes (in_one_transaction) moves each pair's row once, not once per patient (on PostgreSQL
/// every move of a row is a new version of it, which the rest of the transaction wades
/// through), and written in the pairs' byte order (one lock order for every writer).
class NamePairCountChanges {
 public:
  void add(const std::string& pair, long long live, long long deleted);
  void merge(const NamePairCountChanges& other);
  /// Writes the changes and forgets them: inside the caller's write transaction, as its last
  /// writes but the change counter (after the patient row and its audit rows, so every writer
  /// takes audit_head, then these rows, then store_changes, and on PostgreSQL patient_counts
  /// at its commit (migration 14): no deadlock between writers).
  void write(soci::session& sql);

 private:
  std::map<std::string, std::pair<long long, long long>> by_pair_;  //!< pair -> (live, deleted) change
};

/// Writes the patient_name_pairs rows of one patient's folded name (character_pairs), first
/// removing those of its old folded name if given, inside the caller's write transaction; adds
/// the change of the pairs' counts to `counts`.
void write_name_pairs(soci::session& sql, long long patient_id, const std::string& folded,
                      const std::string* old_folded, NamePairCountChanges& counts);
/// Marks those rows deleted (delete_patient; the patient's current folded name); adds the
/// move of their counts from live to deleted to `counts`.
void mark_name_pairs_deleted(soci::session& sql, long long patient_id, const std::string& folded,
                             NamePairCountChanges& counts);

}  // namespace dermaplan::records
