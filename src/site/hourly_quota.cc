#include "site/hourly_quota.h"

#include <algorithm>

namespace reelpress::site {

void HourlyQuota::advance(std::int64_t minute) {
  if (minute <= minute_) return;  // The same minute, or a clock that stepped back.
  // The minutes after minute_ up to `minute` reuse the slots of minutes an hour older.
  const std::int64_t steps = std::min(minute - minute_, kSteps);
  for (std::int64_t m = minute - steps + 1; m <= minute; ++m) {
    std::int64_t& slot = counts_[static_cast<std::size_t>(m % kSteps)];
    total_ -= slot;
    slot = 0;
  }
  minute_ = minute;
}

std::optional<std::int64_t> HourlyQuota::take(util::UnixTime now, int per_hour) {
  if (per_hour <= 0) return std::nullopt;
  const std::int64_t minute = std::max<std::int64_t>(now, 0) / kStepSeconds;
  std::lock_guard lock(mutex_);
  advance(minute);
  if (total_ < per_hour) {
    ++counts_[static_cast<std::size_t>(minute_ % kSteps)];
    ++total_;
    return std::nullopt;
  }
  // Room comes back when the oldest minute that still counts leaves the hour.
  std::int64_t oldest = minute_ - kSteps + 1;
  while (oldest < minute_ && counts_[static_cast<std::size_t>(oldest % kSteps)] == 0) ++oldest;
  return (oldest + kSteps) * kStepSeconds - std::max<std::int64_t>(now, 0);
}

std::int64_t HourlyQuota::counted(util::UnixTime now) const {
  std::lock_guard lock(mutex_);
  const std::int64_t minute = std::max<std::int64_t>(now, 0) / kStepSeconds;
  if (minute - minute_ >= kSteps) return 0;
  std::int64_t gone = 0;  // Counted in minutes that left the hour since minute_.
  for (std::int64_t m = minute_ - kSteps + 1; m <= minute - kSteps; ++m) {
    gone += counts_[static_cast<std::size_t>(m % kSteps)];
  }
  return total_ - gone;
}

}  // namespace reelpress::site
