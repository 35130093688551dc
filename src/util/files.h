// Reading whole files, and writing files so that nobody ever sees half of one.
//
// AtomicFile writes to a temporary name beside its path ("PATH.part") and renames it over the
// path on commit(): readers see the old file or the new one, never a mix, and a failure (disk
// full, no permission) or a destruction without commit() removes the temporary file and
// leaves the path as it was. With Sync::kYes the bytes are flushed to the disk before the
// rename, so the new file also survives a power loss; settings and single archive files want
// that, export trees of thousands of files do not.
//
// Example:
//   REELPRESS_RETURN_IF_ERROR(util::write_file_atomically("site/site.toml", text));
//   // on failure: kIo, "cannot write site/site.toml: No space left on device"
//
//   auto file = util::AtomicFile::create("out.warc.gz");
//   if (!file) return util::fail(file.error());
//   REELPRESS_RETURN_IF_ERROR(file->write(record));   // as often as needed
//   REELPRESS_RETURN_IF_ERROR(file->commit());
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.h"

namespace reelpress::util {

enum class Sync { kYes, kNo };

class AtomicFile {
 public:
  static Result<AtomicFile> create(const std::filesystem::path& path, Sync sync = Sync::kYes);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();  // Without commit(): the temporary file is removed.

  Status write(std::string_view bytes);
  Status commit();

  const std::filesystem::path& path() const { return path_; }

 private:
  AtomicFile(std::filesystem::path path, std::filesystem::path part, int fd, Sync sync);
  Status failed(int err);

  std::filesystem::path path_;
  std::filesystem::path part_;
  int fd_ = -1;
  Sync sync_ = Sync::kYes;
};

Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                             Sync sync = Sync::kYes);

// kNotFound when the file does not exist, kIo (naming it) when it cannot be read.
Result<std::string> read_file(const std::filesystem::path& path);

}  // namespace reelpress::util
