#include "render/markdown.h"

#include <gtest/gtest.h>

#include <string>

#include "render/html_sanitizer.h"
#include "util/text.h"

namespace reelpress::render {
namespace {

// ---- markdown_to_html

TEST(Markdown, RendersCommonMark) {
  EXPECT_EQ(markdown_to_html("## The Route\n\nFrom *Lhasa* to **Kathmandu**, by `road`.\n"),
            "<h2>The Route</h2>\n<p>From <em>Lhasa</em> to <strong>Kathmandu</strong>, by "
            "<code>road</code>.</p>\n");
  EXPECT_EQ(markdown_to_html("> A quote\n\n1. one\n2. two\n"),
            "<blockquote>\n<p>A quote</p>\n</blockquote>\n<ol>\n<li>one</li>\n<li>two</li>\n"
            "</ol>\n");
}

TEST(Markdown, H1BecomesH2LikeEveryBodyHeading) {
  EXPECT_EQ(markdown_to_html("# Title\n"), "<h2>Title</h2>\n");
}

TEST(Markdown, RendersTables) {
  EXPECT_EQ(markdown_to_html("| Day | Place |\n|:--|--:|\n| 1 | Lhasa |\n"),
            "<table>\n<thead>\n<tr>\n<th align=\"left\">Day</th>\n<th align=\"right\">Place</th>\n"
            "</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n<td "
            "align=\"right\">Lhasa</td>\n</tr>\n</tbody>\n</table>\n");
}

TEST(Markdown, RendersStrikethroughAndAutolinks) {
  EXPECT_EQ(markdown_to_html("~~old~~ new: https://example.org/a and www.example.org.\n"),
            "<p><del>old</del> new: <a href=\"https://example.org/a\">https://example.org/a</a> "
            "and <a href=\"http://www.example.org\">www.example.org</a>.</p>\n");
}

TEST(Markdown, KeepsFencedCodeLanguageAndEscapesCode) {
  EXPECT_EQ(markdown_to_html("```cpp\nif (a < b && c) {}\n```\n"),
            "<pre><code class=\"language-cpp\">if (a &lt; b &amp;&amp; c) {}\n</code></pre>\n");
}

TEST(Markdown, SanitizesRawHtml) {
  EXPECT_EQ(markdown_to_html("<div onclick=\"x()\">raw <script>alert(1)</script></div>\n"),
            "<div>raw </div>\n");
  EXPECT_EQ(markdown_to_html("Inline <img src=x onerror=alert(1)> and <b>bold</b>.\n"),
            "<p>Inline <img src=\"x\"> and <b>bold</b>.</p>\n");
}

TEST(Markdown, SanitizesLinkAndImageUrls) {
  EXPECT_EQ(markdown_to_html("[click](javascript:alert(1)) ![i](/i.png \"Title\")\n"),
            "<p><a>click</a> <img src=\"/i.png\" alt=\"i\" title=\"Title\"></p>\n");
  // md4c percent-encodes the tab, which leaves no scheme: a harmless relative URL.
  EXPECT_EQ(markdown_to_html("[x](<java\tscript:alert(1)>) ![y](data:image/png;base64,AA)\n"),
            "<p><a href=\"java%09script:alert(1)\">x</a> </p>\n");
}

TEST(Markdown, TaskListsAreText) {
  EXPECT_EQ(markdown_to_html("- [ ] todo\n"), "<ul>\n<li>[ ] todo</li>\n</ul>\n");
}

TEST(Markdown, IgnoresByteOrderMarkAndHandlesEmptyInput) {
  EXPECT_EQ(markdown_to_html("\xEF\xBB\xBFHello"), "<p>Hello</p>\n");
  EXPECT_EQ(markdown_to_html(""), "");
  EXPECT_EQ(markdown_to_html("\n\n  \n"), "");
}

// md4c 0.4.8 read one byte past its input when the input ended inside a link destination,
// and printed it: the bytes after the view must not appear.
TEST(Markdown, RegressionUnterminatedLinkReadPastTheInput) {
  const std::string buffer = "x [](SECRET";
  EXPECT_EQ(markdown_to_html(std::string_view(buffer).substr(0, 5)), "<p>x [](</p>\n");
  EXPECT_EQ(markdown_to_html("[]("), "<p>[](</p>\n");
}

TEST(Markdown, OutputIsValidUtf8AndAlreadySanitized) {
  for (const char* input :
       {"\xff *b\xc3* \xed\xa0\x80", "<b>\xfe</b>", "a\0b", "[x](\xff)", "<!-- x", "<pre>\n\nx"}) {
    SCOPED_TRACE(input);
    const std::string html = markdown_to_html(input);
    EXPECT_TRUE(util::is_valid_utf8(html));
    EXPECT_EQ(sanitize_html(html), html);
  }
}

// ---- comment_to_plain_text

TEST(CommentToPlainText, KeepsParagraphsAndLineBreaks) {
  EXPECT_EQ(comment_to_plain_text("<p>One.</p><p>Two.</p>"), "One.\n\nTwo.");
  EXPECT_EQ(comment_to_plain_text("<p>First line<br>\nsecond line</p>\n<p>Next</p>\n"),
            "First line\nsecond line\n\nNext");
  EXPECT_EQ(comment_to_plain_text(""), "");
}

TEST(CommentToPlainText, UndoesPlainTextToHtml) {
  for (const std::string typed : {
           "One.\n\nTwo.",
           "A single line",
           "Line\nand line\n\nParagraph with  two spaces and <b>tags</b> & \"quotes\"",
           "See https://example.org/a?b=1&c=2 (and https://example.org/x).",
           "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4\n\n\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A",
       }) {
    const std::string html = plain_text_to_html(typed);
    EXPECT_EQ(comment_to_plain_text(html), typed) << html;
    EXPECT_EQ(plain_text_to_html(comment_to_plain_text(html)), html);
  }
}

TEST(CommentToPlainText, ImportedMarkupKeepsItsTextAndAddresses) {
  EXPECT_EQ(comment_to_plain_text("<blockquote>Quoted</blockquote>Reply with <em>stress</em>"),
            "Quoted\n\nReply with stress");
  EXPECT_EQ(comment_to_plain_text("<ul><li>one</li><li>two</li></ul>"), "one\n\ntwo");
  EXPECT_EQ(comment_to_plain_text("Visit <a href=\"https://example.org/\">our site</a> today"),
            "Visit our site (https://example.org/) today");
  EXPECT_EQ(comment_to_plain_text("Words\nwrapped by\n  the source"),
            "Words wrapped by the source");
}

// ---- plain_text_to_html

TEST(PlainTextToHtml, EscapesEverything) {
  EXPECT_EQ(plain_text_to_html("<b>not bold</b> & \"quoted\" *not em*"),
            "<p>&lt;b&gt;not bold&lt;/b&gt; &amp; \"quoted\" *not em*</p>\n");
  EXPECT_EQ(plain_text_to_html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
}

TEST(PlainTextToHtml, BlankLinesMakeParagraphsAndNewlinesBreaks) {
  EXPECT_EQ(plain_text_to_html("First line\nsecond line\n\n\n  \nNext paragraph"),
            "<p>First line<br>\nsecond line</p>\n<p>Next paragraph</p>\n");
  EXPECT_EQ(plain_text_to_html("Windows\r\nline\r\n\r\nends\rold Mac"),
            "<p>Windows<br>\nline</p>\n<p>ends<br>\nold Mac</p>\n");
}

TEST(PlainTextToHtml, EmptyTextGivesNothing) {
  EXPECT_EQ(plain_text_to_html(""), "");
  EXPECT_EQ(plain_text_to_html(" \n\t\n "), "");
}

TEST(PlainTextToHtml, LinksBareUrls) {
  EXPECT_EQ(plain_text_to_html("See https://example.org/a?b=1&c=2 now"),
            "<p>See <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow noopener "
            "ugc\">https://example.org/a?b=1&amp;c=2</a> now</p>\n");
  EXPECT_EQ(plain_text_to_html("HTTP://EXAMPLE.ORG"),
            "<p><a href=\"HTTP://EXAMPLE.ORG\" rel=\"nofollow noopener ugc\">HTTP://EXAMPLE.ORG"
            "</a></p>\n");
}

TEST(PlainTextToHtml, LeavesSentencePunctuationOutOfUrls) {
  EXPECT_EQ(plain_text_to_html("Read http://x.example/a."),
            "<p>Read <a href=\"http://x.example/a\" rel=\"nofollow noopener ugc\">"
            "http://x.example/a</a>.</p>\n");
  EXPECT_EQ(plain_text_to_html("(see https://en.wikipedia.org/wiki/Salt_(disambiguation))"),
            "<p>(see <a href=\"https://en.wikipedia.org/wiki/Salt_(disambiguation)\" "
            "rel=\"nofollow noopener ugc\">https://en.wikipedia.org/wiki/Salt_(disambiguation)"
            "</a>)</p>\n");
  EXPECT_EQ(plain_text_to_html("[http://x.example/a))]"),
            "<p>[<a href=\"http://x.example/a\" rel=\"nofollow noopener ugc\">"
            "http://x.example/a</a>))]</p>\n");
  EXPECT_EQ(plain_text_to_html("<https://x.example/>, ok"),
            "<p>&lt;<a href=\"https://x.example/\" rel=\"nofollow noopener ugc\">"
            "https://x.example/</a>&gt;, ok</p>\n");
}

TEST(PlainTextToHtml, LinksOnlyHttpUrlsThatStartAWord) {
  EXPECT_EQ(plain_text_to_html("javascript:alert(1) xhttp://a.example http:// https://."),
            "<p>javascript:alert(1) xhttp://a.example http:// https://.</p>\n");
  EXPECT_EQ(plain_text_to_html("ftp://a.example mailto:a@b.example"),
            "<p>ftp://a.example mailto:a@b.example</p>\n");
}

TEST(PlainTextToHtml, RepairsInvalidUtf8) {
  const std::string html = plain_text_to_html("caf\xe9 \xff http://a.example/\xfe");
  EXPECT_TRUE(util::is_valid_utf8(html));
  EXPECT_EQ(sanitize_html(html, {.policy = SanitizerPolicy::kComment}), html);
}

// ---- html_to_text

TEST(HtmlToText, StripsTagsAndHiddenContent) {
  EXPECT_EQ(html_to_text("<p>Hello <b>bold</b> &amp; <a href=/x>linked</a> world</p><script>"
                         "var x;</script><style>p{}</style>",
                         std::string::npos),
            "Hello bold & linked world");
}

TEST(HtmlToText, BlocksSeparateWordsAndWhitespaceCollapses) {
  EXPECT_EQ(html_to_text("<h2>Title</h2><p>One</p><p>Two<br>three</p><ul><li>a</li><li>b</li>"
                         "</ul>",
                         std::string::npos),
            "Title One Two three a b");
  EXPECT_EQ(html_to_text("  a&nbsp;&nbsp;b \n\t c  ", std::string::npos), "a b c");
  EXPECT_EQ(html_to_text("in<span>line</span><o:p></o:p>s", std::string::npos), "inlines");
}

TEST(HtmlToText, CutsAtAWordBoundaryWithAnEllipsis) {
  const std::string text = "The salt road runs from Lhasa to Kathmandu";
  EXPECT_EQ(html_to_text(text, text.size()), text);
  EXPECT_EQ(html_to_text(text, 20), "The salt road runs\xE2\x80\xA6");
  EXPECT_EQ(html_to_text(text, 19), "The salt road runs\xE2\x80\xA6");
  EXPECT_EQ(html_to_text(text, 18), "The salt road\xE2\x80\xA6");
  EXPECT_EQ(html_to_text("First, second, third", 15), "First, second\xE2\x80\xA6");
}

TEST(HtmlToText, CutsALongWordInside) {
  EXPECT_EQ(html_to_text("abcdefghijklmnopqrstuvwxyz", 6), "abcde\xE2\x80\xA6");
  EXPECT_EQ(html_to_text("abc", 1), "\xE2\x80\xA6");
  EXPECT_EQ(html_to_text("abc", 0), "");
}

TEST(HtmlToText, CountsCodePointsNotBytes) {
  // Each of these words is 2 bytes a letter; 9 code points fit, bytes would not.
  const std::string text = "\xC3\xBC\xC3\xBC\xC3\xBC \xC3\xA9\xC3\xA9 \xC3\xB6\xC3\xB6\xC3\xB6";
  EXPECT_EQ(html_to_text(text, 10), text);
  const std::string cut = html_to_text(text, 8);
  EXPECT_EQ(cut, "\xC3\xBC\xC3\xBC\xC3\xBC \xC3\xA9\xC3\xA9\xE2\x80\xA6");
  EXPECT_TRUE(util::is_valid_utf8(html_to_text(text, 3)));
}

TEST(HtmlToText, HandlesBrokenInput) {
  EXPECT_EQ(html_to_text("", 10), "");
  EXPECT_EQ(html_to_text("<p>unclosed <b>tags", std::string::npos), "unclosed tags");
  EXPECT_TRUE(util::is_valid_utf8(html_to_text("\xff\xfe<p>\xc3</p>", 100)));
}

TEST(HtmlToText, ALongBodyIsSummarizedFromItsBeginningAlone) {
  std::string body;
  for (int i = 0; i < 200; ++i) {
    body +=
        "<p>Paragraph " + std::to_string(i) + " of the <em>companion</em> text, &amp; more.</p>\n";
  }
  const std::string summary = html_to_text(body, 160);
  EXPECT_TRUE(summary.starts_with("Paragraph 0 of the companion text, & more. Paragraph 1 of"))
      << summary;
  EXPECT_TRUE(summary.ends_with("\xE2\x80\xA6")) << summary;
  // The same as for the first paragraphs alone (a short input is read whole).
  std::string start;
  for (int i = 0; i < 8; ++i) {
    start +=
        "<p>Paragraph " + std::to_string(i) + " of the <em>companion</em> text, &amp; more.</p>\n";
  }
  EXPECT_EQ(summary, html_to_text(start, 160));
  // Markup with little text in its first kilobytes is read whole and still summarized.
  const std::string sparse = std::string(4000, ' ') + body;
  EXPECT_EQ(html_to_text("<div>" + std::string(3000, ' ') + "</div>" + body, 160), summary);
  EXPECT_EQ(html_to_text(sparse, 160), summary);
}

}  // namespace
}  // namespace reelpress::render
