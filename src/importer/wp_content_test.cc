#include "importer/wp_content.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "importer/shortcodes.h"
#include "importer/wpautop.h"
#include "render/html_sanitizer.h"
#include "render/markdown.h"
#include "util/compress.h"

namespace reelpress::importer {
namespace {

namespace fs = std::filesystem;

std::string fixture(const std::string& name) {
  std::ifstream in(fs::path(REELPRESS_SOURCE_DIR) / "tests" / "fixtures" / name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  if (!name.ends_with(".gz")) return s.str();
  auto text = util::gzip_decompress(s.str(), 256u << 20);
  return text ? *text : std::string();
}

// Every CDATA section of `element` in the fixture.
std::vector<std::string> cdata_of(const std::string& xml, const std::string& element) {
  std::vector<std::string> out;
  const std::string open = "<" + element + "><![CDATA[";
  for (std::size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    const std::size_t start = at + open.size();
    out.push_back(xml.substr(start, xml.find("]]>", start) - start));
  }
  return out;
}

// What a real WordPress site holds, through the importer's rules: the sanitizer's fast path
// (plain markup read without the parser) gives the same bytes as the parser for all of it.
TEST(WpContent, FixtureBodiesAndCommentsAreTheSameOnBothSanitizerPaths) {
  std::size_t checked = 0;
  for (const char* name : {"wordpress-sample.wxr", "wordpress-2010.wxr.gz"}) {
    const std::string xml = fixture(name);
    ASSERT_FALSE(xml.empty()) << name;
    for (const std::string& body : cdata_of(xml, "content:encoded")) {
      bool had_blocks = false;
      std::string html = strip_block_delimiters(body, &had_blocks);
      if (!had_blocks) html = shortcode_unautop(wpautop(html));
      html = do_shortcodes(html, ShortcodeContext{});
      render::SanitizerOptions full;
      full.fast_path = false;
      EXPECT_EQ(render::sanitize_html(html), render::sanitize_html(html, full)) << html;
      EXPECT_EQ(post_content_to_html(body, ShortcodeContext{}), render::sanitize_html(html, full));
      ++checked;
    }
    for (const std::string& comment : cdata_of(xml, "wp:comment_content")) {
      render::SanitizerOptions full{.policy = render::SanitizerPolicy::kComment,
                                    .site_host = "example.org"};
      full.fast_path = false;
      EXPECT_EQ(comment_content_to_html(comment, "example.org"),
                render::sanitize_html(wpautop(comment), full));
      ++checked;
    }
  }
  EXPECT_GT(checked, 2000u);
}

// html_to_text reads plain markup without gumbo; a leading comment sends the same markup
// through gumbo (which ignores comments), and both must give the same text, for every stored
// body of both fixtures and every title as WordPress wrote it.
TEST(WpContent, FixtureTextIsTheSameWithAndWithoutTheParser) {
  std::size_t checked = 0;
  for (const char* name : {"wordpress-sample.wxr", "wordpress-2010.wxr.gz"}) {
    const std::string xml = fixture(name);
    std::vector<std::string> inputs;
    for (const std::string& body : cdata_of(xml, "content:encoded")) {
      inputs.push_back(post_content_to_html(body, ShortcodeContext{}));
      inputs.push_back(body);
    }
    for (const std::string& title : cdata_of(xml, "title")) inputs.push_back(title);
    for (const std::string& html : inputs) {
      for (const std::size_t max : {std::size_t{160}, std::string::npos}) {
        EXPECT_EQ(render::html_to_text(html, max), render::html_to_text("<!---->" + html, max))
            << html;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 4000u);
}

}  // namespace
}  // namespace reelpress::importer
