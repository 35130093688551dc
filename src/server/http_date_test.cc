#include "server/http_date.h"

#include <gtest/gtest.h>

#include <string>

namespace reelpress::server {
namespace {

std::string format(util::UnixTime t) {
  char text[kHttpDateLength];
  format_http_date(t, text);
  return std::string(text, sizeof text);
}

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(format(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format(1310500800), "Tue, 12 Jul 2011 20:00:00 GMT");
  EXPECT_EQ(format(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(format(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
}

TEST(HttpDate, ParsesAllThreeForms) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_EQ(parse_http_date("Tue Jul 12 20:00:00 2011"), 1310500800);
  EXPECT_EQ(parse_http_date(format(1310500800)), 1310500800);
}

TEST(HttpDate, RejectsAnythingElse) {
  for (const char* bad :
       {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_http_date(bad)) << bad;
  }
}

TEST(HttpDate, NowIsCachedAndWellFormed) {
  std::string_view date = http_date_now();
  EXPECT_EQ(date.size(), kHttpDateLength);
  EXPECT_TRUE(parse_http_date(date));
  std::string_view iso = iso_time_now();
  ASSERT_EQ(iso.size(), 24u);
  EXPECT_EQ(iso[10], 'T');
  EXPECT_EQ(iso.back(), 'Z');
}

}  // namespace
}  // namespace reelpress::server
