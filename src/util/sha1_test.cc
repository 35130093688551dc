#include "util/sha1.h"

#include <gtest/gtest.h>

namespace reelpress::util {
namespace {

std::string hex(const Sha1::Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t byte : digest) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 15]);
  }
  return out;
}

// The examples of FIPS 180-4 and RFC 3174.
TEST(Sha1, MatchesThePublishedExamples) {
  EXPECT_EQ(hex(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex(sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, PiecesHashAsTheWhole) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += std::to_string(i * 7919) + ",";
  for (std::size_t piece : {1u, 3u, 63u, 64u, 65u, 1000u}) {
    Sha1 sha;
    for (std::size_t at = 0; at < text.size(); at += piece) sha.update(text.substr(at, piece));
    EXPECT_EQ(hex(sha.finish()), hex(sha1(text))) << piece;
  }
}

// RFC 4648 section 10.
TEST(Base32, MatchesTheRfcExamples) {
  EXPECT_EQ(base32(std::string_view("")), "");
  EXPECT_EQ(base32(std::string_view("f")), "MY======");
  EXPECT_EQ(base32(std::string_view("fo")), "MZXQ====");
  EXPECT_EQ(base32(std::string_view("foo")), "MZXW6===");
  EXPECT_EQ(base32(std::string_view("foob")), "MZXW6YQ=");
  EXPECT_EQ(base32(std::string_view("fooba")), "MZXW6YTB");
  EXPECT_EQ(base32(std::string_view("foobar")), "MZXW6YTBOI======");
  EXPECT_EQ(base32(sha1("")), "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
}

}  // namespace
}  // namespace reelpress::util
