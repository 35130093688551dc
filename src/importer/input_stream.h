// InputStream: the bytes of an export file, whether plain XML or gzip-compressed, read in
// chunks so that the file is never held whole in memory.
//
// The format is decided by the first two bytes (gzip's magic 1f 8b), not by the file name:
// people rename files. Several gzip members one after another (what `cat a.gz b.gz` makes)
// read as one stream, as gzip(1) reads them.
//
// Example:
//   auto in = InputStream::open("export.wxr.gz");
//   if (!in) return fail(in.error());
//   char buffer[65536];
//   while (true) {
//     auto n = (*in)->read(buffer, sizeof buffer);
//     if (!n) return fail(n.error());
//     if (*n == 0) break;  // End of the data.
//     consume(buffer, *n);
//   }
//
// Errors: open() fails with kNotFound when the file does not exist and kIo when it cannot be
// read. read() fails with kInvalidArgument when gzip data is damaged or ends before its last
// member does ("truncated"), kIo on a read error. Messages start with the file's name.
//
// Threading: one thread at a time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "util/result.h"

namespace reelpress::importer {

class InputStream {
 public:
  static util::Result<std::unique_ptr<InputStream>> open(const std::string& path);
  // Reads from memory instead of a file (tests); `name` is used in messages.
  static std::unique_ptr<InputStream> from_string(std::string data, std::string name);

  virtual ~InputStream() = default;

  // Fills up to `size` bytes of decompressed data into `buffer`; 0 means the end.
  virtual util::Result<std::size_t> read(char* buffer, std::size_t size) = 0;

  // Bytes of the file consumed so far (compressed bytes for gzip), for progress.
  virtual std::uint64_t bytes_consumed() const = 0;
  // The file's size in bytes, or 0 when unknown.
  virtual std::uint64_t total_bytes() const = 0;
  // How many bytes read() will hand out in all, as far as can be told before reading them:
  // the file's size for plain data; for gzip, the size its trailer records (exact for one
  // member under 4 GiB, a guess otherwise); 0 when unknown. Known after the first read().
  virtual std::uint64_t expected_bytes() const = 0;
  // Decompressed bytes handed out by read() so far.
  std::uint64_t bytes_produced() const { return produced_; }
  // True when the data is gzip-compressed.
  virtual bool compressed() const = 0;

  const std::string& name() const { return name_; }

 protected:
  explicit InputStream(std::string name) : name_(std::move(name)) {}
  std::uint64_t produced_ = 0;

 private:
  std::string name_;
};

}  // namespace reelpress::importer
