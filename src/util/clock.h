// The clock, injected so that tests decide what "now" is.
#pragma once

#include <cstdint>

namespace reelpress::util {

// Seconds since the Unix epoch, UTC.
using UnixTime = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixTime now() const = 0;
};

// The system's wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  UnixTime now() const override;
  static const SystemClock& instance();
};

// A clock that says what a test sets. Not thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(UnixTime t) : now_(t) {}
  UnixTime now() const override { return now_; }
  void set(UnixTime t) { now_ = t; }
  void advance(std::int64_t seconds) { now_ += seconds; }

 private:
  UnixTime now_;
};

}  // namespace reelpress::util
