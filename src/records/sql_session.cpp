#include "records/sql_session.h"

#include <chrono>
#include <string_view>
#include <thread>

#include <libpq-fe.h>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "records/errors.h"

namespace dermaplan::records {
namespace {

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

// libpq understands URLs, but SOCI re-parses its connection string as key=value pairs, so the
// URL is turned into that form here (with libpq's own parser).
std::string url_to_conninfo(const std::string& url) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &message);
  if (options == nullptr) {
    std::string why = message ? message : "cannot parse";
    if (message) PQfreemem(message);
    throw StoreUnavailableError("database URL", why);
  }
  std::string conninfo;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string value;
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    if (!conninfo.empty()) conninfo += ' ';
    conninfo += std::string(o->keyword) + "='" + value + "'";
  }
  PQconninfoFree(options);
  return conninfo;
}

std::string without_password(const std::string& url) {
  // postgresql://user:secret@host -> postgresql://user:***@host
  auto scheme_end = url.find("://");
  auto at = url.find('@');
  if (scheme_end == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string quote_sqlite_path(const std::string& path) {
  // SOCI's connection-string parser accepts "..."-quoted values.
  if (path.find('"') != std::string::npos) {
    throw StoreUnavailableError(path, "a SQLite path may not contain '\"'");
  }
  return "\"" + path + "\"";
}

}  // namespace

DatabaseTarget parse_database(const std::string& db) {
  DatabaseTarget target;
  if (starts_with(db, "postgresql://") || starts_with(db, "postgres://")) {
    target.backend = Backend::postgresql;
    target.pg_conninfo = url_to_conninfo(db);
    target.display = without_password(db);
  } else {
    if (db.empty()) throw StoreUnavailableError("database", "no database file or URL given");
    target.backend = Backend::sqlite;
    target.sqlite_path = db;
    target.display = db;
  }
  return target;
}

std::unique_ptr<soci::session> connect(const DatabaseTarget& target) {
  auto sql = std::make_unique<soci::session>();
  try {
    if (target.backend == Backend::sqlite) {
      sql->open(soci::sqlite3, "db=" + quote_sqlite_path(target.sqlite_path) + " timeout=10");
      // WAL: readers never block the writer. synchronous=FULL: each commit is fsync'd to the
      // WAL before it returns, so an acknowledged write survives power loss as well as a crash
      // (NORMAL in WAL survives a process crash but may lose the last commits on power loss).
      // Switching a new file to WAL takes an exclusive lock, and SQLite answers "database is
      // locked" at once (no busy handler) while another connection holds it, as when several
      // servers open an empty database together: retry within the busy timeout.
      std::string mode;
      for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);;) {
        try {
          *sql << "PRAGMA journal_mode=WAL", soci::into(mode);
          break;
        } catch (const soci::soci_error& e) {
          if (std::string_view(e.what()).find("locked") == std::string_view::npos &&
              std::string_view(e.what()).find("busy") == std::string_view::npos)
            throw;
          if (std::chrono::steady_clock::now() >= deadline) throw;
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
      *sql << "PRAGMA synchronous=FULL";
      *sql << "PRAGMA foreign_keys=ON";
      *sql << "PRAGMA busy_timeout=10000";
    } else {
      sql->open(soci::postgresql, target.pg_conninfo);
      *sql << "SET client_min_messages TO WARNING";
      *sql << "SET TIME ZONE 'UTC'";
    }
  } catch (const std::exception& e) {
    throw StoreUnavailableError(target.display, std::string("cannot open database: ") + e.what());
  }
  return sql;
}

ConnectionPool::ConnectionPool(DatabaseTarget target, int size)
    : target_(std::move(target)), size_(size < 1 ? 1 : size) {}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || lent_ < size_; });
  ++lent_;
  if (!idle_.empty()) {
    Connection connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  lock.unlock();
  try {
    return Lease(this, Connection{connect(target_), nullptr});
  } catch (...) {
    std::lock_guard relock(mutex_);
    --lent_;
    available_.notify_one();
    throw;
  }
}

void ConnectionPool::release(Connection connection) {
  std::lock_guard lock(mutex_);
  --lent_;
  // A PostgreSQL connection that broke is dropped (with its state); the next acquire opens a
  // new one.
  if (connection.session && connection.session->is_connected()) idle_.push_back(std::move(connection));
  available_.notify_one();
}

ConnectionPool::Lease::~Lease() {
  if (pool_ && connection_.session) pool_->release(std::move(connection_));
}

WriteTransaction::WriteTransaction(soci::session& sql, Backend backend) : sql_(sql) {
  sql_ << (backend == Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

WriteTransaction::~WriteTransaction() {
  if (done_) return;
  try {
    sql_ << "ROLLBACK";
  } catch (...) {
    // The connection is broken or no transaction is open; nothing more to undo.
  }
}

void WriteTransaction::commit() {
  sql_ << "COMMIT";
  done_ = true;
}

ReadTransaction::ReadTransaction(soci::session& sql, Backend backend) : sql_(sql) {
  sql_ << (backend == Backend::sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

ReadTransaction::~ReadTransaction() {
  try {
    sql_ << "COMMIT";
  } catch (...) {
  }
}

bool is_transient(const std::exception& error) {
  if (auto* e = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    int primary = e->result() & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
  }
  if (auto* e = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    std::string state = e->sqlstate();
    return state == "40001" || state == "40P01";
  }
  return false;
}

void rethrow_as_record_error(const std::exception& error, const std::string& where) {
  if (auto* e = dynamic_cast<const RecordError*>(&error)) throw *e;
  std::string message = error.what();
  // Trim SOCI's "while executing ..." tail only when it is long; keep the database's words.
  auto has = [&](const char* word) { return message.find(word) != std::string::npos; };
  if (has("immutable") || has("append-only")) throw SignedSessionError(where, message);
  if (auto* e = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    int primary = e->result() & 0xff;
    if (primary == SQLITE_CONSTRAINT) {
      if (has("UNIQUE")) throw DuplicateError(where, message);
      throw InvalidRecordError(where, message);
    }
  }
  if (auto* e = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    std::string state = e->sqlstate();
    if (state == "23505") throw DuplicateError(where, message);
    if (state.rfind("23", 0) == 0 || state.rfind("22", 0) == 0) throw InvalidRecordError(where, message);
  }
  throw StoreUnavailableError(where, message);
}

}  // namespace dermaplan::records
