// HTTP dates (RFC 9110 section 5.6.7) for Date, Last-Modified and If-Modified-Since, and the
// ISO-8601 time stamps of the access log, written without the C library's locale or time
// zone state and without allocating.
#pragma once

#include <optional>
#include <string_view>

#include "util/clock.h"

namespace reelpress::server {

// Length of an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
inline constexpr size_t kHttpDateLength = 29;

// Writes the IMF-fixdate of `t` to out[0..29). Years outside 0..9999 are clamped.
void format_http_date(util::UnixTime t, char* out);

// Parses any of the three forms a recipient must accept: IMF-fixdate, the obsolete RFC 850
// form ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994").
// std::nullopt for anything else, including impossible dates.
std::optional<util::UnixTime> parse_http_date(std::string_view text);

// The Date header value for the current second. Formatted at most once a second per thread,
// so the view is valid until the calling thread calls again. Thread-safe (per-thread cache).
std::string_view http_date_now();

// "2011-07-12T20:00:00.123Z" (UTC, milliseconds) for the current time; same lifetime and
// thread-safety as http_date_now().
std::string_view iso_time_now();

}  // namespace reelpress::server
