// Writing whole files so that nobody ever sees half of one.
//
// write_file_atomically writes `bytes` to a temporary name beside `path` ("PATH.part") and
// renames it over `path`: readers see the old file or the new one, never a mix, and a
// failure (disk full, no permission) removes the temporary file and leaves `path` as it was.
// With Sync::kYes the bytes are flushed to the disk before the rename, so the new file also
// survives a power loss; settings want that, export trees of thousands of files do not.
//
// Example:
//   REELPRESS_RETURN_IF_ERROR(util::write_file_atomically("site/site.toml", text));
//   // on failure: kIo, "cannot write site/site.toml: No space left on device"
#pragma once

#include <filesystem>
#include <string_view>

#include "util/result.h"

namespace reelpress::util {

enum class Sync { kYes, kNo };

Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                             Sync sync = Sync::kYes);

}  // namespace reelpress::util
