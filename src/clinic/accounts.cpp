#include "clinic/accounts.h"

#include "clinic/failure.h"
#include "clinic/patient_care.h"
#include "core/errors.h"
#include "core/storable_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace dermaplan::clinic {

namespace {

constexpr size_t kMaxUsernameLength = 200;

bool username_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '@';
}

bool enabled_admin(const records::User& u) { return u.role == records::Role::admin && !u.disabled; }

}  // namespace

records::User create_account(records::Store& store, PasswordHasher& hasher, const records::Actor& by,
                             const NewAccount& account) {
  if (account.username.empty()) throw InputError("/username", "a username is required");
  if (account.username.size() > kMaxUsernameLength)
    throw InputError("/username", fmt::format("a username may have at most {} characters", kMaxUsernameLength));
  // A login name is typed at every login, on any keyboard, and must not look like another:
  // ASCII letters, digits and . _ - @ only (no "josé" beside "jose\u0301", which look the same,
  // no "JOSÉ" beside "josé"), and not one that differs from a taken one only in case ("Admin"
  // beside "admin"). The display name carries the person's name in any script.
  require_storable_text(account.username, "/username");
  if (!std::all_of(account.username.begin(), account.username.end(), username_character))
    throw InputError("/username",
                     "a username may hold only the letters a-z and A-Z, digits and . _ - @ (no spaces "
                     "or accents; the display name may hold any name)");
  if (equal_ignoring_ascii_case(account.username, kDemoDataUsername))
    throw ClinicError(FailureKind::conflict, "conflict",
                      fmt::format("the username '{}' is reserved for the synthetic records of dermaplan demo-data",
                                  account.username),
                      "/username");
  for (const auto& other : store.list_users())
    if (equal_ignoring_ascii_case(other.username, account.username))
      throw ClinicError(FailureKind::conflict, "conflict",
                        fmt::format("the username '{}' is taken ('{}' differs only in case)", account.username,
                                    other.username),
                        "/username");
  // The display name is how the record names the person (lists, signatures, exports): a name's
  // rules (something to read, no control characters, at most 300 characters).
  if (!account.display_name.empty()) check_patient_name(account.display_name, "/display_name");
  check_new_password(account.password, "/password");
  records::User u;
  u.username = account.username;
  u.display_name = account.display_name.empty() ? account.username : account.display_name;
  u.role = account.role;
  u.password_hash = hasher.hash(account.password);
  try {
    return store.create_user(by, u);
  } catch (const records::DuplicateError&) {
    throw ClinicError(FailureKind::conflict, "conflict", "the username '" + account.username + "' is taken",
                      "/username");
  }
}

AccountChanged change_account(records::Store& store, PasswordHasher& hasher, const records::Actor& by,
                              const AccountChange& change) {
  auto found = store.find_user(change.user_id);
  if (!found) throw records::NotFoundError("", fmt::format("no user with id {}", change.user_id));
  records::User u = *found;
  // The demo records' author stays an account no one can log in as.
  if (u.username == kDemoDataUsername && ((change.disabled && !*change.disabled) || change.password || change.role))
    throw ClinicError(FailureKind::conflict, "conflict",
                      "the demo-data account signs the synthetic records (without the treatment gate): it "
                      "stays disabled, without a password, and keeps its role",
                      change.password ? "/password" : change.role ? "/role" : "/disabled");
  const bool was_enabled_admin = enabled_admin(u);
  if (change.row_version) u.row_version = *change.row_version;
  if (change.display_name) {
    if (change.display_name->empty()) throw InputError("/display_name", "a display name may not be empty");
    if (*change.display_name != u.display_name) check_patient_name(*change.display_name, "/display_name");
    u.display_name = *change.display_name;
  }
  if (change.role) u.role = *change.role;
  bool end_sessions = false;
  if (change.disabled) {
    end_sessions = *change.disabled && !u.disabled;
    u.disabled = *change.disabled;
  }
  if (change.password) {
    check_new_password(*change.password, "/password");
    u.password_hash = hasher.hash(*change.password);
    end_sessions = true;
  }
  if (was_enabled_admin && !enabled_admin(u)) {
    int others = 0;
    for (const auto& other : store.list_users())
      if (other.id != u.id && enabled_admin(other)) ++others;
    if (others == 0)
      throw ClinicError(FailureKind::conflict, "last_admin",
                        fmt::format("{} is the only enabled admin; make another user admin first", u.username),
                        change.disabled && *change.disabled ? "/disabled" : "/role");
  }
  AccountChanged out;
  // Nothing to change (no new password, every field as stored): the account as it is, not a new
  // version that would turn another admin's copy stale. A stale row_version is still a conflict.
  if (!change.password && u.row_version == found->row_version && u.display_name == found->display_name &&
      u.role == found->role && u.disabled == found->disabled) {
    out.user = *found;
    return out;
  }
  out.user = store.update_user(by, u);
  if (end_sessions) {
    out.sessions_ended = true;
    out.sessions_ended_count = store.revoke_auth_sessions_of(u.id);
  }
  return out;
}

std::optional<std::string> ensure_first_admin(records::Store& store, PasswordHasher& hasher) {
  // No enabled admin (a new database, or one that `demo-data` made, whose only user is its
  // disabled author): nobody could log in, so one is made.
  if (store.count_users() > 0) {
    const auto users = store.list_users();
    if (std::any_of(users.begin(), users.end(),
                    [](const records::User& u) { return u.role == records::Role::admin && !u.disabled; }))
      return std::nullopt;
  }
  const std::string password = random_password(20);
  records::User admin;
  admin.username = "admin";
  admin.display_name = "Administrator";
  admin.role = records::Role::admin;
  admin.password_hash = hasher.hash(password);
  try {
    store.create_user(records::Actor{0, "system"}, admin);
  } catch (const records::DuplicateError&) {
    return std::nullopt;  // another process created it first (or "admin" exists, disabled: `user` mends it)
  }
  return password;
}

}  // namespace dermaplan::clinic
