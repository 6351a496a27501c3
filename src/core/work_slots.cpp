#include "core/work_slots.h"

namespace dermaplan {

WorkSlots::WorkSlots(int max_parallel, int max_waiting)
    : max_parallel_(max_parallel < 1 ? 1 : max_parallel), max_waiting_(max_waiting < 0 ? 0 : max_waiting) {}

WorkSlots::Slot::~Slot() {
  if (owner_) owner_->release();
}

std::optional<WorkSlots::Slot> WorkSlots::acquire(std::optional<std::chrono::milliseconds> max_wait) {
  std::unique_lock lock(mutex_);
  if (running_ >= max_parallel_) {
    if (waiting_ >= max_waiting_) return std::nullopt;
    ++waiting_;
    const auto free = [&] { return running_ < max_parallel_; };
    const bool got = max_wait ? free_.wait_for(lock, *max_wait, free) : (free_.wait(lock, free), true);
    --waiting_;
    if (!got) return std::nullopt;
  }
  ++running_;
  return Slot(this);
}

void WorkSlots::release() {
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  free_.notify_one();
}

int WorkSlots::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

int WorkSlots::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace dermaplan
