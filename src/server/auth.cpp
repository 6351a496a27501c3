#include "server/auth.h"


#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace dermaplan::server {

namespace {
void ensure_sodium() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_hex(const unsigned char* bytes, size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, n);
  hex.pop_back();
  return hex;
}

std::string sha256_hex(const std::string& text) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return to_hex(out, sizeof out);
}
}  // namespace

// ---- tokens ------------------------------------------------------------------------------

std::string new_session_token() {
  ensure_sodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return to_hex(bytes, sizeof bytes);
}

std::string token_hash(const std::string& token) { return sha256_hex(token); }

std::string csrf_token_for(const std::string& session_token) {
  return sha256_hex("dermaplan-csrf-v1:" + session_token);
}

bool equal_secrets(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---- LoginLimiter ------------------------------------------------------------------------

namespace {
constexpr long long kForgetAfterMs = 24LL * 3600 * 1000;  // a day without failures
}

long long LoginLimiter::wait_locked(Entry& e, long long now_ms) const {
  while (!e.failures.empty() && e.failures.front() <= now_ms - options_.window_ms) e.failures.pop_front();
  if (options_.backoff) return e.locked_until_ms > now_ms ? e.locked_until_ms - now_ms : 0;
  if (static_cast<int>(e.failures.size()) < options_.max_failures) return 0;
  return e.failures.front() + options_.window_ms - now_ms;  // the oldest ages out
}

bool LoginLimiter::allowed(const std::string& key, long long now_ms) { return wait_ms(key, now_ms) == 0; }

long long LoginLimiter::wait_ms(const std::string& key, long long now_ms) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  const long long wait = wait_locked(it->second, now_ms);
  if (wait == 0 && it->second.failures.empty() && now_ms - it->second.last_failure_ms > kForgetAfterMs)
    entries_.erase(it);
  return wait;
}

void LoginLimiter::record_failure(const std::string& key, long long now_ms) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= options_.max_keys && !entries_.count(key)) prune(now_ms);
  Entry& e = entries_[key];
  wait_locked(e, now_ms);
  e.last_failure_ms = now_ms;
  e.failures.push_back(now_ms);
  if (static_cast<int>(e.failures.size()) >= options_.max_failures) {
    if (options_.backoff && e.locked_until_ms <= now_ms) {
      long long lock_ms = options_.window_ms;
      for (int i = 0; i < e.locks && lock_ms < options_.max_lock_ms; ++i) lock_ms *= 2;
      e.locked_until_ms = now_ms + std::min(lock_ms, options_.max_lock_ms);
      ++e.locks;
      e.failures.clear();
    }
    while (static_cast<int>(e.failures.size()) > options_.max_failures) e.failures.pop_front();
  }
}

void LoginLimiter::clear(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

void LoginLimiter::prune(long long now_ms) {
  // Keys that are neither limited nor remembered for backoff go first; if every key is still
  // limited (a spray from very many addresses), the oldest half goes.
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (wait_locked(it->second, now_ms) == 0 && now_ms - it->second.last_failure_ms > options_.window_ms)
      it = entries_.erase(it);
    else
      ++it;
  }
  if (entries_.size() < options_.max_keys) return;
  std::vector<long long> times;
  for (const auto& kv : entries_) times.push_back(kv.second.last_failure_ms);
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  const long long median = times[times.size() / 2];
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.last_failure_ms < median; });
}

// ---- SessionManager ----------------------------------------------------------------------

SessionManager::SessionManager(records::Store& store, Clock clock, SessionOptions options)
    : store_(store), clock_(std::move(clock)), options_(options) {}

std::string SessionManager::start(const records::User& user) {
  const std::string token = new_session_token();
  const long long now = clock_();
  records::AuthSession s;
  s.token_hash = token_hash(token);
  s.user_id = user.id;
  s.created_at_ms = now;
  s.expires_at_ms = now + options_.lifetime_ms;
  s = store_.create_auth_session(s);
  std::lock_guard lock(mutex_);
  // The caller read `user` before now: the first check reads it again with the counter.
  cache_[s.token_hash] = Cached{user, s.expires_at_ms, now, s.last_seen_ms, -1};
  return token;
}

bool SessionManager::due_for_persist(Cached& c, long long now) {
  if (now - c.persisted_seen_ms < options_.persist_activity_ms) return false;
  c.persisted_seen_ms = now;  // claimed by this caller: the others do not write it again
  return true;
}

std::optional<SignedIn> SessionManager::check(const std::string& token) {
  if (token.size() != 64) return std::nullopt;
  const std::string hash = token_hash(token);
  const long long now = clock_();
  // A token this server has not cached (a new session of another server, or one that is not
  // a session at all) costs the session's query alone: it is cached unread (-1), and the next
  // check reads the counter and the session again.
  long long auth_seq = -1;
  {
    std::unique_lock lock(mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      // Read first: a revocation or user change committed before this read has moved it, so a
      // session cached at this value (read from the store after the counter was) still stands.
      lock.unlock();
      auth_seq = store_.auth_change_seq();
      lock.lock();
      it = cache_.find(hash);
    }
    if (it != cache_.end()) {
      Cached& c = it->second;
      if (now >= c.expires_at_ms || now - c.last_seen_ms > options_.inactivity_ms) {
        cache_.erase(it);
        lock.unlock();
        store_.revoke_auth_session(hash);
        return std::nullopt;
      }
      if (c.auth_seq == auth_seq) {
        c.last_seen_ms = now;
        SignedIn who{c.user, hash};
        const bool persist = due_for_persist(c, now);
        lock.unlock();
        if (persist) store_.touch_auth_session(hash, now);
        return who;
      }
    }
  }
  // Not cached (first use after a restart, or started on another server) or logins changed
  // since it was read: ask the store.
  auto found = store_.find_auth_session_and_user(hash);
  if (!found || found->first.revoked || now >= found->first.expires_at_ms || found->second.disabled) {
    std::lock_guard lock(mutex_);
    cache_.erase(hash);
    return std::nullopt;
  }
  const records::AuthSession& session = found->first;
  const records::User& user = found->second;
  std::unique_lock lock(mutex_);
  // The last activity: what the store has (from this or another process, before a restart
  // too), or what this process saw since, whichever is later.
  long long last_seen = std::max(session.last_seen_ms, session.created_at_ms);
  auto it = cache_.find(hash);
  if (it != cache_.end()) last_seen = std::max(last_seen, it->second.last_seen_ms);
  if (now - last_seen > options_.inactivity_ms) {
    if (it != cache_.end()) cache_.erase(it);
    lock.unlock();
    store_.revoke_auth_session(hash);
    return std::nullopt;
  }
  Cached& c = cache_[hash];
  // A concurrent check that read a later counter keeps its (later) copy.
  if (c.auth_seq <= auth_seq) {
    c = Cached{user, session.expires_at_ms, now, std::max(session.last_seen_ms, session.created_at_ms), auth_seq};
  } else {
    c.last_seen_ms = std::max(c.last_seen_ms, now);
  }
  const bool persist = due_for_persist(c, now);
  lock.unlock();
  if (persist) store_.touch_auth_session(hash, now);
  return SignedIn{user, hash};
}

void SessionManager::end(const std::string& hash) {
  {
    std::lock_guard lock(mutex_);
    cache_.erase(hash);
  }
  store_.revoke_auth_session(hash);
}

void SessionManager::end_all_of(long long user_id) {
  {
    std::lock_guard lock(mutex_);
    std::erase_if(cache_, [&](const auto& kv) { return kv.second.user.id == user_id; });
  }
  store_.revoke_auth_sessions_of(user_id);
}

}  // namespace dermaplan::server
