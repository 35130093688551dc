// A fast 64-bit non-cryptographic hash, for ETags and hash tables. Not for anything an
// attacker may choose to collide on purpose where that would matter (use a keyed hash there).
//
// Example:
//   uint64_t h = util::hash64(page_html);
//   std::string etag = "\"" + util::to_hex(h) + "\"";
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace reelpress::util {

// XXH64 (written from the published xxHash specification), so values match other XXH64
// implementations and stay stable across versions and machines: ETags survive restarts.
// Reads the input at several GB/s. Thread-safe.
uint64_t hash64(std::string_view data, uint64_t seed = 0);

// 16 lower-case hex digits, zero-padded.
std::string to_hex(uint64_t value);

}  // namespace reelpress::util
