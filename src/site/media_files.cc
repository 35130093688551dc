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

#include "util/text.h"

namespace reelpress::site {
namespace {

// Files above this are sent but not kept in the cache: one would push out everything else.
constexpr std::size_t kMaxCachedFraction = 8;

struct TypeRule {
  std::string_view extension;
  std::string_view content_type;
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
    TypeRule{"pdf", "application/pdf"},
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

// The bytes of the regular file at `path`, or nullopt (missing, not regular, unreadable).
struct FileData {
  std::string bytes;
  struct stat info;
};

std::optional<FileData> read_regular_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  FileData data;
  if (::fstat(fd, &data.info) != 0 || !S_ISREG(data.info.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  data.bytes.resize(static_cast<std::size_t>(data.info.st_size));
  std::size_t done = 0;
  while (done < data.bytes.size()) {
    const ssize_t n = ::read(fd, data.bytes.data() + done, data.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // Error, or the file shrank while we read: send what it holds now.
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  data.bytes.resize(done);
  return data;
}

std::int64_t nanoseconds(const struct timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
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
    if (rule.extension == extension) return {rule.content_type, true};
  }
  return {"application/octet-stream", false};
}

bool MediaFiles::is_safe_path(std::string_view path) { return util::is_plain_relative_path(path); }

std::optional<Response> MediaFiles::serve(std::string_view relative_path) const {
  if (!is_safe_path(relative_path)) return std::nullopt;
  const std::string path = (root_ / std::string(relative_path)).string();

  // Symbolic links may point anywhere: whatever the path resolves to must be inside root.
  char resolved[PATH_MAX];
  char resolved_root[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr ||
      ::realpath(root_.c_str(), resolved_root) == nullptr) {
    return std::nullopt;
  }
  const std::string_view inside(resolved);
  const std::string_view base(resolved_root);
  if (!inside.starts_with(base) || inside.size() <= base.size() || inside[base.size()] != '/') {
    return std::nullopt;
  }

  struct stat info {};
  if (::stat(resolved, &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  std::shared_ptr<const Cached> cached = cache_.find(relative_path);
  if (!cached || cached->modified_ns != nanoseconds(info.st_mtim) || cached->size != info.st_size ||
      cached->inode != info.st_ino) {
    auto data = read_regular_file(resolved);
    if (!data) return std::nullopt;
    auto fresh = std::make_shared<Cached>();
    fresh->modified_ns = nanoseconds(data->info.st_mtim);
    fresh->size = data->info.st_size;
    fresh->inode = data->info.st_ino;
    const std::size_t bytes = data->bytes.size();
    fresh->body = make_body(std::move(data->bytes), data->info.st_mtim.tv_sec, false);
    cached = fresh;
    if (bytes <= max_cached_file_bytes_) {
      cache_.insert(std::string(relative_path), std::move(fresh), bytes);
    }
  }

  const Type type = type_for(relative_path);
  Response response;
  response.content_type = type.content_type;
  response.body = cached->body;
  response.byte_ranges = true;
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.cache_control = "public, max-age=86400";
  if (!type.inline_ok) response.headers.emplace_back("Content-Disposition", "attachment");
  if (type.content_type == "image/svg+xml") {
    response.content_security_policy = kSvgPolicy;
  }
  return response;
}

}  // namespace reelpress::site
