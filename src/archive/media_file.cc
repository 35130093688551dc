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

util::Error read_error(const MediaFile& file, const std::string& why) {
  return util::Error{ErrorCode::kIo, "cannot read " + file.path.string() + ": " + why};
}

}  // namespace

std::optional<MediaFile> media_file_for(std::string_view url_path,
                                        const std::filesystem::path& media_root) {
  if (media_root.empty()) return std::nullopt;
  const site::Route route = site::route(std::string(url_path));
  const auto* media = std::get_if<site::MediaRoute>(&route);
  if (media == nullptr) return std::nullopt;
  // The file the live server would send for this URL, by the same rules.
  const auto found = site::MediaFiles::find(media_root, media->path);
  if (!found) return std::nullopt;
  return MediaFile{found->real_path, media->path, static_cast<std::uint64_t>(found->info.st_size),
                   found->info.st_mtim.tv_sec};
}

site::Response media_response(const MediaFile& file) {
  return site::MediaFiles::response_for(file.name);
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
