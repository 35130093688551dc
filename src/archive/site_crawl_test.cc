#include "archive/site_crawl.h"

#include <gtest/gtest.h>

#include "archive/static_export.h"

namespace reelpress::archive {
namespace {

using Links = std::vector<std::string>;

TEST(LinksOf, KeepsSameSiteLinksAndResourcesOnly) {
  const std::string html =
      "<a href=\"/a/b/\">x</a> <img src='/files/2011/07/a.jpg' alt=\"\">"
      "<a href=\"http://www.example.org/c/#top\">own absolute</a>"
      "<a href=\"HTTP://WWW.EXAMPLE.ORG\">home</a>"
      "<a href=\"https://other.example/x/\">other</a> <a href=\"//cdn.example/x\">cdn</a>"
      "<a href=\"mailto:a@example.org\">mail</a> <a href=\"?replytocom=5#respond\">reply</a>"
      "<a href=\"#comments\">here</a> <a href=\"/search/?q=a&amp;b=c\">query</a>"
      "<a href=\"credits/\">relative</a> <link href=\"/assets/style.css\" rel=\"stylesheet\">"
      "<a href=\"/tag/caf&amp;e/\">entity</a> <a "
      "href=\"http://www.example.org.evil/\">lookalike</a>";
  EXPECT_EQ(links_of(html, "http://www.example.org", "/about/"),
            (Links{"/a/b/", "/files/2011/07/a.jpg", "/c/", "/", "/search/", "/about/credits/",
                   "/assets/style.css", "/tag/caf&e/"}));
}

TEST(HostOf, IsTheHostARequestToTheSiteNames) {
  EXPECT_EQ(host_of("http://www.example.org"), "www.example.org");
  EXPECT_EQ(host_of("https://127.0.0.1:8080/site"), "127.0.0.1:8080");
  EXPECT_EQ(host_of("example.org/x"), "example.org");
}

TEST(LocationOf, IsARedirectsLocationAndNothingElse) {
  site::Response moved;
  moved.status = 301;
  moved.headers = {{"Retry-After", "5"}, {"location", "/new/"}};
  EXPECT_EQ(location_of(moved), "/new/");
  moved.status = 200;  // A Location on another status is no redirect.
  EXPECT_EQ(location_of(moved), "");
  site::Response bare;
  bare.status = 302;
  EXPECT_EQ(location_of(bare), "");
}

TEST(FileForPath, MapsUrlsToTheFilesNginxServesForThem) {
  EXPECT_EQ(file_for_path("/"), "index.html");
  EXPECT_EQ(file_for_path("/a/b/"), "a/b/index.html");
  EXPECT_EQ(file_for_path("/assets/style.css"), "assets/style.css");
  EXPECT_EQ(file_for_path("/소금/"), "소금/index.html");
  EXPECT_EQ(file_for_path("/a/../b/"), "");
  EXPECT_EQ(file_for_path("/.git/config"), "");
  EXPECT_EQ(file_for_path("relative"), "");
}

}  // namespace
}  // namespace reelpress::archive
