#include "util/civil_time.h"

#include <gtest/gtest.h>

namespace reelpress::util {
namespace {

TEST(CivilTime, RoundTripsAcrossEras) {
  for (UnixTime t : {UnixTime{0}, UnixTime{951782400} /* 2000-02-29 */, UnixTime{1310500800},
                     UnixTime{-86401}, UnixTime{4102444800}}) {
    EXPECT_EQ(from_civil(to_civil(t)), t) << t;
  }
  const CivilTime c = to_civil(951782400);
  EXPECT_EQ(c.year, 2000);
  EXPECT_EQ(c.month, 2);
  EXPECT_EQ(c.day, 29);
}

TEST(CivilTime, OrdinalSuffixes) {
  const std::pair<int, std::string_view> cases[] = {{1, "st"},  {2, "nd"},  {3, "rd"},  {4, "th"},
                                                    {11, "th"}, {12, "th"}, {13, "th"}, {21, "st"},
                                                    {22, "nd"}, {23, "rd"}, {30, "th"}, {31, "st"}};
  for (const auto& [day, suffix] : cases) EXPECT_EQ(ordinal_suffix(day), suffix) << day;
}

TEST(CivilTime, LongDateReadsLikeTheOldSites) {
  EXPECT_EQ(format_long_date(*parse_iso_time("2011-07-12T20:00:00Z")), "July 12th, 2011");
  EXPECT_EQ(format_long_date(*parse_iso_time("2011-08-01")), "August 1st, 2011");
  EXPECT_EQ(format_long_date(*parse_iso_time("2011-10-22")), "October 22nd, 2011");
  EXPECT_EQ(format_long_date(*parse_iso_time("2011-03-23 10:00:00")), "March 23rd, 2011");
  EXPECT_EQ(format_long_date(*parse_iso_time("2011-12-31")), "December 31st, 2011");
  EXPECT_EQ(format_long_date(*parse_iso_time("2012-01-13")), "January 13th, 2012");
}

TEST(CivilTime, ParsesOffsetsAndRejectsImpossibleDates) {
  EXPECT_EQ(parse_iso_time("2011-07-12T22:00:00+02:00"), parse_iso_time("2011-07-12T20:00:00Z"));
  EXPECT_FALSE(parse_iso_time("2011-02-29"));
  EXPECT_FALSE(parse_iso_time("2011-13-01"));
  EXPECT_FALSE(parse_iso_time("2011-07-12T25:00:00Z"));
  EXPECT_FALSE(parse_iso_time("yesterday"));
  EXPECT_FALSE(parse_iso_time("2011-07-12T20:00:00Zjunk"));
}

TEST(CivilTime, HttpDatesRoundTrip) {
  const UnixTime t = *parse_iso_time("2011-07-12T20:00:00Z");
  EXPECT_EQ(format_http_date(t), "Tue, 12 Jul 2011 20:00:00 GMT");
  EXPECT_EQ(parse_http_date("Tue, 12 Jul 2011 20:00:00 GMT"), t);
  EXPECT_FALSE(parse_http_date("Tuesday, 12-Jul-11 20:00:00 GMT"));
}

}  // namespace
}  // namespace reelpress::util
