// Calendar arithmetic on UTC Unix times, without the C library's locale or time zone state
// (gmtime/timegm are not needed, and these functions are pure and thread-safe).
//
// Example:
//   CivilTime t = to_civil(1310500800);        // 2011-07-12 20:00:00
//   format_long_date(1310500800) == "July 12th, 2011"
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/clock.h"

namespace reelpress::util {

struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
};

CivilTime to_civil(UnixTime t);
UnixTime from_civil(const CivilTime& c);

// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS" with an optional "Z" or
// "+HH:MM"/"-HH:MM" offset (none means UTC). std::nullopt if it is not one of those or names
// an impossible date.
std::optional<UnixTime> parse_iso_time(std::string_view text);

// "2011-07-12T20:00:00Z"
std::string format_iso_time(UnixTime t);
// "Tue, 12 Jul 2011 20:00:00 GMT" (HTTP dates, RFC 9110 IMF-fixdate).
std::string format_http_date(UnixTime t);
// Parses an IMF-fixdate; std::nullopt for anything else.
std::optional<UnixTime> parse_http_date(std::string_view text);
// "July 12th, 2011": how the series sites printed dates (1st, 2nd, 3rd, 4th, 11th, 12th, 13th,
// 21st, 22nd, 23rd, 31st).
std::string format_long_date(UnixTime t);
// "st", "nd", "rd" or "th" for a day of the month.
std::string_view ordinal_suffix(int day);
std::string_view month_name(int month);  // 1 -> "January"

}  // namespace reelpress::util
