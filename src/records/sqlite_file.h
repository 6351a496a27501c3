// Whole-file operations on SQLite databases through the raw sqlite3 C API (the online backup
// API, which SOCI does not wrap). Its .cpp includes <sqlite3.h> and must never include SOCI's
// sqlite3 header (which wraps <sqlite3.h> in a namespace): keep the two in separate files.
#pragma once

#include <string>

namespace dermaplan::records {

/// Copies the database at `source_path` into `target_path` (created or replaced) with the
/// sqlite3 online backup API, in one step: the copy is one consistent snapshot even while other
/// connections write to the source. Writing into a live database is allowed (the backup API
/// locks it while it copies). Waits up to ~10 s for locks. Throws StoreUnavailableError.
void sqlite_copy_database(const std::string& source_path, const std::string& target_path);

}  // namespace dermaplan::records
