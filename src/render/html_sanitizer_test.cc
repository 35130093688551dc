#include "render/html_sanitizer.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <cctype>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "render/markdown.h"
#include "util/text.h"

namespace reelpress::render {
namespace {

std::string body(std::string_view html) { return sanitize_html(html); }

std::string comment(std::string_view html) {
  return sanitize_html(html, {.policy = SanitizerPolicy::kComment, .site_host = "www.example.org"});
}

// The markup of `html` (every "<...>", lower-cased), without the text between tags: what the
// browser executes lives there, while text may legitimately say "javascript:" or "onerror".
std::string tags_of(const std::string& html) {
  std::string tags;
  size_t open = html.find('<');
  while (open != std::string::npos) {
    const size_t close = html.find('>', open);
    tags.append(html, open, close == std::string::npos ? std::string::npos : close - open + 1);
    if (close == std::string::npos) break;
    open = html.find('<', close);
  }
  for (char& c : tags) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tags;
}

// True if `tags` has an attribute named on<letters>: a space, "on", letters, spaces, '='.
bool has_event_handler_attribute(const std::string& tags) {
  for (size_t i = tags.find("on"); i != std::string::npos; i = tags.find("on", i + 1)) {
    if (i == 0 || !std::isspace(static_cast<unsigned char>(tags[i - 1]))) continue;
    size_t j = i + 2;
    while (j < tags.size() && std::islower(static_cast<unsigned char>(tags[j]))) ++j;
    while (j < tags.size() && std::isspace(static_cast<unsigned char>(tags[j]))) ++j;
    if (j < tags.size() && tags[j] == '=') return true;
  }
  return false;
}

void expect_safe(const std::string& input, const std::string& output) {
  SCOPED_TRACE("input: " + input + "\noutput: " + output);
  const std::string tags = tags_of(output);
  EXPECT_TRUE(util::is_valid_utf8(output));
  for (const char* bad : {"<script",     "<style",    "<iframe", "<object", "<embed",    "<svg",
                          "<math",       "<form",     "<input",  "<button", "<textarea", "<select",
                          "<template",   "<noscript", "<base",   "<meta",   "<link",     "<!--",
                          "javascript:", "vbscript:", "data:",   "style=",  " id="}) {
    EXPECT_EQ(tags.find(bad), std::string::npos) << bad;
  }
  EXPECT_FALSE(has_event_handler_attribute(tags));
  // Text never holds a raw '<': every '<' in the output starts a tag of ours.
  for (size_t i = output.find('<'); i != std::string::npos; i = output.find('<', i + 1)) {
    ASSERT_LT(i + 1, output.size());
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(output[i + 1])) || output[i + 1] == '/');
  }
}

// OWASP XSS filter evasion cheat sheet, mutation XSS papers and DOMPurify's test cases,
// in spirit: the inputs that have broken sanitizers before.
const std::vector<std::string>& hostile_corpus() {
  static const std::vector<std::string> kCorpus = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
      "<img src=x onerror=alert(1)>",
      "<IMG SRC=\"javascript:alert('XSS');\">",
      "<IMG SRC=JaVaScRiPt:alert('XSS')>",
      "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
      "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
      "&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
      "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112"
      "&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039>",
      "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74>",
      "<IMG SRC=\"jav\tascript:alert('XSS');\">",
      "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
      "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
      "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
      "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
      "<a href=\"jAvAsCrIpT:alert(1)\">x</a>",
      "<a href=\"java&#x09;script:alert(1)\">x</a>",
      "<a href=\" javascript:alert(1)\">x</a>",
      "<a href=\"\x01javascript:alert(1)\">x</a>",
      "<a href=\"&#1;javascript:alert(1)\">x</a>",
      "<a href=\"javascript&colon;alert(1)\">x</a>",
      "<a href=javascript&#58;alert(1)>x</a>",
      "<a href=\"vbscript:msgbox(1)\">x</a>",
      "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
      "<a href=\"livescript:[code]\">x</a>",
      "<svg onload=alert(1)>",
      "<svg><script>alert(1)</script></svg>",
      "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
      "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
      "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
      "<scr<script>ipt>alert(1)</script>",
      "<<script>script>alert(1)</script>",
      "<script<script>>alert(1)</script>",
      "<p>unclosed <b>bold <i>and",
      "<img src=\"x\" onerror=\"alert(1)\"",
      "<a href=\"http://x.example/\" onmouseover=alert(1) title=t>link",
      "<iframe src=\"javascript:alert(1)\"><iframe>x</iframe></iframe>after",
      "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
      "<!-- <script>alert(1)</script> -->ok",
      "<!--><script>alert(1)</script>-->",
      "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
      "<a title=\"<!--\"><img src=x onerror=alert(1)>-->",
      "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
      "</p><script>alert(1)</script>",
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
      "<style><img src=\"</style><img src=x onerror=alert(1)//\">",
      "<xmp><script>alert(1)</script></xmp>",
      "<plaintext><script>alert(1)</script>",
      "<textarea><script>alert(1)</script></textarea>",
      "<title><script>alert(1)</script></title>",
      "<template><script>alert(1)</script></template>",
      "<object data=\"javascript:alert(1)\">fallback</object>",
      "<embed src=\"javascript:alert(1)\">",
      "<base href=\"javascript:alert(1)//\">",
      "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
      "<link rel=stylesheet href=\"javascript:alert(1)\">",
      "<input onfocus=alert(1) autofocus>",
      "<select><option>x</option></select><keygen autofocus onfocus=alert(1)>",
      "<details open ontoggle=alert(1)>",
      "<video><source onerror=alert(1)></video>",
      "<video poster=javascript:alert(1) src=/v.mp4></video>",
      "<audio src=x onerror=alert(1)>",
      "<body onload=alert(1)>",
      "<frameset onload=alert(1)>",
      "<div style=\"background:url(javascript:alert(1))\">x</div>",
      "<div style=\"width: expression(alert(1))\">x</div>",
      "<a href=\"#top\" onclick=\"alert(1)\" id=\"x\">t</a>",
      "<isindex action=javascript:alert(1) type=submit value=click>",
      "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
      "<a href=\"http://x.example\"><marquee><a href=\"javascript:alert(1)\">x</a></marquee></a>",
      "<li><center><li>x",
      "<h2><font><h3>x</h3></font></h2>",
      "<p><applet><p>x</p></applet></p>",
      "<table><td><li>a<td><li>b</table>",
      "<b><table><td></b><i></table>x",
      "<a><table><a>x</a></table></a>",
      "<pre><!--c-->\nfoo</pre>",
      "<pre>\n\n\nfoo</pre>",
      "<div><svg><foreignObject><p>x</p></foreignObject></svg></div>",
      "<image src=x onerror=alert(1)>",
      "<img/src=x/onerror=alert(1)>",
      "<img src=x:alert(alt) onerror=eval(src) alt=0>",
      "<a href=\"\\\\evil.example\">x</a>",
      "<a href=\"/\\evil.example\">x</a>",
      "\xff\xfe<b>\xc3(</b>\xed\xa0\x80\xf4\x90\x80\x80",
      std::string("<img src=\"x\0\" onerror=alert(1)>", 31),
  };
  return kCorpus;
}

TEST(HtmlSanitizer, DropsScriptWithContent) {
  EXPECT_EQ(body("<p>Hi<script>alert(1)</script> there</p>"), "<p>Hi there</p>");
  EXPECT_EQ(body("<SCRIPT>alert(1)</SCRIPT>after"), "after");
}

TEST(HtmlSanitizer, DropsDangerousElementsWithContent) {
  EXPECT_EQ(body("<style>p{color:red}</style><p>a</p>"), "<p>a</p>");
  EXPECT_EQ(body("<iframe src=\"https://x.example\">inner</iframe>after"), "after");
  EXPECT_EQ(body("<iframe src=\"javascript:alert(1)\"><iframe>x</iframe></iframe>after"), "after");
  EXPECT_EQ(body("<object data=x>fallback</object><embed src=x>"), "");
  EXPECT_EQ(body("<template><p>t</p></template>x"), "x");
  EXPECT_EQ(body("<noscript>n</noscript>x"), "x");
  EXPECT_EQ(body("<form action=/x><input name=a><button>b</button><select><option>o</select>"
                 "<textarea>t</textarea></form>x"),
            "x");
  EXPECT_EQ(body("<svg onload=alert(1)><circle r=1 /></svg>x"), "x");
  EXPECT_EQ(body("<math><mi>x</mi></math>y"), "y");
  EXPECT_EQ(body("<title>t</title><meta charset=utf-8><link rel=x href=y><base href=/>z"), "z");
}

TEST(HtmlSanitizer, UnwrapsUnknownElementsKeepingTheirContent) {
  EXPECT_EQ(body("<p>Line<o:p></o:p></p>"), "<p>Line</p>");
  EXPECT_EQ(body("<my-widget data-x=1>inside</my-widget>"), "inside");
  EXPECT_EQ(body("<p><font face=\"Arial\" color=red>Text</font></p>"), "<p>Text</p>");
  EXPECT_EQ(body("<center>a</center><b>x</b>"), "a\n<b>x</b>");
}

TEST(HtmlSanitizer, UnwrappedBlocksStillSeparateWords) {
  EXPECT_EQ(comment("<h1>Title</h1><div>one</div><div>two</div>"), "Title\none\ntwo");
  EXPECT_EQ(comment("<ul><li>a<div>b</div></li><li>c</li></ul>"),
            "<ul><li>a\nb</li><li>c</li></ul>");
}

TEST(HtmlSanitizer, DropsEventHandlerStyleAndIdAttributes) {
  EXPECT_EQ(body("<a href=\"#top\" onclick=\"alert(1)\" id=\"x\" style=\"color:red\">t</a>"),
            "<a href=\"#top\">t</a>");
  EXPECT_EQ(body("<p ONMOUSEOVER=alert(1) class=\"alignleft\" data-x=1>p</p>"),
            "<p class=\"alignleft\">p</p>");
  EXPECT_EQ(body("<details open ontoggle=alert(1)><summary>s</summary>d</details>"),
            "<details><summary>s</summary>d</details>");
}

TEST(HtmlSanitizer, KeepsImageWithoutItsOnerror) {
  EXPECT_EQ(body("<img src=x onerror=alert(1)>"), "<img src=\"x\">");
  EXPECT_EQ(body("<img/src=x/onerror=alert(1)>"), "<img src=\"x/onerror=alert(1)\">");
}

TEST(HtmlSanitizer, RejectsScriptUrlsHoweverTheyAreSpelled) {
  for (const char* href : {"javascript:alert(1)",
                           "jAvAsCrIpT:alert(1)",
                           "java&#x09;script:alert(1)",
                           "java&#x0A;script:alert(1)",
                           "java\tscript:alert(1)",
                           " javascript:alert(1)",
                           "&#1;javascript:alert(1)",
                           "\x01\x02javascript:alert(1)",
                           "&#x20;&#x0D;javascript:x",
                           "javascript&colon;alert(1)",
                           "&#106;avascript:alert(1)",
                           "vbscript:msgbox(1)",
                           "VBScript:x",
                           "data:text/html;base64,PHNjcmlwdD4=",
                           "DATA:image/png;base64,AA==",
                           "file:///etc/passwd",
                           "ftp://x.example/",
                           "jar:x",
                           "view-source:x",
                           "feed:x"}) {
    SCOPED_TRACE(href);
    EXPECT_EQ(body(std::string("<a href=\"") + href + "\">x</a>"), "<a>x</a>");
  }
}

TEST(HtmlSanitizer, KeepsHttpMailtoAndRelativeUrls) {
  for (const char* href : {"http://x.example/a", "HTTPS://X.example/a?b=1#c", "mailto:a@b.example",
                           "/films/salt-road/", "salt-road/", "../up", "?p=4990", "#comments",
                           "//cdn.example/x.jpg", "1:2", "./javascript"}) {
    SCOPED_TRACE(href);
    EXPECT_EQ(body(std::string("<a href=\"") + href + "\">x</a>"),
              std::string("<a href=\"") + href + "\">x</a>");
  }
}

TEST(HtmlSanitizer, NormalizesUrlWhitespaceLikeABrowser) {
  EXPECT_EQ(body("<a href=\"  /a\tb\nc  \">x</a>"), "<a href=\"/abc\">x</a>");
}

TEST(HtmlSanitizer, MailtoIsForLinksOnly) {
  EXPECT_EQ(body("<img src=\"mailto:a@b.example\">"), "");
  EXPECT_EQ(body("<blockquote cite=\"mailto:a@b.example\">q</blockquote>"),
            "<blockquote>q</blockquote>");
}

TEST(HtmlSanitizer, DropsMediaWithoutAValidSource) {
  EXPECT_EQ(body("<img alt=\"no src\">"), "");
  EXPECT_EQ(body("<img src=\"javascript:alert(1)\" alt=a>"), "");
  EXPECT_EQ(body("<video><source onerror=alert(1)>fallback</video>"), "");
  EXPECT_EQ(body("<audio src=\"data:audio/wav;base64,AA\">x</audio>"), "");
  EXPECT_EQ(body("<video controls><source src=\"/a.mp4\" type=\"video/mp4\"><track "
                 "src=\"/a.vtt\" kind=Captions srclang=en label=\"English\">Fallback</video>"),
            "<video controls><source src=\"/a.mp4\" type=\"video/mp4\"><track src=\"/a.vtt\" "
            "kind=\"captions\" srclang=\"en\" label=\"English\">Fallback</video>");
  EXPECT_EQ(body("<video poster=javascript:alert(1) src=/v.mp4 width=640 height=\"360\" "
                 "autoplay></video>"),
            "<video src=\"/v.mp4\" width=\"640\" height=\"360\"></video>");
}

TEST(HtmlSanitizer, QuotesUnquotedAttributesAndEscapesValues) {
  EXPECT_EQ(body("<a href=http://x.example/a?b=1&c=2 title=t>l</a>"),
            "<a href=\"http://x.example/a?b=1&amp;c=2\" title=\"t\">l</a>");
  EXPECT_EQ(body("<img src=\"/a.jpg\" alt='say \"hi\" & <bye>'>"),
            "<img src=\"/a.jpg\" alt=\"say &quot;hi&quot; &amp; &lt;bye&gt;\">");
}

TEST(HtmlSanitizer, EscapesText) {
  EXPECT_EQ(body("1 &lt; 2 &amp;&amp; 3 &gt; 2 \"q\" 'a'"),
            "1 &lt; 2 &amp;&amp; 3 &gt; 2 \"q\" 'a'");
  EXPECT_EQ(body("<scr<script>ipt>alert(1)</script>"), "ipt&gt;alert(1)");
  EXPECT_EQ(body("<<script>script>alert(1)</script>"), "&lt;");
  EXPECT_EQ(body("<xmp><b>x</b></xmp>"), "&lt;b&gt;x&lt;/b&gt;");
  EXPECT_EQ(body("<plaintext><b>x"), "&lt;b&gt;x");
}

TEST(HtmlSanitizer, ClosesUnclosedTagsAndDropsUnfinishedOnes) {
  EXPECT_EQ(body("<p>unclosed <b>bold"), "<p>unclosed <b>bold</b></p>");
  EXPECT_EQ(body("<ul><li>a<li>b</ul>"), "<ul><li>a</li><li>b</li></ul>");
  EXPECT_EQ(body("<p>text<img src=\"x\" onerror=\"alert(1)\""), "<p>text</p>");
  EXPECT_EQ(body("</p><script>alert(1)</script>"), "<p></p>");
  EXPECT_EQ(body("<table><tr><td>a<td>b</table>"),
            "<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>");
}

TEST(HtmlSanitizer, RemovesCommentsIncludingTrickyOnes) {
  EXPECT_EQ(body("a<!-- <script>alert(1)</script> -->b"), "ab");
  EXPECT_EQ(body("<!--><script>alert(1)</script>-->"), "--&gt;");
  EXPECT_EQ(body("<!--[if gte IE 4]><script>alert(1)</script><![endif]-->x"), "x");
  EXPECT_EQ(body("<a title=\"<!--\"><img src=x onerror=alert(1)>-->"),
            "<a title=\"&lt;!--\"><img src=\"x\">--&gt;</a>");
  EXPECT_EQ(body("<!--unterminated <p>x</p>"), "");
}

TEST(HtmlSanitizer, DemotesH1) {
  EXPECT_EQ(body("<h1 id=top class=x>Title</h1><h3>Sub</h3>"), "<h2>Title</h2><h3>Sub</h3>");
}

TEST(HtmlSanitizer, KeepsWordPressCaptionMarkup) {
  const std::string caption =
      "<div id=\"attachment_12\" style=\"width: 310px\" class=\"wp-caption alignleft\">"
      "<img class=\"size-medium wp-image-12\" src=\"/files/2011/07/a.jpg\" alt=\"A\" "
      "width=\"300\" height=\"200\"><p class=\"wp-caption-text\">The salt road</p></div>";
  EXPECT_EQ(body(caption),
            "<div class=\"wp-caption alignleft\"><img class=\"size-medium wp-image-12\" "
            "src=\"/files/2011/07/a.jpg\" alt=\"A\" width=\"300\" height=\"200\"><p "
            "class=\"wp-caption-text\">The salt road</p></div>");
  EXPECT_EQ(body("<img class=\"size-full wp-image-12 alignnone\" src=\"/a.jpg\">"),
            "<img class=\"size-full wp-image-12 alignnone\" src=\"/a.jpg\">");
}

TEST(HtmlSanitizer, FiltersClassTokens) {
  EXPECT_EQ(body("<p class=\"wp-caption-text foo alignleft\">c</p>"),
            "<p class=\"wp-caption-text alignleft\">c</p>");
  EXPECT_EQ(body("<span class=\"evil wp-image-x size-\">s</span>"), "<span>s</span>");
  EXPECT_EQ(body("<figure class=\"wp-block-image aligncenter\"><img src=/a.jpg>"
                 "<figcaption class=\"wp-caption-text\">C</figcaption></figure>"),
            "<figure class=\"aligncenter\"><img src=\"/a.jpg\"><figcaption "
            "class=\"wp-caption-text\">C</figcaption></figure>");
  EXPECT_EQ(body("<b class=\"alignleft\">b</b>"), "<b>b</b>");
  EXPECT_EQ(body("<pre><code class=\"language-cpp evil\">int x;</code></pre>"),
            "<pre><code class=\"language-cpp\">int x;</code></pre>");
}

TEST(HtmlSanitizer, KeepsTables) {
  const std::string table =
      "<table><caption>Route</caption><thead><tr><th scope=\"col\">Day</th><th "
      "scope=\"col\">Place</th></tr></thead><tbody><tr><td>1</td><td rowspan=\"2\">Lhasa</td>"
      "</tr><tr><td colspan=\"1\" align=\"right\">2</td></tr></tbody><tfoot><tr><td>End</td>"
      "</tr></tfoot></table>";
  EXPECT_EQ(body(table), table);
  EXPECT_EQ(body("<table><tr><td colspan=\"all\" rowspan=\"99999\" scope=\"everything\">x"),
            "<table><tbody><tr><td>x</td></tr></tbody></table>");
}

TEST(HtmlSanitizer, ChecksAttributeValues) {
  EXPECT_EQ(body("<ol start=\"3\" reversed type=\"a\"><li>x</li></ol>"),
            "<ol start=\"3\" reversed><li>x</li></ol>");
  EXPECT_EQ(body("<ol start=\"three\"><li>x</li></ol>"), "<ol><li>x</li></ol>");
  EXPECT_EQ(body("<img src=/a.jpg width=\"100%\" height=\" 200 \">"),
            "<img src=\"/a.jpg\" height=\"200\">");
  EXPECT_EQ(body("<time datetime=\"2011-07-12\">July 12th, 2011</time>"),
            "<time datetime=\"2011-07-12\">July 12th, 2011</time>");
  EXPECT_EQ(body("<abbr title=\"Public Broadcasting Service\">PBS</abbr>"),
            "<abbr title=\"Public Broadcasting Service\">PBS</abbr>");
  EXPECT_EQ(body("<q cite=\"https://x.example/\">q</q><blockquote cite=\"javascript:x\">b"
                 "</blockquote>"),
            "<q cite=\"https://x.example/\">q</q><blockquote>b</blockquote>");
  EXPECT_EQ(body("<a href=/x target=_blank download ping=https://t.example>x</a>"),
            "<a href=\"/x\">x</a>");
}

TEST(HtmlSanitizer, BodyKeepsOnlySafeRelTokens) {
  EXPECT_EQ(body("<a href=\"https://x.example\" rel=\"NoFollow stylesheet noopener\">x</a>"),
            "<a href=\"https://x.example\" rel=\"nofollow noopener\">x</a>");
  EXPECT_EQ(body("<a href=\"/x\" rel=\"preload\">x</a>"), "<a href=\"/x\">x</a>");
}

TEST(HtmlSanitizer, PreservesWhitespace) {
  EXPECT_EQ(body("<p>a  b\n c</p>\n\n<p>\td</p>"), "<p>a  b\n c</p>\n\n<p>\td</p>");
  EXPECT_EQ(body("  leading and trailing  "), "  leading and trailing  ");
}

TEST(HtmlSanitizer, KeepsTheNewlinesAtTheStartOfPre) {
  // The parser eats one newline after <pre>; the output must carry one more to keep the rest.
  EXPECT_EQ(body("<pre>\nx</pre>"), "<pre>x</pre>");
  EXPECT_EQ(body("<pre>\n\nx</pre>"), "<pre>\n\nx</pre>");
  EXPECT_EQ(body("<pre><!--c-->\nfoo</pre>"), "<pre>\n\nfoo</pre>");
}

TEST(HtmlSanitizer, CommentPolicyAllowsOnlyTheCommentSet) {
  EXPECT_EQ(comment("<p class=\"alignleft\">Hi <strong>there</strong>, <em>you</em>. "
                    "<code>x</code> <q cite=\"/q\">q</q> <cite>c</cite></p>"),
            "<p>Hi <strong>there</strong>, <em>you</em>. <code>x</code> <q cite=\"/q\">q</q> "
            "<cite>c</cite></p>");
  EXPECT_EQ(comment("<blockquote><ul><li>a</li></ul><ol><li>b<br>c</li></ol></blockquote>"),
            "<blockquote><ul><li>a</li></ul><ol><li>b<br>c</li></ol></blockquote>");
  EXPECT_EQ(comment("<img src=/a.jpg><span class=x>s</span><u>u</u><h2>h</h2>"), "su\nh");
  EXPECT_EQ(comment("<table><tr><td>a</td><td>b</td></tr></table>"), "a\nb");
  EXPECT_EQ(comment("<script>alert(1)</script><iframe></iframe>ok"), "ok");
}

TEST(HtmlSanitizer, CommentLinksToOtherHostsAreNofollow) {
  EXPECT_EQ(comment("<a href=\"https://other.example/x\" rel=\"me\">o</a>"),
            "<a href=\"https://other.example/x\" rel=\"nofollow noopener ugc\">o</a>");
  EXPECT_EQ(comment("<a href=\"//other.example/x\">o</a>"),
            "<a href=\"//other.example/x\" rel=\"nofollow noopener ugc\">o</a>");
  EXPECT_EQ(comment("<a href=\"/\\other.example/x\">o</a>"),
            "<a href=\"/\\other.example/x\" rel=\"nofollow noopener ugc\">o</a>");
  EXPECT_EQ(
      comment("<a href=\"https://www.example.org.evil.example/\">o</a>"),
      "<a href=\"https://www.example.org.evil.example/\" rel=\"nofollow noopener ugc\">o</a>");
  EXPECT_EQ(comment("<a href=\"http://www.example.org@evil.example/\">o</a>"),
            "<a href=\"http://www.example.org@evil.example/\" rel=\"nofollow noopener ugc\">o</a>");
}

TEST(HtmlSanitizer, CommentLinksToTheSiteAreNotNofollow) {
  EXPECT_EQ(comment("<a href=\"https://WWW.Example.org:443/films/\" rel=nofollow>s</a>"),
            "<a href=\"https://WWW.Example.org:443/films/\">s</a>");
  EXPECT_EQ(comment("<a href=\"/films/\" rel=\"sponsored\">s</a>"), "<a href=\"/films/\">s</a>");
  EXPECT_EQ(comment("<a href=\"mailto:a@b.example\">m</a>"),
            "<a href=\"mailto:a@b.example\">m</a>");
  EXPECT_EQ(sanitize_html("<a href=\"https://www.example.org/\">s</a>",
                          {.policy = SanitizerPolicy::kComment}),
            "<a href=\"https://www.example.org/\" rel=\"nofollow noopener ugc\">s</a>");
}

TEST(HtmlSanitizer, RepairsInvalidUtf8) {
  const std::string output = body("\xff\xfe<b>\xc3(</b>|\xc0\xaf|\xed\xa0\x80|\xe2\x82|ok");
  EXPECT_TRUE(util::is_valid_utf8(output));
  EXPECT_EQ(output,
            "\xEF\xBF\xBD\xEF\xBF\xBD<b>\xEF\xBF\xBD(</b>|\xEF\xBF\xBD\xEF\xBF\xBD|"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD|ok");
  EXPECT_TRUE(util::is_valid_utf8(body("<a title=\"\xff\" href=\"/\xfe\">x</a>")));
}

TEST(HtmlSanitizer, RemovesControlCharacters) {
  EXPECT_EQ(body(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(body("a&#1;b&#x7f;c&#xFFFE;d&#0;e"),
            "abcd\xEF\xBF\xBD"
            "e");
  EXPECT_EQ(body("a&#13;b&#12;c"), "a\nb c");
  EXPECT_EQ(body("&#x80;"), "\xE2\x82\xAC");  // Windows-1252, as browsers read it.
}

TEST(HtmlSanitizer, HostileCorpusComesOutSafe) {
  for (const std::string& input : hostile_corpus()) {
    expect_safe(input, body(input));
    expect_safe(input, comment(input));
  }
}

TEST(HtmlSanitizer, HostileCorpusIsIdempotent) {
  for (const std::string& input : hostile_corpus()) {
    SCOPED_TRACE(input);
    const std::string once = body(input);
    EXPECT_EQ(body(once), once);
    const std::string once_comment = comment(input);
    EXPECT_EQ(comment(once_comment), once_comment);
  }
}

TEST(HtmlSanitizer, SettlesMarkupThatTheParserWouldRestructure) {
  // Unwrapping <marquee> or <center> would leave an <a> in an <a> or an <li> in an <li>,
  // which the next parse splits; the output is what that parse gives.
  EXPECT_EQ(body("<a href=/1><marquee><a href=/2>x</a></marquee></a>"),
            "<a href=\"/1\"></a><a href=\"/2\">x</a>");
  EXPECT_EQ(body("<li><center><li>x"), "<li>\n</li><li>x</li>");
  EXPECT_EQ(body("<h2><font><h3>x</h3></font></h2>"), "<h2></h2><h3>x</h3>");
}

TEST(HtmlSanitizer, RandomBytesComeOutValidAndStable) {
  std::mt19937 random(20110712);
  const std::string alphabet = "<>/=\"' abcdefhilmnoprstvx!-&#;:\n\t\xc3\xa9\xff";
  for (int round = 0; round < 300; ++round) {
    std::string input;
    const int length = static_cast<int>(random() % 200);
    for (int i = 0; i < length; ++i) input.push_back(alphabet[random() % alphabet.size()]);
    SCOPED_TRACE(input);
    for (SanitizerPolicy policy : {SanitizerPolicy::kBody, SanitizerPolicy::kComment}) {
      const std::string once = sanitize_html(input, {.policy = policy});
      EXPECT_TRUE(util::is_valid_utf8(once));
      EXPECT_EQ(sanitize_html(once, {.policy = policy}), once);
    }
  }
}

// Runs `function` on a thread with a 64 KiB stack, smaller than any server gives its workers.
void run_on_small_stack(void (*function)()) {
  pthread_attr_t attributes;
  ASSERT_EQ(pthread_attr_init(&attributes), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attributes, 64 * 1024), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attributes,
                [](void* f) -> void* {
                  reinterpret_cast<void (*)()>(f)();
                  return nullptr;
                },
                reinterpret_cast<void*>(function)),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
}

TEST(HtmlSanitizer, DeepNestingDoesNotRecurse) {
  // 512 levels, the limit: recursing once per level (as gumbo_destroy_output does) needs more
  // than 64 KiB of stack, so this crashes unless every walk over the tree is iterative.
  run_on_small_stack([] {
    std::string input;
    std::string expected;
    for (int i = 0; i < 256; ++i) input += "<div><span>";
    expected = input + "x";
    for (int i = 0; i < 256; ++i) expected += "</span></div>";
    EXPECT_EQ(body(input + "x"), expected);
    std::string deeper;
    for (int i = 0; i < 2000; ++i) deeper += "<div><span>";
    EXPECT_EQ(html_to_text(deeper + "x", 10), "x");
  });
  run_on_small_stack([] {
    std::string input;
    for (int i = 0; i < 256; ++i) input += "<font><center>";
    EXPECT_EQ(comment(input + "x"), "x");
  });
}

std::string repeated(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

TEST(HtmlSanitizer, MarkupNestedToTheLimitIsKeptAndPastItRefused) {
  ASSERT_EQ(kMaxHtmlNesting, 512u);
  for (std::size_t depth : {kMaxHtmlNesting - 1, kMaxHtmlNesting}) {
    const std::string input = repeated("<div>", depth) + "x" + repeated("</div>", depth);
    auto checked = sanitize_html_checked(input);
    ASSERT_TRUE(checked) << depth << ": " << checked.error().message;
    EXPECT_EQ(*checked, input);
    EXPECT_EQ(body(input), input);
  }
  const std::string over = repeated("<div>", kMaxHtmlNesting + 1) + "x";
  auto refused = sanitize_html_checked(over);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, util::ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message,
            "The HTML nests elements more than 512 levels deep; the limit is 512 levels.");
  // Unchecked, it is shown as the text it is, and that is stable.
  const std::string shown = body(over);
  EXPECT_TRUE(shown.starts_with("&lt;div&gt;&lt;div&gt;")) << shown.substr(0, 40);
  EXPECT_EQ(body(shown), shown);
  // Markdown nests too: a thousand quote markers.
  EXPECT_FALSE(markdown_to_html_checked(std::string(1000, '>') + " deep"));
  EXPECT_TRUE(markdown_to_html_checked(std::string(100, '>') + " deep"));
  // End tags the parser ignores do not count as closing anything: inside a cell, or inside an
  // attribute value or a comment, they close nothing.
  EXPECT_FALSE(sanitize_html_checked(repeated("<b title=\"</b>\"><span>", 300)));
  EXPECT_FALSE(sanitize_html_checked(repeated("<span><!-- </span> -->", 600)));
  EXPECT_FALSE(sanitize_html_checked(repeated("<span><script></span></script>", 600)));
  // The parser nests deeper than the tags say where it implies elements (<tbody> here): the
  // result must itself be within the limit, or sanitizing it again would refuse it.
  const std::string tables = repeated("<table><tr><td>", 150) + "x";
  EXPECT_FALSE(sanitize_html_checked(tables));
  EXPECT_EQ(body(body(tables)), body(tables));
  // End tags left out where HTML allows it close what they imply.
  EXPECT_TRUE(sanitize_html_checked("<ul>" + repeated("<li>item", 5000) + "</ul>"));
  EXPECT_TRUE(sanitize_html_checked("<table>" + repeated("<tr><td>a<td>b", 5000) + "</table>"));
  EXPECT_TRUE(sanitize_html_checked(repeated("<p>para", 5000)));
}

TEST(HtmlSanitizer, FormattingElementsLeftOpenPastTheLimitAreRefused) {
  // Each block closes the <b> inside it, but the parser keeps every distinct one active and
  // re-opens them all in each later block: quadratic, so refused past the limit.
  std::string open;
  for (std::size_t i = 0; i <= kMaxHtmlNesting; ++i) {
    open += "<div><b title=\"" + std::to_string(i) + "\"></div>";
  }
  auto refused = sanitize_html_checked(open + repeated("<div>x</div>", 100));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("formatting elements"), std::string::npos);
  // Identical ones count three times at most, as in the parser: sloppy but common markup.
  EXPECT_TRUE(sanitize_html_checked(repeated("<p><b>bold", 5000)));
}

TEST(HtmlSanitizer, PathologicalMegabytesTakeLinearTime) {
  // Each took seconds to minutes before the nesting limit (100,000 nested <b>: 6 s; 1 MB of
  // <div>: far longer). The bound is generous (sanitizer builds are slow); a quadratic path
  // takes hours at this size.
  constexpr std::size_t kMegabyte = 1 << 20;
  std::string distinct;
  for (int i = 0; i < 500; ++i) distinct += "<b x=" + std::to_string(i) + ">";
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"nested <b>", repeated("<b>", kMegabyte / 3)},
      {"nested <div>", repeated("<div>", kMegabyte / 5)},
      {"nested tables", repeated("<table><tr><td>", kMegabyte / 15)},
      {"unclosed links", repeated("<a href=x>", kMegabyte / 10)},
      {"deep then flat", repeated("<div>", 500) + repeated("<i></i>", kMegabyte / 7)},
      {"deep then stray end tags", repeated("<div>", 500) + repeated("</x>", kMegabyte / 4)},
      {"many formatting then blocks", distinct + repeated("</div><div>x", kMegabyte / 12)},
      {"unclosed formatting in paragraphs", repeated("<p><b>x", kMegabyte / 28)},
      {"foreign content", repeated("<svg><b>", kMegabyte / 8)},
      {"options", "<select>" + repeated("<option>", kMegabyte / 8)},
  };
  for (const auto& [name, input] : inputs) {
    const auto start = std::chrono::steady_clock::now();
    (void)sanitize_html_checked(input);
    (void)body(input);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 60) << name;
  }
}

TEST(HtmlSanitizer, EmptyAndTextOnlyInput) {
  EXPECT_EQ(body(""), "");
  EXPECT_EQ(body(std::string_view()), "");
  EXPECT_EQ(body("Just text."), "Just text.");
}

TEST(HtmlSanitizer, IsSafeToCallConcurrently) {
  const std::vector<std::string>& corpus = hostile_corpus();
  std::vector<std::string> expected;
  for (const std::string& input : corpus) expected.push_back(body(input));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < corpus.size(); ++i) {
          if (body(corpus[i]) != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0);
}

// The fast path (plain, well-formed markup read without gumbo) must give, byte for byte, what
// the parser-based path gives; these are the inputs closest to its edges, accepted or not.
TEST(HtmlSanitizer, FastPathGivesExactlyWhatTheParserGives) {
  const char* inputs[] = {
      "<p>One</p>\n<p>Two<br />\nthree</p>\n",
      "<p>Tom &amp; Jerry &lt;3 &gt; &quot;q&quot; &apos;a&apos; &nbsp;&#39;&#x27;&#8217;</p>",
      "<p>&#128;&#0;&#xD800;&#xFFFE;&#x110000;&copy;&ampx;&amp</p>",
      "<p><a href=\"http://other.example/?a=1&amp;b=2\" title='It&#39;s'>x</a></p>",
      "<p><a href=\"https://www.example.org/own\">own</a></p>",
      "<p><a href=\"javascript:alert(1)\">x</a></p>",
      "<p><a href=\"\tjava&#x09;script:alert(1)\">x</a></p>",
      "<p><a href=x>unquoted</a></p>",
      "<p><a href=\"a\"href=\"b\">x</a></p>",
      "<p><a href=\"a\" href=\"b\">duplicate</a></p>",
      "<p><a href=\"a\" onclick=\"x()\" style=\"color:red\" id=\"i\" class=\"alignleft\">x</a></p>",
      "<p><img src=\"/files/a.jpg\" alt=\"A\" width=\"300\" height=\"x\"></p>",
      "<p><img alt=\"no src\"></p>",
      "<p><img src=\"javascript:x\" /></p>",
      "<p>open",
      "<p>a<p>b</p>",
      "<p>a<div>b</div></p>",
      "<p><strong>a</p></strong>",
      "<b><i>x</b></i>",
      "<a href=\"/a\"><a href=\"/b\">x</a></a>",
      "<h2>a<h3>b</h3></h2>",
      "<ul><li>a<li>b</li></ul>",
      "<li>stray</li>",
      "<ul>\n<li>a</li>\n<li><ol><li>b</li></ol></li>\n</ul>",
      "<blockquote><p>q</p></blockquote><hr><hr/><br>",
      "<h1>Title</h1>",
      "<P>upper</P>",
      "<p >space</p >",
      "<p/>",
      "<br></br>",
      "</p>",
      "<!-- c --><p>x</p>",
      "<p>a\r\nb</p>",
      "<p>nul\0byte</p>",
      "<p>\x01 \x7f \xC2\x85 \xEF\xBF\xBE</p>",
      "<p>bad \xFF utf-8</p>",
      "<script>alert(1)</script>",
      "<pre>\ncode</pre>",
      "<table><tr><td>x</td></tr></table>",
      "<span class=\"wp-caption-text\">cap</span> <code class=\"language-cpp\">x</code>",
      "<p>text <q cite=\"http://example.org/\">q</q> <abbr title=\"t\">a</abbr></p>",
      "plain text, no markup",
      "",
  };
  for (const SanitizerPolicy policy : {SanitizerPolicy::kBody, SanitizerPolicy::kComment}) {
    for (const char* input : inputs) {
      SanitizerOptions fast{.policy = policy, .site_host = "www.example.org"};
      SanitizerOptions full = fast;
      full.fast_path = false;
      EXPECT_EQ(sanitize_html(input, fast), sanitize_html(input, full))
          << input << " (policy " << static_cast<int>(policy) << ")";
    }
  }
  // Inputs with a NUL inside need their length said.
  const std::string with_nul("<p>a\0b</p>", 10);
  SanitizerOptions full;
  full.fast_path = false;
  EXPECT_EQ(sanitize_html(with_nul), sanitize_html(with_nul, full));
}

}  // namespace
}  // namespace reelpress::render
