#include "content/permalink.h"

#include <gtest/gtest.h>

namespace reelpress::content {
namespace {

PermalinkPattern documentary() {
  return *PermalinkPattern::parse("/%category%/%postname%/%post_id%/");
}

TEST(Permalink, BuildsTheDocumentarySitesPattern) {
  EXPECT_EQ(
      documentary().build({.id = 4990, .slug = "salt-road", .category_path = "episodes/asia"}),
      "/episodes/asia/salt-road/4990/");
  EXPECT_EQ(documentary().build({.id = 7, .slug = "x"}), "/uncategorized/x/7/");
}

TEST(Permalink, IdDecidesWhenSlugIsWrong) {
  const auto m = documentary().match("/episodes/asia/not-the-slug/4990/");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, 4990);
  EXPECT_EQ(m->slug, "not-the-slug");
  EXPECT_EQ(m->category_path, "episodes/asia");
}

TEST(Permalink, MatchesWithoutTrailingSlashAndAnyCategoryDepth) {
  auto m = documentary().match("/news/hello/12");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, 12);
  EXPECT_EQ(m->category_path, "news");
  m = documentary().match("/episodes/by-geography/africa/salt/3/");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->category_path, "episodes/by-geography/africa");
}

TEST(Permalink, RejectsPathsThatCannotBePermalinks) {
  EXPECT_FALSE(documentary().match("/"));
  EXPECT_FALSE(documentary().match("/about/"));
  EXPECT_FALSE(documentary().match("/a/b/not-a-number/"));
  EXPECT_FALSE(documentary().match("/a/b/0123/"));
  EXPECT_FALSE(documentary().match("/a//b/12/"));
}

TEST(Permalink, DateBasedPatterns) {
  const auto p = *PermalinkPattern::parse("/%year%/%monthnum%/%day%/%postname%.html");
  EXPECT_EQ(p.build({.slug = "hi", .year = 2011, .month = 7, .day = 2}), "/2011/07/02/hi.html");
  const auto m = p.match("/2011/07/02/hi.html");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->year, 2011);
  EXPECT_EQ(m->month, 7);
  EXPECT_EQ(m->day, 2);
  EXPECT_EQ(m->slug, "hi");
  EXPECT_FALSE(m->id);
  EXPECT_FALSE(p.match("/2011/7/02/hi.html"));
}

TEST(Permalink, ParseNamesTheProblem) {
  EXPECT_NE(PermalinkPattern::parse("%postname%").error().message.find("start with '/'"),
            std::string::npos);
  EXPECT_NE(PermalinkPattern::parse("/%bogus%/").error().message.find("%bogus%"),
            std::string::npos);
  EXPECT_FALSE(PermalinkPattern::parse("/%year%/%monthnum%/"));
  EXPECT_FALSE(PermalinkPattern::parse("/x-%category%/%post_id%/"));
}

TEST(Permalink, Utf8SlugsArePercentEncoded) {
  EXPECT_EQ(documentary().build({.id = 9, .slug = "소금", .category_path = "news"}),
            "/news/%EC%86%8C%EA%B8%88/9/");
}

TEST(Permalink, PagePaths) {
  EXPECT_EQ(page_path({"about", "credits"}, true), "/about/credits/");
  EXPECT_EQ(page_path({"about"}, false), "/about");
}

}  // namespace
}  // namespace reelpress::content
