#include "importer/wpautop.h"

#include <gtest/gtest.h>

namespace reelpress::importer {
namespace {

TEST(Wpautop, BlankLinesMakeParagraphsAndSingleNewlinesBreaks) {
  EXPECT_EQ(wpautop("One\ntwo\n\nThree"), "<p>One<br>\ntwo</p>\n<p>Three</p>\n");
  EXPECT_EQ(wpautop("One\n  \n\n\nTwo\n"), "<p>One</p>\n<p>Two</p>\n");
}

TEST(Wpautop, WindowsAndOldMacNewlines) {
  EXPECT_EQ(wpautop("One\r\ntwo\r\n\r\nThree\rfour"),
            "<p>One<br>\ntwo</p>\n<p>Three<br>\nfour</p>\n");
}

TEST(Wpautop, EmptyAndBlankTextGiveNothing) {
  EXPECT_EQ(wpautop(""), "");
  EXPECT_EQ(wpautop(" \n\t\n"), "");
}

TEST(Wpautop, BlockElementsAreNotWrapped) {
  EXPECT_EQ(wpautop("<h2>Title</h2>\nText"), "<h2>Title</h2>\n<p>Text</p>\n");
  EXPECT_EQ(wpautop("<div>Hello</div>"), "<div>Hello</div>\n");
  EXPECT_EQ(wpautop("<p>Hi</p>\n\n<p>There</p>"), "<p>Hi</p>\n<p>There</p>\n");
  EXPECT_EQ(wpautop("Before\n<hr />\nAfter"), "<p>Before</p>\n<hr />\n<p>After</p>\n");
  EXPECT_EQ(wpautop("<table><tr><td>a</td></tr></table>"),
            "<table>\n<tr>\n<td>a</td>\n</tr>\n</table>\n");
}

TEST(Wpautop, ListsKeepTheirItemsUnwrapped) {
  EXPECT_EQ(wpautop("<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
            "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
}

TEST(Wpautop, TextInsideABlockquoteGetsAParagraph) {
  EXPECT_EQ(wpautop("<blockquote>Quote</blockquote>"), "<blockquote><p>Quote</p></blockquote>\n");
  EXPECT_EQ(wpautop("<blockquote><p>Quote</p></blockquote>"),
            "<blockquote>\n<p>Quote</p>\n</blockquote>\n");
}

TEST(Wpautop, TextAfterABlockOpeningTagIsBalanced) {
  EXPECT_EQ(wpautop("<div class=\"x\">\nSome text\n\nMore</div>"),
            "<div class=\"x\"><p>Some text</p>\n<p>More</p></div>\n");
}

TEST(Wpautop, NoBreakNextToBlocksOrAfterAnExistingBreak) {
  EXPECT_EQ(wpautop("a<br />\nb"), "<p>a<br />\nb</p>\n");
  EXPECT_EQ(wpautop("<div>\none\ntwo\n</div>"), "<div>one<br>\ntwo</div>\n");
}

TEST(Wpautop, TwoBreaksInARowAreAParagraphBreak) {
  EXPECT_EQ(wpautop("a<br><br />b"), "<p>a</p>\n<p>b</p>\n");
}

TEST(Wpautop, PreformattedTextIsCopiedUnchanged) {
  EXPECT_EQ(wpautop("Code:\n\n<pre>a\n\nb\n</pre>\n\nEnd"),
            "<p>Code:</p>\n<pre>a\n\nb\n</pre>\n<p>End</p>\n");
  EXPECT_EQ(wpautop("<PRE>x\ny</PRE>"), "<PRE>x\ny</PRE>\n");
}

TEST(Wpautop, InlineMarkupStaysInTheParagraph) {
  EXPECT_EQ(wpautop("Some <em>emphasis</em>\nand <a href=\"/x\">a link</a>"),
            "<p>Some <em>emphasis</em><br>\nand <a href=\"/x\">a link</a></p>\n");
  // A newline inside a tag is part of the tag, not a line of text.
  EXPECT_EQ(wpautop("<a\nhref=\"/x\">link</a>"), "<p><a\nhref=\"/x\">link</a></p>\n");
  EXPECT_EQ(wpautop("if a < b and b > c"), "<p>if a < b and b > c</p>\n");
}

TEST(Wpautop, MediaSourcesGetNoBreaks) {
  EXPECT_EQ(wpautop("<video controls>\n<source src=\"/a.mp4\">\n</video>"),
            "<p><video controls>\n<source src=\"/a.mp4\">\n</video></p>\n");
}

TEST(Wpautop, CommentsAreDropped) {
  EXPECT_EQ(wpautop("a\n\n<!--more-->\n\nb"), "<p>a</p>\n<p>b</p>\n");
}

TEST(Wpautop, WithoutLineBreaksNewlinesStay) {
  EXPECT_EQ(wpautop("One\ntwo\n\nThree", false), "<p>One\ntwo</p>\n<p>Three</p>\n");
}

TEST(Wpautop, AShortcodeOnItsOwnLineIsAParagraphOfItsOwn) {
  EXPECT_EQ(wpautop("<p>Text</p>\n[caption id=\"a\"]<img src=\"/x.jpg\" /> Dawn[/caption]"),
            "<p>Text</p>\n<p>[caption id=\"a\"]<img src=\"/x.jpg\" /> Dawn[/caption]</p>\n");
}

TEST(Wpautop, AlreadyParagraphedWordPressContentIsUnchanged) {
  const std::string html =
      "<p>Viewers ask how to help.</p>\n<p><strong>Desert Wells Trust</strong><br />Digs "
      "wells.</p>";
  EXPECT_EQ(wpautop(html), html + "\n");
}

TEST(Wpautop, UnclosedMarkupDoesNotLoseText) {
  EXPECT_EQ(wpautop("<a href=\"x"), "<p><a href=\"x</p>\n");
  EXPECT_EQ(wpautop("<pre>never closed\n\nstill pre"), "<pre>never closed\n\nstill pre\n");
  EXPECT_EQ(wpautop("text <!-- unclosed comment"), "<p>text</p>\n");
}

}  // namespace
}  // namespace reelpress::importer
