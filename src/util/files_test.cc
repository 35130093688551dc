#include "util/files.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "util/scoped_temp_dir.h"

namespace reelpress::util {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(WriteFileAtomically, WritesAndReplacesWhole) {
  ScopedTempDir dir;
  const auto path = dir.path() / "site.toml";
  ASSERT_TRUE(write_file_atomically(path, "first"));
  EXPECT_EQ(read(path), "first");
  ASSERT_TRUE(write_file_atomically(path, "second, longer", Sync::kNo));
  EXPECT_EQ(read(path), "second, longer");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "site.toml.part"));
}

TEST(WriteFileAtomically, AFullDiskKeepsTheOldFileAndSaysWhich) {
  ScopedTempDir dir;
  const auto path = dir.path() / "site.toml";
  ASSERT_TRUE(write_file_atomically(path, "old"));
  std::filesystem::create_symlink("/dev/full", dir.path() / "site.toml.part");
  const Status s = write_file_atomically(path, "new");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kNoSpace);
  EXPECT_EQ(s.error().message, "cannot write " + path.string() + ": No space left on device");
  EXPECT_EQ(read(path), "old");
  EXPECT_FALSE(std::filesystem::is_symlink(dir.path() / "site.toml.part"));
}

TEST(WriteFileAtomically, AMissingFolderIsAnError) {
  ScopedTempDir dir;
  EXPECT_FALSE(write_file_atomically(dir.path() / "missing" / "site.toml", "x"));
}

TEST(AtomicFile, AppearsOnlyOnCommit) {
  ScopedTempDir dir;
  const auto path = dir.path() / "out.warc.gz";
  {
    auto file = AtomicFile::create(path, Sync::kNo);
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->write("one "));
    ASSERT_TRUE(file->write("two"));
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(file->commit());
  }
  EXPECT_EQ(read(path), "one two");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.warc.gz.part"));
}

TEST(AtomicFile, DroppedWithoutCommitLeavesNothing) {
  ScopedTempDir dir;
  const auto path = dir.path() / "out.zim";
  {
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->write("half"));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.zim.part"));
}

TEST(ReadFile, ReadsWholeAndTellsMissingFromUnreadable) {
  ScopedTempDir dir;
  const std::string big(200000, 'x');
  ASSERT_TRUE(write_file_atomically(dir.path() / "big", big, Sync::kNo));
  auto bytes = read_file(dir.path() / "big");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, big);
  auto missing = read_file(dir.path() / "missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto folder = read_file(dir.path());
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().code, ErrorCode::kIo);
  EXPECT_NE(folder.error().message.find(dir.path().string()), std::string::npos);
}

}  // namespace
}  // namespace reelpress::util
