// The command line, end to end: what a user sees for good and bad input.
#include <gtest/gtest.h>

#include <fstream>

#include "e2e_support.h"

namespace reelpress::e2e {
namespace {

TEST(Cli, VersionAndHelpForEveryCommand) {
  CommandResult r = run_reelpress({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("reelpress "), std::string::npos);
  for (const char* command : {"init", "serve", "archive"}) {
    r = run_reelpress({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.output.find("DIR"), std::string::npos) << command << ": " << r.output;
  }
  r = run_reelpress({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("serve"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwoWithAMessage) {
  CommandResult r = run_reelpress({});
  EXPECT_EQ(r.exit_code, 2);
  r = run_reelpress({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("reelpress:"), std::string::npos);
  r = run_reelpress({"archive", "/tmp", "maybe"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, InitRefusesToOverwriteASite) {
  TempDir dir;
  const auto site = dir.path() / "site";
  CommandResult r = run_reelpress({"init", site.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(site / "site.toml"));
  EXPECT_TRUE(std::filesystem::exists(site / "content.db"));
  r = run_reelpress({"init", site.string(), "--demo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("already holds a site"), std::string::npos) << r.output;
}

TEST(Cli, ServeOnAFolderThatIsNotASite) {
  TempDir dir;
  const CommandResult r = run_reelpress({"serve", dir.path().string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("is not a reelpress site"), std::string::npos) << r.output;
}

TEST(Cli, ServeRejectsABadListenAddress) {
  TempDir dir;
  make_demo_site(dir.path() / "site");
  const CommandResult r =
      run_reelpress({"serve", (dir.path() / "site").string(), "--listen", "localhost"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("HOST:PORT"), std::string::npos) << r.output;
}

TEST(Cli, BadSettingsAreReportedWithKeyAndLine) {
  TempDir dir;
  const auto site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string()}).exit_code, 0);
  std::ofstream(site / "site.toml") << "[site]\ntitle = \"T\"\n\n[archive]\nenabled = \"yes\"\n";
  const CommandResult r = run_reelpress({"serve", site.string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("site.toml:5: [archive] enabled: must be true or false"),
            std::string::npos)
      << r.output;
}

TEST(Cli, ServeStopsGracefullyOnSigterm) {
  TempDir dir;
  make_demo_site(dir.path() / "site");
  Server server(dir.path() / "site");
  EXPECT_EQ(get(server.port(), "/").status, 200);
  EXPECT_EQ(server.stop(), 0);
}

TEST(Cli, ArchiveSwitchesTheSettingsFile) {
  TempDir dir;
  const auto site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string()}).exit_code, 0);
  CommandResult r = run_reelpress({"archive", site.string(), "on", "--banner", "Closed for good"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(site / "site.toml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("enabled = true"), std::string::npos);
  EXPECT_NE(text.str().find("banner = \"Closed for good\""), std::string::npos);
  r = run_reelpress({"archive", (dir.path() / "nothing").string(), "on"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace reelpress::e2e
