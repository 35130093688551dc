// `reelpress export`, end to end: the real binary writes the demo site's static tree, and every
// page in it is byte for byte what the live server answers at the same URL; the ZIM and WARC
// files of a live site; and clear failures that leave no file behind. (tests/archive checks
// the three formats further with nginx, linkchecker, zimcheck, kiwix-serve and warcio.)
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "e2e_support.h"

namespace reelpress::e2e {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every regular file under `root`, relative, except the export's own manifest.
std::set<std::string> files_under(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = entry.path().lexically_relative(root).generic_string();
    if (relative != ".reelpress-export") out.insert(relative);
  }
  return out;
}

// The URL path a file of the tree answers at (nginx's index.html rule).
std::string path_of_file(const std::string& file) {
  if (file == "index.html") return "/";
  if (file.ends_with("/index.html")) return "/" + file.substr(0, file.size() - 10);
  return "/" + file;
}

TEST(Export, ArchivedDemoSiteExportsEveryPageAsTheServerServesIt) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  const fs::path out = dir.path() / "out";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);
  ASSERT_EQ(run_reelpress({"archive", site.string(), "on"}).exit_code, 0);

  const CommandResult first = run_reelpress({"export", site.string(), "--out", out.string()});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("no broken links"), std::string::npos) << first.output;
  const std::set<std::string> files = files_under(out);
  for (const char* expected : {"index.html", "theme/style.css", "sitemap.xml", "_redirects",
                               "redirects.nginx.conf", "films/the-well-keepers/index.html",
                               "episodes/the-well-keepers/the-well-keepers/101/index.html"}) {
    EXPECT_EQ(files.count(expected), 1u) << expected;
  }

  Server server(site);
  int pages = 0;
  for (const std::string& file : files) {
    if (file == "sitemap.xml" || file == "_redirects" || file == "redirects.nginx.conf") continue;
    const Response live = get(server.port(), path_of_file(file));
    EXPECT_EQ(live.status, 200) << file;
    EXPECT_EQ(live.body, read_file(out / file)) << file << " differs from the live page";
    if (file.ends_with(".html")) {
      ++pages;
      EXPECT_EQ(live.body.find("<form"), std::string::npos) << file;
    }
  }
  EXPECT_GE(pages, 25);
  const std::string sitemap = read_file(out / "sitemap.xml");
  EXPECT_NE(sitemap.find("<loc>http://127.0.0.1:8080/films/the-well-keepers/</loc>"),
            std::string::npos)
      << sitemap;

  // A second export rewrites nothing; a change rewrites what shows it, not everything.
  const CommandResult again = run_reelpress({"export", site.string(), "--out", out.string()});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(" 0 written"), std::string::npos) << again.output;
  ASSERT_EQ(run_reelpress({"comments", site.string(), "approve", "c8"}).exit_code, 0);
  const CommandResult changed = run_reelpress({"export", site.string(), "--out", out.string()});
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_EQ(changed.output.find(" 0 written"), std::string::npos) << changed.output;
  EXPECT_NE(changed.output.find(" unchanged"), std::string::npos) << changed.output;
  EXPECT_EQ(changed.output.find(" 0 unchanged"), std::string::npos) << changed.output;
}

TEST(Export, ALiveSiteExportsWithoutFormsOrBanner) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);
  const fs::path out = dir.path() / "out";
  ASSERT_EQ(run_reelpress({"export", site.string(), "--out", out.string()}).exit_code, 0);
  const std::string page =
      read_file(out / "episodes/the-well-keepers/the-well-keepers/101/index.html");
  EXPECT_EQ(page.find("<form"), std::string::npos);
  EXPECT_NE(page.find("offline copy"), std::string::npos);
  EXPECT_EQ(page.find("no longer actively maintained"), std::string::npos);
}

TEST(Export, UnwritableOrFullTargetsFailClearlyAndLeaveNoHalfFile) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);

  // A full disk: the temporary file of the first page is /dev/full.
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  fs::create_symlink("/dev/full", out / "index.html.part");
  CommandResult r = run_reelpress({"export", site.string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("index.html: No space left on device"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out / "index.html"));

  fs::path blocked = dir.path() / "file";
  std::ofstream(blocked) << "a file, not a folder";
  r = run_reelpress({"export", site.string(), "--out", (blocked / "out").string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("file/out"), std::string::npos) << r.output;

  r = run_reelpress({"export", site.string(), "--format", "pdf", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

// What an export left in `folder` besides `keep`: nothing, when it failed cleanly.
std::set<std::string> leftovers(const fs::path& folder, const std::string& keep = "") {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name != keep && name != "site") out.insert(name);
  }
  return out;
}

TEST(Export, ALiveSiteExportsAsZimAndWarcFiles) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);
  const fs::path zim = dir.path() / "demo.zim";
  CommandResult r =
      run_reelpress({"export", site.string(), "--format", "zim", "--out", zim.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.output.starts_with("Exported 30 pages, 1 file and 0 redirects")) << r.output;
  EXPECT_NE(r.output.find("no broken links"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Resolve redirect"), std::string::npos) << "libzim's chatter";
  const std::string zim_bytes = read_file(zim);
  ASSERT_GT(zim_bytes.size(), 1000u);
  EXPECT_EQ(zim_bytes.substr(0, 4), std::string("ZIM\x04", 4));  // The ZIM magic number.

  const fs::path warc = dir.path() / "demo.warc.gz";
  r = run_reelpress({"export", site.string(), "--format", "warc", "--out", warc.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(63 records,"), std::string::npos) << r.output;
  EXPECT_EQ(read_file(warc).substr(0, 2), "\x1f\x8b");  // gzip, member by member.
  EXPECT_EQ(leftovers(dir.path()), (std::set<std::string>{"demo.warc.gz", "demo.zim"}));
}

TEST(Export, ZimAndWarcFailuresSayWhyAndLeaveNoFile) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);

  // A full disk under the WARC file.
  const fs::path warc = dir.path() / "site.warc.gz";
  fs::create_symlink("/dev/full", dir.path() / "site.warc.gz.part");
  CommandResult r =
      run_reelpress({"export", site.string(), "--format", "warc", "--out", warc.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot write " + warc.string() + ": No space left on device"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(leftovers(dir.path()), std::set<std::string>{});

  // A folder that is a file.
  const fs::path blocked = dir.path() / "file";
  std::ofstream(blocked) << "a file, not a folder";
  for (const char* format : {"zim", "warc"}) {
    r = run_reelpress(
        {"export", site.string(), "--format", format, "--out", (blocked / "out").string()});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("cannot write " + (blocked / "out").string() + ": Not a directory"),
              std::string::npos)
        << r.output;
  }
  EXPECT_EQ(leftovers(dir.path(), "file"), std::set<std::string>{});

  // No room for the ZIM file (here a file size limit, as ulimit -f sets): refused before
  // libzim writes anything, since libzim itself would retry a failed write for ever.
  std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit saved {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit small = saved;
  small.rlim_cur = 200000;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const fs::path zim = dir.path() / "site.zim";
  r = run_reelpress({"export", site.string(), "--format", "zim", "--out", zim.string()});
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &saved), 0);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot write " + zim.string() + ": the file size limit (ulimit -f) is"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(leftovers(dir.path(), "file"), std::set<std::string>{});
}

}  // namespace
}  // namespace reelpress::e2e
