#include "archive/zim_export.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "archive/illustration.h"

namespace reelpress::archive {
namespace {

TEST(RelativeFileLink, ClimbsOutOfThePagesFolderOnly) {
  EXPECT_EQ(relative_file_link("a/b/index.html", "c/x.css"), "../../c/x.css");
  EXPECT_EQ(relative_file_link("index.html", "c/index.html"), "c/index.html");
  EXPECT_EQ(relative_file_link("a/b/index.html", "index.html"), "../../index.html");
  EXPECT_EQ(relative_file_link("a/b/index.html", "a/b/index.html"), "index.html");
  EXPECT_EQ(relative_file_link("a/b/index.html", "a/c/index.html"), "../c/index.html");
  EXPECT_EQ(relative_file_link("a/b/index.html", "a/b/comment-page-2/index.html"),
            "comment-page-2/index.html");
  // A folder named as the file beside it is not the same thing.
  EXPECT_EQ(relative_file_link("a/index.html", "a"), "../a");
}

TEST(WithRelativeLinks, RewritesSameSiteLinksAndKeepsTheRest) {
  const std::string html =
      "<link href=\"/assets/style.css?v=3\" rel=stylesheet>"
      "<a href=\"/\">home</a> <a href=\"http://www.example.org/c/#top\">own</a>"
      "<a href=\"https://other.example/x/\">other</a> <a href=\"#comments\">here</a>"
      "<img src=\"/files/2011/07/a b.jpg\" alt=\"\"> <a href=\"/소금/\">salt</a>"
      "<a href=\"/tag/caf&amp;e/\">entity</a> <a href=\"/a/../etc/\">odd</a>";
  EXPECT_EQ(with_relative_links(html, "http://www.example.org", "/2010/05/film/"),
            "<link href=\"../../../assets/style.css\" rel=stylesheet>"
            "<a href=\"../../../index.html\">home</a> "
            "<a href=\"../../../c/index.html#top\">own</a>"
            "<a href=\"https://other.example/x/\">other</a> <a href=\"#comments\">here</a>"
            "<img src=\"../../../files/2011/07/a%20b.jpg\" alt=\"\"> "
            "<a href=\"../../../%EC%86%8C%EA%B8%88/index.html\">salt</a>"
            "<a href=\"../../../tag/caf%26e/index.html\">entity</a> "
            "<a href=\"/a/../etc/\">odd</a>");
}

TEST(ZimLanguage, MapsBcp47TagsToIso6393) {
  EXPECT_EQ(zim_language("en-US"), "eng");
  EXPECT_EQ(zim_language("en"), "eng");
  EXPECT_EQ(zim_language("ko"), "kor");
  EXPECT_EQ(zim_language("FR-ca"), "fra");
  EXPECT_EQ(zim_language("fra"), "fra");
  EXPECT_EQ(zim_language("xx"), "und");
}

std::uint32_t read_u32(const std::string& bytes, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(bytes[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(bytes[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(bytes[at + 2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(bytes[at + 3])};
}

// Reads the PNG back chunk by chunk, checking every CRC, and inflates the pixels.
TEST(ReelIllustration, IsAValid48PixelPngWithATransparentGroundAndAnOpaqueReel) {
  const std::string png = reel_illustration(48, {0x8a, 0x3b, 0x12});
  ASSERT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  std::size_t at = 8;
  std::string idat;
  std::vector<std::string> types;
  while (at < png.size()) {
    const std::uint32_t length = read_u32(png, at);
    const std::string type = png.substr(at + 4, 4);
    const std::string data = png.substr(at + 8, length);
    const auto crc = crc32(0, reinterpret_cast<const Bytef*>(png.data() + at + 4), length + 4);
    EXPECT_EQ(read_u32(png, at + 8 + length), crc) << type;
    types.push_back(type);
    if (type == "IHDR") {
      EXPECT_EQ(read_u32(data, 0), 48u);
      EXPECT_EQ(read_u32(data, 4), 48u);
      EXPECT_EQ(data[8], 8);  // Bits per channel.
      EXPECT_EQ(data[9], 6);  // RGBA.
    }
    if (type == "IDAT") idat += data;
    at += 12 + length;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  uLongf size = 48 * (1 + 48 * 4);
  std::string raw(size, '\0');
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &size,
                       reinterpret_cast<const Bytef*>(idat.data()), idat.size()),
            Z_OK);
  ASSERT_EQ(size, 48u * (1 + 48 * 4));
  auto alpha = [&](int x, int y) {
    return static_cast<unsigned char>(raw[y * (1 + 48 * 4) + 1 + x * 4 + 3]);
  };
  EXPECT_EQ(alpha(0, 0), 0);                            // The corner: outside the reel.
  EXPECT_EQ(alpha(24, 24), 0);                          // The hub's hole.
  EXPECT_EQ(alpha(24, 12), 0);                          // The top window.
  EXPECT_EQ(alpha(24, 4), 255);                         // The rim above it.
  EXPECT_EQ(static_cast<unsigned char>(raw[1]), 0x8a);  // Transparent pixels keep the colour.
}

TEST(EncodePng, RefusesPixelsThatDoNotMatchTheSize) {
  EXPECT_THROW(encode_png(2, 2, std::vector<std::uint8_t>(15)), std::invalid_argument);
}

}  // namespace
}  // namespace reelpress::archive
