// The public site, end to end: the real binary serves the demo site and the tests read it
// over HTTP as a browser or crawler would.
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <thread>

#include "e2e_support.h"

namespace reelpress::e2e {
namespace {

class SiteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    make_demo_site(dir_->path() / "site");
    server_ = new Server(dir_->path() / "site");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static int port() { return server_->port(); }
  static Response fetch(const std::string& target,
                        const std::map<std::string, std::string>& h = {}) {
    return get(port(), target, h);
  }

  static TempDir* dir_;
  static Server* server_;
};
TempDir* SiteTest::dir_ = nullptr;
Server* SiteTest::server_ = nullptr;

int current_year() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

std::string footer() {
  return "Produced by Ironbark &amp; Vale Productions &copy;" + std::to_string(current_year()) +
         " Kestrel Bay Public Media. All rights reserved.";
}

constexpr const char* kIntroduction = "/episodes/the-well-keepers/the-well-keepers/101/";
constexpr const char* kOrganizations =
    "/episodes/the-well-keepers/the-well-keepers-organizations/102/";

TEST_F(SiteTest, HomeListsFilmsAndLatestEntriesWithFooter) {
  const Response r = fetch("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.header("content-length"), std::to_string(r.body.size()));
  EXPECT_FALSE(r.header("date").empty());
  EXPECT_FALSE(r.header("etag").empty());
  EXPECT_NE(r.body.find("<title>Holding Ground</title>"), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/films/the-well-keepers/\""), std::string::npos);
  EXPECT_NE(r.body.find("After the River Moved"), std::string::npos);
  // The sticky announcement leads the latest entries.
  EXPECT_LT(r.body.find("Broadcast Schedule"),
            r.body.find(">The Well Keepers<", r.body.find("latest-heading")));
  EXPECT_NE(r.body.find(footer()), std::string::npos) << r.body.substr(r.body.size() - 400);
  EXPECT_EQ(r.body.find("no longer actively maintained"), std::string::npos);
}

TEST_F(SiteTest, PagesMayBeFramedOnlyByTheSiteItself) {
  // Clickjacking: another site must not be able to show these pages in a frame.
  for (const char* path : {"/", "/films/the-well-keepers/", "/no-such-page/"}) {
    const Response r = fetch(path);
    EXPECT_EQ(r.header("content-security-policy"), "frame-ancestors 'self'") << path;
  }
}

TEST_F(SiteTest, FilmPageListsItsCompanionEntries) {
  const Response r = fetch("/films/the-well-keepers/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<h1>The Well Keepers</h1>"), std::string::npos);
  EXPECT_NE(r.body.find("The Meridian Review"), std::string::npos);
  EXPECT_NE(r.body.find("Airs <time datetime=\"2011-07-12\">July 12th, 2011</time>"),
            std::string::npos);
  for (const char* path : {kIntroduction, kOrganizations}) {
    EXPECT_NE(r.body.find(std::string("href=\"") + path + "\""), std::string::npos) << path;
  }
  EXPECT_LT(r.body.find(kIntroduction), r.body.find(kOrganizations));
  EXPECT_EQ(fetch("/films/no-such-film/").status, 404);
  const Response slashless = fetch("/films/the-well-keepers");
  EXPECT_EQ(slashless.status, 301);
  EXPECT_EQ(slashless.header("location"), "/films/the-well-keepers/");
}

TEST_F(SiteTest, IntroductionHasPressQuotesAndBothAboutSections) {
  const Response r = fetch(kIntroduction);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("A patient, unshowy film"), std::string::npos);
  EXPECT_NE(r.body.find("<cite>The Meridian Review</cite>"), std::string::npos);
  EXPECT_NE(r.body.find("<h2>About the Film</h2>"), std::string::npos);
  EXPECT_NE(r.body.find("<h2>About the Issue</h2>"), std::string::npos);
  EXPECT_NE(r.body.find("<time datetime=\"2011-07-12T13:00:00Z\">July 12th, 2011</time>"),
            std::string::npos);
  EXPECT_NE(r.body.find("<link rel=\"canonical\" href=\"http://127.0.0.1:8080" +
                        std::string(kIntroduction) + "\">"),
            std::string::npos);
  EXPECT_NE(r.body.find(footer()), std::string::npos);
}

TEST_F(SiteTest, CommentsAreThreadedAndOnlyApprovedOnesShow) {
  const Response r = fetch(kOrganizations);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("id=\"comment-5\""), std::string::npos);
  EXPECT_NE(r.body.find("id=\"comment-7\""), std::string::npos);
  EXPECT_EQ(r.body.find("id=\"comment-8\""), std::string::npos) << "pending comment shown";
  EXPECT_EQ(r.body.find("id=\"comment-9\""), std::string::npos) << "spam comment shown";
  EXPECT_EQ(r.body.find("best-deals-4u"), std::string::npos);
  // Comment 6 replies to 5: it sits in 5's list of children, before 7 starts.
  const std::size_t c5 = r.body.find("id=\"comment-5\"");
  const std::size_t children = r.body.find("<ol class=\"children\">", c5);
  const std::size_t c6 = r.body.find("id=\"comment-6\"");
  const std::size_t c7 = r.body.find("id=\"comment-7\"");
  EXPECT_LT(c5, children);
  EXPECT_LT(children, c6);
  EXPECT_LT(c6, c7);
  EXPECT_NE(r.body.find("3 Comments"), std::string::npos);
  EXPECT_NE(r.body.find("class=\"organization-list\""), std::string::npos);
}

TEST_F(SiteTest, DatesReadLikeTheOldSites) {
  const Response r = fetch("/episodes/forty-miles-to-a-doctor/forty-miles-to-a-doctor/108/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("September 13th, 2011"), std::string::npos);
  const Response about = fetch("/news/broadcast-schedule/110/");
  ASSERT_EQ(about.status, 200);
  EXPECT_NE(about.body.find("July 1st, 2011"), std::string::npos);
  const Response after = fetch("/films/after-the-river-moved/");
  EXPECT_NE(after.body.find("August 23rd, 2011"), std::string::npos);
}

TEST_F(SiteTest, PagesAnswerAtTheirParentChildPaths) {
  const Response about = fetch("/about/");
  ASSERT_EQ(about.status, 200);
  EXPECT_NE(about.body.find("href=\"/about/credits/\""), std::string::npos);
  const Response credits = fetch("/about/credits/");
  ASSERT_EQ(credits.status, 200);
  EXPECT_NE(credits.body.find("<h1>Series Credits</h1>"), std::string::npos);
  // The child page's slug alone finds it and redirects to its real path.
  const Response bare = fetch("/credits/");
  EXPECT_EQ(bare.status, 301);
  EXPECT_EQ(bare.header("location"), "/about/credits/");
}

TEST_F(SiteTest, QueryPermalinksAndWrongSlugsRedirectToTheCanonicalUrl) {
  Response r = fetch("/?p=101");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), kIntroduction);
  r = fetch("/?page_id=2");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), "/about/");
  r = fetch("/episodes/the-well-keepers/wrong-slug/101/");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), kIntroduction);
  r = fetch("/episodes/the-well-keepers/the-well-keepers/101");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), kIntroduction);
  r = fetch("/news/the-well-keepers/101/");  // Not one of its categories.
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), kIntroduction);
  r = fetch("/page/1/");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), "/");
  EXPECT_EQ(fetch("/?p=999999").status, 404);
  EXPECT_EQ(fetch("/?p=abc").status, 404);
}

TEST_F(SiteTest, EntryAnswersUnderEachOfItsCategories) {
  // The announcement is filed under news (primary) and episodes: both paths answer, and the
  // canonical link names the primary one.
  const Response primary = fetch("/news/broadcast-schedule/110/");
  const Response other = fetch("/episodes/broadcast-schedule/110/");
  ASSERT_EQ(primary.status, 200);
  ASSERT_EQ(other.status, 200);
  EXPECT_NE(other.body.find("href=\"http://127.0.0.1:8080/news/broadcast-schedule/110/\""),
            std::string::npos);
  // A category the entry is not filed under redirects, as does a parent category of its own.
  Response r = fetch("/category-less/broadcast-schedule/110/");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), "/news/broadcast-schedule/110/");
  r = fetch("/episodes/the-well-keepers-organizations/102/");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), kOrganizations);
}

TEST_F(SiteTest, CategoryTagAndDateListings) {
  Response r = fetch("/category/episodes/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<h1>Episodes</h1>"), std::string::npos);
  EXPECT_NE(r.body.find(std::string("href=\"") + kIntroduction + "\""), std::string::npos)
      << "a parent category lists its children's entries";
  r = fetch("/category/episodes/the-well-keepers/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("after-the-river-moved/106/"), std::string::npos);
  r = fetch("/tag/water/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<h1>Water</h1>"), std::string::npos);
  r = fetch("/2011/07/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("July 2011"), std::string::npos);
  EXPECT_NE(r.body.find("/news/broadcast-schedule/110/"), std::string::npos);
  EXPECT_EQ(r.body.find("/106/"), std::string::npos);
  EXPECT_EQ(fetch("/category/no-such/").status, 404);
  EXPECT_EQ(fetch("/tag/no-such/").status, 404);
  EXPECT_EQ(fetch("/1999/01/").status, 404);
  EXPECT_EQ(fetch("/category/episodes/page/2/").status, 404);
  r = fetch("/category/episodes");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), "/category/episodes/");
}

TEST_F(SiteTest, NotFoundIsThemedAndShort) {
  const Response r = fetch("/no/such/page/");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("Page not found"), std::string::npos);
  EXPECT_NE(r.body.find(footer()), std::string::npos);
  EXPECT_NE(r.body.find("<meta name=\"robots\" content=\"noindex\">"), std::string::npos);
  EXPECT_LT(r.body.size(), 8000u);
}

TEST_F(SiteTest, MethodsOtherThanGetAndHeadGet405) {
  const Response r = get(port(), "/", {}, "DELETE");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD");
}

TEST_F(SiteTest, EtagAndLastModifiedAnswer304) {
  const Response first = fetch(kIntroduction);
  ASSERT_FALSE(first.header("etag").empty());
  Response again = fetch(kIntroduction, {{"If-None-Match", first.header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), first.header("etag"));
  ASSERT_FALSE(first.header("last-modified").empty());
  again = fetch(kIntroduction, {{"If-Modified-Since", first.header("last-modified")}});
  EXPECT_EQ(again.status, 304);
  again = fetch(kIntroduction, {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(again.status, 200);
}

TEST_F(SiteTest, GzipWhenAccepted) {
  const Response plain = fetch("/");
  const Response gz = fetch("/", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_EQ(gz.header("vary"), "Accept-Encoding");
  EXPECT_LT(gz.body.size(), plain.body.size());
  EXPECT_EQ(gz.body.substr(0, 2), "\x1f\x8b");
}

TEST_F(SiteTest, HeadHasTheHeadersOfGetAndNoBody) {
  const Response g = fetch("/about/");
  const Response h = get(port(), "/about/", {}, "HEAD");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.header("content-length"), g.header("content-length"));
  EXPECT_EQ(h.header("etag"), g.header("etag"));
  EXPECT_TRUE(h.body.empty());
}

TEST_F(SiteTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Connection c(port());
  for (const char* target : {"/", "/about/", "/theme/style.css"}) {
    c.send_raw(std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r = c.read_response();
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 200) << target;
  }
  // Pipelined: two requests in one write, two answers in order.
  c.send_raw("GET /about/ HTTP/1.1\r\nHost: x\r\n\r\nGET /nope/ HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto a = c.read_response();
  const auto b = c.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 404);
}

TEST_F(SiteTest, StylesheetIsServedWithItsType) {
  const Response r = fetch("/theme/style.css");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/css; charset=utf-8");
  EXPECT_NE(r.body.find(".archive-banner"), std::string::npos);
  EXPECT_EQ(fetch("/theme/nope.css").status, 404);
}

TEST_F(SiteTest, MalformedRequestGets400) {
  Connection c(port());
  c.send_raw("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(SiteTest, OversizedBodyGetsAThemed413) {
  Connection c(port());
  c.send_raw(
      "POST /about/ HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
      "Content-Length: 5000000\r\n\r\n");
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("Too large"), std::string::npos);
  EXPECT_NE(r->body.find(footer()), std::string::npos);
}

TEST_F(SiteTest, AccessLogHasNoClientAddress) {
  fetch("/about/");
  ASSERT_TRUE(eventually([] { return server_->log().find("/about/") != std::string::npos; }));
  EXPECT_EQ(server_->log().find("127.0.0.1 "), std::string::npos) << server_->log();
  EXPECT_EQ(server_->log().find("127.0.0.1:" + std::to_string(port()) + " "), std::string::npos);
}

TEST_F(SiteTest, EveryPageKindPassesTidy) {
  for (const char* target :
       {"/", "/films/the-well-keepers/", kIntroduction, kOrganizations,
        "/episodes/the-well-keepers/interview-elena-marchant/103/",
        "/episodes/the-well-keepers/the-well-keepers-lesson-plan/105/",
        "/episodes/the-well-keepers/the-well-keepers-resources/104/", "/about/", "/about/credits/",
        "/category/episodes/", "/tag/water/", "/2011/07/", "/no-such-page/"}) {
    const Response r = fetch(target);
    EXPECT_EQ(tidy_errors(r.body), "") << target;
  }
}

TEST(SiteSlowClient, HalfSentRequestIsDroppedWhileOthersAreServed) {
  TempDir dir;
  make_demo_site(dir.path() / "site");
  Server server(dir.path() / "site", {"--request-timeout", "1"});
  Connection slow(server.port());
  slow.send_raw("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  // Meanwhile, other clients are served at once.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get(server.port(), "/about/").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_TRUE(slow.closed_within(std::chrono::seconds(5)));
}

TEST(SiteArchive, BannerAndClosedCommentsFollowArchiveMode) {
  TempDir dir;
  const auto site = dir.path() / "site";
  make_demo_site(site);
  Server server(site);
  const int port = server.port();
  Response r = get(port, kOrganizations);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("no longer actively maintained"), std::string::npos);
  EXPECT_EQ(r.body.find("Comments are closed"), std::string::npos);

  // Switched on by another process while the server runs.
  CommandResult on = run_reelpress({"archive", site.string(), "on"});
  ASSERT_EQ(on.exit_code, 0) << on.output;
  ASSERT_TRUE(eventually([&] {
    return get(port, "/").body.find("This website is no longer actively maintained") !=
           std::string::npos;
  }));
  for (const char* target : {"/", "/about/", kOrganizations, "/no-such/"}) {
    r = get(port, target);
    EXPECT_NE(r.body.find("<div class=\"archive-banner\" role=\"note\">"), std::string::npos)
        << target;
    EXPECT_NE(r.body.find("Some material and features may be unavailable"), std::string::npos);
    EXPECT_EQ(tidy_errors(r.body), "") << target;
  }
  r = get(port, kOrganizations);
  EXPECT_NE(r.body.find("id=\"comment-5\""), std::string::npos) << "existing comments stay";
  EXPECT_NE(r.body.find("Comments are closed"), std::string::npos);
  EXPECT_EQ(r.body.find("<form"), std::string::npos);

  // A custom banner, then off again.
  ASSERT_EQ(
      run_reelpress({"archive", site.string(), "on", "--banner", "Thanks for watching"}).exit_code,
      0);
  ASSERT_TRUE(eventually(
      [&] { return get(port, "/").body.find("Thanks for watching") != std::string::npos; }));
  ASSERT_EQ(run_reelpress({"archive", site.string(), "off"}).exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] { return get(port, "/").body.find("archive-banner\"") == std::string::npos; }));
}

TEST(SitePagination, ListingsPageAtPageN) {
  TempDir dir;
  const auto site = dir.path() / "site";
  make_demo_site(site);
  {
    std::ifstream in(site / "site.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const auto at = s.find("posts_per_page = 10");
    ASSERT_NE(at, std::string::npos);
    s.replace(at, 19, "posts_per_page = 4");
    std::ofstream(site / "site.toml") << s;
  }
  Server server(site);
  Response r = get(server.port(), "/category/episodes/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Page 1 of 3"), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/category/episodes/page/2/\" rel=\"next\""), std::string::npos);
  r = get(server.port(), "/category/episodes/page/3/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("href=\"/category/episodes/page/2/\" rel=\"prev\""), std::string::npos);
  EXPECT_EQ(get(server.port(), "/category/episodes/page/4/").status, 404);
  r = get(server.port(), "/category/episodes/page/1/");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), "/category/episodes/");
  r = get(server.port(), "/page/2/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Page 2 of 3"), std::string::npos);
}

}  // namespace
}  // namespace reelpress::e2e
