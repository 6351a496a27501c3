// SociStore: opening, row helpers, users, login sessions and patients.
#include "records/soci_store.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <utility>

#include "core/civil_date.h"
#include "core/storable_text.h"
#include "records/migrations.h"
#include "records/search_fold.h"
#include "records/sql_query.h"

namespace dermaplan::records {
namespace fs = std::filesystem;
using nlohmann::json;

// ---- row helpers ------------------------------------------------------------------------------

long long row_int(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return 0;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer: return row.get<int>(i);
    case soci::dt_long_long: return row.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<long long>(row.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<long long>(row.get<double>(i));
    case soci::dt_string: return std::stoll(row.get<std::string>(i));
    default: throw StoreUnavailableError("column " + row.get_properties(i).get_name(), "not an integer");
  }
}

double row_real(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return 0;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_double: return row.get<double>(i);
    case soci::dt_integer: return row.get<int>(i);
    case soci::dt_long_long: return static_cast<double>(row.get<long long>(i));
    case soci::dt_string: return std::stod(row.get<std::string>(i));
    default: throw StoreUnavailableError("column " + row.get_properties(i).get_name(), "not a number");
  }
}

std::string row_text(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return "";
  if (row.get_properties(i).get_data_type() != soci::dt_string) return std::to_string(row_int(row, i));
  return row.get<std::string>(i);
}

void require_date(const std::string& value, const char* field, bool optional) {
  if (optional && value.empty()) return;
  if (!parse_civil_date(value)) {
    throw InvalidRecordError(field, "\"" + value + "\" is not a date; expected YYYY-MM-DD");
  }
}

void require_text(const std::string& value, const char* field) {
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InvalidRecordError(field, "must not be empty");
  }
}

long long system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- opening ----------------------------------------------------------------------------------

namespace {

fs::path default_photo_dir(const DatabaseTarget& target) {
  if (target.backend == Backend::sqlite) return fs::path(target.sqlite_path + ".photos");
  return fs::current_path() / "dermaplan-photos";
}

}  // namespace

SociStore::SociStore(DatabaseTarget target, StoreOptions options)
    : pool_(target, options.pool_size),
      photos_(options.photo_dir.empty() ? default_photo_dir(target) : fs::path(options.photo_dir)),
      now_ms_(options.now_ms ? options.now_ms : system_now_ms),
      search_pair_walk_limit_(options.search_pair_walk_limit) {
  if (options.migrate) {
    auto lease = pool_.acquire();
    for (int attempt = 1;; ++attempt) {
      try {
        migrate(*lease, backend(), -1, now());
        break;
      } catch (const RecordError&) {
        throw;
      } catch (const std::exception& e) {
        if (attempt < 8 && is_transient(e)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
          continue;
        }
        rethrow_as_record_error(e, "migrate " + pool_.target().display);
      }
    }
  }
}

namespace {
std::string fmt_hex32(unsigned value) {
  static const char* const digits = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, value >>= 4) out[i] = digits[value & 15];
  return out;
}

/// The store and connection of the in_one_transaction running on this thread, if any.
struct Batch {
  const SociStore* store = nullptr;
  soci::session* sql = nullptr;
  NamePairCountChanges* pair_counts = nullptr;  //!< written once, before the batch commits
};
thread_local Batch current_batch;
}  // namespace

soci::session* SociStore::batch_session() const {
  return current_batch.store == this ? current_batch.sql : nullptr;
}

void SociStore::write_pair_counts(soci::session& sql, NamePairCountChanges& counts) const {
  if (current_batch.store == this && current_batch.pair_counts)
    current_batch.pair_counts->merge(counts);
  else
    counts.write(sql);
}

void SociStore::in_one_transaction(const std::function<void()>& work) {
  if (current_batch.store != nullptr) throw InvalidRecordError("in_one_transaction", "already in one on this thread");
  struct Reset {
    ~Reset() { current_batch = {}; }
  };
  auto writer = sqlite_writer_turn();
  std::optional<ConnectionPool::Lease> lease;
  std::optional<WriteTransaction> tx;
  try {
    lease.emplace(pool_.acquire());
    tx.emplace(**lease, backend());
  } catch (const RecordError&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_as_record_error(e, "in_one_transaction");
  }
  NamePairCountChanges pair_counts;
  {
    Reset reset;
    current_batch = {this, &**lease, &pair_counts};
    work();  // what it throws propagates as it is; the transaction rolls back
  }
  try {
    pair_counts.write(**lease);
    bump_change_seq(**lease);
    tx->commit();
  } catch (const std::exception& e) {
    rethrow_as_record_error(e, "in_one_transaction");
  }
}


void SociStore::write_alone(const char* where, bool tracked, const std::function<void(soci::session&)>& job) {
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    try {
      auto writer = sqlite_writer_turn();
      auto lease = pool_.acquire();
      WriteTransaction tx(*lease, backend());
      job(*lease);
      if (tracked) bump_change_seq(*lease);
      tx.commit();
      return;
    } catch (const RecordError&) {
      throw;
    } catch (const std::exception& e) {
      if (attempt < kAttempts && is_transient(e)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
        continue;
      }
      rethrow_as_record_error(e, where);
    }
  }
}

void SociStore::write_grouped(const char* where, bool tracked, const std::function<void(soci::session&)>& job) {
  PendingWrite me{where, tracked, job, nullptr};
  write_group_.run(me, [this](const std::vector<PendingWrite*>& batch) { commit_write_batch(batch); });
  if (me.error) std::rethrow_exception(me.error);
}

void SociStore::commit_write_batch(const std::vector<PendingWrite*>& batch) {
  if (batch.size() > 1) {
    try {
      auto writer = sqlite_writer_turn();
      auto lease = pool_.acquire();
      soci::session& sql = *lease;
      WriteTransaction tx(sql, backend());
      bool tracked = false;
      for (PendingWrite* p : batch) {
        sql << "SAVEPOINT dermaplan_write";
        try {
          p->job(sql);
          tracked = tracked || p->tracked;
        } catch (const RecordError&) {
          // The store refused this write (a conflict, a missing row): only its changes go.
          sql << "ROLLBACK TO dermaplan_write";
          p->error = std::current_exception();
        } catch (const std::exception& e) {
          // The database refused one statement (a taken username, a guard trigger): only this
          // write's changes go, and its caller gets the error it would have got alone. A lock
          // conflict, or a failure that ended the transaction (ROLLBACK TO then fails), ends
          // the batch: each write runs again alone.
          if (is_transient(e)) throw;
          sql << "ROLLBACK TO dermaplan_write";
          try {
            rethrow_as_record_error(e, p->where);
          } catch (...) {
            p->error = std::current_exception();
          }
        }
        sql << "RELEASE dermaplan_write";
      }
      if (tracked) bump_change_seq(sql);
      tx.commit();
      return;
    } catch (...) {
      // A database error in a job or at the commit: nothing of the batch was kept.
    }
  }
  for (PendingWrite* p : batch) {  // alone, as before grouping
    p->error = nullptr;
    try {
      write_alone(p->where, p->tracked, p->job);
    } catch (...) {
      p->error = std::current_exception();
    }
  }
}

void SociStore::claim_photo_dir() {
  const fs::path marker = photos_.dir() / ".dermaplan-database-id";
  auto read_marker = [&]() -> std::string {
    std::ifstream in(marker);
    std::string id;
    std::getline(in, id);
    return id;
  };
  std::string fresh;
  {
    std::random_device random;
    for (int i = 0; i < 4; ++i) fresh += fmt_hex32(random());
  }
  // Claim: the first server of the database records a new id (the others see it taken). Two
  // servers starting at once both find the row missing; ON CONFLICT lets the later insert count
  // nothing instead of failing on the key (a WHERE NOT EXISTS check does not see the other's
  // uncommitted row, and its insert then violated the primary key).
  const bool first = write<false>("claim_photo_dir", [&](soci::session& sql) {
    return execute_counting(sql,
                            "INSERT INTO store_settings (name, value) VALUES ('photo_dir_id', :v) "
                            "ON CONFLICT (name) DO NOTHING",
                            soci::use(fresh)) == 1;
  });
  const std::string id = read("claim_photo_dir", [&](soci::session& sql) {
    std::string value;
    sql << "SELECT value FROM store_settings WHERE name = 'photo_dir_id'", soci::into(value);
    return value;
  });
  std::error_code ec;
  if (first) {
    fs::create_directories(photos_.dir(), ec);
    std::ofstream out(marker, std::ios::trunc);
    out << id << "\n";
    out.close();
    if (!out) throw StoreUnavailableError(marker.string(), "cannot write the photo directory's id");
    return;
  }
  for (int waited_ms = 0;; waited_ms += 100) {
    const std::string found = read_marker();
    if (found == id) return;
    if (!found.empty() || waited_ms >= 2000)
      throw StoreUnavailableError(
          photos_.dir().string(),
          found.empty() ? "this photo directory is not the one the database's other servers use (it has no "
                          ".dermaplan-database-id; the database's is " + id +
                              "): give every server of one database the same --photo-dir on shared storage"
                        : "this photo directory belongs to another database (.dermaplan-database-id " + found +
                              ", the database's is " + id + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int SociStore::schema_version() {
  return read("schema_version", [&](soci::session& sql) { return applied_schema_version(sql); });
}

std::unique_ptr<Store> open_store(const std::string& db, StoreOptions options) {
  return std::make_unique<SociStore>(parse_database(db), std::move(options));
}

// ---- users ------------------------------------------------------------------------------------

namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, role, password_hash, disabled, created_at_ms, updated_at_ms, "
    "row_version";

/// A user from kUserColumns starting at column `first` (0, or after a joined table's columns).
User user_from(const soci::row& r, std::size_t first = 0) {
  User u;
  u.id = row_int(r, first + 0);
  u.username = row_text(r, first + 1);
  u.display_name = row_text(r, first + 2);
  u.role = parse_role(row_text(r, first + 3)).value_or(Role::assistant);
  u.password_hash = row_text(r, first + 4);
  u.disabled = row_int(r, first + 5) != 0;
  u.created_at_ms = row_int(r, first + 6);
  u.updated_at_ms = row_int(r, first + 7);
  u.row_version = row_int(r, first + 8);
  return u;
}

void validate_user(const User& u) {
  require_text(u.username, "user.username");
  require_text(u.display_name, "user.display_name");
  require_text(u.password_hash, "user.password_hash");
}

}  // namespace

User SociStore::create_user(const Actor& by, User user) {
  validate_user(user);
  return write("create_user", [&](soci::session& sql) {
    user.created_at_ms = user.updated_at_ms = now();
    user.row_version = 1;
    std::string role = to_string(user.role);
    int disabled = user.disabled ? 1 : 0;
    sql << "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at_ms,"
           " updated_at_ms, row_version) VALUES (:u, :d, :r, :p, :x, :c, :m, 1) RETURNING id",
        soci::use(user.username), soci::use(user.display_name), soci::use(role),
        soci::use(user.password_hash), soci::use(disabled), soci::use(user.created_at_ms),
        soci::use(user.updated_at_ms), soci::into(user.id);
    audit(sql, by, AuditAction::create, "user", user.id,
          json{{"username", user.username}, {"role", role}}.dump());
    return user;
  });
}

std::optional<User> SociStore::find_user(long long id) {
  return read("find_user", [&](soci::session& sql) -> std::optional<User> {
    soci::row r;
    sql << "SELECT " << kUserColumns << " FROM users WHERE id = :id", soci::use(id), soci::into(r);
    if (!sql.got_data()) return std::nullopt;
    return user_from(r);
  });
}

std::optional<User> SociStore::find_user_by_username(const std::string& username) {
  return read("find_user_by_username", [&](soci::session& sql) -> std::optional<User> {
    soci::row r;
    sql << "SELECT " << kUserColumns << " FROM users WHERE username = :u", soci::use(username),
        soci::into(r);
    if (!sql.got_data()) return std::nullopt;
    return user_from(r);
  });
}

std::vector<User> SociStore::list_users() {
  return read("list_users", [&](soci::session& sql) {
    std::vector<User> users;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kUserColumns << " FROM users ORDER BY id");
    for (const auto& r : rows) users.push_back(user_from(r));
    return users;
  });
}

long long SociStore::count_users() {
  return read("count_users", [&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM users", soci::into(n);
    return n;
  });
}

User SociStore::update_user(const Actor& by, User user) {
  require_text(user.display_name, "user.display_name");
  require_text(user.password_hash, "user.password_hash");
  return write("update_user", [&, &input = user](soci::session& sql) {
    User user = input;  // a retry starts again from the caller's copy
    soci::row r;
    sql << "SELECT " << kUserColumns << " FROM users WHERE id = :id" << for_update(),
        soci::use(user.id), soci::into(r);
    if (!sql.got_data()) throw NotFoundError("user " + std::to_string(user.id), "no such user");
    User old = user_from(r);
    if (old.row_version != user.row_version) {
      throw ConflictError("user " + std::to_string(user.id),
                          "changed since it was read (version " + std::to_string(user.row_version) +
                              ", now " + std::to_string(old.row_version) + ")");
    }
    std::string role = to_string(user.role);
    int disabled = user.disabled ? 1 : 0;
    user.username = old.username;
    user.created_at_ms = old.created_at_ms;
    user.updated_at_ms = now();
    long long changed = execute_counting(
        sql,
        "UPDATE users SET display_name = :d, role = :r, password_hash = :p, disabled = :x, "
        "updated_at_ms = :m, row_version = row_version + 1 WHERE id = :id AND row_version = :v",
        soci::use(user.display_name), soci::use(role), soci::use(user.password_hash),
        soci::use(disabled), soci::use(user.updated_at_ms), soci::use(user.id),
        soci::use(user.row_version));
    if (changed != 1) throw ConflictError("user " + std::to_string(user.id), "changed concurrently");
    user.row_version += 1;
    json detail = json::object();
    if (old.display_name != user.display_name) detail["display_name"] = user.display_name;
    if (old.role != user.role) detail["role"] = role;
    if (old.password_hash != user.password_hash) detail["password"] = "changed";
    if (old.disabled != user.disabled) detail["disabled"] = user.disabled;
    audit(sql, by, AuditAction::update, "user", user.id, detail.dump());
    bump_auth_change_seq(sql);  // live sessions of the user show the change on every server
    return user;
  });
}

// ---- login sessions ---------------------------------------------------------------------------

namespace {

constexpr const char* kAuthColumns =
    "id, token_hash, user_id, created_at_ms, expires_at_ms, revoked, last_seen_ms";

AuthSession auth_from(const soci::row& r) {
  AuthSession s;
  s.id = row_int(r, 0);
  s.token_hash = row_text(r, 1);
  s.user_id = row_int(r, 2);
  s.created_at_ms = row_int(r, 3);
  s.expires_at_ms = row_int(r, 4);
  s.revoked = row_int(r, 5) != 0;
  s.last_seen_ms = row_int(r, 6);
  return s;
}

}  // namespace

AuthSession SociStore::create_auth_session(AuthSession session) {
  require_text(session.token_hash, "auth_session.token_hash");
  return write<false>("create_auth_session", [&](soci::session& sql) {
    session.created_at_ms = now();
    int revoked = session.revoked ? 1 : 0;
    session.last_seen_ms = session.created_at_ms;
    sql << "INSERT INTO auth_sessions (token_hash, user_id, created_at_ms, expires_at_ms, revoked, last_seen_ms)"
           " VALUES (:t, :u, :c, :e, :r, :l) RETURNING id",
        soci::use(session.token_hash), soci::use(session.user_id), soci::use(session.created_at_ms),
        soci::use(session.expires_at_ms), soci::use(revoked), soci::use(session.last_seen_ms), soci::into(session.id);
    return session;
  });
}

namespace {

/// The statements (nearly) every authenticated request runs, prepared once per connection (SQLite parses
/// nothing per call, PostgreSQL plans nothing), with their values bound to fixed members.
struct PreparedStatements final : ConnectionState {
  explicit PreparedStatements(soci::session& sql)
      : read_auth_change_seq((sql.prepare << "SELECT seq FROM auth_changes WHERE id = 1", soci::into(seq))),
        read_change_seq((sql.prepare << "SELECT seq FROM store_changes WHERE id = 1", soci::into(change_seq))),
        read_session_and_user(
            (sql.prepare << "SELECT s.id, s.user_id, s.created_at_ms, s.expires_at_ms, s.revoked, s.last_seen_ms, "
                            "u.username, u.display_name, u.role, u.password_hash, u.disabled, u.created_at_ms, "
                            "u.updated_at_ms, u.row_version FROM auth_sessions s JOIN users u ON u.id = s.user_id "
                            "WHERE s.token_hash = :t",
             soci::use(token_hash), soci::into(session.id), soci::into(session.user_id),
             soci::into(session.created_at_ms), soci::into(session.expires_at_ms), soci::into(revoked),
             soci::into(session.last_seen_ms), soci::into(user.username), soci::into(user.display_name),
             soci::into(role), soci::into(user.password_hash), soci::into(disabled), soci::into(user.created_at_ms),
             soci::into(user.updated_at_ms), soci::into(user.row_version))) {}

  /// Runs `st` for its one row (false: none) and steps it to its end, so that SQLite's read
  /// transaction ends here: a statement left on its row would keep this connection reading an
  /// old snapshot.
  static bool run(soci::statement& st) {
    const bool found = st.execute(true);
    if (found) st.fetch();  // no second row (a primary or unique key): only ends the statement
    return found;
  }

  long long seq = 0;
  long long change_seq = 0;
  std::string token_hash;
  AuthSession session;
  User user;
  int revoked = 0;
  int disabled = 0;
  std::string role;
  soci::statement read_auth_change_seq;
  soci::statement read_change_seq;  //!< the record's change counter (page caches check it per request)
  soci::statement read_session_and_user;
};

}  // namespace

template <class Fn>
auto SociStore::with_prepared(const char* where, Fn&& fn) {
  try {
    if (soci::session* batch = batch_session()) {
      PreparedStatements once(*batch);
      return fn(once);
    }
    auto lease = pool_.acquire();
    std::unique_ptr<ConnectionState>& state = lease.state();
    // The only state a SociStore keeps with its connections.
    if (!state) state = std::make_unique<PreparedStatements>(*lease);
    try {
      return fn(static_cast<PreparedStatements&>(*state));
    } catch (...) {
      state.reset();  // prepared again on the next use (after a failure its state is unknown)
      throw;
    }
  } catch (const RecordError&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_as_record_error(e, where);
  }
}

long long SociStore::auth_change_seq() {
  return with_prepared("auth_change_seq", [](PreparedStatements& p) {
    if (!PreparedStatements::run(p.read_auth_change_seq))
      throw StoreUnavailableError("auth_changes", "the counter row is missing");
    return p.seq;
  });
}

long long SociStore::change_seq() {
  return with_prepared("change_seq", [](PreparedStatements& p) {
    if (!PreparedStatements::run(p.read_change_seq))
      throw StoreUnavailableError("store_changes", "the counter row is missing");
    return p.change_seq;
  });
}

std::optional<std::pair<AuthSession, User>> SociStore::find_auth_session_and_user(const std::string& token_hash) {
  return with_prepared(
      "find_auth_session_and_user", [&](PreparedStatements& p) -> std::optional<std::pair<AuthSession, User>> {
        p.token_hash = token_hash;
        if (!PreparedStatements::run(p.read_session_and_user)) return std::nullopt;
        AuthSession session = p.session;
        session.token_hash = token_hash;
        session.revoked = p.revoked != 0;
        User user = p.user;
        user.id = session.user_id;
        user.role = parse_role(p.role).value_or(Role::assistant);
        user.disabled = p.disabled != 0;
        return std::pair{std::move(session), std::move(user)};
      });
}

std::optional<AuthSession> SociStore::find_auth_session(const std::string& token_hash) {
  return read("find_auth_session", [&](soci::session& sql) -> std::optional<AuthSession> {
    soci::row r;
    sql << "SELECT " << kAuthColumns << " FROM auth_sessions WHERE token_hash = :t",
        soci::use(token_hash), soci::into(r);
    if (!sql.got_data()) return std::nullopt;
    return auth_from(r);
  });
}

void SociStore::touch_auth_session(const std::string& token_hash, long long seen_at_ms) {
  write<false>("touch_auth_session", [&](soci::session& sql) {
    sql << "UPDATE auth_sessions SET last_seen_ms = :s WHERE token_hash = :t AND last_seen_ms < :s2",
        soci::use(seen_at_ms), soci::use(token_hash), soci::use(seen_at_ms);
  });
}

bool SociStore::revoke_auth_session(const std::string& token_hash) {
  return write("revoke_auth_session", [&](soci::session& sql) {
    long long found = 0;
    sql << "SELECT COUNT(*) FROM auth_sessions WHERE token_hash = :t", soci::use(token_hash),
        soci::into(found);
    if (execute_counting(sql, "UPDATE auth_sessions SET revoked = 1 WHERE token_hash = :t AND revoked = 0",
                         soci::use(token_hash)) > 0)
      bump_auth_change_seq(sql);  // every server refuses it from the next request on
    return found > 0;
  });
}

int SociStore::revoke_auth_sessions_of(long long user_id) {
  return write("revoke_auth_sessions_of", [&](soci::session& sql) {
    const auto revoked = static_cast<int>(execute_counting(
        sql, "UPDATE auth_sessions SET revoked = 1 WHERE user_id = :u AND revoked = 0",
        soci::use(user_id)));
    if (revoked > 0) bump_auth_change_seq(sql);
    return revoked;
  });
}

// ---- patients ---------------------------------------------------------------------------------

namespace {

constexpr const char* kPatientColumns =
    "id, name, birth_date, sex, notes, created_by, created_at_ms, updated_at_ms, deleted, "
    "deleted_at_ms, deleted_by, row_version, demo";

Patient patient_from(const soci::row& r) {
  Patient p;
  p.id = row_int(r, 0);
  p.name = row_text(r, 1);
  p.birth_date = row_text(r, 2);
  p.sex = row_text(r, 3);
  p.notes = row_text(r, 4);
  p.created_by = row_int(r, 5);
  p.created_at_ms = row_int(r, 6);
  p.updated_at_ms = row_int(r, 7);
  p.deleted = row_int(r, 8) != 0;
  p.deleted_at_ms = row_int(r, 9);
  p.deleted_by = row_int(r, 10);
  p.row_version = row_int(r, 11);
  p.demo = row_int(r, 12) != 0;
  return p;
}

void validate_patient(const Patient& p) {
  require_text(p.name, "patient.name");
  require_date(p.birth_date, "patient.birth_date");
}

}  // namespace

std::optional<Patient> load_patient(soci::session& sql, long long id) {
  soci::row r;
  sql << "SELECT " << kPatientColumns << " FROM patients WHERE id = :id", soci::use(id), soci::into(r);
  if (!sql.got_data()) return std::nullopt;
  return patient_from(r);
}

void SociStore::require_patient(soci::session& sql, long long patient_id, const char* field) {
  int deleted = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT deleted FROM patients WHERE id = :id", soci::use(patient_id), soci::into(deleted, ind);
  if (!sql.got_data() || deleted != 0) {
    throw NotFoundError(field, "no patient " + std::to_string(patient_id));
  }
}

Patient SociStore::load_patient_for_update(soci::session& sql, long long patient_id) {
  soci::row r;
  sql << "SELECT " << kPatientColumns << " FROM patients WHERE id = :id" << for_update(),
      soci::use(patient_id), soci::into(r);
  if (!sql.got_data()) throw NotFoundError("patient " + std::to_string(patient_id), "no such patient");
  Patient p = patient_from(r);
  if (p.deleted) throw NotFoundError("patient " + std::to_string(patient_id), "the patient was deleted");
  return p;
}

Patient SociStore::create_patient(const Actor& by, Patient patient) {
  return create_patient_with_intakes(by, std::move(patient), {}).patient;
}

PatientWithIntakes SociStore::create_patient_with_intakes(const Actor& by, Patient patient,
                                                          std::vector<Intake> intakes) {
  validate_patient(patient);
  for (const auto& intake : intakes) require_text(intake.intake_json, "intake.intake_json");
  return write("create_patient", [&](soci::session& sql) {
    PatientWithIntakes out{patient, intakes};  // a retry starts again from the caller's copy
    Patient& p = out.patient;
    p.created_by = by.user_id;
    p.created_at_ms = p.updated_at_ms = now();
    p.deleted = false;
    p.deleted_at_ms = p.deleted_by = 0;
    p.row_version = 1;
    std::string folded = fold_for_search(p.name);
    int demo = p.demo ? 1 : 0;
    sql << "INSERT INTO patients (name, birth_date, sex, notes, created_by, created_at_ms,"
           " updated_at_ms, deleted, row_version, search_name, demo)"
           " VALUES (:n, :b, :s, :o, :c, :t, :u, 0, 1, :f, :d) RETURNING id",
        soci::use(p.name), soci::use(p.birth_date), soci::use(p.sex), soci::use(p.notes), soci::use(p.created_by),
        soci::use(p.created_at_ms), soci::use(p.updated_at_ms), soci::use(folded), soci::use(demo), soci::into(p.id);
    NamePairCountChanges pair_counts;
    write_name_pairs(sql, p.id, folded, nullptr, pair_counts);
    audit(sql, by, AuditAction::create, "patient", p.id, p.demo ? R"({"demo":true})" : "");
    int version = 0;
    for (auto& intake : out.intakes) {
      intake.patient_id = p.id;
      intake.version = ++version;
      intake.created_by = by.user_id;
      intake.created_at_ms = p.created_at_ms;
      insert_intake_row(sql, intake);
      audit(sql, by, AuditAction::create, "intake", intake.id,
            nlohmann::json{{"patient_id", intake.patient_id}, {"version", intake.version}}.dump());
    }
    write_pair_counts(sql, pair_counts);  // after the audit rows: one lock order (migrations.h)
    return out;
  });
}

std::optional<Patient> SociStore::find_patient(long long id, bool include_deleted) {
  return read("find_patient", [&](soci::session& sql) -> std::optional<Patient> {
    auto p = load_patient(sql, id);
    if (p && p->deleted && !include_deleted) return std::nullopt;
    return p;
  });
}

Patient SociStore::update_patient(const Actor& by, Patient patient) {
  validate_patient(patient);
  return write("update_patient", [&, &input = patient](soci::session& sql) {
    Patient patient = input;  // a retry starts again from the caller's copy
    Patient old = load_patient_for_update(sql, patient.id);
    if (old.row_version != patient.row_version) {
      throw ConflictError("patient " + std::to_string(patient.id),
                          "changed since it was read (version " + std::to_string(patient.row_version) +
                              ", now " + std::to_string(old.row_version) + ")");
    }
    patient.created_by = old.created_by;
    patient.created_at_ms = old.created_at_ms;
    patient.deleted = false;
    patient.updated_at_ms = now();
    std::string folded = fold_for_search(patient.name);
    long long changed = execute_counting(
        sql,
        "UPDATE patients SET name = :n, birth_date = :b, sex = :s, notes = :o, search_name = :f,"
        " updated_at_ms = :u, row_version = row_version + 1,"
        " renamed_at_version = CASE WHEN search_name = :f2 THEN renamed_at_version ELSE row_version + 1 END"
        " WHERE id = :id AND row_version = :v",
        soci::use(patient.name), soci::use(patient.birth_date), soci::use(patient.sex),
        soci::use(patient.notes), soci::use(folded), soci::use(patient.updated_at_ms), soci::use(folded),
        soci::use(patient.id), soci::use(patient.row_version));
    if (changed != 1) throw ConflictError("patient " + std::to_string(patient.id), "changed concurrently");
    NamePairCountChanges pair_counts;
    if (old.name != patient.name) {
      const std::string old_folded = fold_for_search(old.name);
      write_name_pairs(sql, patient.id, folded, &old_folded, pair_counts);
    }
    patient.row_version += 1;
    json fields = json::array();
    if (old.name != patient.name) fields.push_back("name");
    if (old.birth_date != patient.birth_date) fields.push_back("birth_date");
    if (old.sex != patient.sex) fields.push_back("sex");
    if (old.notes != patient.notes) fields.push_back("notes");
    audit(sql, by, AuditAction::update, "patient", patient.id, json{{"fields", fields}}.dump());
    write_pair_counts(sql, pair_counts);  // after the audit row: one lock order (migrations.h)
    return patient;
  });
}

void SociStore::delete_patient(const Actor& by, long long patient_id, const std::string& reason) {
  require_text(reason, "reason");
  write("delete_patient", [&](soci::session& sql) {
    const Patient old = load_patient_for_update(sql, patient_id);
    long long at = now();
    sql << "UPDATE patients SET deleted = 1, deleted_at_ms = :t, deleted_by = :b, updated_at_ms = :t2,"
           " row_version = row_version + 1 WHERE id = :id",
        soci::use(at), soci::use(by.user_id), soci::use(at), soci::use(patient_id);
    NamePairCountChanges pair_counts;
    mark_name_pairs_deleted(sql, patient_id, fold_for_search(old.name), pair_counts);
    audit(sql, by, AuditAction::remove, "patient", patient_id, json{{"reason", reason}}.dump());
    write_pair_counts(sql, pair_counts);  // after the audit row: one lock order (migrations.h)
  });
}

namespace {

/// An FTS5 query for the phrase `text`: its trigrams in a row, i.e. `text` as a substring.
std::string fts_phrase(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// How many of a search's pairs of characters (in byte order) are looked at when choosing the
/// rarest: a long query's first 64 are choice enough.
constexpr std::size_t kRarePairsCounted = 64;

/// The pair of characters of `folded` (three characters or more) that the fewest names hold,
/// live and deleted (a walk reads the whole range, whether it keeps the deleted or not), from
/// patient_name_pair_counts in one read. `names` gets how many hold it (0 for a pair the
/// counts do not hold; its range is walked all the same, so counts out of step cost time,
/// never a match).
std::string rarest_pair(soci::session& sql, const std::string& folded, long long& names) {
  std::vector<std::string> pairs = character_pairs(folded);
  if (pairs.size() > kRarePairsCounted) pairs.resize(kRarePairsCounted);
  std::string in;
  for (std::size_t i = 0; i < pairs.size(); ++i) in += (i ? ", :g" : ":g") + std::to_string(i);
  // At least two: SOCI treats an into() vector of one element as a single-row fetch.
  const std::size_t n = std::max<std::size_t>(2, pairs.size());
  std::vector<std::string> pair(n);
  std::vector<long long> live(n), deleted(n);
  soci::statement st(sql);
  for (auto& g : pairs) st.exchange(soci::use(g));
  st.exchange(soci::into(pair));
  st.exchange(soci::into(live));
  st.exchange(soci::into(deleted));
  st.alloc();
  st.prepare("SELECT pair, live, deleted FROM patient_name_pair_counts WHERE pair IN (" + in + ")");
  st.define_and_bind();
  st.execute(true);
  std::string rarest;
  names = -1;
  for (const auto& g : pairs) {
    long long held = 0;
    for (std::size_t i = 0; i < pair.size(); ++i)
      if (pair[i] == g) held = live[i] + deleted[i];
    if (names < 0 || held < names) {
      names = held;
      rarest = g;
    }
  }
  return rarest;
}

}  // namespace

PatientPage SociStore::list_patients(const PatientQuery& query) {
  if (query.limit < 1 || query.limit > 1000) {
    throw InvalidRecordError("limit", "must be 1..1000, got " + std::to_string(query.limit));
  }
  if (query.offset < 0) throw InvalidRecordError("offset", "must not be negative");
  if (query.after && query.offset != 0) throw InvalidRecordError("offset", "must be 0 when paging with a cursor");
  const std::string folded = fold_for_search(query.name_contains);
  const bool pg = backend() == Backend::postgresql;
  int include_deleted = query.include_deleted ? 1 : 0;
  // Byte order on both backends, so pages are the same whichever database is used.
  const std::string name_key = pg ? "p.search_name COLLATE \"C\"" : "p.search_name";
  const std::string live = " AND (p.deleted = 0 OR :inc = 1)";
  // The name filter, in four forms that each read the list in the order of an index:
  //  - one character: the name index is walked in order and each name tested, stopping when
  //    the page is full; the count walks it too, up to kPatientSearchCountLimit + 1 matches
  //    (the test reads only the index's column; a rare character costs one pass over it);
  //  - two characters (no trigram): the names that hold that pair of characters are a range
  //    of patient_name_pairs (migration 12), keyed in the list's order: the count reads it up
  //    to the limit, a page from the cursor on;
  //  - three or more: every match holds each of the query's pairs of characters, so the
  //    range of patient_name_pairs of its rarest pair (patient_name_pair_counts, migration 13,
  //    read once) holds them all. When at most search_pair_walk_limit_ names hold that pair,
  //    the range is walked in the list's order and each name tested (LIKE): the matches' keys
  //    up to one past kPatientSearchCountLimit, which count them. Past that limit the trigram
  //    index (SQLite: the FTS5 table; PostgreSQL: pg_trgm's GIN index, which LIKE uses) finds
  //    those keys instead, sorted here. Few matches (at most the count limit): the page's rows
  //    are read by id from those keys. Many: the rarest pair's range is walked again from the
  //    cursor, stopping when the page is full. bench/RESULTS.md has the measurements that
  //    chose this (the trigram indexes alone were slower at 100,000 patients).
  // Matches are exactly LIKE '%folded%' (escaped), as before the indexes, whatever the length.
  enum class Filter { all, walk, pairs, substring };
  const std::size_t characters = count_code_points(folded);  // the trigram index needs three
  const Filter filter = characters == 0   ? Filter::all
                        : characters == 1 ? Filter::walk
                        : characters == 2 ? Filter::pairs
                                          : Filter::substring;
  // The order of the list: (folded name, id), from the name index or the pairs' key.
  const std::string key = filter == Filter::pairs ? "g.search_name, g.patient_id" : name_key + ", p.id";
  std::vector<std::string> name_values;  // bound first, in this order
  std::string trigram_from;  // substring: the trigram index's matches, past the walk limit
  const std::string like_sql = " AND p.search_name LIKE :p ESCAPE '\\'";
  std::string like_value = contains_pattern(folded);  // the query as LIKE matches it (escaped)
  if (filter == Filter::walk) {
    name_values.push_back(like_value);
  } else if (filter == Filter::pairs) {
    name_values.push_back(folded);
  } else if (filter == Filter::substring) {
    if (pg) {
      name_values.push_back(like_value);
      trigram_from = " FROM patients p WHERE 1 = 1" + like_sql;  // pg_trgm serves the LIKE
    } else {
      name_values.push_back(fts_phrase(folded));
      // FTS5 first (CROSS JOIN keeps the order), then each match's row by id.
      trigram_from = " FROM patient_names f CROSS JOIN patients p WHERE f.patient_names MATCH :m AND p.id = f.rowid";
    }
  }
  // The SQL of the matching rows (before the cursor): for the count, and for a page in each form.
  std::string count_sql, page_from;
  const std::string by_name = pg ? " FROM patients p WHERE 1 = 1" : " FROM patients p INDEXED BY patients_by_name WHERE 1 = 1";
  switch (filter) {
    case Filter::all:
      page_from = by_name + live;
      break;
    case Filter::walk:
      page_from = by_name + like_sql + live;
      count_sql = "SELECT COUNT(*) FROM (SELECT 1" + page_from + " LIMIT :cap) s";
      break;
    case Filter::pairs: {
      // The pair's range (with the deleted flag: counted without the patients), then each
      // page row's patient by id (CROSS JOIN keeps SQLite's order).
      const std::string range = " WHERE g.pair = :g AND (g.deleted = 0 OR :inc = 1)";
      page_from = pg ? " FROM patient_name_pairs g JOIN patients p ON p.id = g.patient_id" + range
                     : " FROM patient_name_pairs g CROSS JOIN patients p" + range + " AND p.id = g.patient_id";
      count_sql = "SELECT COUNT(*) FROM (SELECT 1 FROM patient_name_pairs g" + range + " LIMIT :cap) s";
      break;
    }
    case Filter::substring:
      break;  // the SQL of its count depends on its rarest pair: read in the transaction
  }
  return read("list_patients", [&](soci::session& sql) {
    PatientPage page;
    // The cursor's place: that patient's folded name, in this snapshot, if the name is still
    // the one it had at the cursor's row version.
    std::string after_name;
    const long long after_id = query.after ? query.after->id : 0;
    if (query.after) {
      long long version = 0, renamed_at = 0;
      sql << "SELECT search_name, row_version, renamed_at_version FROM patients WHERE id = :id", soci::into(after_name),
          soci::into(version), soci::into(renamed_at), soci::use(after_id);
      if (!sql.got_data() || query.after->row_version < 1 || query.after->row_version > version)
        throw InvalidRecordError("after", "not a place in the patient list (no such patient and version)");
      if (renamed_at > query.after->row_version)
        throw ConflictError("after", "patient " + std::to_string(after_id) +
                                         ", where the previous page ended, was renamed since; read the list again "
                                         "from its start");
    }
    std::vector<std::string> match_name;  // a substring search's matches (up to the cap)
    std::vector<long long> match_id;
    std::string rare_pair;  // a substring search's rarest pair
    // The total and the page in one snapshot. Without a name the total is the counters' row;
    // with one, the matches up to one past the limit.
    if (filter == Filter::all) {
      long long live_n = 0, deleted_n = 0;
      sql << "SELECT n FROM patient_counts WHERE kind = 'live'", soci::into(live_n);
      sql << "SELECT n FROM patient_counts WHERE kind = 'deleted'", soci::into(deleted_n);
      page.total = live_n + (include_deleted ? deleted_n : 0);
    } else {
      long long cap = kPatientSearchCountLimit + 1;
      soci::statement count(sql);
      if (filter == Filter::substring) {
        // The query's rarest pair, then its matches' keys (up to one past the limit) from that
        // pair's range or, when too many names hold it, from the trigram index.
        long long fewest = -1;
        rare_pair = rarest_pair(sql, folded, fewest);
        if (fewest <= search_pair_walk_limit_) {
          count.exchange(soci::use(rare_pair));
          count.exchange(soci::use(like_value));
          count_sql =
              "SELECT g.search_name, g.patient_id FROM patient_name_pairs g WHERE g.pair = :g AND g.search_name "
              "LIKE :p ESCAPE '\\' AND (g.deleted = 0 OR :inc = 1) ORDER BY g.search_name, g.patient_id LIMIT :cap";
        } else {
          for (auto& v : name_values) count.exchange(soci::use(v));
          count_sql = "SELECT p.search_name, p.id" + trigram_from + live + " LIMIT :cap";
        }
      } else {
        for (auto& v : name_values) count.exchange(soci::use(v));
      }
      count.exchange(soci::use(include_deleted));
      count.exchange(soci::use(cap));
      if (filter == Filter::substring) {
        match_name.resize(static_cast<std::size_t>(cap));
        match_id.resize(static_cast<std::size_t>(cap));
        count.exchange(soci::into(match_name));
        count.exchange(soci::into(match_id));
      } else {
        count.exchange(soci::into(page.total));
      }
      count.alloc();
      count.prepare(count_sql);
      count.define_and_bind();
      count.execute(true);
      if (filter == Filter::substring) page.total = static_cast<long long>(match_id.size());
      page.total_is_lower_bound = page.total > kPatientSearchCountLimit;
    }
    if (page.total <= query.offset && !page.total_is_lower_bound) return page;
    // Few matches: the page's ids from their keys, in the list's order (std::string compares
    // bytes as unsigned char: the byte order both backends sort the list in).
    std::string page_ids;
    if (filter == Filter::substring && !page.total_is_lower_bound) {
      std::vector<std::size_t> order(match_id.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      const auto key_of = [&](std::size_t i) { return std::pair<const std::string&, long long>(match_name[i], match_id[i]); };
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key_of(a) < key_of(b); });
      std::size_t skipped = 0, taken = 0;
      for (std::size_t i : order) {
        if (query.after && !(std::pair<const std::string&, long long>(after_name, after_id) < key_of(i)))
          continue;
        if (skipped < static_cast<std::size_t>(query.offset)) {
          ++skipped;
          continue;
        }
        if (taken == static_cast<std::size_t>(query.limit) + 1) break;
        page_ids += (page_ids.empty() ? "" : ",") + std::to_string(match_id[i]);
        ++taken;
      }
      if (page_ids.empty()) return page;
    }
    // One row more than the page, to know whether there is a next page. Fetched in bulk into
    // typed columns (SOCI's generic row allocates per value); SOCI treats an into() vector of
    // one element as a single-row fetch that does not report the row, so at least two.
    const std::size_t n = static_cast<std::size_t>(query.limit) + 1;
    std::vector<long long> id(n), created_by(n), created_at(n), updated_at(n), deleted(n), deleted_at(n),
        deleted_by(n), row_version(n), demo(n);
    std::vector<std::string> name(n), birth_date(n), sex(n), notes(n), search_name(n);
    std::vector<soci::indicator> deleted_at_ind(n), deleted_by_ind(n);
    int limit = query.limit + 1;
    const bool few = filter == Filter::substring && !page.total_is_lower_bound;
    int offset = few ? 0 : query.offset;  // the ids of a few matches' page are chosen already
    const std::string columns =
        "p.id, p.name, p.birth_date, p.sex, p.notes, p.created_by, p.created_at_ms, p.updated_at_ms, p.deleted, "
        "p.deleted_at_ms, p.deleted_by, p.row_version, p.demo, p.search_name";
    const bool bind_after = query.after && !few;
    const bool many = filter == Filter::substring && page.total_is_lower_bound;
    const std::string order_key = many ? "g.search_name, g.patient_id" : key;
    const std::string after_sql = bind_after ? " AND (" + order_key + ") > (:an, :ai)" : "";
    std::string sql_text;
    soci::statement st(sql);
    if (many) {
      // Many matches: walk the rarest pair's range in order, testing each name.
      st.exchange(soci::use(rare_pair));
      st.exchange(soci::use(like_value));
      sql_text = "SELECT " + columns +
                 (pg ? " FROM patient_name_pairs g JOIN patients p ON p.id = g.patient_id WHERE g.pair = :g"
                     : " FROM patient_name_pairs g CROSS JOIN patients p WHERE g.pair = :g AND p.id = g.patient_id") +
                 " AND g.search_name LIKE :p ESCAPE '\\' AND (g.deleted = 0 OR :inc = 1)" + after_sql;
    } else if (few) {
      // Few matches: the page's rows by id.
      sql_text = "SELECT " + columns + " FROM patients p WHERE p.id IN (" + page_ids + ")" + live;
    } else {
      for (auto& v : name_values) st.exchange(soci::use(v));
      sql_text = "SELECT " + columns + page_from + after_sql;
    }
    st.exchange(soci::use(include_deleted));
    if (bind_after) {
      st.exchange(soci::use(after_name));
      st.exchange(soci::use(after_id));
    }
    sql_text += " ORDER BY " + order_key + " LIMIT :l OFFSET :o";
    st.exchange(soci::use(limit));
    st.exchange(soci::use(offset));
    st.exchange(soci::into(id));
    st.exchange(soci::into(name));
    st.exchange(soci::into(birth_date));
    st.exchange(soci::into(sex));
    st.exchange(soci::into(notes));
    st.exchange(soci::into(created_by));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(deleted));
    st.exchange(soci::into(deleted_at, deleted_at_ind));
    st.exchange(soci::into(deleted_by, deleted_by_ind));
    st.exchange(soci::into(row_version));
    st.exchange(soci::into(demo));
    st.exchange(soci::into(search_name));
    st.alloc();
    st.prepare(sql_text);
    st.define_and_bind();
    st.execute(true);
    const std::size_t rows = std::min(id.size(), static_cast<std::size_t>(query.limit));
    page.patients.reserve(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      Patient p;
      p.id = id[i];
      p.name = std::move(name[i]);
      p.birth_date = std::move(birth_date[i]);
      p.sex = std::move(sex[i]);
      p.notes = std::move(notes[i]);
      p.created_by = created_by[i];
      p.created_at_ms = created_at[i];
      p.updated_at_ms = updated_at[i];
      p.deleted = deleted[i] != 0;
      p.deleted_at_ms = deleted_at_ind[i] == soci::i_null ? 0 : deleted_at[i];
      p.deleted_by = deleted_by_ind[i] == soci::i_null ? 0 : deleted_by[i];
      p.row_version = row_version[i];
      p.demo = demo[i] != 0;
      page.patients.push_back(std::move(p));
    }
    if (id.size() > rows && rows > 0) page.next = PatientCursor{id[rows - 1], row_version[rows - 1]};
    return page;
  }, /*snapshot=*/true);
}

PatientCounts SociStore::count_patients() {
  return read("count_patients", [&](soci::session& sql) {
    PatientCounts counts;
    soci::rowset<soci::row> rows = sql.prepare << "SELECT kind, n FROM patient_counts";
    for (const auto& r : rows) {
      const std::string kind = row_text(r, 0);
      (kind == "live" ? counts.live : kind == "deleted" ? counts.deleted : counts.demo) = row_int(r, 1);
    }
    return counts;
  }, /*snapshot=*/true);
}

}  // namespace dermaplan::records
