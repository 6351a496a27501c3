// What an operator does to the database as a whole: backend, schema, backups, checks.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace dermaplan::records {

enum class Backend { sqlite, postgresql };

/// A fingerprint of one table, for comparing a restored database with its original.
struct TableDigest {
  std::string table;
  long long rows = 0;
  std::string sha256;
  bool operator==(const TableDigest&) const = default;
};

/// The database as a whole. Thread-safe; throws RecordErrors only (store.h).
class StoreMaintenance {
 public:
  virtual ~StoreMaintenance() = default;

  virtual Backend backend() const = 0;
  /// Schema version in the database (after the migrations applied on open).
  virtual int schema_version() = 0;
  /// The directory holding photo files.
  virtual std::string photo_dir() const = 0;

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
  /// Runs `work` with every call this thread makes on this store inside one write transaction,
  /// committed when `work` returns: all of it or nothing (an exception rolls all of it back and
  /// propagates). For bulk loads: thousands of audited writes, one commit. Calls are not
  /// retried inside it; other writers wait meanwhile, so keep each batch short. Nesting is
  /// refused (InvalidRecordError).
  virtual void in_one_transaction(const std::function<void()>& work) = 0;
  /// A number that grows with every committed write to the record, by any process on this
  /// database (login bookkeeping aside): a cache filled after reading it is current while it
  /// is unchanged. One small read.
  virtual long long change_seq() = 0;
  /// For several servers on one database: every one must use the same photo directory. The
  /// first caller records a new id in the database and in "<photo dir>/.dermaplan-database-id";
  /// later callers require that file to hold the database's id (waiting up to 2 s for a
  /// concurrent first caller). StoreUnavailableError naming the directory otherwise.
  virtual void claim_photo_dir() = 0;
  /// After a bulk load (a restore, demo data, a benchmark's growth): brings what the query
  /// planner reads up to date now instead of when autovacuum next passes. PostgreSQL: VACUUM
  /// (ANALYZE) of every table (statistics, and the visibility map that lets the name-pair
  /// walks read the index alone). SQLite: nothing to do (its plans here use no statistics).
  /// Not inside in_one_transaction (InvalidRecordError).
  virtual void refresh_planner_statistics() = 0;
};

}  // namespace dermaplan::records
