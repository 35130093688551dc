// The site's uploaded files (DIR/media/), served at /files/PATH and /wp-content/uploads/PATH,
// the two URL forms WordPress used for them.
//
// What a reader gets is decided here and nowhere else:
//   - Only regular files under the media folder: a path with an empty, "." or ".." segment, a
//     hidden segment (".htaccess"), a backslash or a NUL is not found, and so is anything
//     that resolves (through a symbolic link) outside the folder.
//   - A fixed Content-Type by extension from a short list of media and document types, and
//     "X-Content-Type-Options: nosniff". Anything else (HTML, scripts, PHP left in an old
//     uploads folder) is sent as application/octet-stream with "Content-Disposition:
//     attachment", so it is never rendered in the site's origin. SVG, which can carry script,
//     is sent with a Content-Security-Policy that forbids script and sandboxes it.
//   - Byte ranges (Response::byte_ranges), a strong ETag and Last-Modified: the server answers
//     Range, If-Range and conditional requests from them.
//
// Files up to an eighth of the cache (stills, posters, audio, documents) are read whole and
// kept in a byte-bounded LRU cache, checked against the file's size, inode and modification
// time on every request (one stat), so a replaced file is served at once; their ETag is a hash
// of their bytes. Larger files (whole episodes) are never read here: the response carries the
// open file (Response::file), whose ETag is made of its inode, size and modification time, and
// the server sends from it only the bytes a request asks for, a piece at a time. So memory
// per request does not grow with the file, and a Range or HEAD costs one open.
//
// Thread-safe: serve() may be called from every server thread at once.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "cache/lru_cache.h"
#include "site/http.h"

namespace reelpress::site {

class MediaFiles {
 public:
  // root: the media folder (it may not exist yet: then nothing is found).
  MediaFiles(std::filesystem::path root, std::size_t cache_bytes);

  // The 200 response for the file at `relative_path` ("2011/07/still.jpg", percent-decoded),
  // or nullopt when there is no such file a reader may fetch. Its payload is in `body` for a
  // file up to an eighth of the cache, in `file` for a larger one.
  std::optional<Response> serve(std::string_view relative_path) const;

  // The Content-Type sent for a file name, and whether it may be shown inline.
  struct Type {
    std::string_view content_type;
    bool inline_ok;
  };
  static Type type_for(std::string_view file_name);

  // Whether `relative_path` is one a reader may ask for (see above); pure syntax.
  static bool is_safe_path(std::string_view relative_path);

  // The file a reader asking for `relative_path` under `root` gets: its real path (links
  // followed) and status, when the path is safe and its real path is a regular file inside
  // root's; nullopt otherwise. What serve() sends, and what the exports copy.
  struct Found {
    std::string real_path;
    struct stat info;
  };
  static std::optional<Found> find(const std::filesystem::path& root,
                                   std::string_view relative_path);

  // The response for the file named `file_name` without its payload: type, nosniff, caching,
  // Content-Disposition for what may not be shown inline, an SVG's sandbox.
  static Response response_for(std::string_view file_name);

 private:
  struct Cached;
  std::filesystem::path root_;
  std::size_t max_cached_file_bytes_;
  mutable cache::LruCache<Cached> cache_;
};

}  // namespace reelpress::site
