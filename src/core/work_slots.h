// Bounded admission for costly work (password hashes, simulations): at most `max_parallel`
// callers hold a slot at once; up to `max_waiting` more wait for one; anyone beyond that, or
// anyone who waited `max_wait` in vain, is told no at once, so a burst costs threads and
// memory in proportion to the limits, not to the burst.
//
// Thread safety: safe for concurrent use; a Slot is released on the thread that holds it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

namespace dermaplan {

class WorkSlots {
 public:
  WorkSlots(int max_parallel, int max_waiting);

  /// One slot, held until destroyed (movable, not copyable).
  class Slot {
   public:
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot();

   private:
    friend class WorkSlots;
    explicit Slot(WorkSlots* owner) : owner_(owner) {}
    WorkSlots* owner_;
  };

  /// A slot, waiting while all are taken: for as long as it takes without `max_wait`, else at
  /// most that long. nullopt when `max_waiting` callers are waiting already, or in time.
  std::optional<Slot> acquire(std::optional<std::chrono::milliseconds> max_wait = std::nullopt);

  int running() const;
  int waiting() const;

 private:
  void release();

  const int max_parallel_, max_waiting_;
  mutable std::mutex mutex_;
  std::condition_variable free_;
  int running_ = 0, waiting_ = 0;
};

}  // namespace dermaplan
