#include "util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace reelpress::util {

Result<AtomicFile> AtomicFile::create(const std::filesystem::path& path, Sync sync) {
  std::filesystem::path part = path.string() + ".part";
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    return fail(err == ENOSPC || err == EDQUOT ? ErrorCode::kNoSpace : ErrorCode::kIo,
                "cannot write " + path.string() + ": " + std::strerror(err));
  }
  return AtomicFile(path, std::move(part), fd, sync);
}

AtomicFile::AtomicFile(std::filesystem::path path, std::filesystem::path part, int fd, Sync sync)
    : path_(std::move(path)), part_(std::move(part)), fd_(fd), sync_(sync) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      part_(std::move(other.part_)),
      fd_(std::exchange(other.fd_, -1)),
      sync_(other.sync_) {}

AtomicFile::~AtomicFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(part_.c_str());
}

Status AtomicFile::failed(int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(part_.c_str());
  return fail(err == ENOSPC || err == EDQUOT ? ErrorCode::kNoSpace : ErrorCode::kIo,
              "cannot write " + path_.string() + ": " + std::strerror(err));
}

Status AtomicFile::write(std::string_view bytes) {
  if (fd_ < 0) return fail(ErrorCode::kInternal, "write after the end of " + path_.string());
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failed(n < 0 ? errno : ENOSPC);
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Status AtomicFile::commit() {
  if (fd_ < 0) return fail(ErrorCode::kInternal, "commit after the end of " + path_.string());
  if (sync_ == Sync::kYes && ::fsync(fd_) != 0) return failed(errno);
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 || ::rename(part_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(part_.c_str());
    return fail(err == ENOSPC || err == EDQUOT ? ErrorCode::kNoSpace : ErrorCode::kIo,
                "cannot write " + path_.string() + ": " + std::strerror(err));
  }
  return {};
}

Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes, Sync sync) {
  auto file = AtomicFile::create(path, sync);
  if (!file) return fail(file.error());
  REELPRESS_RETURN_IF_ERROR(file->write(bytes));
  return file->commit();
}

Result<std::string> read_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                "cannot read " + path.string() + ": " + std::strerror(err));
  }
  std::string bytes;
  struct stat info {};
  if (::fstat(fd, &info) == 0 && info.st_size > 0)
    bytes.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return fail(ErrorCode::kIo, "cannot read " + path.string() + ": " + std::strerror(err));
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace reelpress::util
