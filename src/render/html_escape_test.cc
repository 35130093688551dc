#include "render/html_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace reelpress::render {
namespace {

TEST(HtmlEscape, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_html(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST(HtmlEscape, LeavesOrdinaryTextAndUtf8Alone) {
  EXPECT_EQ(escape_html(""), "");
  EXPECT_EQ(escape_html("Plain text, no markup."), "Plain text, no markup.");
  EXPECT_EQ(escape_html("Z\xC3\xBCrich \xE2\x80\x94 \xE6\x9D\xB1\xE4\xBA\xAC"),
            "Z\xC3\xBCrich \xE2\x80\x94 \xE6\x9D\xB1\xE4\xBA\xAC");
}

TEST(HtmlEscape, DoesNotDecodeExistingEntities) {
  EXPECT_EQ(escape_html("&amp; &#39;"), "&amp;amp; &amp;#39;");
}

TEST(HtmlEscape, KeepsEmbeddedNulAndRunsAtTheEnds) {
  const std::string input("<\0>", 3);
  EXPECT_EQ(escape_html(input), std::string("&lt;\0&gt;", 9));
  EXPECT_EQ(escape_html("&&"), "&amp;&amp;");
}

TEST(HtmlEscape, AppendAddsToWhatIsThere) {
  std::string out = "<p>";
  append_escaped_html(out, "1 < 2");
  out += "</p>";
  EXPECT_EQ(out, "<p>1 &lt; 2</p>");
}

TEST(HtmlEscape, TextVariantLeavesQuotesReadable) {
  std::string out;
  append_escaped_html_text(out, R"(It's "fine" & <ok>)");
  EXPECT_EQ(out, R"(It's "fine" &amp; &lt;ok&gt;)");
}

}  // namespace
}  // namespace reelpress::render
