#include "common/leaky_bucket.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace common {
namespace {

TEST(LeakyBucketsTest, LevelsRiseAndDrainPerKey) {
  FakeClock clock(1'000'000);
  LeakyBuckets b(clock, /*drain_per_minute=*/6);
  EXPECT_EQ(b.Level("a"), 0);
  EXPECT_EQ(b.Add("a"), 1);
  EXPECT_EQ(b.Add("a", 2), 3);
  EXPECT_EQ(b.Level("b"), 0);
  clock.Advance(std::chrono::seconds(10));  // drains 1
  EXPECT_DOUBLE_EQ(b.Level("a"), 2);
  clock.Advance(std::chrono::minutes(5));
  EXPECT_EQ(b.Level("a"), 0);
  b.Add("a");
  b.Reset("a");
  EXPECT_EQ(b.Level("a"), 0);
}

TEST(LeakyBucketsTest, TryAddNeverPassesTheCeilingUnderConcurrency) {
  FakeClock clock(0);
  LeakyBuckets b(clock, 0);
  std::vector<std::thread> threads;
  std::atomic<int> allowed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) allowed += b.TryAdd("k", 50) ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 50);
}

TEST(LeakyBucketsTest, AFloodOfKeysSharesOneOverflowBucketAndMemoryStaysBounded) {
  FakeClock clock(0);
  LeakyBuckets b(clock, 1, /*max_keys=*/100);
  for (int i = 0; i < 100; ++i) b.Add("k" + std::to_string(i));
  EXPECT_EQ(b.size(), 100u);
  // The table is full of buckets that still hold water: new keys share one.
  EXPECT_TRUE(b.TryAdd("new1", 2));
  EXPECT_TRUE(b.TryAdd("new2", 2));
  EXPECT_FALSE(b.TryAdd("new3", 2));
  EXPECT_EQ(b.size(), 100u);
  // Known keys keep their own bucket.
  EXPECT_TRUE(b.TryAdd("k1", 2));
  // Once buckets drain empty, new keys get their own again.
  clock.Advance(std::chrono::minutes(10));
  EXPECT_TRUE(b.TryAdd("new3", 1));
  EXPECT_LE(b.size(), 100u);
  EXPECT_EQ(b.Level("new3"), 1);
}

}  // namespace
}  // namespace common
