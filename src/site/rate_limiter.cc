#include "site/rate_limiter.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "util/client_address.h"

namespace reelpress::site {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

}  // namespace

RateLimiter::RateLimiter(const util::Clock& clock, RandomSource random)
    : clock_(clock), random_(std::move(random)) {
  if (!random_) {
    if (sodium_init() < 0) std::abort();
    random_ = [](unsigned char* out, std::size_t size) { randombytes_buf(out, size); };
  }
  std::memset(key_, 0, sizeof key_);
}

RateLimiter::~RateLimiter() { sodium_memzero(key_, sizeof key_); }

std::uint64_t RateLimiter::client_hash(std::string_view client_address, util::UnixTime now) {
  const std::string identity = util::client_identity(client_address);
  const std::int64_t day = now / kSecondsPerDay;
  unsigned char hash[crypto_generichash_BYTES_MIN];  // 16 bytes; 8 of them key the table.
  {
    std::lock_guard lock(key_mutex_);
    if (day != key_day_) {
      // A new day: a new key, and yesterday's clients forgotten. Nothing of the old key is
      // kept, so no hash from before can be matched to one from after.
      random_(key_, sizeof key_);
      key_day_ = day;
      for (Shard& shard : shards_) {
        std::lock_guard shard_lock(shard.mutex);
        shard.buckets.clear();
      }
    }
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(identity.data()),
                       identity.size(), key_, sizeof key_);
  }
  std::uint64_t value;
  std::memcpy(&value, hash, sizeof value);
  return value;
}

RateDecision RateLimiter::admit(std::string_view client_address, int per_minute) {
  if (per_minute <= 0) return {};
  const util::UnixTime now = clock_.now();
  const std::uint64_t client = client_hash(client_address, now);
  const double capacity = per_minute;
  const double per_second = per_minute / 60.0;

  Shard& shard = shards_[client % kShards];
  std::lock_guard lock(shard.mutex);
  auto found = shard.buckets.find(client);
  if (found == shard.buckets.end()) {
    if (shard.buckets.size() >= kMaxClients / kShards) {
      // Forget clients whose bucket refilled (they are as good as new), and if a flood of
      // distinct addresses left none, forget them all: memory stays bounded, and a flood
      // big enough to get here is spread over more clients than a per-client limit stops.
      std::erase_if(shard.buckets, [&](const auto& item) {
        return item.second.tokens + (now - item.second.updated) * per_second >= capacity;
      });
      if (shard.buckets.size() >= kMaxClients / kShards) shard.buckets.clear();
    }
    found = shard.buckets.emplace(client, Bucket{capacity, now}).first;
  }
  Bucket& bucket = found->second;
  const util::UnixTime elapsed = std::max<util::UnixTime>(0, now - bucket.updated);
  bucket.tokens = std::min(capacity, bucket.tokens + elapsed * per_second);
  bucket.updated = now;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return {};
  }
  // Less a hair: the refill of whole seconds in floating point lands a little past the
  // second it means (11 s of 5/min is 0.91666..., leaving 1.0000001 s to wait, not 2).
  const double wait = (1.0 - bucket.tokens) / per_second - 1e-6;
  return {false, std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait)))};
}

std::size_t RateLimiter::client_count() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.buckets.size();
  }
  return n;
}

}  // namespace reelpress::site
