// Bounded caches of finished response bodies. Safe for concurrent use.
//
// ResponseCache: the engine endpoints (screen, plan, kb) are pure functions of the request and
// the knowledge base, which is loaded once, so the same request always gets the same bytes.
//
// PageCache: pages of a list read from the database (the patient list). A page is served only
// while the store's change counter (Store::change_seq, read before the page was) is unchanged,
// so a write by any process on the database, another server included, shows on the next
// request; writes through this server also clear it, and a page lives at most max_age_ms.
// Reads served from it are still audited by the caller.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace dermaplan::server {

class ResponseCache {
 public:
  explicit ResponseCache(size_t max_entries = 512, size_t max_body_bytes = 256 * 1024)
      : max_entries_(max_entries), max_body_bytes_(max_body_bytes) {}

  std::optional<std::string> find(const std::string& key) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  /// Keeps the body unless it is too large; when full, the oldest entry goes. The copy and the
  /// freeing happen outside the lock (a full cache cleared at once freed 20 MB under it, and
  /// every reader waited: 7 % of the server's time under uncached plans).
  void put(const std::string& key, const std::string& body) {
    if (body.size() > max_body_bytes_ || key.size() > max_body_bytes_ || max_entries_ == 0) return;
    std::pair<const std::string, std::string> entry(key, body);
    decltype(entries_)::node_type evicted;
    std::unique_lock lock(mutex_);
    if (entries_.count(key)) return;  // the same request: the same bytes
    if (entries_.size() >= max_entries_) {
      evicted = entries_.extract(order_.front());
      order_.pop_front();
    }
    entries_.insert(std::move(entry));
    order_.push_back(key);
  }

 private:
  size_t max_entries_, max_body_bytes_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> entries_;
  std::deque<std::string> order_;  //!< the keys, oldest first
};

class PageCache {
 public:
  struct Page {
    std::string body;   //!< the finished response body
    std::string audit;  //!< what the read's audit row records (e.g. the ids shown)
  };

  explicit PageCache(long long max_age_ms = 1000, size_t max_entries = 256)
      : max_age_ms_(max_age_ms), max_entries_(max_entries) {}

  /// Take this before reading the database; pass it to put().
  unsigned long long generation() const {
    std::shared_lock lock(mutex_);
    return generation_;
  }
  /// The page stored under `key` from a database at change `change_seq`, if still fresh.
  std::optional<Page> find(const std::string& key, long long now_ms, long long change_seq) const {
    if (max_age_ms_ <= 0) return std::nullopt;
    std::shared_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.change_seq != change_seq ||
        now_ms - it->second.stored_at_ms >= max_age_ms_ || now_ms < it->second.stored_at_ms)
      return std::nullopt;
    return it->second.page;
  }
  /// Keeps the page unless the cache was invalidated since `generation` was taken (the page
  /// may then predate a write).
  /// `change_seq`: read before the page was.
  void put(const std::string& key, Page page, unsigned long long generation, long long now_ms, long long change_seq) {
    if (max_age_ms_ <= 0) return;
    std::unique_lock lock(mutex_);
    if (generation != generation_) return;
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_.insert_or_assign(key, Entry{std::move(page), now_ms, change_seq});
  }
  /// Call after every write that may change a page.
  void invalidate() {
    std::unique_lock lock(mutex_);
    ++generation_;
    entries_.clear();
  }

 private:
  struct Entry {
    Page page;
    long long stored_at_ms;
    long long change_seq;
  };
  long long max_age_ms_;
  size_t max_entries_;
  mutable std::shared_mutex mutex_;
  unsigned long long generation_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace dermaplan::server
