#include "util/compress.h"

#include <gtest/gtest.h>

#include <string>

namespace reelpress::util {
namespace {

std::string sample_page() {
  std::string page = "<!doctype html><title>The Salt Road</title>";
  for (int i = 0; i < 200; ++i) page += "<p>Paragraph " + std::to_string(i) + " of the film.</p>\n";
  return page;
}

TEST(Compress, GzipRoundTrip) {
  const std::string page = sample_page();
  std::string gz = gzip_compress(page);
  ASSERT_GE(gz.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // gzip magic, not a zlib header.
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_LT(gz.size(), page.size() / 3);
  auto back = gzip_decompress(gz);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(*back, page);
}

TEST(Compress, GzipEmptyAndLevels) {
  for (int level : {-5, 0, 1, 9, 42}) {
    auto back = gzip_decompress(gzip_compress("", level));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, "");
    back = gzip_decompress(gzip_compress("abc", level));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, "abc");
  }
}

TEST(Compress, GzipDecompressRejectsTruncatedAndGarbage) {
  std::string gz = gzip_compress(sample_page());
  auto truncated = gzip_decompress(std::string_view(gz).substr(0, gz.size() / 2));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, ErrorCode::kCorrupt);
  EXPECT_FALSE(gzip_decompress("not gzip at all"));
  EXPECT_FALSE(gzip_decompress(""));
}

TEST(Compress, GzipDecompressHonoursSizeLimit) {
  std::string zeros(1 << 20, '\0');
  auto out = gzip_decompress(gzip_compress(zeros), 1000);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
}

TEST(Compress, BrotliRoundTrip) {
  const std::string page = sample_page();
  std::string br = brotli_compress(page);
  EXPECT_LT(br.size(), gzip_compress(page).size());
  auto back = brotli_decompress(br);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(*back, page);
  back = brotli_decompress(brotli_compress("", 0));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, "");
  EXPECT_FALSE(brotli_decompress(std::string_view(br).substr(0, br.size() / 2)));
}

}  // namespace
}  // namespace reelpress::util
