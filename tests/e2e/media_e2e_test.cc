// Media files, end to end: the real binary serves files from the site's media folder, small
// ones from its cache and large ones straight from the file, and the tests read them as a
// video player, a download manager or a client that stops reading would.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "e2e_support.h"

namespace reelpress::e2e {
namespace {

using namespace std::chrono_literals;

// The server's peak resident memory so far (VmHWM), in bytes; -1 when it cannot be read.
std::int64_t peak_resident_bytes(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::atoll(line.c_str() + 6) * 1024;
  }
  return -1;
}

std::string range_header(std::int64_t first, std::int64_t last) {
  return "bytes=" + std::to_string(first) + "-" + std::to_string(last);
}

// A whole episode: 1 GiB, sparse (ftruncate), so it costs no disk, with a mark in the middle
// that a Range must find.
constexpr std::int64_t kEpisodeBytes = std::int64_t{1} << 30;
constexpr std::int64_t kMarkAt = kEpisodeBytes / 2 + 12345;
constexpr std::string_view kMark = "REELPRESS";
constexpr const char* kEpisode = "/files/video/episode.mp4";

class LargeMediaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_demo_site(site());
    std::filesystem::create_directories(site() / "media" / "video");
    const int fd = ::open((site() / "media/video/episode.mp4").c_str(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, kEpisodeBytes), 0);
    ASSERT_EQ(::pwrite(fd, kMark.data(), kMark.size(), kMarkAt),
              static_cast<ssize_t>(kMark.size()));
    ::close(fd);
  }
  std::filesystem::path site() const { return dir_.path() / "site"; }

  TempDir dir_;
};

// Clients that ask for the whole episode and then read nothing hold the server's answers
// open; the server must not hold a copy of the file for each (it did: 1 GiB per client), and
// ranges, HEAD and pages are answered meanwhile.
TEST_F(LargeMediaTest, ClientsThatStopReadingCostTheServerNoCopyOfTheFile) {
  Server server(site());
  ASSERT_EQ(get(server.port(), "/").status, 200);
  const std::int64_t before = peak_resident_bytes(server.pid());
  ASSERT_GT(before, 0);

  std::vector<std::unique_ptr<Connection>> stalled;
  for (int i = 0; i < 4; ++i) {
    stalled.push_back(std::make_unique<Connection>(server.port()));
    stalled.back()->send_raw(std::string("GET ") + kEpisode + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  for (auto& client : stalled) {
    // The head only: the client reads nothing of the body.
    auto head = client->read_response(/*head=*/true, 60s);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->header("content-length"), std::to_string(kEpisodeBytes));
    EXPECT_EQ(head->header("content-type"), "video/mp4");
    EXPECT_EQ(head->header("accept-ranges"), "bytes");
  }

  // A player seeking: one byte, and the bytes around the mark.
  const Response one = get(server.port(), kEpisode, {{"Range", range_header(kMarkAt, kMarkAt)}});
  EXPECT_EQ(one.status, 206);
  EXPECT_EQ(one.body, "R");
  const std::string at = std::to_string(kMarkAt);
  EXPECT_EQ(one.header("content-range"),
            "bytes " + at + "-" + at + "/" + std::to_string(kEpisodeBytes));
  const Response around =
      get(server.port(), kEpisode, {{"Range", range_header(kMarkAt - 2, kMarkAt + 10)}});
  EXPECT_EQ(around.status, 206);
  EXPECT_EQ(around.body, std::string(2, '\0') + std::string(kMark) + std::string(2, '\0'));
  const Response last = get(server.port(), kEpisode, {{"Range", "bytes=-3"}});
  EXPECT_EQ(last.status, 206);
  EXPECT_EQ(last.body, std::string(3, '\0'));
  EXPECT_EQ(get(server.port(), kEpisode, {{"Range", "bytes=2000000000-"}}).status, 416);

  const Response head = get(server.port(), kEpisode, {}, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(kEpisodeBytes));
  EXPECT_TRUE(head.body.empty());

  // A cached page still answers while the stalled answers wait.
  EXPECT_EQ(get(server.port(), "/").status, 200);

  const std::int64_t after = peak_resident_bytes(server.pid());
  EXPECT_LT(after - before, std::int64_t{200} << 20)
      << "peak resident memory went from " << (before >> 20) << " MB to " << (after >> 20)
      << " MB serving a " << (kEpisodeBytes >> 20) << " MB file";
}

// Just above the media cache's per-file limit (8 MB by default), so sent from the file: the
// bytes arrive exact and whole, validators and ranges work, and the connection goes on.
TEST(LargeMedia, AFileAboveTheCacheLimitIsSentExactlyWithValidatorsAndRanges) {
  TempDir dir;
  const auto site = dir.path() / "site";
  make_demo_site(site);
  std::string bytes(9 << 20, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i % 251);
  std::filesystem::create_directories(site / "media" / "2026" / "12");
  std::ofstream(site / "media/2026/12/press-kit.zip", std::ios::binary) << bytes;
  Server server(site);

  Connection client(server.port());
  const std::string request =
      "GET /wp-content/uploads/2026/12/press-kit.zip HTTP/1.1\r\nHost: x\r\n";
  client.send_raw(request + "\r\n");
  auto whole = client.read_response(false, 30s);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->header("content-type"), "application/zip");
  EXPECT_TRUE(whole->body == bytes) << "the body differs from the file";
  const std::string etag = whole->header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_FALSE(whole->header("last-modified").empty());

  // On the same connection: the end of the file, then a conditional request.
  client.send_raw(request + "Range: bytes=-10\r\n\r\n");
  auto tail = client.read_response(false, 30s);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->body, bytes.substr(bytes.size() - 10));
  client.send_raw(request + "If-None-Match: " + etag + "\r\n\r\n");
  auto unchanged = client.read_response(false, 30s);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->status, 304);
  EXPECT_TRUE(unchanged->body.empty());

  // If-Range with another file's tag gets the whole file; with this one's, the range.
  client.send_raw(request + "Range: bytes=100-199\r\nIf-Range: \"other\"\r\n\r\n");
  auto other = client.read_response(false, 30s);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(other->body.size(), bytes.size());
  client.send_raw(request + "Range: bytes=100-199\r\nIf-Range: " + etag + "\r\n\r\n");
  auto same = client.read_response(false, 30s);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 206);
  EXPECT_EQ(same->body, bytes.substr(100, 100));
}

TEST(Media, APdfOpensAsADownloadNotInTheSitesOrigin) {
  // A PDF can carry JavaScript that a browser's viewer runs; as an attachment it cannot run as
  // the site. Small (cached) and large (sent from the file) alike.
  TempDir dir;
  const auto site = dir.path() / "site";
  make_demo_site(site);
  std::filesystem::create_directories(site / "media" / "2026" / "12");
  const std::string pdf = "%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript >> >>\n%%EOF\n";
  std::ofstream(site / "media/2026/12/small.pdf", std::ios::binary) << pdf;
  std::ofstream(site / "media/2026/12/large.pdf", std::ios::binary)
      << pdf << std::string(9 << 20, ' ');
  Server server(site);
  for (const char* name : {"small.pdf", "large.pdf"}) {
    const Response r = get(server.port(), std::string("/files/2026/12/") + name);
    EXPECT_EQ(r.status, 200) << name;
    EXPECT_EQ(r.header("content-type"), "application/pdf") << name;
    EXPECT_EQ(r.header("content-disposition"), "attachment") << name;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << name;
  }
}

}  // namespace
}  // namespace reelpress::e2e
