#include "importer/input_stream.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

namespace reelpress::importer {
namespace {

using util::ErrorCode;
using util::fail;

constexpr std::size_t kChunk = 256 * 1024;

// Where the raw (possibly compressed) bytes come from.
class Source {
 public:
  virtual ~Source() = default;
  virtual util::Result<std::size_t> read(unsigned char* buffer, std::size_t size) = 0;
  virtual std::uint64_t size() const = 0;
  // The last four bytes (gzip's ISIZE, little-endian), without disturbing read(); nullopt
  // when they cannot be had.
  virtual std::optional<std::uint32_t> last_four_bytes() = 0;
};

std::uint32_t little_endian(const unsigned char* b) {
  return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

class FileSource final : public Source {
 public:
  FileSource(std::FILE* file, std::uint64_t size, std::string name)
      : file_(file), size_(size), name_(std::move(name)) {}
  ~FileSource() override { std::fclose(file_); }

  util::Result<std::size_t> read(unsigned char* buffer, std::size_t size) override {
    const std::size_t n = std::fread(buffer, 1, size, file_);
    if (n == 0 && std::ferror(file_)) {
      return fail(ErrorCode::kIo, name_ + ": cannot read: " + std::strerror(errno));
    }
    return n;
  }
  std::uint64_t size() const override { return size_; }
  std::optional<std::uint32_t> last_four_bytes() override {
    unsigned char b[4];
    if (size_ < 4 || ::pread(::fileno(file_), b, 4, static_cast<off_t>(size_ - 4)) != 4) {
      return std::nullopt;
    }
    return little_endian(b);
  }

 private:
  std::FILE* file_;
  std::uint64_t size_;
  std::string name_;
};

class MemorySource final : public Source {
 public:
  explicit MemorySource(std::string data) : data_(std::move(data)) {}
  util::Result<std::size_t> read(unsigned char* buffer, std::size_t size) override {
    const std::size_t n = std::min(size, data_.size() - offset_);
    std::memcpy(buffer, data_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  std::uint64_t size() const override { return data_.size(); }
  std::optional<std::uint32_t> last_four_bytes() override {
    if (data_.size() < 4) return std::nullopt;
    return little_endian(reinterpret_cast<const unsigned char*>(data_.data() + data_.size() - 4));
  }

 private:
  std::string data_;
  std::size_t offset_ = 0;
};

// Plain or gzip, decided on the first read by the magic bytes.
class Stream final : public InputStream {
 public:
  Stream(std::unique_ptr<Source> source, std::string name)
      : InputStream(std::move(name)), source_(std::move(source)), raw_(kChunk) {}

  ~Stream() override {
    if (inflating_) inflateEnd(&zs_);
  }

  util::Result<std::size_t> read(char* buffer, std::size_t size) override {
    if (!started_) {
      if (auto s = start(); !s) return fail(s.error());
    }
    auto n = gzip_ ? inflate_into(buffer, size) : copy_into(buffer, size);
    if (n) produced_ += *n;
    return n;
  }

  std::uint64_t bytes_consumed() const override { return consumed_; }
  std::uint64_t total_bytes() const override { return source_->size(); }
  std::uint64_t expected_bytes() const override { return expected_; }
  bool compressed() const override { return gzip_; }

 private:
  // Reads the first bytes to learn the format; they stay in raw_ for the first read.
  util::Status start() {
    started_ = true;
    while (raw_end_ < 2) {
      auto n = fill_raw();
      if (!n) return fail(n.error());
      if (*n == 0) break;
    }
    gzip_ = raw_end_ >= 2 && raw_[0] == 0x1f && raw_[1] == 0x8b;
    expected_ = source_->size();
    if (gzip_) {
      // The trailer's size is modulo 4 GiB and covers the last member only: trusted when it
      // is at least the compressed size (text does not shrink below that), else unknown.
      const auto trailer = source_->last_four_bytes();
      expected_ = trailer && *trailer >= source_->size() ? *trailer : 0;
      std::memset(&zs_, 0, sizeof zs_);
      // 16 + MAX_WBITS: gzip framing only (no zlib or raw deflate), with its CRC checked.
      if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) {
        return fail(ErrorCode::kInternal, name() + ": cannot start zlib");
      }
      inflating_ = true;
    }
    return {};
  }

  // Appends what the source gives to raw_ after raw_end_ (moving unread bytes to the front
  // first). Returns how many bytes came.
  util::Result<std::size_t> fill_raw() {
    if (raw_begin_ > 0) {
      std::memmove(raw_.data(), raw_.data() + raw_begin_, raw_end_ - raw_begin_);
      raw_end_ -= raw_begin_;
      raw_begin_ = 0;
    }
    auto n = source_->read(raw_.data() + raw_end_, raw_.size() - raw_end_);
    if (!n) return n;
    raw_end_ += *n;
    consumed_ += *n;
    if (*n == 0) source_done_ = true;
    return n;
  }

  util::Result<std::size_t> copy_into(char* buffer, std::size_t size) {
    if (raw_begin_ == raw_end_) {
      if (source_done_) return std::size_t{0};
      raw_begin_ = raw_end_ = 0;
      auto n = fill_raw();
      if (!n) return n;
      if (*n == 0) return std::size_t{0};
    }
    const std::size_t n = std::min(size, raw_end_ - raw_begin_);
    std::memcpy(buffer, raw_.data() + raw_begin_, n);
    raw_begin_ += n;
    return n;
  }

  util::Result<std::size_t> inflate_into(char* buffer, std::size_t size) {
    zs_.next_out = reinterpret_cast<Bytef*>(buffer);
    zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    while (zs_.avail_out > 0 && !finished_) {
      if (raw_begin_ == raw_end_) {
        if (!source_done_) {
          auto n = fill_raw();
          if (!n) return fail(n.error());
          continue;
        }
        if (in_member_) {
          return fail(ErrorCode::kInvalidArgument,
                      name() + ": the gzip data ends too early (the file is truncated)");
        }
        finished_ = true;
        break;
      }
      if (!in_member_ && raw_end_ - raw_begin_ < 2 && !source_done_) {
        // Not enough to tell whether another member starts here.
        auto n = fill_raw();
        if (!n) return fail(n.error());
        continue;
      }
      if (!in_member_ && member_count_ > 0 &&
          (raw_end_ - raw_begin_ < 2 || raw_[raw_begin_] != 0x1f || raw_[raw_begin_ + 1] != 0x8b)) {
        // What follows the last member is not another one (zero padding from some tools):
        // gzip(1) ignores it, and so do we.
        finished_ = true;
        break;
      }
      in_member_ = true;
      zs_.next_in = raw_.data() + raw_begin_;
      zs_.avail_in = static_cast<uInt>(raw_end_ - raw_begin_);
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      raw_begin_ = raw_end_ - zs_.avail_in;
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        ++member_count_;
        inflateReset(&zs_);
        continue;
      }
      if (rc == Z_OK || (rc == Z_BUF_ERROR && zs_.avail_in == 0)) continue;
      const char* why = zs_.msg ? zs_.msg : "damaged data";
      return fail(ErrorCode::kInvalidArgument, name() + ": the gzip data is damaged (" + why + ")");
    }
    return size - zs_.avail_out;
  }

  std::unique_ptr<Source> source_;
  std::vector<unsigned char> raw_;
  std::size_t raw_begin_ = 0;
  std::size_t raw_end_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint64_t expected_ = 0;
  bool started_ = false;
  bool source_done_ = false;
  bool gzip_ = false;
  bool inflating_ = false;
  bool in_member_ = false;  // Inside a gzip member whose end has not been seen.
  int member_count_ = 0;
  bool finished_ = false;
  z_stream zs_{};
};

}  // namespace

util::Result<std::unique_ptr<InputStream>> InputStream::open(const std::string& path) {
  // A directory opens on Linux and only fails when read; say so plainly instead.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail(ErrorCode::kInvalidArgument, path + ": is a directory, not an export file");
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) {
    const int e = errno;
    if (e == ENOENT) return fail(ErrorCode::kNotFound, path + ": no such file");
    return fail(ErrorCode::kIo, path + ": cannot open: " + std::strerror(e));
  }
  std::uint64_t size = 0;
  if (std::fseek(file, 0, SEEK_END) == 0) {
    const long end = std::ftell(file);
    if (end > 0) size = static_cast<std::uint64_t>(end);
    std::fseek(file, 0, SEEK_SET);
  }
  return std::unique_ptr<InputStream>(
      new Stream(std::make_unique<FileSource>(file, size, path), path));
}

std::unique_ptr<InputStream> InputStream::from_string(std::string data, std::string name) {
  return std::make_unique<Stream>(std::make_unique<MemorySource>(std::move(data)), std::move(name));
}

}  // namespace reelpress::importer
