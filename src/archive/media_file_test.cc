#include "archive/media_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "site/media_files.h"
#include "util/scoped_temp_dir.h"

namespace reelpress::archive {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(MediaFileFor, ResolvesBothUrlFormsToTheFileTheServerSends) {
  util::ScopedTempDir dir;
  const fs::path media = dir.path() / "media";
  write(media / "2011/07/still.jpg", "still");
  for (const char* url : {"/files/2011/07/still.jpg", "/wp-content/uploads/2011/07/still.jpg"}) {
    const auto file = media_file_for(url, media);
    ASSERT_TRUE(file) << url;
    EXPECT_EQ(file->name, "2011/07/still.jpg");
    EXPECT_EQ(file->size, 5u);
    EXPECT_EQ(file->path, fs::canonical(media / "2011/07/still.jpg"));
    EXPECT_GT(file->modified, 0);
  }
}

TEST(MediaFileFor, LeavesEverythingElseToTheHandler) {
  util::ScopedTempDir dir;
  const fs::path media = dir.path() / "media";
  write(media / "2011/07/still.jpg", "still");
  write(media / ".htaccess", "Deny from all");
  write(dir.path() / "secret.txt", "secret");
  fs::create_symlink(dir.path() / "secret.txt", media / "2011/link.txt");
  for (const char* url :
       {"/", "/about/", "/theme/style.css", "/files/2011/07/missing.jpg", "/files/2011/07/",
        "/files/.htaccess", "/files/2011/link.txt", "/files/2011/../../secret.txt"}) {
    EXPECT_FALSE(media_file_for(url, media)) << url;
  }
  EXPECT_FALSE(media_file_for("/files/2011/07/still.jpg", ""));
}

// The crawl describes a medium's response without reading it: what it says must be what the
// live server sends.
TEST(MediaResponse, IsTheLiveServersResponseWithoutItsBody) {
  util::ScopedTempDir dir;
  const fs::path media = dir.path() / "media";
  site::MediaFiles live(media, 1 << 20);
  for (const char* name : {"still.jpg", "map.svg", "notes.html", "press-kit.pdf", "clip.mp4",
                           "archive.rar", "noextension"}) {
    write(media / name, "bytes");
    const auto file = media_file_for(std::string("/files/") + name, media);
    ASSERT_TRUE(file) << name;
    const site::Response described = media_response(*file);
    const auto served = live.serve(name);
    ASSERT_TRUE(served) << name;
    EXPECT_EQ(described.status, served->status) << name;
    EXPECT_EQ(described.content_type, served->content_type) << name;
    EXPECT_EQ(described.cache_control, served->cache_control) << name;
    EXPECT_EQ(described.byte_ranges, served->byte_ranges) << name;
    EXPECT_EQ(described.headers, served->headers) << name;
    EXPECT_EQ(described.content_security_policy, served->content_security_policy) << name;
    EXPECT_EQ(described.body, nullptr);
  }
}

TEST(ReadInPieces, HandsOverTheFileInBoundedPiecesAndNoticesAChange) {
  util::ScopedTempDir dir;
  std::string bytes(kPieceBytes * 2 + 10, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31);
  write(dir.path() / "media/clip.mp4", bytes);
  auto file = media_file_for("/files/clip.mp4", dir.path() / "media");
  ASSERT_TRUE(file);
  std::string read;
  std::size_t pieces = 0;
  ASSERT_TRUE(read_in_pieces(*file, [&](std::string_view piece) -> util::Status {
    EXPECT_LE(piece.size(), kPieceBytes);
    ++pieces;
    read.append(piece);
    return {};
  }));
  EXPECT_EQ(read, bytes);
  EXPECT_EQ(pieces, 3u);

  // The visitor's error stops the reading.
  pieces = 0;
  auto stopped = read_in_pieces(*file, [&](std::string_view) -> util::Status {
    ++pieces;
    return util::fail(util::ErrorCode::kIo, "disk full");
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message, "disk full");
  EXPECT_EQ(pieces, 1u);

  // A file that grew or shrank since the crawl saw it is an error that names it.
  for (const std::string& now : {bytes + "x", bytes.substr(1)}) {
    write(dir.path() / "media/clip.mp4", now);
    auto changed = read_in_pieces(*file, [](std::string_view) { return util::Status{}; });
    ASSERT_FALSE(changed) << now.size();
    EXPECT_EQ(changed.error().code, util::ErrorCode::kIo);
    EXPECT_NE(changed.error().message.find("clip.mp4: it changed during the export"),
              std::string::npos)
        << changed.error().message;
  }
}

}  // namespace
}  // namespace reelpress::archive
