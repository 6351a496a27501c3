// Staff accounts and their login sessions.
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "records/entities.h"

namespace dermaplan::records {

/// Users (staff accounts) and login sessions. Thread-safe; throws RecordErrors only (store.h).
class AccountStore {
 public:
  virtual ~AccountStore() = default;

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
  /// The session and its user in one query (what every authenticated request checks).
  virtual std::optional<std::pair<AuthSession, User>> find_auth_session_and_user(const std::string& token_hash) = 0;
  /// Records activity on a session at `seen_at_ms` (kept only if later than what is stored).
  /// Not audited: it is bookkeeping of the login, not patient data.
  virtual void touch_auth_session(const std::string& token_hash, long long seen_at_ms) = 0;
  /// Returns false if there was no such session. Revoking twice is fine.
  virtual bool revoke_auth_session(const std::string& token_hash) = 0;
  /// Revokes every session of a user (password change, disable); returns how many.
  virtual int revoke_auth_sessions_of(long long user_id) = 0;
  /// A counter that grows with every change that can refuse or alter a live session: a
  /// revocation that revoked something, and every update_user (disable, password, role, name).
  /// It is bumped in the same transaction as the change, by any process on the database, so a
  /// session and user read while the counter was N are still what the store holds while it
  /// reads N. One small query (prepared once per connection): what every authenticated request
  /// asks.
  virtual long long auth_change_seq() = 0;
};

}  // namespace dermaplan::records
