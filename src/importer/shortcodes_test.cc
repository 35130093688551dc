#include "importer/shortcodes.h"

#include <gtest/gtest.h>

#include "importer/wp_content.h"

namespace reelpress::importer {
namespace {

class ShortcodesTest : public ::testing::Test {
 protected:
  ShortcodesTest() : urls_({"http://old.example.org"}) {
    ctx_.post_id = 4;
    ctx_.attachments = &attachments_;
    ctx_.urls = &urls_;
  }
  void attach(std::int64_t id, std::int64_t parent, const std::string& url, const std::string& mime,
              int order = 0, const std::string& caption = "") {
    AttachmentInfo a;
    a.id = id;
    a.parent = parent;
    a.url = url;
    a.mime_type = mime;
    a.menu_order = order;
    a.alt = "alt " + std::to_string(id);
    a.caption = caption;
    attachments_.add(a);
  }

  AttachmentIndex attachments_;
  OldSiteUrls urls_;
  ShortcodeContext ctx_;
};

TEST_F(ShortcodesTest, CaptionFromTheTextAfterTheImage) {
  EXPECT_EQ(do_shortcodes("[caption id=\"attachment_1\" align=\"alignleft\" width=\"300\"]<img "
                          "src=\"/x.jpg\" alt=\"Caravan\" /> Caravan at dawn[/caption]",
                          ctx_),
            "<figure class=\"wp-caption alignleft\"><img src=\"/x.jpg\" alt=\"Caravan\" />"
            "<figcaption class=\"wp-caption-text\">Caravan at dawn</figcaption></figure>");
}

TEST_F(ShortcodesTest, CaptionFromItsAttributeAndAroundALink) {
  EXPECT_EQ(do_shortcodes("[caption caption=\"Dawn\"]<a href=\"/big.jpg\"><img src=\"/x.jpg\" "
                          "/></a>[/caption]",
                          ctx_),
            "<figure class=\"wp-caption\"><a href=\"/big.jpg\"><img src=\"/x.jpg\" /></a>"
            "<figcaption class=\"wp-caption-text\">Dawn</figcaption></figure>");
  EXPECT_EQ(do_shortcodes("[wp_caption]<a href=\"/b.jpg\"> <img src=\"/x.jpg\"> </a> Old "
                          "style[/wp_caption]",
                          ctx_),
            "<figure class=\"wp-caption\"><a href=\"/b.jpg\"> <img src=\"/x.jpg\"> </a>"
            "<figcaption class=\"wp-caption-text\">Old style</figcaption></figure>");
}

TEST_F(ShortcodesTest, CaptionWithoutTextLeavesTheImage) {
  EXPECT_EQ(do_shortcodes("[caption]<img src=\"/x.jpg\" />[/caption]", ctx_),
            "<img src=\"/x.jpg\" />");
}

TEST_F(ShortcodesTest, EmbedBecomesAPlainLink) {
  EXPECT_EQ(
      do_shortcodes("[embed]http://video.example.org/salt-road[/embed]", ctx_),
      "<a href=\"http://video.example.org/salt-road\">http://video.example.org/salt-road</a>");
  EXPECT_EQ(do_shortcodes("[embed width=\"640\"]https://v.example/?a=1&amp;b=2[/embed]", ctx_),
            "<a href=\"https://v.example/?a=1&amp;b=2\">https://v.example/?a=1&amp;b=2</a>");
  EXPECT_EQ(do_shortcodes("[embed]http://old.example.org/files/film.mp4[/embed]", ctx_),
            "<a href=\"/files/film.mp4\">/files/film.mp4</a>");
  EXPECT_EQ(do_shortcodes("[embed][/embed]", ctx_), "");
}

TEST_F(ShortcodesTest, UnknownShortcodesStayAsText) {
  const std::string text = "[contact-form-7 id=\"1\" title=\"Contact\"] and [foo]bar[/foo] [";
  EXPECT_EQ(do_shortcodes(text, ctx_), text);
  EXPECT_EQ(do_shortcodes("[playlist ids=\"1,2\"]", ctx_), "[playlist ids=\"1,2\"]");
}

TEST_F(ShortcodesTest, EscapedShortcodesShowAsText) {
  EXPECT_EQ(do_shortcodes("Type [[caption]] to caption.", ctx_), "Type [caption] to caption.");
  EXPECT_EQ(do_shortcodes("[[embed]x[/embed]]", ctx_), "[embed]x[/embed]");
}

TEST_F(ShortcodesTest, GalleryByIdsListsThoseImages) {
  attach(10, 4, "http://old.example.org/files/2009/07/a.jpg", "image/jpeg", 0, "First");
  attach(11, 4, "http://old.example.org/wp-content/uploads/2009/07/b.jpg", "image/jpeg");
  EXPECT_EQ(do_shortcodes("[gallery ids=\"11,10,99\"]", ctx_),
            "<ul><li><figure><img src=\"/wp-content/uploads/2009/07/b.jpg\" alt=\"alt 11\">"
            "</figure></li><li><figure><img src=\"/files/2009/07/a.jpg\" alt=\"alt 10\">"
            "<figcaption>First</figcaption></figure></li></ul>");
}

TEST_F(ShortcodesTest, GalleryWithoutIdsListsThePostsImagesInMenuOrder) {
  attach(12, 4, "http://old.example.org/files/c.jpg", "image/jpeg", 2);
  attach(13, 4, "http://old.example.org/files/d.jpg", "image/jpeg", 1);
  attach(14, 4, "http://old.example.org/files/e.mp3", "audio/mpeg", 0);
  attach(15, 5, "http://old.example.org/files/f.jpg", "image/jpeg", 0);
  attach(16, 4, "http://cdn.example.net/g.jpg", "image/jpeg", 3);
  EXPECT_EQ(do_shortcodes("[gallery]", ctx_),
            "<ul><li><figure><img src=\"/files/d.jpg\" alt=\"alt 13\"></figure></li>"
            "<li><figure><img src=\"/files/c.jpg\" alt=\"alt 12\"></figure></li>"
            "<li><a href=\"http://cdn.example.net/g.jpg\">http://cdn.example.net/g.jpg</a></li>"
            "</ul>");
  ctx_.post_id = 99;
  EXPECT_EQ(do_shortcodes("[gallery]", ctx_), "");
}

TEST_F(ShortcodesTest, AudioAndVideoPlayLocalFilesAndLinkOthers) {
  EXPECT_EQ(do_shortcodes("[audio mp3=\"http://old.example.org/files/talk.mp3\"][/audio]", ctx_),
            "<audio controls src=\"/files/talk.mp3\"></audio>");
  EXPECT_EQ(do_shortcodes("[audio src=\"https://radio.example/talk.mp3\"]", ctx_),
            "<a href=\"https://radio.example/talk.mp3\">https://radio.example/talk.mp3</a>");
  EXPECT_EQ(do_shortcodes("[video width=\"640\" height=\"360\" mp4=\"/files/film.mp4\" "
                          "poster=\"http://old.example.org/files/p.jpg\"][/video]",
                          ctx_),
            "<video controls src=\"/files/film.mp4\" width=\"640\" height=\"360\" "
            "poster=\"/files/p.jpg\"></video>");
  attach(20, 4, "http://old.example.org/files/attached.mp3", "audio/mpeg");
  EXPECT_EQ(do_shortcodes("[audio]", ctx_), "<audio controls src=\"/files/attached.mp3\"></audio>");
  EXPECT_EQ(do_shortcodes("[video]", ctx_), "");
}

TEST_F(ShortcodesTest, AttributeSyntaxes) {
  EXPECT_EQ(do_shortcodes("[video src='/a.mp4' width=320 height=\"x\"/]", ctx_),
            "<video controls src=\"/a.mp4\" width=\"320\"></video>");
}

TEST_F(ShortcodesTest, NeedsAttachmentsOnlyForGalleriesAndUnnamedMedia) {
  EXPECT_TRUE(needs_attachments("x [gallery] y"));
  EXPECT_TRUE(needs_attachments("[audio]"));
  EXPECT_TRUE(needs_attachments("[video width=\"3\"]"));
  EXPECT_FALSE(needs_attachments("[audio mp3=\"/a.mp3\"]"));
  EXPECT_FALSE(needs_attachments("[[gallery]] [caption]x[/caption]"));
}

TEST(ShortcodeUnautop, UnwrapsBlockShortcodesStandingAlone) {
  EXPECT_EQ(shortcode_unautop("<p>[caption]<img src=\"/x.jpg\" /> Hi[/caption]</p>\n<p>x</p>"),
            "[caption]<img src=\"/x.jpg\" /> Hi[/caption]\n<p>x</p>");
  EXPECT_EQ(shortcode_unautop("<p> [gallery ids=\"1\"]<br />\n</p>"), "[gallery ids=\"1\"]");
  // Inline results (links, players) stay in their paragraph; so does a shortcode with text.
  EXPECT_EQ(shortcode_unautop("<p>[embed]http://a.example/[/embed]</p>"),
            "<p>[embed]http://a.example/[/embed]</p>");
  EXPECT_EQ(shortcode_unautop("<p>See<br />\n[gallery]</p>"), "<p>See</p>[gallery]");
  EXPECT_EQ(shortcode_unautop("<p class=\"x\">[caption]a[/caption]<br />\nAfter</p>"),
            "[caption]a[/caption]<p>After</p>");
  EXPECT_EQ(shortcode_unautop("<pre>[gallery]</pre><p>[[gallery]]</p>"),
            "<pre>[gallery]</pre><p>[[gallery]]</p>");
}

TEST(OldSiteUrlsTest, LocalizesTheOldOriginUnderBothSchemes) {
  const OldSiteUrls urls({"http://old.example.org:8081"});
  EXPECT_EQ(urls.to_local("https://old.example.org:8081/files/a.jpg"), "/files/a.jpg");
  EXPECT_EQ(urls.to_local("http://OLD.example.org:8081"), "/");
  EXPECT_EQ(urls.to_local("/already/local"), "/already/local");
  EXPECT_EQ(urls.to_local("http://old.example.org:80812/x"), std::nullopt);
  EXPECT_EQ(urls.to_local("//old.example.org:8081/x"), std::nullopt);
  EXPECT_EQ(urls.to_local("http://other.example/x"), std::nullopt);
  EXPECT_EQ(urls.localize_attributes("<a href=\"http://old.example.org:8081/about/\">"
                                     "http://old.example.org:8081/about/</a><img "
                                     "src='https://old.example.org:8081/f.jpg'><a "
                                     "href=\"http://old.example.org:8081\">home</a>"),
            "<a href=\"/about/\">http://old.example.org:8081/about/</a><img src='/f.jpg'><a "
            "href=\"/\">home</a>");
}

TEST(WpContent, BlockDelimitersGoAndTheirHtmlStays) {
  bool blocks = false;
  EXPECT_EQ(strip_block_delimiters("<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->"
                                   "<!-- wp:latest-posts {\"n\":3} /--><!-- other -->",
                                   &blocks),
            "\n<p>Hi</p>\n<!-- other -->");
  EXPECT_TRUE(blocks);
  strip_block_delimiters("<p>classic</p><!--more-->", &blocks);
  EXPECT_FALSE(blocks);
}

TEST_F(ShortcodesTest, BlockContentSkipsWpautop) {
  EXPECT_EQ(post_content_to_html("<!-- wp:heading --><h2>Overview</h2><!-- /wp:heading -->"
                                 "<!-- wp:paragraph --><p>Students\ntrace.</p><!-- "
                                 "/wp:paragraph -->",
                                 ctx_),
            "<h2>Overview</h2><p>Students\ntrace.</p>");
}

TEST_F(ShortcodesTest, ClassicContentGetsParagraphsShortcodesAndTheSanitizer) {
  const std::string html = post_content_to_html(
      "<h3>About</h3>\nLine one\nline two\n[caption align=\"alignleft\"]<img "
      "src=\"http://old.example.org/files/2009/07/caravan.jpg\" alt=\"Caravan\" "
      "onerror=\"x()\" /> Caravan at dawn[/caption]\n\n<script>evil()</script>",
      ctx_);
  EXPECT_NE(html.find("<h3>About</h3>"), std::string::npos) << html;
  EXPECT_NE(html.find("<p>Line one<br>\nline two</p>"), std::string::npos) << html;
  EXPECT_NE(html.find("<figure class=\"wp-caption alignleft\"><img "
                      "src=\"/files/2009/07/caravan.jpg\" alt=\"Caravan\">"
                      "<figcaption class=\"wp-caption-text\">Caravan at dawn</figcaption>"
                      "</figure>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("<p><figure"), std::string::npos) << html;
  EXPECT_EQ(html.find("script"), std::string::npos) << html;
  EXPECT_EQ(html.find("onerror"), std::string::npos) << html;
}

TEST(WpContent, CommentsGetParagraphsAndTheCommentPolicy) {
  EXPECT_EQ(comment_content_to_html("Hi.\nSee <a href=\"http://x.example/\">this</a>.\n\n"
                                    "<img src=\"/x.jpg\">Bye",
                                    ""),
            "<p>Hi.<br>\nSee <a href=\"http://x.example/\" rel=\"nofollow noopener ugc\">this</a>"
            ".</p>\n<p>Bye</p>\n");
}

}  // namespace
}  // namespace reelpress::importer
