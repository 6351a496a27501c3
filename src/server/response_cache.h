// A bounded cache of finished response bodies, for the engine endpoints (screen, plan, kb):
// they are pure functions of the request and the knowledge base, which is loaded once, so the
// same request always gets the same bytes. Safe for concurrent use.
#pragma once

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
  /// Keeps the body unless it is too large; when full, starts over (simple and bounded).
  void put(const std::string& key, const std::string& body) {
    if (body.size() > max_body_bytes_ || key.size() > max_body_bytes_) return;
    std::unique_lock lock(mutex_);
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_.emplace(key, body);
  }

 private:
  size_t max_entries_, max_body_bytes_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> entries_;
};

}  // namespace dermaplan::server
