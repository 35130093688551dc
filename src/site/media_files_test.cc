#include "site/media_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/scoped_temp_dir.h"

namespace reelpress::site {
namespace {

namespace fs = std::filesystem;

class MediaFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    fs::create_directories(dir_ / "media" / "2011" / "07");
  }

  void write(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }
  fs::path media() const { return dir_ / "media"; }

  util::ScopedTempDir temp_;
  fs::path dir_;
};

std::string header(const Response& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return {};
}

TEST(MediaFilesPaths, RefusesEverythingThatIsNotAPlainRelativePath) {
  EXPECT_TRUE(MediaFiles::is_safe_path("2011/07/still.jpg"));
  EXPECT_TRUE(MediaFiles::is_safe_path("poster.png"));
  for (const char* path :
       {"", "/etc/passwd", "2011//a.jpg", "2011/./a.jpg", "../site.toml", "2011/../../content.db",
        ".htaccess", "2011/.hidden/a.jpg", "2011\\a.jpg", "2011/", "a\nb.jpg"}) {
    EXPECT_FALSE(MediaFiles::is_safe_path(path)) << path;
  }
  EXPECT_FALSE(MediaFiles::is_safe_path(std::string_view("a\0b.jpg", 7)));
}

TEST(MediaFilesTypes, FixedTypesAndNothingThatRendersAsAPage) {
  EXPECT_EQ(MediaFiles::type_for("2011/07/a.JPG").content_type, "image/jpeg");
  EXPECT_EQ(MediaFiles::type_for("guide.pdf").content_type, "application/pdf");
  EXPECT_EQ(MediaFiles::type_for("clip.mp4").content_type, "video/mp4");
  for (const char* name :
       {"page.html", "page.htm", "x.xhtml", "a.js", "shell.php", "noext", "archive.tar.gz.exe"}) {
    const auto type = MediaFiles::type_for(name);
    EXPECT_EQ(type.content_type, "application/octet-stream") << name;
    EXPECT_FALSE(type.inline_ok) << name;
  }
}

// media/upload.h stores these extensions (and resized copies named "STEM-480w.EXT"); each
// must be served inline with the type the upload's content was checked to be.
TEST(MediaFilesTypes, EveryTypeThatUploadsStore) {
  const std::pair<const char*, const char*> stored[] = {
      {"2026/12/salt-road.jpg", "image/jpeg"},   {"2026/12/salt-road-480w.jpg", "image/jpeg"},
      {"2026/12/map-960w.png", "image/png"},     {"2026/12/route-1600w.gif", "image/gif"},
      {"2026/12/still-480w.webp", "image/webp"}, {"2026/12/interview.mp3", "audio/mpeg"},
      {"2026/12/interview.ogg", "audio/ogg"},    {"2026/12/trailer.mp4", "video/mp4"},
      {"2026/12/trailer.webm", "video/webm"},
  };
  for (const auto& [name, content_type] : stored) {
    const auto type = MediaFiles::type_for(name);
    EXPECT_EQ(type.content_type, content_type) << name;
    EXPECT_TRUE(type.inline_ok) << name;
  }
  // A PDF keeps its type but opens as a download: its scripts do not run as the site.
  EXPECT_EQ(MediaFiles::type_for("2026/12/lesson-plan.pdf").content_type, "application/pdf");
  EXPECT_FALSE(MediaFiles::type_for("2026/12/lesson-plan.pdf").inline_ok);
  // An upload's temporary file (util::AtomicFile), should one be fetched while it is written.
  EXPECT_FALSE(MediaFiles::type_for("2026/12/salt-road.jpg.part").inline_ok);
}

TEST_F(MediaFilesTest, ServesAResizedCopyWithItsTypeAndNosniff) {
  write(media() / "2026/12/still-480w.webp", "RIFF....WEBPVP8 ");
  MediaFiles files(media(), 1 << 20);
  auto response = files.serve("2026/12/still-480w.webp");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->content_type, "image/webp");
  EXPECT_EQ(header(*response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(*response, "Content-Disposition"), "");
}

TEST_F(MediaFilesTest, ServesAFileWithItsTypeValidatorsAndRanges) {
  write(media() / "2011/07/still.jpg", "JPEGDATA");
  MediaFiles files(media(), 1 << 20);
  auto response = files.serve("2011/07/still.jpg");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->content_type, "image/jpeg");
  EXPECT_EQ(response->body->identity, "JPEGDATA");
  EXPECT_TRUE(response->byte_ranges);
  EXPECT_FALSE(response->body->etag.empty());
  EXPECT_NE(response->body->last_modified, 0);
  EXPECT_EQ(header(*response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(*response, "Content-Disposition"), "");
  EXPECT_TRUE(response->body->gzip.empty());  // Media goes as it is.

  // The cached copy is shared while the file is unchanged...
  EXPECT_EQ(files.serve("2011/07/still.jpg")->body, response->body);
  // ...and a replaced file is served at once.
  write(media() / "2011/07/new.jpg", "NEWER BYTES");
  fs::rename(media() / "2011/07/new.jpg", media() / "2011/07/still.jpg");
  EXPECT_EQ(files.serve("2011/07/still.jpg")->body->identity, "NEWER BYTES");
}

TEST_F(MediaFilesTest, HtmlIsADownloadAndSvgCannotRunScript) {
  write(media() / "old/index.html", "<script>alert(1)</script>");
  write(media() / "map.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>");
  MediaFiles files(media(), 1 << 20);
  auto html = files.serve("old/index.html");
  ASSERT_TRUE(html);
  EXPECT_EQ(html->content_type, "application/octet-stream");
  EXPECT_EQ(header(*html, "Content-Disposition"), "attachment");
  auto svg = files.serve("map.svg");
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->content_type, "image/svg+xml");
  EXPECT_NE(svg->content_security_policy.find("sandbox"), std::string::npos);
}

TEST_F(MediaFilesTest, NothingOutsideTheFolderNorWhatIsNotAFile) {
  write(dir_ / "site.toml", "secret");
  write(dir_ / "outside/a.jpg", "outside");
  fs::create_symlink(dir_ / "outside", media() / "link");
  fs::create_symlink(dir_ / "site.toml", media() / "toml.jpg");
  MediaFiles files(media(), 1 << 20);
  EXPECT_FALSE(files.serve("../site.toml"));
  EXPECT_FALSE(files.serve("link/a.jpg"));
  EXPECT_FALSE(files.serve("toml.jpg"));
  EXPECT_FALSE(files.serve("2011/07"));  // A folder.
  EXPECT_FALSE(files.serve("2011/07/missing.jpg"));
  MediaFiles no_folder(dir_ / "absent", 1 << 20);
  EXPECT_FALSE(no_folder.serve("a.jpg"));
}

TEST_F(MediaFilesTest, LargeFilesAreSentFromTheFileNeverRead) {
  write(media() / "big.pdf", std::string(4096, 'x'));
  write(media() / "small.pdf", std::string(1024, 'y'));
  MediaFiles files(media(), 8 * 1024);  // Files above 1 KiB are not kept.
  auto big = files.serve("big.pdf");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->body, nullptr);
  ASSERT_NE(big->file, nullptr);
  EXPECT_EQ(big->file->size(), 4096u);
  EXPECT_NE(big->file->last_modified(), 0);
  EXPECT_TRUE(big->byte_ranges);
  EXPECT_EQ(big->content_type, "application/pdf");
  EXPECT_EQ(header(*big, "X-Content-Type-Options"), "nosniff");
  char bytes[4];
  ASSERT_EQ(::pread(big->file->fd(), bytes, sizeof bytes, 4092), 4);
  EXPECT_EQ(std::string(bytes, 4), "xxxx");
  // The same file keeps its tag; a replaced one gets another.
  const std::string etag = big->file->etag();
  EXPECT_EQ(files.serve("big.pdf")->file->etag(), etag);
  write(media() / "new.pdf", std::string(4096, 'z'));
  fs::rename(media() / "new.pdf", media() / "big.pdf");
  EXPECT_NE(files.serve("big.pdf")->file->etag(), etag);
  // At the limit, a file is still read and kept.
  auto small = files.serve("small.pdf");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->file, nullptr);
  EXPECT_EQ(files.serve("small.pdf")->body, small->body);
}

}  // namespace
}  // namespace reelpress::site
