// WorkSlots: at most max_parallel holders, at most max_waiting waiters, a bounded wait.
#include "core/work_slots.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace dermaplan {
namespace {

using std::chrono::milliseconds;

/// Spins until `slots` has `n` waiters (the other thread is inside acquire()).
void wait_for_waiters(const WorkSlots& slots, int n) {
  while (slots.waiting() != n) std::this_thread::yield();
}

TEST(WorkSlots, AtMostMaxParallelHoldSlotsAndReleasingFreesOne) {
  WorkSlots slots(2, 0);
  auto a = slots.acquire();
  auto b = slots.acquire();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(slots.running(), 2);
  EXPECT_FALSE(slots.acquire(milliseconds(0)));  // no room to wait: refused at once
  a.reset();
  EXPECT_EQ(slots.running(), 1);
  EXPECT_TRUE(slots.acquire(milliseconds(0)));  // taken and released again at once
  EXPECT_EQ(slots.running(), 1);
}

TEST(WorkSlots, AMovedSlotIsReleasedOnce) {
  WorkSlots slots(1, 0);
  {
    auto a = slots.acquire();
    ASSERT_TRUE(a);
    WorkSlots::Slot moved = std::move(*a);
    a.reset();  // the moved-from slot releases nothing
    EXPECT_EQ(slots.running(), 1);
  }
  EXPECT_EQ(slots.running(), 0);
}

TEST(WorkSlots, AWaiterGetsTheSlotWhenItIsReleased) {
  WorkSlots slots(1, 1);
  auto held = slots.acquire();
  std::atomic<bool> got{false};
  std::thread waiter([&] { got = slots.acquire().has_value(); });
  wait_for_waiters(slots, 1);
  EXPECT_FALSE(got);
  held.reset();
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(slots.running(), 0);
  EXPECT_EQ(slots.waiting(), 0);
}

TEST(WorkSlots, BeyondMaxWaitingCallersAreRefusedAtOnce) {
  WorkSlots slots(1, 1);
  auto held = slots.acquire();
  std::thread waiter([&] { EXPECT_TRUE(slots.acquire().has_value()); });
  wait_for_waiters(slots, 1);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(slots.acquire(milliseconds(10'000)));  // the queue is full: no 10 s wait
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  held.reset();
  waiter.join();
}

TEST(WorkSlots, AWaitThatRunsOutIsRefusedAndLeavesTheQueue) {
  WorkSlots slots(1, 4);
  auto held = slots.acquire();
  EXPECT_FALSE(slots.acquire(milliseconds(20)));
  EXPECT_EQ(slots.waiting(), 0);
  EXPECT_EQ(slots.running(), 1);
}

}  // namespace
}  // namespace dermaplan
