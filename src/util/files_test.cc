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
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
  EXPECT_EQ(s.error().message, "cannot write " + path.string() + ": No space left on device");
  EXPECT_EQ(read(path), "old");
  EXPECT_FALSE(std::filesystem::is_symlink(dir.path() / "site.toml.part"));
}

TEST(WriteFileAtomically, AMissingFolderIsAnError) {
  ScopedTempDir dir;
  EXPECT_FALSE(write_file_atomically(dir.path() / "missing" / "site.toml", "x"));
}

}  // namespace
}  // namespace reelpress::util
