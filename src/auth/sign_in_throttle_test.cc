#include "auth/sign_in_throttle.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"

namespace reelpress::auth {
namespace {

TEST(SignInThrottle, DelaysDoubleFromTheFirstPaidFailureUpToTheCap) {
  const ThrottlePolicy policy;  // 1 s doubling to 60 s.
  std::vector<std::int64_t> delays;
  for (int failures = 0; failures <= 13; ++failures) {
    delays.push_back(SignInThrottle::delay_after(failures, 5, policy));
  }
  EXPECT_EQ(delays, (std::vector<std::int64_t>{0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60}));
  EXPECT_EQ(SignInThrottle::delay_after(1'000'000'000, 5, policy), 60);
}

TEST(SignInThrottle, AClientIsKnownByAKeyedHashThatHoldsNoAddress) {
  util::FixedClock clock(1'700'000'000);
  auto store = std::move(*store::sqlite::SqliteStore::open(":memory:", clock));
  SignInThrottle throttle(*store, clock);
  auto a = throttle.identify("203.0.113.7", "", nullptr);
  auto b = throttle.identify("203.0.113.8", "", nullptr);
  auto mapped = throttle.identify("::ffff:203.0.113.7", "", nullptr);
  ASSERT_TRUE(a && b && mapped);
  EXPECT_EQ(a->key.size(), 16u);
  EXPECT_NE(a->key, b->key);
  EXPECT_EQ(a->key, mapped->key);
  EXPECT_FALSE(a->trusted);
  EXPECT_EQ(a->key.find(std::string("\xcb\x00\x71\x07", 4)), std::string::npos);
  // Another process on the same database (a second throttle) computes the same key.
  SignInThrottle other(*store, clock);
  EXPECT_EQ(other.identify("203.0.113.7", "", nullptr)->key, a->key);
  // A device cookie for no account (or garbage) trusts nobody.
  EXPECT_FALSE(throttle.identify("203.0.113.7", "garbage.1.x", nullptr)->trusted);
}

}  // namespace
}  // namespace reelpress::auth
