#include "util/hash.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace reelpress::util {
namespace {

// Reference values of XXH64 with seed 0, as published for the xxHash algorithm.
TEST(Hash64, MatchesXxh64ReferenceValues) {
  EXPECT_EQ(hash64(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(hash64("abc"), 0x44BC2CF5AD770999ULL);
  // 39 bytes: one full 32-byte stripe, then the 8-byte and 1-byte tail steps.
  EXPECT_EQ(hash64("Nobody inspects the spammish repetition"), 0xFBCEA83C8A378BF1ULL);
}

TEST(Hash64, CoversEveryTailLengthAndSeed) {
  // Every length up to two stripes goes through a different mix of the tail loops; all
  // values must differ and be stable between calls.
  std::string text = "Produced by Example Films (c)2011 Example Broadcasting. All rights reserved.";
  std::unordered_set<uint64_t> seen;
  for (size_t n = 0; n <= text.size(); ++n) {
    uint64_t h = hash64(std::string_view(text).substr(0, n));
    EXPECT_EQ(h, hash64(std::string_view(text).substr(0, n)));
    EXPECT_TRUE(seen.insert(h).second) << n;
  }
  EXPECT_NE(hash64(text, 0), hash64(text, 1));
}

TEST(Hash64, ToHexIsSixteenLowerCaseDigits) {
  EXPECT_EQ(to_hex(0), "0000000000000000");
  EXPECT_EQ(to_hex(0xEF46DB3751D8E999ULL), "ef46db3751d8e999");
}

}  // namespace
}  // namespace reelpress::util
