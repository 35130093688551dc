#include "importer/uploads.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

#include "media/active_content.h"
#include "util/text.h"

namespace reelpress::importer {
namespace {

namespace fs = std::filesystem;
using util::ErrorCode;
using util::fail;

util::Error io_error(const std::string& what, const fs::path& path, int err) {
  return util::Error{ErrorCode::kIo, what + " " + path.string() + ": " + std::strerror(err)};
}

// Copies the regular file `from` to `to` through "to.part", keeping its modification time.
util::Status copy_file(const fs::path& from, const fs::path& to, const struct stat& info) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0) return fail(io_error("cannot read", from, errno));
  const fs::path part = to.string() + ".part";
  const int out = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    return fail(io_error("cannot write", part, err));
  }
  auto give_up = [&](const char* what, const fs::path& path, int err) {
    ::close(in);
    ::close(out);
    ::unlink(part.c_str());
    return fail(io_error(what, path, err));
  };
  std::vector<char> buffer(1 << 16);
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return give_up("cannot read", from, errno);
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return give_up("cannot write", to, w < 0 ? errno : ENOSPC);
      done += w;
    }
  }
  const struct timespec times[2] = {info.st_atim, info.st_mtim};
  if (::futimens(out, times) != 0 || ::fsync(out) != 0) {
    return give_up("cannot write", to, errno);
  }
  ::close(in);
  if (::close(out) != 0) {
    const int err = errno;
    ::unlink(part.c_str());
    return fail(io_error("cannot write", to, err));
  }
  if (::rename(part.c_str(), to.c_str()) != 0) {
    const int err = errno;
    ::unlink(part.c_str());
    return fail(io_error("cannot write", to, err));
  }
  return {};
}

bool same_file_already_there(const fs::path& to, const struct stat& info) {
  struct stat existing {};
  return ::stat(to.c_str(), &existing) == 0 && S_ISREG(existing.st_mode) &&
         existing.st_size == info.st_size && existing.st_mtim.tv_sec == info.st_mtim.tv_sec &&
         existing.st_mtim.tv_nsec == info.st_mtim.tv_nsec;
}

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

}  // namespace

std::string UploadsSummary::to_string() const {
  std::string out = "Copied " + std::to_string(copied) + (copied == 1 ? " file (" : " files (") +
                    megabytes(copied_bytes) + "); " + std::to_string(unchanged) + " unchanged";
  if (skipped != 0) {
    out += "; skipped " + std::to_string(skipped) + " (links, hidden or special files)";
  }
  out += ".";
  if (active.empty()) return out;
  out += "\n" + std::to_string(active.size()) +
         (active.size() == 1 ? " file is one a browser or a web server would run"
                             : " files are ones a browser or a web server would run") +
         ": the site sends them only as downloads, the static export renames them so that no "
         "server sends them as documents, and the ZIM file leaves them out. Remove those not "
         "needed:";
  for (std::size_t i = 0; i < active.size() && i < kMaxActiveListed; ++i) {
    out += "\n  " + active[i].name + " (" + active[i].kind + ")";
  }
  if (active.size() > kMaxActiveListed) {
    out += "\n  and " + std::to_string(active.size() - kMaxActiveListed) + " more";
  }
  return out;
}

util::Result<UploadsSummary> copy_uploads(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::is_directory(from, ec)) {
    return fail(ErrorCode::kNotFound, from.string() +
                                          " is not a folder (--uploads wants a copy "
                                          "of the old site's wp-content/uploads)");
  }
  UploadsSummary summary;
  fs::recursive_directory_iterator it(from, fs::directory_options::none, ec);
  if (ec) return fail(io_error("cannot read", from, ec.value()));
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return fail(io_error("cannot read", it->path(), ec.value()));
    const fs::path relative = it->path().lexically_relative(from);
    const std::string name = relative.generic_string();
    struct stat info {};
    if (::lstat(it->path().c_str(), &info) != 0) {
      return fail(io_error("cannot read", it->path(), errno));
    }
    if (S_ISDIR(info.st_mode)) {
      if (!util::is_plain_relative_path(name)) {
        it.disable_recursion_pending();  // A hidden folder: nothing in it is served.
        ++summary.skipped;
      }
      continue;
    }
    if (!S_ISREG(info.st_mode) || !util::is_plain_relative_path(name)) {
      ++summary.skipped;
      continue;
    }
    auto kind = media::active_kind_of_file(it->path(), name);
    if (!kind) return fail(kind.error());
    if (!kind->empty()) summary.active.push_back({name, std::move(*kind)});
    const fs::path target = to / relative;
    if (same_file_already_there(target, info)) {
      ++summary.unchanged;
      continue;
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec) return fail(io_error("cannot create", target.parent_path(), ec.value()));
    REELPRESS_RETURN_IF_ERROR(copy_file(it->path(), target, info));
    ++summary.copied;
    summary.copied_bytes += static_cast<std::uint64_t>(info.st_size);
  }
  if (ec) return fail(io_error("cannot read", from, ec.value()));
  return summary;
}

}  // namespace reelpress::importer
