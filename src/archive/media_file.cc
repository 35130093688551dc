#include "archive/media_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <variant>
#include <vector>

#include "site/media_files.h"
#include "site/router.h"
#include "util/text.h"

namespace reelpress::archive {
namespace {

using util::ErrorCode;

// An SVG's policy on the live server: no script, nothing loaded, sandboxed.
constexpr std::string_view kSvgPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";

util::Error read_error(const MediaFile& file, const std::string& why) {
  return util::Error{ErrorCode::kIo, "cannot read " + file.path.string() + ": " + why};
}

}  // namespace

std::optional<MediaFile> media_file_for(std::string_view url_path,
                                        const std::filesystem::path& media_root) {
  if (media_root.empty()) return std::nullopt;
  const site::Route route = site::route(std::string(url_path));
  const auto* media = std::get_if<site::MediaRoute>(&route);
  if (media == nullptr || !site::MediaFiles::is_safe_path(media->path)) return std::nullopt;

  // Symbolic links may point anywhere: what the path resolves to must be inside the folder.
  char resolved[PATH_MAX];
  char resolved_root[PATH_MAX];
  const std::string path = (media_root / media->path).string();
  if (::realpath(path.c_str(), resolved) == nullptr ||
      ::realpath(media_root.c_str(), resolved_root) == nullptr) {
    return std::nullopt;
  }
  const std::string_view inside(resolved);
  const std::string_view base(resolved_root);
  if (!inside.starts_with(base) || inside.size() <= base.size() || inside[base.size()] != '/') {
    return std::nullopt;
  }
  struct stat info {};
  if (::stat(resolved, &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return MediaFile{resolved, media->path, static_cast<std::uint64_t>(info.st_size),
                   info.st_mtim.tv_sec};
}

site::Response media_response(const MediaFile& file) {
  // What site/media_files.cc sends with a file; media_file_test.cc holds the two together.
  const site::MediaFiles::Type type = site::MediaFiles::type_for(file.name);
  site::Response response;
  response.content_type = type.content_type;
  response.byte_ranges = true;
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.cache_control = "public, max-age=86400";
  if (!type.inline_ok) response.headers.emplace_back("Content-Disposition", "attachment");
  if (type.content_type == "image/svg+xml") response.content_security_policy = kSvgPolicy;
  return response;
}

util::Status read_in_pieces(const MediaFile& file,
                            const std::function<util::Status(std::string_view)>& take) {
  const int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return util::fail(read_error(file, std::strerror(errno)));
  std::vector<char> buffer(kPieceBytes);
  std::uint64_t done = 0;
  util::Status status;
  while (status) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = util::fail(read_error(file, std::strerror(errno)));
      break;
    }
    if (n == 0) break;
    done += static_cast<std::uint64_t>(n);
    if (done > file.size) break;
    status = take(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  ::close(fd);
  if (status && done != file.size) {
    return util::fail(read_error(
        file, "it changed during the export (" + std::to_string(file.size) + " bytes expected)"));
  }
  return status;
}

}  // namespace reelpress::archive
