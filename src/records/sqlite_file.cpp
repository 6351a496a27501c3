// Raw SQLite: this file includes <sqlite3.h>, so it must not include SOCI (see sqlite_file.h).
#include "records/sqlite_file.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "records/errors.h"

namespace dermaplan::records {
namespace {

struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close_v2(db); }
};

void open(Connection& c, const std::string& path, int flags) {
  if (sqlite3_open_v2(path.c_str(), &c.db, flags, nullptr) != SQLITE_OK) {
    std::string why = c.db ? sqlite3_errmsg(c.db) : "out of memory";
    throw StoreUnavailableError(path, "cannot open SQLite database: " + why);
  }
  sqlite3_busy_timeout(c.db, 10000);
}

}  // namespace

void sqlite_copy_database(const std::string& source_path, const std::string& target_path) {
  Connection source;
  Connection target;
  open(source, source_path, SQLITE_OPEN_READONLY);
  open(target, target_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_backup* backup = sqlite3_backup_init(target.db, "main", source.db, "main");
  if (backup == nullptr) {
    throw StoreUnavailableError(target_path, std::string("cannot start backup: ") + sqlite3_errmsg(target.db));
  }
  int rc = SQLITE_OK;
  // One step copies every page under a single read transaction on the source: a consistent
  // snapshot. Busy/locked means another connection holds a lock: wait and retry.
  for (int attempt = 0; attempt < 200; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finish != SQLITE_OK) {
    throw StoreUnavailableError(target_path, std::string("backup failed: ") + sqlite3_errstr(rc == SQLITE_DONE ? finish : rc));
  }
}

}  // namespace dermaplan::records
