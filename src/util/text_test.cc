#include "util/text.h"

#include <gtest/gtest.h>

namespace reelpress::util {
namespace {

TEST(Text, SlugifyKeepsLettersDigitsAndUtf8) {
  EXPECT_EQ(slugify("The Salt Road: Part 2"), "the-salt-road-part-2");
  EXPECT_EQ(slugify("  --Hello,  World!-- "), "hello-world");
  EXPECT_EQ(slugify("소금길"), "소금길");
  EXPECT_EQ(slugify("!!!"), "untitled");
}

TEST(Text, PercentDecodeRejectsMalformedEscapesAndNul) {
  EXPECT_EQ(percent_decode("/a%20b/%ED%95%9C"), "/a b/\xED\x95\x9C");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(decode_form_component("a+b%21"), "a b!");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%4G"));
  EXPECT_FALSE(percent_decode("a%00b"));
}

TEST(Text, PercentEncodePathRoundTrips) {
  const std::string path = "/소금/a b/";
  EXPECT_EQ(percent_encode_path(path), "/%EC%86%8C%EA%B8%88/a%20b/");
  EXPECT_EQ(percent_decode(percent_encode_path(path)), path);
}

TEST(Text, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xED\x95\x9C\xEA\xB5\xAD"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
}

TEST(Text, FormValueFindsAndDecodes) {
  EXPECT_EQ(form_value("p=4990&x=1", "p"), "4990");
  EXPECT_EQ(form_value("name=Ana+Ruiz&x", "name"), "Ana Ruiz");
  EXPECT_EQ(form_value("x", "x"), "");
  EXPECT_FALSE(form_value("pp=1", "p"));
}

TEST(Text, ParseNonNegative) {
  EXPECT_EQ(parse_non_negative("4990"), 4990);
  EXPECT_FALSE(parse_non_negative(""));
  EXPECT_FALSE(parse_non_negative("-1"));
  EXPECT_FALSE(parse_non_negative("12a"));
  EXPECT_FALSE(parse_non_negative("99999999999999999999"));
}

TEST(CodePoints, CountCharactersAndFindWhereTheyEnd) {
  EXPECT_EQ(code_points(""), 0u);
  EXPECT_EQ(code_points("salt"), 4u);
  EXPECT_EQ(code_points("소금 road"), 7u);  // Two three-byte characters.
  EXPECT_EQ(code_points("caf\xC3\xA9 \xF0\x9F\x8E\xAC"), 6u);
  EXPECT_EQ(offset_after_code_points("소금 road", 2), 6u);
  EXPECT_EQ(offset_after_code_points("소금 road", 0), 0u);
  EXPECT_EQ(offset_after_code_points("salt", 9), 4u);
}

}  // namespace
}  // namespace reelpress::util
