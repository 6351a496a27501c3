// Accounts: creating users, changing their name, role, password or disabled flag, and the
// first admin. The rules live here so the API and the operator commands enforce the same:
// the password policy, and that the last enabled admin can be neither demoted nor disabled.
#pragma once

#include "clinic/passwords.h"
#include "records/store.h"

#include <optional>
#include <string>

namespace dermaplan::clinic {

/// The account `dermaplan demo-data` attributes its synthetic records to: disabled, no password.
/// Reserved: no one else may have this name.
inline constexpr const char* kDemoDataUsername = "demo-data";

struct NewAccount {
  std::string username;
  std::string display_name;  //!< empty: the username
  records::Role role = records::Role::assistant;
  std::string password;      //!< checked against the policy (where: "/password")
};

/// Creates the account. InputError "/username" if the name is empty or too long, "/password"
/// if the password breaks the policy; ClinicError conflict "/username" if the name is taken.
records::User create_account(records::Store& store, PasswordHasher& hasher, const records::Actor& by,
                             const NewAccount& account);

struct AccountChange {
  long long user_id = 0;
  /// The version the caller read; nullopt: whatever is stored now (operator commands).
  std::optional<long long> row_version;
  std::optional<std::string> display_name;
  std::optional<records::Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> password;  //!< a new password (where: "/password")
};

struct AccountChanged {
  records::User user;
  /// Sessions ended in the store (a new password or disabling ends every session of the
  /// user); a server must also drop them from any cache of its own.
  bool sessions_ended = false;
  int sessions_ended_count = 0;
};

/// Applies the change. NotFoundError for an unknown user; ConflictError on a stale
/// row_version; ClinicError conflict "last_admin" when it would leave no enabled admin.
AccountChanged change_account(records::Store& store, PasswordHasher& hasher, const records::Actor& by,
                              const AccountChange& change);

/// Creates the first admin account when the store has no users. Returns the generated password
/// (to print once), or nullopt when users already exist.
std::optional<std::string> ensure_first_admin(records::Store& store, PasswordHasher& hasher);

}  // namespace dermaplan::clinic
