#include "site/media_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>
#include <utility>

#include "util/hash.h"
#include "util/text.h"

namespace reelpress::site {
namespace {

// Files above this fraction of the cache are not kept, and not read either: the server sends
// them from the file. One would push out everything else.
constexpr std::size_t kMaxCachedFraction = 8;

struct TypeRule {
  std::string_view extension;
  std::string_view content_type;
  // False for types a browser's own viewer would run with the site's origin: sent with
  // Content-Disposition: attachment, so they open as a download.
  bool inline_ok = true;
};

// What a documentary site uploads: stills, posters, audio, clips, subtitles, press kits,
// lesson plans. Text types carry a charset so that no browser guesses one.
constexpr std::array kTypes = {
    TypeRule{"avif", "image/avif"},
    TypeRule{"bmp", "image/bmp"},
    TypeRule{"csv", "text/csv; charset=utf-8"},
    TypeRule{"doc", "application/msword"},
    TypeRule{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    TypeRule{"epub", "application/epub+zip"},
    TypeRule{"flac", "audio/flac"},
    TypeRule{"gif", "image/gif"},
    TypeRule{"ico", "image/vnd.microsoft.icon"},
    TypeRule{"jpeg", "image/jpeg"},
    TypeRule{"jpg", "image/jpeg"},
    TypeRule{"m4a", "audio/mp4"},
    TypeRule{"m4v", "video/mp4"},
    TypeRule{"mov", "video/quicktime"},
    TypeRule{"mp3", "audio/mpeg"},
    TypeRule{"mp4", "video/mp4"},
    TypeRule{"odp", "application/vnd.oasis.opendocument.presentation"},
    TypeRule{"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    TypeRule{"odt", "application/vnd.oasis.opendocument.text"},
    TypeRule{"oga", "audio/ogg"},
    TypeRule{"ogg", "audio/ogg"},
    TypeRule{"ogv", "video/ogg"},
    // A PDF can carry JavaScript and forms that browsers' viewers run.
    TypeRule{"pdf", "application/pdf", false},
    TypeRule{"png", "image/png"},
    TypeRule{"ppt", "application/vnd.ms-powerpoint"},
    TypeRule{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    TypeRule{"srt", "text/plain; charset=utf-8"},
    TypeRule{"svg", "image/svg+xml"},
    TypeRule{"txt", "text/plain; charset=utf-8"},
    TypeRule{"vtt", "text/vtt; charset=utf-8"},
    TypeRule{"wav", "audio/wav"},
    TypeRule{"webm", "video/webm"},
    TypeRule{"webp", "image/webp"},
    TypeRule{"xls", "application/vnd.ms-excel"},
    TypeRule{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    TypeRule{"zip", "application/zip"},
};

// An SVG opened on its own cannot run script, load anything, or be framed into a trap.
constexpr std::string_view kSvgPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";

std::string_view extension_of(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return name.substr(dot + 1);
}

// The first `size` bytes of the open file `fd` (fewer if it shrank while we read).
std::string read_bytes(int fd, std::size_t size) {
  std::string bytes(size, '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // Error, or the file shrank while we read: send what it holds now.
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

std::int64_t nanoseconds(const struct timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// A strong validator for a file sent from disk, made from what identifies its content without
// reading it: the inode, the size and the modification time to the nanosecond. A file
// replaced (new inode), rewritten or resized gets a new one.
std::string file_etag(const struct stat& info) {
  return "\"" + util::to_hex(static_cast<std::uint64_t>(info.st_ino)) + "-" +
         util::to_hex(static_cast<std::uint64_t>(info.st_size)) + "-" +
         util::to_hex(static_cast<std::uint64_t>(nanoseconds(info.st_mtim))) + "\"";
}

}  // namespace

struct MediaFiles::Cached {
  std::shared_ptr<const Body> body;
  std::int64_t modified_ns;
  std::int64_t size;
  ino_t inode;
};

MediaFiles::MediaFiles(std::filesystem::path root, std::size_t cache_bytes)
    : root_(std::move(root)),
      max_cached_file_bytes_(cache_bytes / kMaxCachedFraction),
      cache_(cache_bytes) {}

MediaFiles::Type MediaFiles::type_for(std::string_view file_name) {
  const std::string extension = util::to_lower(extension_of(file_name));
  for (const TypeRule& rule : kTypes) {
    if (rule.extension == extension) return {rule.content_type, rule.inline_ok};
  }
  return {"application/octet-stream", false};
}

bool MediaFiles::is_safe_path(std::string_view path) { return util::is_plain_relative_path(path); }

std::optional<MediaFiles::Found> MediaFiles::find(const std::filesystem::path& root,
                                                  std::string_view relative_path) {
  if (!is_safe_path(relative_path)) return std::nullopt;
  const std::string path = (root / std::string(relative_path)).string();

  // Symbolic links may point anywhere: whatever the path resolves to must be inside root.
  char resolved[PATH_MAX];
  char resolved_root[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr ||
      ::realpath(root.c_str(), resolved_root) == nullptr) {
    return std::nullopt;
  }
  const std::string_view inside(resolved);
  const std::string_view base(resolved_root);
  if (!inside.starts_with(base) || inside.size() <= base.size() || inside[base.size()] != '/') {
    return std::nullopt;
  }
  Found found{resolved, {}};
  if (::stat(resolved, &found.info) != 0 || !S_ISREG(found.info.st_mode)) return std::nullopt;
  return found;
}

Response MediaFiles::response_for(std::string_view file_name) {
  const Type type = type_for(file_name);
  Response response;
  response.content_type = type.content_type;
  response.byte_ranges = true;
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.cache_control = "public, max-age=86400";
  if (!type.inline_ok) response.headers.emplace_back("Content-Disposition", "attachment");
  if (type.content_type == "image/svg+xml") response.content_security_policy = kSvgPolicy;
  return response;
}

std::optional<Response> MediaFiles::serve(std::string_view relative_path) const {
  const std::optional<Found> found = find(root_, relative_path);
  if (!found) return std::nullopt;
  const char* resolved = found->real_path.c_str();
  const struct stat& info = found->info;
  Response response = response_for(relative_path);
  std::shared_ptr<const Cached> cached = cache_.find(relative_path);
  if (cached && cached->modified_ns == nanoseconds(info.st_mtim) && cached->size == info.st_size &&
      cached->inode == info.st_ino) {
    response.body = cached->body;
  } else {
    const int fd = ::open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    // What was opened decides, not what was stat'ed a moment before: it may have been replaced.
    struct stat opened {};
    if (::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
      ::close(fd);
      return std::nullopt;
    }
    const auto size = static_cast<std::uint64_t>(opened.st_size);
    if (size > max_cached_file_bytes_) {
      // Sent from the file by the server, a piece at a time: never read here.
      response.file =
          std::make_shared<const FileBody>(fd, size, opened.st_mtim.tv_sec, file_etag(opened));
    } else {
      std::string bytes = read_bytes(fd, static_cast<std::size_t>(size));
      ::close(fd);
      auto fresh = std::make_shared<Cached>();
      fresh->modified_ns = nanoseconds(opened.st_mtim);
      fresh->size = opened.st_size;
      fresh->inode = opened.st_ino;
      const std::size_t kept = bytes.size();
      fresh->body = make_body(std::move(bytes), opened.st_mtim.tv_sec, false);
      response.body = fresh->body;
      cache_.insert(std::string(relative_path), std::move(fresh), kept);
    }
  }
  return response;
}

}  // namespace reelpress::site
