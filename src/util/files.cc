#include "util/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace reelpress::util {

Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes, Sync sync) {
  const std::filesystem::path part = path.string() + ".part";
  auto failed = [&](int err) {
    return fail(ErrorCode::kIo, "cannot write " + path.string() + ": " + std::strerror(err));
  };
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failed(errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      ::unlink(part.c_str());
      return failed(err);
    }
    done += static_cast<std::size_t>(n);
  }
  if ((sync == Sync::kYes && ::fsync(fd) != 0) || ::close(fd) != 0 ||
      ::rename(part.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(part.c_str());
    return failed(err);
  }
  return {};
}

}  // namespace reelpress::util
