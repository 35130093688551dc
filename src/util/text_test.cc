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

TEST(Text, RevealHiddenCharactersNamesWhatDoesNotShow) {
  // A right-to-left override turns "gpj.exe" around on screen; moderators see it named.
  EXPECT_EQ(reveal_hidden_characters("photo\xE2\x80\xAEgpj.exe"), "photo<U+202E>gpj.exe");
  EXPECT_EQ(reveal_hidden_characters("a\xE2\x80\x8B"
                                     "b\xE2\x81\xA6"
                                     "c\xE2\x81\xA9"),
            "a<U+200B>b<U+2066>c<U+2069>");
  EXPECT_EQ(reveal_hidden_characters("bell\x07 esc\x1B[2J del\x7F"),
            "bell<U+0007> esc<U+001B>[2J del<U+007F>");
  EXPECT_EQ(reveal_hidden_characters("c1 \xC2\x85 bom \xEF\xBB\xBF tag \xF3\xA0\x80\x81"),
            "c1 <U+0085> bom <U+FEFF> tag <U+E0001>");
  EXPECT_EQ(reveal_hidden_characters("bad \xFF\xC0\x80 end \xE2\x80"),
            "bad <0xFF><0xC0><0x80> end <0xE2><0x80>");
}

TEST(Text, RevealHiddenCharactersKeepsVisibleText) {
  const std::string visible =
      "Line one\n\tLine two: caf\xC3\xA9, \xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4, "
      "\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A, \xF0\x9F\x8E\xAC";
  EXPECT_EQ(reveal_hidden_characters(visible), visible);
  EXPECT_EQ(reveal_hidden_characters(""), "");
}

}  // namespace
}  // namespace reelpress::util
