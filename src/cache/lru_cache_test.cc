#include "cache/lru_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace reelpress::cache {
namespace {

TEST(LruCache, HitMissAndReplace) {
  LruCache<std::string> cache(1 << 20);
  EXPECT_EQ(cache.find("/a/"), nullptr);
  cache.insert("/a/", std::make_shared<std::string>("one"), 3);
  ASSERT_NE(cache.find("/a/"), nullptr);
  EXPECT_EQ(*cache.find("/a/"), "one");
  cache.insert("/a/", std::make_shared<std::string>("two"), 3);
  EXPECT_EQ(*cache.find("/a/"), "two");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(LruCache, EvictsLeastRecentlyUsedWithinTheBudget) {
  // Each insert costs bytes + key + 128 bookkeeping; 3 of these fit in 1000.
  LruCache<std::string> cache(1000);
  for (const char* key : {"/1/", "/2/", "/3/"}) {
    cache.insert(key, std::make_shared<std::string>(key), 150);
  }
  ASSERT_NE(cache.find("/1/"), nullptr);  // /1/ is now the most recent; /2/ the least.
  cache.insert("/4/", std::make_shared<std::string>("/4/"), 150);
  EXPECT_EQ(cache.find("/2/"), nullptr);
  EXPECT_NE(cache.find("/1/"), nullptr);
  EXPECT_NE(cache.find("/3/"), nullptr);
  EXPECT_NE(cache.find("/4/"), nullptr);
  EXPECT_LE(cache.used_bytes(), 1000u);
}

TEST(LruCache, EntriesHitSinceTheLastPassOutliveThoseNeverHit) {
  LruCache<std::string> cache(1000);  // Three entries of 150 bytes fit.
  for (const char* key : {"/1/", "/2/", "/3/"}) {
    cache.insert(key, std::make_shared<std::string>(key), 150);
  }
  ASSERT_NE(cache.find("/1/"), nullptr);
  ASSERT_NE(cache.find("/2/"), nullptr);
  cache.insert("/4/", std::make_shared<std::string>("/4/"), 150);
  EXPECT_EQ(cache.find("/3/"), nullptr);  // The only one not hit.
  // The pass cleared /1/'s and /2/'s marks; /4/ is hit now, so /1/ goes next.
  ASSERT_NE(cache.find("/4/"), nullptr);
  ASSERT_NE(cache.find("/2/"), nullptr);
  cache.insert("/5/", std::make_shared<std::string>("/5/"), 150);
  EXPECT_EQ(cache.find("/1/"), nullptr);
  EXPECT_NE(cache.find("/2/"), nullptr);
  EXPECT_NE(cache.find("/4/"), nullptr);
  EXPECT_NE(cache.find("/5/"), nullptr);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(LruCache, ValueLargerThanBudgetIsNotKept) {
  LruCache<std::string> cache(100);
  cache.insert("/big/", std::make_shared<std::string>("x"), 1000);
  EXPECT_EQ(cache.find("/big/"), nullptr);
  EXPECT_EQ(cache.used_bytes(), 0u);
}

TEST(LruCache, HitKeepsValueAliveAfterClear) {
  LruCache<std::string> cache(1 << 20);
  cache.insert("/a/", std::make_shared<std::string>("page"), 4);
  const auto held = cache.find("/a/");
  cache.clear();
  EXPECT_EQ(cache.find("/a/"), nullptr);
  EXPECT_EQ(*held, "page");
}

TEST(LruCache, ConcurrentUse) {
  LruCache<int> cache(64 * 1024);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = "/" + std::to_string((i * 7 + t) % 300) + "/";
        if (!cache.find(key)) cache.insert(key, std::make_shared<int>(i), 64);
        if (i % 500 == 0) cache.clear();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.used_bytes(), 64u * 1024u);
}

}  // namespace
}  // namespace reelpress::cache
