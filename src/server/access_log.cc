#include "server/access_log.h"

#include <charconv>
#include <string>

#include "server/http_date.h"

namespace reelpress::server {
namespace {

void append_number(std::string* line, uint64_t value) {
  char digits[20];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  line->append(digits, end);
}

void append_escaped(std::string* line, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f && c != '\\') {
      line->push_back(c);
    } else {
      line->append("\\x");
      line->push_back(kHex[u >> 4]);
      line->push_back(kHex[u & 0xf]);
    }
  }
}

}  // namespace

void AccessLog::record(std::string_view method, std::string_view target, int status, uint64_t bytes,
                       std::chrono::steady_clock::duration duration) {
  if (out_ == nullptr) return;
  thread_local std::string line;
  line.clear();
  line.append(iso_time_now());
  line.push_back(' ');
  append_escaped(&line, method);
  line.push_back(' ');
  append_escaped(&line, target);
  line.push_back(' ');
  append_number(&line, static_cast<uint64_t>(status));
  line.push_back(' ');
  append_number(&line, bytes);
  line.push_back(' ');
  // Microsecond precision printed as milliseconds with three decimals.
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
  if (micros < 0) micros = 0;
  append_number(&line, static_cast<uint64_t>(micros / 1000));
  line.push_back('.');
  int frac = static_cast<int>(micros % 1000);
  line.push_back(static_cast<char>('0' + frac / 100));
  line.push_back(static_cast<char>('0' + frac / 10 % 10));
  line.push_back(static_cast<char>('0' + frac % 10));
  line.append("ms\n");

  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  out_->write(line.data(), static_cast<std::streamsize>(line.size()));
  if (now - last_flush_ >= std::chrono::seconds(1)) {
    out_->flush();
    last_flush_ = now;
  }
}

void AccessLog::flush() {
  if (out_ == nullptr) return;
  std::lock_guard lock(mutex_);
  out_->flush();
}

}  // namespace reelpress::server
