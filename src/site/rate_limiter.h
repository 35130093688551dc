// A per-client rate limit for the reader forms that never holds a client's address.
//
// A client is known only by a keyed hash of its address (BLAKE2b, crypto_generichash, with a
// 32-byte key): the key is random, lives only in this object's memory, and is replaced when
// the UTC day changes, which also forgets every client. So neither the memory of a running
// server nor anything it writes can be turned back into addresses, and yesterday's hashes
// cannot be linked to today's. IPv6 clients are counted per /64, the block one subscriber
// usually has (otherwise a client could take a fresh address for every post).
//
// Each client has a token bucket that holds `per_minute` posts and refills at that rate, so a
// reader may send a few posts at once and then one every 60/per_minute seconds.
//
// Example:
//   RateLimiter limiter(clock);
//   RateDecision d = limiter.admit(request.client_address, 5);
//   if (!d.allowed) answer 429 with "Retry-After: " + std::to_string(d.retry_after_seconds);
//
// Thread-safety: admit() may be called from every server thread at once (the clients are
// spread over independently locked shards). The clock must be thread-safe when admit() runs
// on several threads; the random source is called under a lock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "util/clock.h"

namespace reelpress::site {

struct RateDecision {
  bool allowed = true;
  std::int64_t retry_after_seconds = 0;  // When refused: when the next post would be allowed.
};

class RateLimiter {
 public:
  // Fills a buffer with random bytes; libsodium's randombytes_buf by default.
  using RandomSource = std::function<void(unsigned char* out, std::size_t size)>;

  // How many clients one limiter remembers at most; past that, clients whose bucket is full
  // again are forgotten first, then (under a flood of distinct addresses) a whole shard.
  static constexpr std::size_t kMaxClients = 1 << 17;

  explicit RateLimiter(const util::Clock& clock, RandomSource random = {});
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Counts one post from `client_address` (as the server saw it: "203.0.113.7", "2001:db8::1";
  // an empty address is one client like any other). per_minute <= 0 admits everything.
  RateDecision admit(std::string_view client_address, int per_minute);

  // How many clients are remembered now (for tests).
  std::size_t client_count() const;

 private:
  struct Bucket {
    double tokens;
    util::UnixTime updated;  // Seconds.
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::uint64_t, Bucket> buckets;
  };
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kKeyBytes = 32;

  // The client's hash under today's key, rotating the key first when the day changed.
  std::uint64_t client_hash(std::string_view client_address, util::UnixTime now);

  const util::Clock& clock_;
  RandomSource random_;
  std::mutex key_mutex_;  // Guards key_ and key_day_.
  unsigned char key_[kKeyBytes];
  std::int64_t key_day_ = -1;
  std::array<Shard, kShards> shards_;
};

}  // namespace reelpress::site
