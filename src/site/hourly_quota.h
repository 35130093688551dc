// A site-wide bound on how many reader submissions may wait for moderation per hour, beside
// the per-client rate limit (rate_limiter.h): when every reader arrives through one proxy, or
// a flood comes from many addresses, the per-client limit has nothing to hold on to, and the
// queue a moderator must read (and the disk it fills) would grow without bound.
//
// Counts over a sliding hour in one-minute steps: what was counted in the minute that is now
// 60 minutes old stops counting when the next minute begins.
//
// Example:
//   HourlyQuota quota;
//   if (auto wait = quota.take(now, settings.pending_per_hour)) answer 503, Retry-After: *wait;
//
// Thread-safety: take() may be called from every server thread at once (one mutex; a take
// costs a few additions).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>

#include "util/clock.h"

namespace reelpress::site {

class HourlyQuota {
 public:
  // Counts one submission at `now` if fewer than `per_hour` were counted in the hour before
  // it, and returns nullopt; otherwise counts nothing and returns the seconds until one more
  // would fit. per_hour <= 0 takes everything.
  std::optional<std::int64_t> take(util::UnixTime now, int per_hour);

  // Submissions counted in the hour up to `now` (for tests).
  std::int64_t counted(util::UnixTime now) const;

 private:
  static constexpr std::int64_t kSteps = 60;
  static constexpr std::int64_t kStepSeconds = 60;

  // Forgets the steps that left the hour ending in `minute`. Under mutex_.
  void advance(std::int64_t minute);

  mutable std::mutex mutex_;
  std::array<std::int64_t, kSteps> counts_{};  // By minute number modulo kSteps.
  std::int64_t total_ = 0;                     // The sum of counts_.
  std::int64_t minute_ = 0;                    // The newest minute counts_ holds.
};

}  // namespace reelpress::site
