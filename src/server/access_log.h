// The access log: one line per request, for operators counting traffic and finding slow or
// failing pages.
//
//   2011-07-12T20:00:00.123Z GET /the-salt-road/4990/?p=2 200 5120 0.412ms
//
// Fields: time the response was sent (UTC, ISO-8601), method, target, status, payload bytes
// sent (0 for HEAD and 304), milliseconds from the request's first byte to the response's
// last. By design it never holds the client's IP address or port, nor the User-Agent: readers
// of these sites can be people at risk (DESIGN.md, Privacy). Bytes of the target outside
// printable ASCII, and '\', are written as \xHH so a request cannot forge log lines.
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>
#include <string_view>

namespace reelpress::server {

class AccessLog {
 public:
  // `out` is not owned and may be null (then record() does nothing).
  explicit AccessLog(std::ostream* out) : out_(out) {}

  // Thread-safe. The line is formatted in a per-thread buffer first, so the lock covers one
  // write into the stream's buffer; the stream is flushed at most once a second, so a busy
  // server does not make a system call per request while holding the lock.
  void record(std::string_view method, std::string_view target, int status, uint64_t bytes,
              std::chrono::steady_clock::duration duration);

  // Flushes the stream. Thread-safe.
  void flush();

  bool enabled() const { return out_ != nullptr; }

 private:
  std::ostream* out_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_flush_{};
};

}  // namespace reelpress::server
