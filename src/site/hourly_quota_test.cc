#include "site/hourly_quota.h"

#include <gtest/gtest.h>

namespace reelpress::site {
namespace {

constexpr util::UnixTime kStart = 1'700'000'040;  // A minute's start.

TEST(HourlyQuota, TakesUpToTheBoundInAnHour) {
  HourlyQuota quota;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(quota.take(kStart + i * 600, 3)) << i;
  const auto wait = quota.take(kStart + 1800, 3);
  ASSERT_TRUE(wait);
  // The first was counted in the minute starting at kStart: it stops counting an hour later.
  EXPECT_EQ(*wait, 3600 - 1800);
  EXPECT_EQ(quota.counted(kStart + 1800), 3);
}

TEST(HourlyQuota, RoomComesBackAsTheHourSlides) {
  HourlyQuota quota;
  EXPECT_FALSE(quota.take(kStart, 2));
  EXPECT_FALSE(quota.take(kStart + 1200, 2));
  EXPECT_TRUE(quota.take(kStart + 3599, 2));
  EXPECT_FALSE(quota.take(kStart + 3600, 2));  // The first left the hour.
  EXPECT_TRUE(quota.take(kStart + 3601, 2));
  EXPECT_EQ(quota.counted(kStart + 3601), 2);
  EXPECT_EQ(quota.counted(kStart + 1200 + 3600), 1);
  EXPECT_EQ(quota.counted(kStart + 10 * 3600), 0);
  EXPECT_FALSE(quota.take(kStart + 10 * 3600, 2));  // Long idle: everything forgotten.
  EXPECT_EQ(quota.counted(kStart + 10 * 3600), 1);
}

TEST(HourlyQuota, NoBoundAndAClockThatStepsBack) {
  HourlyQuota quota;
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(quota.take(kStart, 0));
  EXPECT_EQ(quota.counted(kStart), 0);
  EXPECT_FALSE(quota.take(kStart + 600, 1));
  const auto wait = quota.take(kStart, 1);  // Earlier than what was counted: still full.
  ASSERT_TRUE(wait);
  EXPECT_GT(*wait, 0);
}

}  // namespace
}  // namespace reelpress::site
