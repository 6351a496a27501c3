// SociStore: backup, restore, content digests and integrity checks.
//
// A backup is always a SQLite file of the current schema plus "<file>.photos". From SQLite it
// is made with the sqlite3 online backup API (sqlite_file.cpp); from PostgreSQL it is a logical
// export of every table, read in one REPEATABLE READ snapshot. Restore reverses either: into
// SQLite with the backup API, into PostgreSQL by a logical import in one transaction.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/storable_text.h"
#include "records/migrations.h"
#include "records/sha256.h"
#include "records/soci_store.h"
#include "records/sqlite_file.h"

namespace dermaplan::records {
namespace fs = std::filesystem;
namespace {

enum class Kind { integer, real, text };
struct Column {
  const char* name;
  Kind kind;
};
struct TableSpec {
  const char* name;
  const char* order_by;
  bool identity;  //!< has an auto-numbered id column (PostgreSQL sequences reset after import)
  std::vector<Column> columns;
};

constexpr Kind I = Kind::integer;
constexpr Kind R = Kind::real;
constexpr Kind T = Kind::text;

// Every table of the latest schema but schema_migrations and what is derived from them
// (patient_counts, patient_name_pairs and their counts, SQLite's patient_names index:
// recompute_derived_tables after a copy),
// parents before children.
const std::vector<TableSpec>& tables() {
  static const std::vector<TableSpec> list{
      {"users", "id", true,
       {{"id", I}, {"username", T}, {"display_name", T}, {"role", T}, {"password_hash", T}, {"disabled", I},
        {"created_at_ms", I}, {"updated_at_ms", I}, {"row_version", I}}},
      {"auth_sessions", "id", true,
       {{"id", I}, {"token_hash", T}, {"user_id", I}, {"created_at_ms", I}, {"expires_at_ms", I}, {"revoked", I},
        {"last_seen_ms", I}}},
      {"patients", "id", true,
       {{"id", I}, {"name", T}, {"birth_date", T}, {"sex", T}, {"notes", T}, {"created_by", I},
        {"created_at_ms", I}, {"updated_at_ms", I}, {"deleted", I}, {"deleted_at_ms", I}, {"deleted_by", I},
        {"row_version", I}, {"search_name", T}, {"demo", I}}},
      {"course_plans", "id", true,
       {{"id", I}, {"patient_id", I}, {"indication", T}, {"plan_json", T}, {"created_by", I}, {"created_at_ms", I},
        {"assessment_date", T}, {"planned_sessions", I}}},
      {"intakes", "id", true,
       {{"id", I}, {"patient_id", I}, {"version", I}, {"intake_json", T}, {"screening_json", T},
        {"knowledge_version", T}, {"policy", T}, {"created_by", I}, {"created_at_ms", I}, {"fitzpatrick", I}}},
      {"consents", "id", true,
       {{"id", I}, {"patient_id", I}, {"text_version", T}, {"consent_text", T}, {"consented_by", T},
        {"consented_at_ms", I}, {"recorded_by", I}, {"recorded_at_ms", I}, {"indication", T}, {"acknowledged", T},
        {"photo_use", T}, {"signature_sha256", T}, {"signature_content_type", T}}},
      {"treatment_sessions", "id", true,
       {{"id", I}, {"patient_id", I}, {"plan_id", I}, {"session_date", T}, {"practitioner_id", I},
        {"device_id", T}, {"lot_number", T}, {"passes", I}, {"directions", T}, {"anaesthetic", T},
        {"anaesthetic_minutes", I}, {"end_point", T}, {"products_applied", T}, {"notes", T}, {"status", T},
        {"signed_by", I}, {"signed_at_ms", I}, {"created_by", I}, {"created_at_ms", I}, {"updated_at_ms", I},
        {"row_version", I}}},
      {"gate_passages", "id", true,
       {{"id", I}, {"session_id", I}, {"step", T}, {"passed_by", I}, {"passed_at_ms", I}, {"override_reason", T},
        {"unmet", T}, {"cautions", T}, {"recap", T}}},
      {"session_needle_lengths", "session_id, region", false,
       {{"session_id", I}, {"region", T}, {"needle_length_mm", R}}},
      {"amendments", "id", true,
       {{"id", I}, {"session_id", I}, {"author_id", I}, {"amended_at_ms", I}, {"field", T}, {"old_value", T},
        {"new_value", T}, {"reason", T}}},
      {"adverse_events", "id", true,
       {{"id", I}, {"patient_id", I}, {"session_id", I}, {"event_type", T}, {"severity", T}, {"onset_date", T},
        {"resolution_date", T}, {"resolution", T}, {"notes", T}, {"recorded_by", I}, {"created_at_ms", I},
        {"updated_at_ms", I}, {"row_version", I}}},
      {"outcome_assessments", "id", true,
       {{"id", I}, {"patient_id", I}, {"session_id", I}, {"scale_id", T}, {"score", R}, {"region", T},
        {"assessor_id", I}, {"assessed_on", T}, {"notes", T}, {"created_at_ms", I}}},
      {"photos", "id", true,
       {{"id", I}, {"patient_id", I}, {"session_id", I}, {"sha256", T}, {"size_bytes", I}, {"content_type", T},
        {"region", T}, {"view", T}, {"tag", T}, {"taken_on", T}, {"created_by", I}, {"created_at_ms", I}}},
      {"audit_log", "seq", false,
       {{"seq", I}, {"at_ms", I}, {"user_id", I}, {"username", T}, {"action", T}, {"entity", T},
        {"record_id", I}, {"detail", T}, {"hash", T}}},
      {"audit_head", "id", false, {{"id", I}, {"seq", I}, {"hash", T}}},
  };
  return list;
}

std::string column_list(const TableSpec& t) {
  std::string out;
  for (const auto& c : t.columns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

std::string select_all(const TableSpec& t) {
  return "SELECT " + column_list(t) + " FROM " + t.name + " ORDER BY " + t.order_by;
}

/// One value of any kind, bindable with soci::use.
struct Cell {
  long long integer = 0;
  double real = 0;
  std::string text;
  soci::indicator ind = soci::i_ok;
};

void read_cell(const soci::row& r, std::size_t i, Kind kind, Cell& cell) {
  cell.ind = r.get_indicator(i) == soci::i_null ? soci::i_null : soci::i_ok;
  if (cell.ind == soci::i_null) return;
  switch (kind) {
    case Kind::integer: cell.integer = row_int(r, i); break;
    case Kind::real: cell.real = row_real(r, i); break;
    case Kind::text: cell.text = row_text(r, i); break;
  }
}

/// "table patients, row id 7, column notes" for errors about one cell.
std::string cell_name(const TableSpec& t, const std::vector<Cell>& cells, std::size_t column) {
  std::string key;
  for (std::size_t i = 0; i < t.columns.size() && i < 2; ++i) {
    if (i == 1 && std::string(t.order_by).find(',') == std::string::npos) break;  // one key column
    if (!key.empty()) key += ", ";
    key += std::string(t.columns[i].name) + " " +
           (t.columns[i].kind == Kind::text ? "\"" + cells[i].text + "\"" : std::to_string(cells[i].integer));
  }
  return std::string("table ") + t.name + ", row " + key + ", column " + t.columns[column].name;
}

/// Copies every row of one table; row-wise prepared inserts (never re-executed vector binds).
/// With `refuse_unstorable` (into PostgreSQL), a text cell with a NUL byte or invalid UTF-8
/// (which SQLite keeps and PostgreSQL cuts or refuses) is an InvalidRecordError naming the row.
long long copy_table(soci::session& from, soci::session& to, const TableSpec& t, bool refuse_unstorable = false) {
  std::vector<Cell> cells(t.columns.size());
  std::string placeholders;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    placeholders += (i ? ", :c" : ":c") + std::to_string(i);
  }
  soci::statement insert(to);
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    switch (t.columns[i].kind) {
      case Kind::integer: insert.exchange(soci::use(cells[i].integer, cells[i].ind)); break;
      case Kind::real: insert.exchange(soci::use(cells[i].real, cells[i].ind)); break;
      case Kind::text: insert.exchange(soci::use(cells[i].text, cells[i].ind)); break;
    }
  }
  insert.alloc();
  insert.prepare(std::string("INSERT INTO ") + t.name + " (" + column_list(t) + ") VALUES (" + placeholders + ")");
  insert.define_and_bind();
  long long count = 0;
  soci::rowset<soci::row> rows = from.prepare << select_all(t);
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) read_cell(r, i, t.columns[i].kind, cells[i]);
    if (refuse_unstorable) {
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].kind != Kind::text || cells[i].ind == soci::i_null) continue;
        if (const std::string reason = unstorable_reason(cells[i].text); !reason.empty())
          throw InvalidRecordError("restore", "the backup's " + cell_name(t, cells, i) + " holds " + reason +
                                                  ", which PostgreSQL cannot store; nothing was restored (restore it "
                                                  "into SQLite and correct that row first)");
      }
    }
    insert.execute(true);
    ++count;
  }
  return count;
}

/// Runs `copy` with the database's guards (the triggers that keep the audit log append-only
/// and signed sessions immutable, and refuse TRUNCATE) lifted, inside the caller's
/// transaction: a restore lays down rows that the guards would refuse one by one (a signed
/// session's needle lengths, a second audit head). They are back before the transaction
/// commits; if `copy` throws, the rollback puts them back.
template <class F>
void with_guards_lifted(soci::session& sql, Backend backend, F&& copy) {
  if (backend == Backend::postgresql) {
    for (const auto& t : tables()) sql << "ALTER TABLE " << t.name << " DISABLE TRIGGER USER";
    copy();
    for (const auto& t : tables()) sql << "ALTER TABLE " << t.name << " ENABLE TRIGGER USER";
    return;
  }
  std::vector<std::pair<std::string, std::string>> triggers;  // name, CREATE statement
  {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name";
    for (const auto& r : rows) triggers.emplace_back(row_text(r, 0), row_text(r, 1));
  }
  for (const auto& [name, create] : triggers) sql << "DROP TRIGGER " << name;
  copy();
  for (const auto& [name, create] : triggers) sql << create;
}

/// Copies every table into an empty, freshly migrated SQLite database (its own audit_head row
/// is replaced by the source's).
void copy_all_tables(soci::session& from, soci::session& to) {
  with_guards_lifted(to, Backend::sqlite, [&] {
    to << "DELETE FROM audit_head";
    for (const auto& t : tables()) copy_table(from, to, t);
  });
  recompute_derived_tables(to, Backend::sqlite);
}

std::vector<std::string> photo_hashes(soci::session& sql) {
  std::vector<std::string> out;
  // Photos and consent signatures share the image directory.
  soci::rowset<soci::row> rows = sql.prepare << "SELECT sha256 FROM photos UNION SELECT signature_sha256 FROM"
                                                " consents WHERE signature_sha256 <> '' ORDER BY 1";
  for (const auto& r : rows) out.push_back(row_text(r, 0));
  return out;
}

std::string temp_path_near(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".restore-tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

void remove_sqlite_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
}

}  // namespace

void SociStore::backup_to(const std::string& path) {
  std::error_code ec;
  if (fs::exists(path, ec) || fs::exists(path + ".photos", ec)) {
    throw InvalidRecordError("backup", "\"" + path + "\" already exists; a backup never overwrites");
  }
  try {
    PhotoFiles backup_photos(path + ".photos");
    if (backend() == Backend::sqlite) {
      sqlite_copy_database(pool_.target().sqlite_path, path);
      // The photos the backup's rows reference (files are written before their rows, so every
      // one of them exists).
      auto sql = connect(parse_database(path));
      for (const auto& sha : photo_hashes(*sql)) photos_.copy_to(sha, backup_photos);
      return;
    }
    StoreOptions options;
    options.photo_dir = backup_photos.dir().string();
    options.pool_size = 1;
    SociStore target(parse_database(path), options);
    auto from = pool_.acquire();
    auto to = target.pool_.acquire();
    std::vector<std::string> hashes;
    {
      ReadTransaction snapshot(*from, Backend::postgresql);
      WriteTransaction tx(*to, Backend::sqlite);
      copy_all_tables(*from, *to);
      hashes = photo_hashes(*from);
      tx.commit();
    }
    for (const auto& sha : hashes) photos_.copy_to(sha, backup_photos);
  } catch (const RecordError&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_as_record_error(e, "backup_to " + path);
  }
}

void SociStore::restore_from(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw NotFoundError("restore", "no backup file \"" + path + "\"");
  // Work on a copy: the backup itself is never modified (opening it migrates it if it is older).
  const std::string temp = temp_path_near(backend() == Backend::sqlite ? pool_.target().sqlite_path : path);
  struct Cleanup {
    std::string path;
    ~Cleanup() { remove_sqlite_files(path); }
  } cleanup{temp};
  try {
    sqlite_copy_database(path, temp);
    StoreOptions options;
    options.photo_dir = path + ".photos";
    options.pool_size = 1;
    {
      SociStore source(parse_database(temp), options);
      auto verification = source.verify_audit_chain();
      if (!verification.ok) {
        throw InvalidRecordError("restore", "the backup's audit chain is broken at seq " +
                                                std::to_string(verification.first_broken_seq) + ": " +
                                                verification.reason);
      }
      auto from = source.pool_.acquire();
      // Photos first: once the rows are in, every photo they name is on disk.
      PhotoFiles backup_photos(options.photo_dir);
      for (const auto& sha : photo_hashes(*from)) backup_photos.copy_to(sha, photos_);
      if (backend() == Backend::postgresql) {
        auto to = pool_.acquire();
        WriteTransaction tx(*to, Backend::postgresql);
        std::string all;
        for (const auto& t : tables()) all += (all.empty() ? "" : ", ") + std::string(t.name);
        with_guards_lifted(*to, Backend::postgresql, [&] {
          *to << "TRUNCATE " << all << " RESTART IDENTITY";
          for (const auto& t : tables()) copy_table(*from, *to, t, /*refuse_unstorable=*/true);
        });
        recompute_derived_tables(*to, Backend::postgresql);
        // Users and sessions are the backup's now: a server still running reads them again.
        *to << "UPDATE auth_changes SET seq = seq + 1 WHERE id = 1";
        for (const auto& t : tables()) {
          if (!t.identity) continue;
          *to << "SELECT setval(pg_get_serial_sequence('" << t.name << "', 'id'), COALESCE((SELECT MAX(id) FROM "
              << t.name << "), 0) + 1, false)";
        }
        tx.commit();
        refresh_planner_statistics();  // every row is new: the planner's figures are the old database's
        return;
      }
      // The counters and the name index as the rows are (a backup copied with its triggers
      // lifted, or made by an older version, may hold them stale).
      // The login change counter past this database's (not back to the backup's): a server
      // still running reads users and sessions again.
      const long long auth_seq = auth_change_seq() + 1;
      WriteTransaction tx(*from, Backend::sqlite);
      recompute_derived_tables(*from, Backend::sqlite);
      *from << "UPDATE auth_changes SET seq = :s WHERE id = 1", soci::use(auth_seq);
      tx.commit();
    }
    sqlite_copy_database(temp, pool_.target().sqlite_path);
  } catch (const RecordError&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_as_record_error(e, "restore_from " + path);
  }
}

std::vector<TableDigest> SociStore::content_digest() {
  return read(
      "content_digest",
      [&](soci::session& sql) {
        std::vector<TableDigest> out;
        for (const auto& t : tables()) {
          TableDigest d;
          d.table = t.name;
          std::string text;
          soci::rowset<soci::row> rows = sql.prepare << select_all(t);
          for (const auto& r : rows) {
            nlohmann::json line = nlohmann::json::array();
            for (std::size_t i = 0; i < t.columns.size(); ++i) {
              Cell cell;
              read_cell(r, i, t.columns[i].kind, cell);
              if (cell.ind == soci::i_null) {
                line.push_back(nullptr);
              } else if (t.columns[i].kind == Kind::integer) {
                line.push_back(cell.integer);
              } else if (t.columns[i].kind == Kind::real) {
                line.push_back(cell.real);
              } else {
                line.push_back(cell.text);
              }
            }
            text += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            text += '\n';
            ++d.rows;
          }
          d.sha256 = sha256_hex(text);
          out.push_back(std::move(d));
        }
        return out;
      },
      /*snapshot=*/true);
}

std::string SociStore::integrity_check() {
  return read("integrity_check", [&](soci::session& sql) -> std::string {
    if (backend() == Backend::postgresql) {
      // PostgreSQL enforces foreign keys on every write; reaching the database is the check.
      int one = 0;
      sql << "SELECT 1", soci::into(one);
      return one == 1 ? "ok" : "no answer";
    }
    std::string problems;
    soci::rowset<soci::row> rows = sql.prepare << "PRAGMA integrity_check";
    for (const auto& r : rows) {
      std::string line = row_text(r, 0);
      if (line != "ok") problems += line + "\n";
    }
    soci::rowset<soci::row> fk = sql.prepare << "PRAGMA foreign_key_check";
    for (const auto& r : fk) problems += "foreign key broken in table " + row_text(r, 0) + "\n";
    return problems.empty() ? "ok" : problems;
  });
}

void SociStore::refresh_planner_statistics() {
  if (batch_session()) {
    throw InvalidRecordError("refresh_planner_statistics", "not inside in_one_transaction");
  }
  if (backend() != Backend::postgresql) return;
  read("refresh_planner_statistics", [&](soci::session& sql) {
    // The whole database (derived tables too). VACUUM runs outside a transaction block: a
    // pooled connection is in autocommit.
    sql << "VACUUM (ANALYZE)";
  });
}

}  // namespace dermaplan::records
