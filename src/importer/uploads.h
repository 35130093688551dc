// Copies a WordPress uploads folder (a copy of the old site's wp-content/uploads, or of
// blogs.dir/N/files on a multisite) into a site's media folder, keeping each file's relative
// path, so that every /wp-content/uploads/... and /files/... URL of the old site, the resized
// variants the bodies link to ("still-300x200.jpg") included, answers again.
//
// What is copied: regular files whose every path segment is one a reader may fetch
// (site/media_files.h: no hidden names like ".htaccess"). Symbolic links, sockets and other
// special files are skipped and counted. A file already in the media folder with the same
// size and modification time is left alone, so a second run copies only what is new.
//
// Nothing half-written is ever left under a final name: each file is written to a temporary
// name beside it, flushed, and renamed. On an error (disk full, permission) the copy stops,
// the temporary file is removed, and the error names the file; what was copied before stays
// and a re-run resumes.
//
// Example:
//   auto copied = copy_uploads("/backup/wp-content/uploads", site.media_path());
//   if (!copied) die(copied.error().message);  // "cannot write media/2011/07/a.jpg: ..."
//   std::cout << copied->to_string() << "\n";  // "Copied 412 files (38.2 MB); ..."
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "util/result.h"

namespace reelpress::importer {

struct UploadsSummary {
  std::uint64_t copied = 0;
  std::uint64_t copied_bytes = 0;
  std::uint64_t unchanged = 0;
  std::uint64_t skipped = 0;  // Links, special files, hidden names.

  // "Copied 412 files (38.2 MB); 3 unchanged; skipped 2 (links, hidden or special files)."
  std::string to_string() const;
};

// kNotFound when `from` is not a folder; kIo (with the path) when a file cannot be read or
// written.
util::Result<UploadsSummary> copy_uploads(const std::filesystem::path& from,
                                          const std::filesystem::path& to);

}  // namespace reelpress::importer
