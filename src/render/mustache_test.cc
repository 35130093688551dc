#include "render/mustache.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "render/html_escape.h"
#include "render/theme.h"

namespace reelpress::render {
namespace {

// mstch with the escaping the theme gives it, as the reference.
std::string with_mstch(const std::string& source, const mstch::node& view,
                       const std::map<std::string, std::string>& partials = {}) {
  mstch::config::escape = [](const std::string& s) { return escape_html(s); };
  return mstch::render(source, view, partials);
}

std::string with_parsed(const std::string& source, const mstch::node& view,
                        const std::map<std::string, std::string>& partials = {}) {
  std::map<std::string, MustacheTemplate> parsed;
  for (const auto& [name, text] : partials) {
    auto p = MustacheTemplate::parse(text);
    EXPECT_TRUE(p) << name << ": " << p.error().message;
    if (p) parsed.emplace(name, std::move(*p));
  }
  auto main = MustacheTemplate::parse(source);
  EXPECT_TRUE(main) << main.error().message;
  if (!main) return {};
  return main->render(view, [&](const std::string& name) -> const MustacheTemplate* {
    const auto it = parsed.find(name);
    return it == parsed.end() ? nullptr : &it->second;
  });
}

mstch::map sample_view() {
  return mstch::map{
      {"title", std::string("Salt & <Roads>")},
      {"empty", std::string()},
      {"zero", 0},
      {"count", 3},
      {"yes", true},
      {"no", false},
      {"html", std::string("<em>raw</em>")},
      {"site", mstch::map{{"name", std::string("Holding Ground")},
                          {"nav", mstch::array{mstch::map{{"label", std::string("Films")}},
                                               mstch::map{{"label", std::string("About")}}}}}},
      {"tags", mstch::array{std::string("salt"), std::string("trade")}},
      {"none", mstch::array{}},
      {"comments",
       mstch::array{mstch::map{{"author", std::string("Maria")},
                               {"replies", mstch::array{mstch::map{{"author", std::string("Li")},
                                                                   {"replies", mstch::array{}}}}}},
                    mstch::map{{"author", std::string("Ana")}, {"replies", mstch::array{}}}}},
  };
}

TEST(Mustache, GivesWhatMstchGivesForEveryFeature) {
  const std::map<std::string, std::string> partials = {
      {"comment", "<li>{{author}}\n{{#replies}}\n<ol>{{> comment}}</ol>\n{{/replies}}\n</li>\n"},
      {"header", "<h1>{{title}}</h1>\n"},
      {"indented", "a\nb\n"},
  };
  const char* templates[] = {
      "Hello {{title}}!",
      "{{{html}}} {{&html}} {{html}}",
      "{{site.name}} {{site.missing}} {{missing.name}} {{title.length}}",
      "{{#site.nav}}<a>{{label}} of {{site.name}}</a>{{/site.nav}}",
      "{{#tags}}[{{.}}]{{/tags}}{{^tags}}no tags{{/tags}}",
      "{{#none}}x{{/none}}{{^none}}empty list{{/none}}",
      "{{#empty}}e{{/empty}}{{^empty}}empty string{{/empty}}",
      "{{#zero}}z{{/zero}}{{^zero}}zero{{/zero}}{{#count}}c{{count}}{{/count}}",
      "{{#yes}}yes {{title}}{{/yes}}{{#no}}no{{/no}}{{^no}}not no{{/no}}",
      "{{#site}}{{name}} {{title}}{{/site}}",
      "<ul>\n{{#comments}}\n{{> comment}}\n{{/comments}}\n</ul>\n",
      "{{> header}}\n<p>body</p>\n  {{! a comment }}\nend\n",
      "line one\n  {{#yes}}  \n  inside\n  {{/yes}}\nlast {{#yes}}inline{{/yes}}\n",
      "  {{> indented}}\nafter\n",
      "{{#yes}}\nno newline at the end{{/yes}}",
      "tabs\t{{#yes}}\t\n{{/yes}}\t\nend",
      "{{ title }} {{# yes }}spaced{{/ yes }}",
      "{{> missing}}gone",
      "{{count}} {{yes}} {{no}}",
      "",
  };
  const mstch::map view = sample_view();
  for (const char* source : templates) {
    EXPECT_EQ(with_parsed(source, view, partials), with_mstch(source, view, partials))
        << "template: " << source;
  }
}

TEST(Mustache, RefusesBrokenTemplatesNamingTheLine) {
  for (const char* broken : {"{{#a}}\nopen", "{{/a}}", "{{#a}}{{/b}}", "{{oops", "{{=<% %>=}}"}) {
    auto parsed = MustacheTemplate::parse(broken);
    ASSERT_FALSE(parsed) << broken;
    EXPECT_EQ(parsed.error().code, util::ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find("line "), std::string::npos) << parsed.error().message;
  }
}

TEST(Mustache, APartialThatIncludesItselfForeverStops) {
  EXPECT_EQ(with_parsed("{{> loop}}", mstch::map{}, {{"loop", "x{{> loop}}"}}),
            std::string(100, 'x'));
}

}  // namespace
}  // namespace reelpress::render
