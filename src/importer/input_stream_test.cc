#include "importer/input_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "util/compress.h"

namespace reelpress::importer {
namespace {

util::Result<std::string> read_all(InputStream& in, std::size_t chunk = 7) {
  std::string out;
  std::string buffer(chunk, '\0');
  while (true) {
    auto n = in.read(buffer.data(), buffer.size());
    if (!n) return util::fail(n.error());
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

std::string big_text() {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "<p>line " + std::to_string(i) + "</p>\n";
  return text;
}

TEST(InputStream, PlainTextPassesThrough) {
  auto in = InputStream::from_string("<rss/>", "x.xml");
  auto all = read_all(*in);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(*all, "<rss/>");
  EXPECT_FALSE(in->compressed());
  EXPECT_EQ(in->bytes_produced(), 6u);
  EXPECT_EQ(in->bytes_consumed(), 6u);
}

TEST(InputStream, GzipIsRecognizedByItsMagicBytes) {
  const std::string text = big_text();
  auto in = InputStream::from_string(util::gzip_compress(text), "export.xml");
  auto all = read_all(*in, 4096);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(*all, text);
  EXPECT_TRUE(in->compressed());
  EXPECT_EQ(in->bytes_produced(), text.size());
  EXPECT_LT(in->bytes_consumed(), text.size());
  EXPECT_EQ(in->expected_bytes(), text.size());  // From the gzip trailer.
}

TEST(InputStream, ConcatenatedGzipMembersReadAsOne) {
  auto in =
      InputStream::from_string(util::gzip_compress("abc") + util::gzip_compress("def"), "two.gz");
  auto all = read_all(*in);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(*all, "abcdef");
}

TEST(InputStream, ZeroPaddingAfterTheLastMemberIsIgnored) {
  auto in = InputStream::from_string(util::gzip_compress("abc") + std::string(8, '\0'), "pad.gz");
  auto all = read_all(*in);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(*all, "abc");
}

TEST(InputStream, TruncatedGzipIsAnError) {
  const std::string gz = util::gzip_compress(big_text());
  for (std::size_t cut : {gz.size() / 2, gz.size() - 4, std::size_t{5}}) {
    auto in = InputStream::from_string(gz.substr(0, cut), "cut.xml.gz");
    auto all = read_all(*in, 4096);
    ASSERT_FALSE(all) << cut;
    EXPECT_EQ(all.error().code, util::ErrorCode::kInvalidArgument);
    EXPECT_NE(all.error().message.find("cut.xml.gz: the gzip data ends too early"),
              std::string::npos)
        << all.error().message;
  }
}

TEST(InputStream, DamagedGzipIsAnError) {
  std::string gz = util::gzip_compress(big_text());
  for (std::size_t i = 20; i < 60; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
  auto in = InputStream::from_string(gz, "bad.gz");
  auto all = read_all(*in, 4096);
  ASSERT_FALSE(all);
  EXPECT_NE(all.error().message.find("bad.gz: the gzip data is damaged"), std::string::npos)
      << all.error().message;
}

TEST(InputStream, OpenReportsMissingFilesAndDirectories) {
  auto missing = InputStream::open("/nonexistent/export.xml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, util::ErrorCode::kNotFound);
  auto dir = InputStream::open("/tmp");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, util::ErrorCode::kInvalidArgument);
}

TEST(InputStream, OpenReadsAFileAndKnowsItsSize) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("reelpress-input-" + std::to_string(::getpid()) + ".xml.gz");
  const std::string text = big_text();
  {
    std::ofstream out(path, std::ios::binary);
    out << util::gzip_compress(text);
  }
  auto in = InputStream::open(path.string());
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ((*in)->total_bytes(), std::filesystem::file_size(path));
  auto all = read_all(**in, 65536);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(*all, text);
  EXPECT_EQ((*in)->bytes_consumed(), std::filesystem::file_size(path));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace reelpress::importer
