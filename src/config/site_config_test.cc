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

TEST(SiteConfig, MissingFileIsNotFound) {
  const auto s = load_site_settings("/nonexistent/site.toml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, util::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace reelpress::config
