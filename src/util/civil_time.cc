#include "util/civil_time.h"

#include <array>
#include <charconv>
#include <cstdio>

namespace reelpress::util {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun",
                                                       "Mon", "Tue", "Wed"};  // 1970-01-01: Thu

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's well-known
// days_from_civil algorithm, written from its published description).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe) + static_cast<int>(era) * 400 + (m <= 2);
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}

}  // namespace

CivilTime to_civil(UnixTime t) {
  std::int64_t days = t / 86400;
  std::int64_t rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  CivilTime c;
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem / 60 % 60);
  c.second = static_cast<int>(rem % 60);
  return c;
}

UnixTime from_civil(const CivilTime& c) {
  return days_from_civil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
}

std::optional<UnixTime> parse_iso_time(std::string_view s) {
  CivilTime c;
  if (!read_int(s, 0, 4, c.year) || s.size() < 10 || s[4] != '-' || s[7] != '-' ||
      !read_int(s, 5, 2, c.month) || !read_int(s, 8, 2, c.day)) {
    return std::nullopt;
  }
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > days_in_month(c.year, c.month)) {
    return std::nullopt;
  }
  std::size_t pos = 10;
  if (pos < s.size()) {
    if ((s[pos] != ' ' && s[pos] != 'T') || !read_int(s, pos + 1, 2, c.hour) ||
        s.size() < pos + 9 || s[pos + 3] != ':' || !read_int(s, pos + 4, 2, c.minute) ||
        s[pos + 6] != ':' || !read_int(s, pos + 7, 2, c.second)) {
      return std::nullopt;
    }
    if (c.hour > 23 || c.minute > 59 || c.second > 60) return std::nullopt;
    pos += 9;
  }
  UnixTime t = from_civil(c);
  if (pos == s.size()) return t;
  if (s[pos] == 'Z' && pos + 1 == s.size()) return t;
  int oh = 0, om = 0;
  if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':' &&
      read_int(s, pos + 1, 2, oh) && read_int(s, pos + 4, 2, om)) {
    const int offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    return t - offset;
  }
  return std::nullopt;
}

std::string format_iso_time(UnixTime t) {
  const CivilTime c = to_civil(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string format_http_date(UnixTime t) {
  const CivilTime c = to_civil(t);
  std::int64_t days = t / 86400 - (t % 86400 < 0);
  const auto weekday = kWeekdays[static_cast<std::size_t>(((days % 7) + 7) % 7)];
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT", weekday.data(), c.day,
                kMonths[static_cast<std::size_t>(c.month - 1)].data(), c.year, c.hour, c.minute,
                c.second);
  return buf;
}

std::optional<UnixTime> parse_http_date(std::string_view s) {
  // "Tue, 12 Jul 2011 20:00:00 GMT"
  if (s.size() != 29 || s[3] != ',' || s.substr(26) != "GMT") return std::nullopt;
  CivilTime c;
  if (!read_int(s, 5, 2, c.day) || !read_int(s, 12, 4, c.year) || !read_int(s, 17, 2, c.hour) ||
      !read_int(s, 20, 2, c.minute) || !read_int(s, 23, 2, c.second)) {
    return std::nullopt;
  }
  const std::string_view mon = s.substr(8, 3);
  c.month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i].substr(0, 3) == mon) c.month = static_cast<int>(i) + 1;
  }
  if (c.month == 0 || c.day < 1 || c.day > days_in_month(c.year, c.month)) return std::nullopt;
  return from_civil(c);
}

std::string_view ordinal_suffix(int day) {
  if (day % 100 >= 11 && day % 100 <= 13) return "th";
  switch (day % 10) {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
  }
}

std::string_view month_name(int month) {
  if (month < 1 || month > 12) return "";
  return kMonths[static_cast<std::size_t>(month - 1)];
}

std::string format_long_date(UnixTime t) {
  const CivilTime c = to_civil(t);
  std::string out(month_name(c.month));
  out += ' ';
  out += std::to_string(c.day);
  out += ordinal_suffix(c.day);
  out += ", ";
  out += std::to_string(c.year);
  return out;
}

}  // namespace reelpress::util
