#include "server/http_date.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

namespace reelpress::server {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
// RFC 850 spells the weekday out.
constexpr std::array<std::string_view, 7> kLongWeekdays = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

struct Civil {
  int year, month, day, hour, minute, second, weekday;
};

Civil to_civil(util::UnixTime t) {
  // Dates before 0000 or after 9999 cannot be written in four digits; no real page has them.
  constexpr util::UnixTime kMin = -62167219200;  // 0000-01-01T00:00:00Z
  constexpr util::UnixTime kMax = 253402300799;  // 9999-12-31T23:59:59Z
  t = std::clamp(t, kMin, kMax);
  util::UnixTime day_number = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int secs = static_cast<int>(t - day_number * 86400);
  sys_days d{days{day_number}};
  std::chrono::year_month_day ymd{d};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<int>(static_cast<unsigned>(ymd.month())),
               static_cast<int>(static_cast<unsigned>(ymd.day())),
               secs / 3600,
               secs / 60 % 60,
               secs % 60,
               static_cast<int>(std::chrono::weekday{d}.c_encoding())};
}

void put2(char* out, int v) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

void put4(char* out, int v) {
  put2(out, v / 100);
  put2(out + 2, v % 100);
}

// A cursor over the text being parsed; every method returns false on a mismatch.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool literal(std::string_view s) {
    if (text_.substr(0, s.size()) != s) return false;
    text_.remove_prefix(s.size());
    return true;
  }
  bool digits(size_t n, int* value) {
    if (text_.size() < n) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      char c = text_[i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    text_.remove_prefix(n);
    *value = v;
    return true;
  }
  // One of `names`; its index in *index.
  template <size_t N>
  bool name(const std::array<std::string_view, N>& names, int* index) {
    for (size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        *index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  bool time(int* h, int* m, int* s) {
    return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, s);
  }
  bool done() const { return text_.empty(); }

 private:
  std::string_view text_;
};

std::optional<util::UnixTime> from_civil(int year, int month, int day, int h, int m, int s) {
  std::chrono::year_month_day ymd{std::chrono::year{year},
                                  std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
  // 60 is allowed for a leap second and read as the next second.
  if (!ymd.ok() || h > 23 || m > 59 || s > 60) return std::nullopt;
  return static_cast<util::UnixTime>(sys_days{ymd}.time_since_epoch().count()) * 86400 + h * 3600 +
         m * 60 + s;
}

}  // namespace

void format_http_date(util::UnixTime t, char* out) {
  Civil c = to_civil(t);
  std::memcpy(out, kWeekdays[c.weekday].data(), 3);
  std::memcpy(out + 3, ", ", 2);
  put2(out + 5, c.day);
  out[7] = ' ';
  std::memcpy(out + 8, kMonths[c.month - 1].data(), 3);
  out[11] = ' ';
  put4(out + 12, c.year);
  out[16] = ' ';
  put2(out + 17, c.hour);
  out[19] = ':';
  put2(out + 20, c.minute);
  out[22] = ':';
  put2(out + 23, c.second);
  std::memcpy(out + 25, " GMT", 4);
}

std::optional<util::UnixTime> parse_http_date(std::string_view text) {
  int weekday = 0, day = 0, month = 0, year = 0, h = 0, m = 0, s = 0;
  {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    Scanner in(text);
    if (in.name(kWeekdays, &weekday) && in.literal(", ") && in.digits(2, &day) && in.literal(" ") &&
        in.name(kMonths, &month) && in.literal(" ") && in.digits(4, &year) && in.literal(" ") &&
        in.time(&h, &m, &s) && in.literal(" GMT") && in.done()) {
      return from_civil(year, month + 1, day, h, m, s);
    }
  }
  {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". A two-digit year more than 50 years in the
    // future means the past century (RFC 9110); with today's dates, 70-99 are 19xx.
    Scanner in(text);
    if (in.name(kLongWeekdays, &weekday) && in.literal(", ") && in.digits(2, &day) &&
        in.literal("-") && in.name(kMonths, &month) && in.literal("-") && in.digits(2, &year) &&
        in.literal(" ") && in.time(&h, &m, &s) && in.literal(" GMT") && in.done()) {
      return from_civil(year < 70 ? 2000 + year : 1900 + year, month + 1, day, h, m, s);
    }
  }
  {
    // asctime: "Sun Nov  6 08:49:37 1994" (the day padded with a space).
    Scanner in(text);
    if (in.name(kWeekdays, &weekday) && in.literal(" ") && in.name(kMonths, &month) &&
        in.literal(" ") && (in.literal(" ") ? in.digits(1, &day) : in.digits(2, &day)) &&
        in.literal(" ") && in.time(&h, &m, &s) && in.literal(" ") && in.digits(4, &year) &&
        in.done()) {
      return from_civil(year, month + 1, day, h, m, s);
    }
  }
  return std::nullopt;
}

std::string_view http_date_now() {
  // Formatting costs far more than reading the clock; once a second per thread is plenty and
  // needs no lock.
  thread_local util::UnixTime cached_second = -1;
  thread_local char text[kHttpDateLength];
  auto now = std::chrono::system_clock::now();
  util::UnixTime second =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second != cached_second) {
    format_http_date(second, text);
    cached_second = second;
  }
  return std::string_view(text, kHttpDateLength);
}

std::string_view iso_time_now() {
  thread_local util::UnixTime cached_second = -1;
  thread_local char text[] = "0000-00-00T00:00:00.000Z";
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  util::UnixTime second = ms / 1000;
  if (second != cached_second) {
    Civil c = to_civil(second);
    put4(text, c.year);
    put2(text + 5, c.month);
    put2(text + 8, c.day);
    put2(text + 11, c.hour);
    put2(text + 14, c.minute);
    put2(text + 17, c.second);
    cached_second = second;
  }
  int milli = static_cast<int>(ms % 1000);
  text[20] = static_cast<char>('0' + milli / 100);
  put2(text + 21, milli % 100);
  return std::string_view(text, sizeof text - 1);
}

}  // namespace reelpress::server
