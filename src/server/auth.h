// Login sessions: random session tokens stored hashed, inactivity expiry, revocation, login
// rate limits and CSRF tokens. Passwords are hashed by clinic::PasswordHasher.
//
// Thread safety: every class here is safe for concurrent use.
#pragma once

#include "clinic/passwords.h"
#include "records/store.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace dermaplan::server {

using clinic::PasswordHasher;

/// Epoch milliseconds; tests inject their own.
using Clock = std::function<long long()>;

/// A new random session token (32 bytes from randombytes, hex).
std::string new_session_token();
/// What the store keeps: hex SHA-256 of the token.
std::string token_hash(const std::string& token);
/// The CSRF token that goes with a session token (derived, so nothing more is stored).
std::string csrf_token_for(const std::string& session_token);
/// Constant-time string comparison.
bool equal_secrets(const std::string& a, const std::string& b);

/// Counts failed logins per key ("user:NAME@ADDRESS", "addr:ADDRESS").
///
/// Without backoff it is a sliding window: allowed() is false while the key has max_failures
/// failures within window_ms. With backoff, the max_failures-th failure within the window
/// locks the key for window_ms, and each further lock of the same key lasts twice the one
/// before (up to max_lock_ms); a success (clear) forgets the key, and so does a day without
/// failures. Memory: one entry per key that failed recently; beyond max_keys, expired entries
/// are dropped first.
class LoginLimiter {
 public:
  struct Options {
    int max_failures = 5;
    long long window_ms = 5 * 60 * 1000;
    bool backoff = false;
    long long max_lock_ms = 60 * 60 * 1000;
    size_t max_keys = 100000;
  };
  explicit LoginLimiter(Options options) : options_(options) {}
  LoginLimiter(int max_failures = 5, long long window_ms = 5 * 60 * 1000)
      : LoginLimiter(Options{max_failures, window_ms}) {}
  /// False while `key` is over its limit at now_ms.
  bool allowed(const std::string& key, long long now_ms);
  /// Milliseconds until `key` is allowed again (0 if it is).
  long long wait_ms(const std::string& key, long long now_ms);
  void record_failure(const std::string& key, long long now_ms);
  void clear(const std::string& key);

 private:
  struct Entry {
    std::deque<long long> failures;  //!< times within the window, oldest first
    long long locked_until_ms = 0;
    int locks = 0;                   //!< locks so far (backoff doubles the next one)
    long long last_failure_ms = 0;
  };
  long long wait_locked(Entry& e, long long now_ms) const;
  void prune(long long now_ms);
  Options options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

struct SessionOptions {
  long long inactivity_ms = 2LL * 3600 * 1000;  //!< idle longer than this: expired
  long long lifetime_ms = 12LL * 3600 * 1000;   //!< absolute limit from login (stored expires_at)
  long long persist_activity_ms = 60 * 1000;  //!< activity is written to the store at most this often
                                              //!< per session (the idle clock survives a restart to
                                              //!< within this much)
};

/// Who is signed in, as the API sees it.
struct SignedIn {
  records::User user;
  std::string token_hash;
};

/// Creates, checks and revokes login sessions. Keeps a cache of live sessions (and their last
/// activity, which is what the inactivity timeout measures) in front of the store. Each check
/// reads the store's login change counter (records::AccountStore::auth_change_seq, one small
/// query) and trusts a cached session only while the counter is what it was when the session
/// was read; otherwise it reads the session and its user again. So a logout, disable, password
/// or role change on any server (or the command line) refuses or changes the session on every
/// server before that change's request is answered.
class SessionManager {
 public:
  SessionManager(records::Store& store, Clock clock, SessionOptions options = {});

  /// Starts a session for an already authenticated user; returns the token (shown once).
  std::string start(const records::User& user);
  /// The user of a live token and marks it active; nullopt if unknown, revoked, expired (idle
  /// or past its lifetime) or the user is disabled.
  std::optional<SignedIn> check(const std::string& token);
  /// Revokes one token (logout).
  void end(const std::string& token_hash);
  /// Revokes every session of a user (password change, disable).
  void end_all_of(long long user_id);

 private:
  struct Cached {
    records::User user;
    long long expires_at_ms = 0;
    long long last_seen_ms = 0;
    long long persisted_seen_ms = 0;  //!< the activity the store has
    long long auth_seq = -1;          //!< the store's login change counter read before `user`
                                      //!< was (-1: not read from the store yet)
  };
  /// Writes the session's activity when the store's copy is persist_activity_ms old (called
  /// with mutex_ held; returns whether the caller must call store_.touch_auth_session).
  bool due_for_persist(Cached& c, long long now);
  records::Store& store_;
  Clock clock_;
  SessionOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by token hash
};

}  // namespace dermaplan::server
