#include "importer/uploads.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "util/scoped_temp_dir.h"

namespace reelpress::importer {
namespace {

namespace fs = std::filesystem;

class UploadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    from_ = dir_ / "uploads";
    to_ = dir_ / "media";
  }

  void write(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }
  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }

  util::ScopedTempDir temp_;
  fs::path dir_, from_, to_;
};

TEST_F(UploadsTest, CopiesEveryFileWithItsPathAndTimeThenOnlyWhatChanged) {
  write(from_ / "2011/07/still.jpg", "still");
  write(from_ / "2011/07/still-300x200.jpg", "small");
  write(from_ / "2012/guide.pdf", "guide");
  auto first = copy_uploads(from_, to_);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->copied, 3u);
  EXPECT_EQ(first->copied_bytes, 15u);
  EXPECT_EQ(read(to_ / "2011/07/still-300x200.jpg"), "small");
  EXPECT_EQ(fs::last_write_time(to_ / "2012/guide.pdf"),
            fs::last_write_time(from_ / "2012/guide.pdf"));

  write(from_ / "2012/guide.pdf", "guide, second edition");
  auto second = copy_uploads(from_, to_);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->copied, 1u);
  EXPECT_EQ(second->unchanged, 2u);
  EXPECT_EQ(read(to_ / "2012/guide.pdf"), "guide, second edition");
  EXPECT_EQ(second->to_string(), "Copied 1 file (0.0 MB); 2 unchanged.");
  for (const auto& entry : fs::recursive_directory_iterator(to_)) {
    EXPECT_NE(entry.path().extension(), ".part") << "a temporary file was left behind";
  }
}

TEST_F(UploadsTest, SkipsLinksHiddenFilesAndHiddenFolders) {
  write(dir_ / "secret.txt", "secret");
  write(from_ / "2011/a.jpg", "a");
  write(from_ / ".htaccess", "Deny from all");
  write(from_ / "2011/.git/config", "x");
  fs::create_symlink(dir_ / "secret.txt", from_ / "2011/link.txt");
  auto summary = copy_uploads(from_, to_);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->copied, 1u);
  EXPECT_EQ(summary->skipped, 3u);
  EXPECT_FALSE(fs::exists(to_ / ".htaccess"));
  EXPECT_FALSE(fs::exists(to_ / "2011/link.txt"));
  EXPECT_FALSE(fs::exists(to_ / "2011/.git"));
}

TEST_F(UploadsTest, ListsWhatABrowserOrAServerWouldRunAndCopiesItAllTheSame) {
  write(from_ / "2011/still.jpg", "\xFF\xD8\xFF\xE0");
  write(from_ / "2011/notes.html", "<p>notes</p>");
  write(from_ / "2011/readme", "<!DOCTYPE html><script>alert(1)</script>");
  auto summary = copy_uploads(from_, to_);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->copied, 3u);
  EXPECT_TRUE(fs::exists(to_ / "2011/notes.html"));
  ASSERT_EQ(summary->active.size(), 2u);
  const std::string text = summary->to_string();
  EXPECT_NE(text.find("2 files are ones a browser or a web server would run"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\n  2011/notes.html (HTML)"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  2011/readme (HTML)"), std::string::npos) << text;
  EXPECT_EQ(text.find("still.jpg"), std::string::npos) << text;
  // Unchanged on a second run, and listed still.
  auto again = copy_uploads(from_, to_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->unchanged, 3u);
  EXPECT_EQ(again->active.size(), 2u);
}

TEST_F(UploadsTest, AMissingFolderIsAClearError) {
  auto missing = copy_uploads(dir_ / "nope", to_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, util::ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
}

TEST_F(UploadsTest, AnUnwritableTargetIsAClearErrorAndLeavesNoPartFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
  write(from_ / "2011/a.jpg", "a");
  fs::create_directories(to_ / "2011");
  fs::permissions(to_ / "2011", fs::perms::owner_read | fs::perms::owner_exec);
  auto failed = copy_uploads(from_, to_);
  fs::permissions(to_ / "2011", fs::perms::owner_all);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, util::ErrorCode::kIo);
  EXPECT_NE(failed.error().message.find("2011/a.jpg"), std::string::npos) << failed.error().message;
  EXPECT_FALSE(fs::exists(to_ / "2011/a.jpg.part"));
}

TEST_F(UploadsTest, AFullDiskLeavesNothingUnderTheFinalName) {
  // /dev/full fails every write with ENOSPC, as a full disk does.
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  write(from_ / "a.jpg", "bytes");
  fs::create_directories(to_);
  fs::create_symlink("/dev/full", to_ / "a.jpg.part");
  auto failed = copy_uploads(from_, to_);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("No space left"), std::string::npos)
      << failed.error().message;
  EXPECT_FALSE(fs::exists(to_ / "a.jpg"));
  EXPECT_FALSE(fs::is_symlink(to_ / "a.jpg.part"));
}

}  // namespace
}  // namespace reelpress::importer
