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
// Files a browser or a web server would run (HTML, SVG, XML, scripts: media/active_content.h)
// are copied too, since old pages may link them and the live site sends them only as
// downloads, but they are listed in the summary by name, for the editors to look at: the
// static export renames them so that no file server sends them as documents, and the ZIM file
// leaves them out.
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
#include <vector>

#include "util/result.h"

namespace reelpress::importer {

struct UploadsSummary {
  std::uint64_t copied = 0;
  std::uint64_t copied_bytes = 0;
  std::uint64_t unchanged = 0;
  std::uint64_t skipped = 0;  // Links, special files, hidden names.
  // Files copied or unchanged that a browser or a web server would run, in the order met.
  struct Active {
    std::string name;  // "2009/07/notes.html"
    std::string kind;  // "HTML"
  };
  std::vector<Active> active;

  // "Copied 412 files (38.2 MB); 3 unchanged; skipped 2 (links, hidden or special files)."
  // and, when some would run, a line on what the exports do with them and one per file
  // ("  2009/07/notes.html (HTML)"), the first kMaxActiveListed of them.
  std::string to_string() const;
};

inline constexpr std::size_t kMaxActiveListed = 100;

// kNotFound when `from` is not a folder; kIo (with the path) when a file cannot be read or
// written; kInternal when libmagic cannot load its database.
util::Result<UploadsSummary> copy_uploads(const std::filesystem::path& from,
                                          const std::filesystem::path& to);

}  // namespace reelpress::importer
