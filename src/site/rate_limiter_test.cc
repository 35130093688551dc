#include "site/rate_limiter.h"

#include <gtest/gtest.h>

#include <cstring>

namespace reelpress::site {
namespace {

constexpr util::UnixTime kMidnight = 1310428800;  // 2011-07-12T00:00:00Z

// A random source that counts how often a key was made, so tests see rotations.
struct CountingRandom {
  int* keys_made;
  void operator()(unsigned char* out, std::size_t size) const {
    std::memset(out, ++*keys_made, size);
  }
};

TEST(RateLimiter, AllowsABurstThenOnePostPerInterval) {
  util::FixedClock clock(kMidnight + 100);
  int keys = 0;
  RateLimiter limiter(clock, CountingRandom{&keys});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.admit("203.0.113.7", 5).allowed) << i;
  RateDecision refused = limiter.admit("203.0.113.7", 5);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 12);  // 60 s / 5 posts.

  clock.advance(11);
  refused = limiter.admit("203.0.113.7", 5);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  clock.advance(1);
  EXPECT_TRUE(limiter.admit("203.0.113.7", 5).allowed);
  EXPECT_FALSE(limiter.admit("203.0.113.7", 5).allowed);
}

TEST(RateLimiter, ClientsAreCountedApart) {
  util::FixedClock clock(kMidnight + 100);
  RateLimiter limiter(clock);
  EXPECT_TRUE(limiter.admit("203.0.113.7", 1).allowed);
  EXPECT_FALSE(limiter.admit("203.0.113.7", 1).allowed);
  EXPECT_TRUE(limiter.admit("203.0.113.8", 1).allowed);
  EXPECT_TRUE(limiter.admit("", 1).allowed);
  EXPECT_EQ(limiter.client_count(), 3u);
}

TEST(RateLimiter, Ipv6ClientsAreCountedPerSlash64) {
  util::FixedClock clock(kMidnight + 100);
  RateLimiter limiter(clock);
  EXPECT_TRUE(limiter.admit("2001:db8:1:2::1", 1).allowed);
  EXPECT_FALSE(limiter.admit("2001:db8:1:2:ffff::9", 1).allowed) << "same /64";
  EXPECT_TRUE(limiter.admit("2001:db8:1:3::1", 1).allowed);
  // An IPv4 client seen through an IPv6 socket is the IPv4 client.
  EXPECT_TRUE(limiter.admit("198.51.100.4", 1).allowed);
  EXPECT_FALSE(limiter.admit("::ffff:198.51.100.4", 1).allowed);
}

TEST(RateLimiter, ZeroMeansNoLimit) {
  util::FixedClock clock(kMidnight);
  RateLimiter limiter(clock);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.admit("203.0.113.7", 0).allowed);
  EXPECT_EQ(limiter.client_count(), 0u);
}

TEST(RateLimiter, KeyRotatesDailyAndForgetsEveryClient) {
  util::FixedClock clock(kMidnight + 86400 - 2);
  int keys = 0;
  RateLimiter limiter(clock, CountingRandom{&keys});
  EXPECT_TRUE(limiter.admit("203.0.113.7", 1).allowed);
  EXPECT_FALSE(limiter.admit("203.0.113.7", 1).allowed);
  EXPECT_EQ(keys, 1);
  clock.advance(2);  // Midnight UTC: a new key.
  EXPECT_EQ(limiter.client_count(), 1u);
  EXPECT_TRUE(limiter.admit("203.0.113.7", 1).allowed);
  EXPECT_EQ(keys, 2);
  EXPECT_EQ(limiter.client_count(), 1u);
}

TEST(RateLimiter, MemoryStaysBoundedUnderAFloodOfAddresses) {
  util::FixedClock clock(kMidnight);
  RateLimiter limiter(clock);
  for (std::size_t i = 0; i < RateLimiter::kMaxClients + 5000; ++i) {
    limiter.admit("10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." +
                      std::to_string(i & 255),
                  5);
  }
  EXPECT_LE(limiter.client_count(), RateLimiter::kMaxClients);
}

}  // namespace
}  // namespace reelpress::site
