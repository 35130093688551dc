#include "config/site_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace reelpress::config {
namespace {

TEST(SiteConfig, DefaultsWhenKeysAreMissing) {
  const auto s = parse_site_settings("[site]\ntitle = \"Borderlines\"\n", "site.toml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->title, "Borderlines");
  EXPECT_EQ(s->permalink, kDefaultPermalink);
  EXPECT_FALSE(s->archived);
  EXPECT_EQ(s->banner, kDefaultBanner);
}

TEST(SiteConfig, RenderedFileParsesBackToTheSameSettings) {
  SiteSettings in;
  in.title = "Borderlines \"quoted\"";
  in.producer = "North Light Films";
  in.copyright_holder = "Public Media Trust";
  in.archived = true;
  const auto out = parse_site_settings(render_site_toml(in), "site.toml");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->title, in.title);
  EXPECT_EQ(out->producer, in.producer);
  EXPECT_TRUE(out->archived);
  EXPECT_EQ(out->banner, in.banner);
}

TEST(SiteConfig, BadValueIsReportedWithKeyAndLine) {
  const auto s = parse_site_settings("[site]\ntitle = \"x\"\npermalink = \"/%bogus%/\"\n",
                                     "my-site/site.toml");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("my-site/site.toml:3: [site] permalink"), std::string::npos)
      << s.error().message;
  const auto t = parse_site_settings("[archive]\nenabled = \"yes\"\n", "site.toml");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("site.toml:2: [archive] enabled: must be true or false"),
            std::string::npos)
      << t.error().message;
}

TEST(SiteConfig, SyntaxErrorNamesTheLine) {
  const auto s = parse_site_settings("[site]\ntitle = \"x\"\nbroken = = 3\n", "site.toml");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("site.toml:3:"), std::string::npos) << s.error().message;
}

TEST(SiteConfig, SetArchiveStateKeepsCommentsAndOtherKeys) {
  const auto dir = std::filesystem::temp_directory_path() / "reelpress-config-test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "site.toml";
  {
    std::ofstream out(path);
    out << "# my notes\n[site]\ntitle = \"T\"\n\n[archive]\n# keep me\nenabled = false\n\n"
           "[comments]\nenabled = true\n";
  }
  ASSERT_TRUE(set_archive_state(path, true, std::string("Closed\nThanks for watching")));
  auto s = load_site_settings(path);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->archived);
  EXPECT_EQ(s->banner, "Closed\nThanks for watching");
  EXPECT_TRUE(s->comments_enabled);
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  EXPECT_NE(text.str().find("# my notes"), std::string::npos);
  EXPECT_NE(text.str().find("# keep me"), std::string::npos);

  ASSERT_TRUE(set_archive_state(path, false, std::nullopt));
  s = load_site_settings(path);
  EXPECT_FALSE(s->archived);
  EXPECT_EQ(s->banner, "Closed\nThanks for watching");
  std::filesystem::remove_all(dir);
}

TEST(SiteConfig, SetArchiveStateAddsTheTableWhenMissing) {
  const auto dir = std::filesystem::temp_directory_path() / "reelpress-config-test2";
  std::filesystem::create_directories(dir);
  const auto path = dir / "site.toml";
  std::ofstream(path) << "[site]\ntitle = \"T\"\n";
  ASSERT_TRUE(set_archive_state(path, true, std::nullopt));
  const auto s = load_site_settings(path);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->archived);
  EXPECT_EQ(s->banner, kDefaultBanner);
  std::filesystem::remove_all(dir);
}

TEST(SiteConfig, SetValuesReplacesAndAddsKeysAndRefusesWhatWouldNotLoad) {
  const auto dir = std::filesystem::temp_directory_path() / "reelpress-config-test3";
  std::filesystem::create_directories(dir);
  const auto path = dir / "site.toml";
  const std::string original =
      "# notes\n[site]\ntitle = \"T\"  \n\n[comments]\nspam_words = [\n  \"a\",\n]\n";
  std::ofstream(path) << original;
  ASSERT_TRUE(set_values(path, {{"site", "title", toml_string("Salt \"Road\"")},
                                {"site", "tagline", toml_string("Wells")},
                                {"comments", "close_after_days", "30"}}));
  auto s = load_site_settings(path);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->title, "Salt \"Road\"");
  EXPECT_EQ(s->tagline, "Wells");
  EXPECT_EQ(s->comments_close_after_days, 30);
  EXPECT_EQ(s->comment_spam_words, std::vector<std::string>{"a"});

  std::stringstream before;
  before << std::ifstream(path).rdbuf();
  // Out of range: refused, and the file is left as it was.
  auto bad = set_values(path, {{"site", "posts_per_page", "0"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, util::ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("posts_per_page"), std::string::npos) << bad.error().message;
  // A value over several lines is not rewritten line by line.
  EXPECT_FALSE(set_values(path, {{"comments", "spam_words", "[]"}}));
  std::stringstream after;
  after << std::ifstream(path).rdbuf();
  EXPECT_EQ(after.str(), before.str());
  std::filesystem::remove_all(dir);
}

TEST(SiteConfig, CommentSettingsHaveSafeDefaults) {
  const auto s = parse_site_settings("[site]\ntitle = \"T\"\n", "site.toml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->comments_enabled);
  EXPECT_EQ(s->comments_per_page, 50);
  EXPECT_EQ(s->comment_thread_depth, 5);
  EXPECT_EQ(s->comments_close_after_days, 0);
  EXPECT_FALSE(s->comments_trust_returning);
  EXPECT_EQ(s->comment_min_fill_seconds, 3);
  EXPECT_EQ(s->comment_max_links, 2);
  EXPECT_TRUE(s->comment_spam_words.empty());
  EXPECT_EQ(s->comment_rate_per_minute, 5);
  EXPECT_EQ(s->pending_per_hour, 1000);
  EXPECT_EQ(s->form_page_ttl_seconds, 60);
  EXPECT_EQ(s->form_token_hours, 24);
}

TEST(SiteConfig, CommentSettingsAreReadAndRenderedBack) {
  const auto s = parse_site_settings(
      "[comments]\nenabled = false\nper_page = 20\nthread_depth = 3\nclose_after_days = 30\n"
      "trust_returning = true\nmin_fill_seconds = 1\nmax_links = 0\n"
      "spam_words = [\"casino\", \" cheap pills \"]\nhold_words = [\"http://bit.ly\"]\n"
      "rate_per_minute = 0\npending_per_hour = 40\nform_page_ttl = 30\ntoken_lifetime_hours = 48\n",
      "site.toml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->comments_enabled);
  EXPECT_EQ(s->comments_per_page, 20);
  EXPECT_EQ(s->comment_thread_depth, 3);
  EXPECT_EQ(s->comments_close_after_days, 30);
  EXPECT_TRUE(s->comments_trust_returning);
  EXPECT_EQ(s->comment_min_fill_seconds, 1);
  EXPECT_EQ(s->comment_max_links, 0);
  EXPECT_EQ(s->comment_spam_words, (std::vector<std::string>{"casino", "cheap pills"}));
  EXPECT_EQ(s->comment_hold_words, (std::vector<std::string>{"http://bit.ly"}));
  EXPECT_EQ(s->comment_rate_per_minute, 0);
  EXPECT_EQ(s->pending_per_hour, 40);
  EXPECT_EQ(s->form_page_ttl_seconds, 30);
  EXPECT_EQ(s->form_token_hours, 48);

  const auto again = parse_site_settings(render_site_toml(*s), "site.toml");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(render_site_toml(*again), render_site_toml(*s));
  EXPECT_EQ(again->comment_spam_words, s->comment_spam_words);
}

TEST(SiteConfig, BadCommentSettingsNameTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"thread_depth = 0", "[comments] thread_depth: must be between 1 and 10"},
      {"per_page = 0", "[comments] per_page"},
      {"min_fill_seconds = -1", "[comments] min_fill_seconds"},
      {"rate_per_minute = -5", "[comments] rate_per_minute"},
      {"pending_per_hour = -1", "[comments] pending_per_hour"},
      {"form_page_ttl = 0", "[comments] form_page_ttl"},
      {"token_lifetime_hours = 0", "[comments] token_lifetime_hours"},
      {"spam_words = \"casino\"", "[comments] spam_words: must be a list of strings"},
      {"hold_words = [\"  \"]", "[comments] hold_words: every word"},
      {"trust_returning = 1", "[comments] trust_returning: must be true or false"},
  };
  for (const auto& [line, expected] : cases) {
    const auto s = parse_site_settings(std::string("[comments]\n") + line + "\n", "site.toml");
    ASSERT_FALSE(s) << line;
    EXPECT_NE(s.error().message.find(std::string("site.toml:2: ") + expected), std::string::npos)
        << s.error().message;
  }
}

TEST(SiteConfig, TrustedProxiesAreReadCheckedAndRenderedBack) {
  const auto none = parse_site_settings("", "site.toml");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->trusted_proxies.empty());
  EXPECT_EQ(none->client_address_header, "X-Forwarded-For");

  const auto s = parse_site_settings(
      "[server]\ntrusted_proxies = [\"127.0.0.1\", \" ::1 \"]\nclient_address_header = "
      "\"x-real-ip\"\n",
      "site.toml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(s->client_address_header, "X-Real-IP");
  const auto again = parse_site_settings(render_site_toml(*s), "site.toml");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->trusted_proxies, s->trusted_proxies);
  EXPECT_EQ(again->client_address_header, "X-Real-IP");

  const std::pair<const char*, const char*> cases[] = {
      {"trusted_proxies = [\"proxy.local\"]",
       "[server] trusted_proxies: \"proxy.local\" is not an IPv4 or IPv6 address"},
      {"trusted_proxies = [\"10.0.0.0/8\"]", "[server] trusted_proxies: \"10.0.0.0/8\""},
      {"trusted_proxies = \"127.0.0.1\"", "[server] trusted_proxies: must be a list of strings"},
      {"client_address_header = \"Forwarded\"",
       "[server] client_address_header: must be \"X-Forwarded-For\" or \"X-Real-IP\""},
  };
  for (const auto& [line, expected] : cases) {
    const auto bad = parse_site_settings(std::string("[server]\n") + line + "\n", "site.toml");
    ASSERT_FALSE(bad) << line;
    EXPECT_NE(bad.error().message.find(std::string("site.toml:2: ") + expected), std::string::npos)
        << bad.error().message;
  }
}

TEST(SiteConfig, MissingFileIsNotFound) {
  const auto s = load_site_settings("/nonexistent/site.toml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, util::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace reelpress::config
