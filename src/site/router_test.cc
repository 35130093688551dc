#include "site/router.h"

#include <gtest/gtest.h>

namespace reelpress::site {
namespace {

TEST(Router, HomeAndItsPages) {
  EXPECT_EQ(std::get<HomeRoute>(route("/")).page, 1);
  const auto page = std::get<HomeRoute>(route("/page/3/"));
  EXPECT_EQ(page.page, 3);
  EXPECT_TRUE(page.explicit_page);
  EXPECT_TRUE(std::holds_alternative<NotFoundRoute>(route("/page/0/")));
  EXPECT_TRUE(std::holds_alternative<NotFoundRoute>(route("/page/x/")));
}

TEST(Router, CategoryPathsOfAnyDepthWithPages) {
  const auto r = std::get<ListingRoute>(route("/category/episodes/by-geography/africa/page/2/"));
  EXPECT_EQ(r.kind, ListingRoute::Kind::kCategory);
  EXPECT_EQ(r.slugs, (std::vector<std::string>{"episodes", "by-geography", "africa"}));
  EXPECT_EQ(r.page, 2);
  EXPECT_EQ(listing_base_path(r), "/category/episodes/by-geography/africa/");
  EXPECT_EQ(paged_path(listing_base_path(r), 2), "/category/episodes/by-geography/africa/page/2/");
}

TEST(Router, TagsFilmsAndDates) {
  EXPECT_EQ(std::get<ListingRoute>(route("/tag/water/")).slugs.at(0), "water");
  EXPECT_EQ(std::get<FilmRoute>(route("/films/the-well-keepers/")).slug, "the-well-keepers");
  const auto d = std::get<ListingRoute>(route("/2011/07/"));
  EXPECT_EQ(d.kind, ListingRoute::Kind::kDate);
  EXPECT_EQ(d.year, 2011);
  EXPECT_EQ(d.month, 7);
  EXPECT_EQ(listing_base_path(d), "/2011/07/");
  EXPECT_TRUE(std::holds_alternative<EntryRoute>(route("/2011/13/")));
  EXPECT_TRUE(std::holds_alternative<EntryRoute>(route("/2011/07/some-post/")));
}

TEST(Router, CommentPagesOfAnEntry) {
  const auto e = std::get<EntryRoute>(route("/episodes/salt/4990/comment-page-2/"));
  EXPECT_EQ(e.path, "/episodes/salt/4990/");
  EXPECT_EQ(e.comment_page, 2);
  EXPECT_TRUE(std::holds_alternative<NotFoundRoute>(route("/comment-page-2/")));
}

TEST(Router, AssetsMediaAndTraversal) {
  EXPECT_EQ(std::get<AssetRoute>(route("/theme/style.css")).name, "style.css");
  EXPECT_EQ(std::get<MediaRoute>(route("/wp-content/uploads/2011/07/a.jpg")).path, "2011/07/a.jpg");
  EXPECT_EQ(std::get<MediaRoute>(route("/files/2011/07/a.jpg")).path, "2011/07/a.jpg");
  EXPECT_TRUE(std::holds_alternative<NotFoundRoute>(route("/a/../b/")));
  EXPECT_EQ(std::get<EntryRoute>(route("/about/credits/")).path, "/about/credits/");
}

}  // namespace
}  // namespace reelpress::site
