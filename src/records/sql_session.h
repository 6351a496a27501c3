// Connections, the connection pool, transactions and error translation: the thin layer between
// the store and SOCI. Internal to dermaplan_records.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "records/soci_headers.h"
#include "records/store.h"

namespace dermaplan::records {

/// Where a store's database is.
struct DatabaseTarget {
  Backend backend = Backend::sqlite;
  std::string sqlite_path;     //!< SQLite: the file
  std::string pg_conninfo;     //!< PostgreSQL: libpq "key='value' ..." form of the URL
  std::string display;         //!< for messages (no password)
};

/// "postgresql://..." or "postgres://..." -> PostgreSQL; anything else -> a SQLite path.
DatabaseTarget parse_database(const std::string& db);

/// Opens one connection and sets it up (SQLite: WAL, synchronous=FULL, foreign keys, busy
/// timeout; PostgreSQL: quiet notices, UTC).
std::unique_ptr<soci::session> connect(const DatabaseTarget& target);

/// What a store keeps with one connection (its prepared statements): made on the first use of
/// the connection, dropped with it, so never used on another connection.
class ConnectionState {
 public:
  virtual ~ConnectionState() = default;
};

/// A fixed-size pool of connections; acquire() waits while all are lent out.
class ConnectionPool {
 public:
  ConnectionPool(DatabaseTarget target, int size);

  /// One connection and its state.
  struct Connection {
    std::unique_ptr<soci::session> session;
    std::unique_ptr<ConnectionState> state;  //!< declared after session: destroyed before it
  };

  class Lease {
   public:
    Lease(ConnectionPool* pool, Connection connection) : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    soci::session& operator*() { return *connection_.session; }
    soci::session* operator->() { return connection_.session.get(); }
    /// The connection's state (null until the store sets it; kept while the connection is).
    std::unique_ptr<ConnectionState>& state() { return connection_.state; }

   private:
    ConnectionPool* pool_;
    Connection connection_;
  };

  Lease acquire();
  const DatabaseTarget& target() const { return target_; }

 private:
  void release(Connection connection);

  DatabaseTarget target_;
  int size_;
  int lent_ = 0;
  std::vector<Connection> idle_;
  std::mutex mutex_;
  std::condition_variable available_;
};

/// A write transaction: SQLite "BEGIN IMMEDIATE" (takes the write lock up front, so two writers
/// never deadlock upgrading a read lock), PostgreSQL "BEGIN" (READ COMMITTED; the store locks
/// what it reads-then-writes). Rolls back unless commit() was called.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& sql, Backend backend);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  soci::session& sql_;
  bool done_ = false;
};

/// A read-only snapshot for reads that span several statements (SQLite: deferred BEGIN;
/// PostgreSQL: REPEATABLE READ READ ONLY).
class ReadTransaction {
 public:
  ReadTransaction(soci::session& sql, Backend backend);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  soci::session& sql_;
};

/// True for lock conflicts worth retrying: SQLite busy/locked, PostgreSQL serialization failure
/// or deadlock.
bool is_transient(const std::exception& error);

/// Rethrows a database error as the matching RecordError (RecordErrors pass through unchanged).
/// `where` names the operation ("create_patient").
[[noreturn]] void rethrow_as_record_error(const std::exception& error, const std::string& where);

}  // namespace dermaplan::records
