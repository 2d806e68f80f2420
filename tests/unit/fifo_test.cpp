// wire::Fifo (wire/include/wire/fifo.h): first in, first out, and nothing
// allocated while empty, which is why it replaced std::deque in every
// per-connection queue.
#include "wire/fifo.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <deque>
#include <memory>
#include <new>
#include <random>
#include <string>

namespace {
std::size_t g_allocations = 0;   // counted by this test program's operator new
}  // namespace

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

TEST(Fifo, AnEmptyQueueAllocatesNothing) {
  const std::size_t before = g_allocations;
  wire::Fifo<std::string> fifo;
  EXPECT_TRUE(fifo.empty());
  EXPECT_EQ(fifo.size(), 0U);
  EXPECT_EQ(g_allocations - before, 0U) << "allocations made by constructing an empty Fifo";

  const std::size_t deque_before = g_allocations;
  std::deque<std::string> deque;
  EXPECT_GT(g_allocations - deque_before, 0U) << "libstdc++'s std::deque allocates on construction; "
                                                 "if it no longer does, fifo.h's reason is gone";
}

TEST(Fifo, ItemsLeaveInTheOrderTheyCame) {
  wire::Fifo<int> fifo;
  for (int i = 1; i <= 3; ++i) fifo.push_back(i);
  EXPECT_EQ(fifo.front(), 1);
  EXPECT_EQ(fifo.back(), 3);
  fifo.pop_front();
  fifo.emplace_back(4);
  int expected = 2;
  for (const int v : fifo) EXPECT_EQ(v, expected++);
  EXPECT_EQ(fifo.size(), 3U);
}

TEST(Fifo, APoppedItemIsReleasedAtOnce) {
  wire::Fifo<std::shared_ptr<int>> fifo;
  auto item = std::make_shared<int>(7);
  fifo.push_back(item);
  fifo.push_back(std::make_shared<int>(8));
  fifo.pop_front();
  EXPECT_EQ(item.use_count(), 1) << "the queue still holds the popped item";
}

// Any mix of pushes and pops gives what std::deque gives, across the cuts of the consumed front.
TEST(Fifo, AgreesWithStdDequeUnderRandomPushesAndPops) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  wire::Fifo<std::string> fifo;
  std::deque<std::string> reference;
  for (int step = 0; step < 20000; ++step) {
    // Pushes win slightly, then pops, so the queue grows to hundreds and drains again.
    const bool grow = (step / 2000) % 2 == 0;
    const bool push = reference.empty() || rng() % 100 < (grow ? 60U : 40U);
    if (push) {
      std::string item = std::to_string(step);
      fifo.push_back(item);
      reference.push_back(item);
    } else {
      ASSERT_EQ(fifo.front(), reference.front()) << "at step " << step;
      fifo.pop_front();
      reference.pop_front();
    }
    ASSERT_EQ(fifo.size(), reference.size()) << "at step " << step;
  }
  std::deque<std::string> rest(fifo.begin(), fifo.end());
  EXPECT_EQ(rest, reference);
}

}  // namespace
