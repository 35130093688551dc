#include "site/http.h"

#include <gtest/gtest.h>

#include <string>

#include "util/compress.h"

namespace reelpress::site {
namespace {

std::string page(size_t paragraphs) {
  std::string out;
  for (size_t i = 0; i < paragraphs; ++i) out += "<p>About the Film, paragraph.</p>\n";
  return out;
}

TEST(MakeBody, EtagIsQuotedHexOfIdentityAndStable) {
  auto a = make_body("hello", 0, false);
  auto b = make_body("hello", 99, true);
  auto c = make_body("hello!", 0, false);
  ASSERT_EQ(a->etag.size(), 18u);
  EXPECT_EQ(a->etag.front(), '"');
  EXPECT_EQ(a->etag.back(), '"');
  EXPECT_EQ(a->etag.find_first_not_of("0123456789abcdef", 1), 17u);
  EXPECT_EQ(a->etag, b->etag);  // Depends on the bytes only.
  EXPECT_NE(a->etag, c->etag);
  EXPECT_EQ(b->last_modified, 99);
}

TEST(MakeBody, SmallOrUncompressedBodiesHaveNoCompressedForms) {
  auto small = make_body(page(2), 0, true);
  EXPECT_LT(small->identity.size(), 256u);
  EXPECT_TRUE(small->gzip.empty());
  EXPECT_TRUE(small->brotli.empty());
  auto off = make_body(page(50), 0, false);
  EXPECT_TRUE(off->gzip.empty());
  EXPECT_TRUE(off->brotli.empty());
}

TEST(MakeBody, LargeBodiesGetGzipAndBrotliThatDecodeToIdentity) {
  auto body = make_body(page(100), 0, true);
  ASSERT_FALSE(body->gzip.empty());
  ASSERT_FALSE(body->brotli.empty());
  EXPECT_LT(body->gzip.size(), body->identity.size());
  EXPECT_EQ(util::gzip_decompress(body->gzip).value(), body->identity);
  EXPECT_EQ(util::brotli_decompress(body->brotli).value(), body->identity);
}

TEST(MakeBody, IncompressibleBodyKeepsIdentityOnly) {
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1664525u + 1013904223u;
    noise.push_back(static_cast<char>(x >> 24));
  }
  auto body = make_body(noise, 0, true);
  EXPECT_TRUE(body->gzip.empty());
  EXPECT_EQ(body->identity, noise);
}

}  // namespace
}  // namespace reelpress::site
