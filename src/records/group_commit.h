// Group commit: callers that each need something committed queue here; the first to find no
// commit running leads. It takes every caller queued so far (itself included), commits them
// together, and wakes them, while the next callers queue for the next batch. One commit (and
// on SQLite one fsync) serves many callers, and the callers that arrive during a commit wait
// for one commit, not for as many as there are callers ahead of them.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

namespace dermaplan::records {

/// `Item` is what one caller needs committed; it has an `std::exception_ptr error` member
/// (what the caller is told on failure).
template <class Item>
class GroupCommit {
 public:
  using CommitBatch = std::function<void(const std::vector<Item*>&)>;

  /// Returns once `item` is committed (by this caller or by another leading a batch that held
  /// it). `commit_batch` commits a batch and sets each item's result or error; what it throws
  /// becomes the error of every item of that batch.
  void run(Item& item, const CommitBatch& commit_batch) {
    Waiter me;
    me.item = &item;
    std::unique_lock lock(mutex_);
    queue_.push_back(&me);
    // Each waiter sleeps on its own condition variable, so finishing a batch wakes exactly the
    // callers it served plus the next leader (one shared variable woke every waiter each time:
    // most of the CPU went into task switches at 64 concurrent callers).
    me.wake.wait(lock, [&] { return me.done || !leader_active_; });
    if (me.done) return;
    leader_active_ = true;
    std::vector<Waiter*> batch;
    batch.swap(queue_);
    lock.unlock();
    try {  // nothing escapes: leader_active_ must be cleared and the batch woken below
      std::vector<Item*> items;
      items.reserve(batch.size());
      for (Waiter* w : batch) items.push_back(w->item);
      commit_batch(items);
    } catch (...) {
      for (Waiter* w : batch) w->item->error = std::current_exception();
    }
    lock.lock();
    leader_active_ = false;
    for (Waiter* w : batch) {
      w->done = true;
      if (w != &me) w->wake.notify_one();
    }
    if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next leader
  }

 private:
  struct Waiter {
    Item* item;
    bool done = false;
    std::condition_variable wake;  //!< its item is done, or it is its turn to lead
  };
  std::mutex mutex_;
  std::vector<Waiter*> queue_;
  bool leader_active_ = false;
};

}  // namespace dermaplan::records
