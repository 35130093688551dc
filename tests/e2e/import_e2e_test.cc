// `reelpress import`, end to end: the real binary imports the WordPress fixtures (exports
// written by a real WordPress) into fresh sites, serves them, and every URL that WordPress
// served for a published item answers here as the fixture says it did.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "e2e_support.h"
#include "util/compress.h"

namespace reelpress::e2e {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(REELPRESS_SOURCE_DIR) / "tests" / "fixtures";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string fixture_text(const std::string& name) {
  const std::string bytes = read_file(kFixtures / name);
  if (!name.ends_with(".gz")) return bytes;
  auto text = util::gzip_decompress(bytes, 256u << 20);
  EXPECT_TRUE(text) << text.error().message;
  return text ? *text : std::string();
}

// What the test needs of one <item>, read with a plain scan (not the importer's reader).
struct FixtureItem {
  std::string title;
  std::string link;
  std::string guid;
  long long id = 0;
  std::string status;
  std::string type;
  int approved_comments = 0;
};

std::string element(const std::string& block, const std::string& name) {
  const std::size_t open = block.find("<" + name);
  if (open == std::string::npos) return {};
  const std::size_t start = block.find('>', open) + 1;
  const std::size_t end = block.find("</" + name + ">", start);
  std::string text = block.substr(start, end - start);
  if (text.starts_with("<![CDATA[") && text.ends_with("]]>"))
    text = text.substr(9, text.size() - 12);
  return text;
}

std::vector<FixtureItem> scan_items(const std::string& xml) {
  std::vector<FixtureItem> items;
  for (std::size_t at = xml.find("<item>"); at != std::string::npos;
       at = xml.find("<item>", at + 1)) {
    const std::size_t end = xml.find("</item>", at);
    const std::string block = xml.substr(at, end - at);
    FixtureItem item;
    item.title = element(block, "title");
    item.link = element(block, "link");
    item.guid = element(block, "guid");
    item.id = std::stoll(element(block, "wp:post_id"));
    item.status = element(block, "wp:status");
    item.type = element(block, "wp:post_type");
    const std::string approved = "<wp:comment_approved><![CDATA[1]]></wp:comment_approved>";
    for (std::size_t c = block.find(approved); c != std::string::npos;
         c = block.find(approved, c + 1)) {
      ++item.approved_comments;
    }
    items.push_back(std::move(item));
  }
  return items;
}

// The path of an absolute URL, as the server's Location or the fixture's <link> gives it.
std::string path_of(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const std::size_t slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

// Percent-encoding's hex digits may differ in case (WordPress writes lower case).
std::string lower_escapes(std::string path) {
  for (std::size_t i = 0; i + 2 < path.size(); ++i) {
    if (path[i] == '%') {
      path[i + 1] = static_cast<char>(std::tolower(static_cast<unsigned char>(path[i + 1])));
      path[i + 2] = static_cast<char>(std::tolower(static_cast<unsigned char>(path[i + 2])));
    }
  }
  return path;
}

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string sql(const fs::path& site, const std::string& query) {
  const CommandResult r =
      run_shell("sqlite3 '" + (site / "content.db").string() + "' \"" + query + "\"");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

void expect_site_matches_fixture(const fs::path& site, const std::string& xml, int every) {
  const std::vector<FixtureItem> items = scan_items(xml);
  ASSERT_FALSE(items.empty());
  Server server(site);
  int published = 0;
  int checked = 0;
  for (const FixtureItem& item : items) {
    const bool entry = item.type == "post" || item.type == "page";
    if (!entry) continue;
    if (item.status != "publish") {
      // Drafts, private and trashed items are not there for readers.
      EXPECT_EQ(get(server.port(), "/?p=" + std::to_string(item.id)).status, 404)
          << item.id << " " << item.status;
      continue;
    }
    if (published++ % every != 0) continue;
    ++checked;
    const std::string path = path_of(item.link);
    const Response page = get(server.port(), path);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_NE(page.body.find(escape_html(item.title)), std::string::npos)
        << path << " " << item.title;
    EXPECT_EQ(count(page.body, "class=\"comment\""), item.approved_comments) << path;
    if (item.approved_comments > 1) {
      EXPECT_NE(page.body.find(std::to_string(item.approved_comments) + " Comments"),
                std::string::npos)
          << path;
    }
    const std::string query =
        (item.type == "page" ? "/?page_id=" : "/?p=") + std::to_string(item.id);
    for (const std::string& target : {"/?p=" + std::to_string(item.id), query}) {
      const Response moved = get(server.port(), target);
      EXPECT_EQ(moved.status, 301) << target;
      EXPECT_EQ(lower_escapes(path_of(moved.header("location"))), lower_escapes(path)) << target;
    }
    if (item.guid.find("?p=") != std::string::npos ||
        item.guid.find("?page_id=") != std::string::npos) {
      const Response moved = get(server.port(), path_of(item.guid));
      EXPECT_EQ(moved.status, 301) << item.guid;
      EXPECT_EQ(lower_escapes(path_of(moved.header("location"))), lower_escapes(path)) << item.guid;
    }
  }
  EXPECT_GT(checked, 0);
}

class ImportFixture : public ::testing::TestWithParam<std::pair<const char*, int>> {};

TEST_P(ImportFixture, EveryPublishedUrlAnswersAsOnWordPress) {
  const auto [name, every] = GetParam();
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string()}).exit_code, 0);
  const CommandResult first = run_reelpress({"import", site.string(), (kFixtures / name).string()});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_TRUE(first.output.starts_with("Imported ")) << first.output;
  // stdout is not a terminal here: the summary line and nothing else (no progress bar).
  EXPECT_EQ(count(first.output, "\n"), 1) << first.output;
  EXPECT_EQ(first.output.find('\r'), std::string::npos);

  const std::string counts_query =
      "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM comments), (SELECT "
      "count(*) FROM categories), (SELECT count(*) FROM tags), (SELECT count(*) FROM users), "
      "(SELECT count(*) FROM media)";
  const std::string counts = sql(site, counts_query);

  // A second import of the same file changes nothing and says the same.
  const CommandResult second =
      run_reelpress({"import", site.string(), (kFixtures / name).string()});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(second.output, first.output);
  EXPECT_EQ(sql(site, counts_query), counts);

  const std::string xml = fixture_text(name);
  const auto items = scan_items(xml);
  const long long entries = std::count_if(items.begin(), items.end(), [](const FixtureItem& i) {
    return i.type == "post" || i.type == "page";
  });
  EXPECT_TRUE(counts.starts_with(std::to_string(entries) + "|")) << counts;
  expect_site_matches_fixture(site, xml, every);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ImportFixture,
                         ::testing::Values(std::make_pair("wordpress-sample.wxr", 1),
                                           std::make_pair("wordpress-2010.wxr.gz", 20)),
                         [](const auto& fixture) {
                           return std::string(fixture.param.first).starts_with("wordpress-2010")
                                      ? std::string("Big2010")
                                      : std::string("Sample");
                         });

TEST(Import, AFileThatBreaksHalfwayChangesNothing) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string()}).exit_code, 0);
  const fs::path good = kFixtures / "wordpress-sample.wxr";
  ASSERT_EQ(run_reelpress({"import", site.string(), good.string()}).exit_code, 0);
  const std::string before = sql(site, "SELECT id, title, slug FROM entries ORDER BY id");

  // The same export with a new title for entry 4 and, further on, broken XML.
  std::string xml = read_file(good);
  const std::string title = "The Salt Road: Introduction";
  xml.replace(xml.find(title), title.size(), "A New Title");
  const std::size_t broken_at = xml.find("<title><![CDATA[About the Series");
  xml.insert(broken_at, "<broken>");
  const int line =
      static_cast<int>(std::count(xml.begin(), xml.begin() + static_cast<long>(broken_at), '\n')) +
      1;
  const fs::path bad = dir.path() / "broken.xml";
  write_file(bad, xml);

  const CommandResult r = run_reelpress({"import", site.string(), bad.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(r.output.starts_with("reelpress: " + bad.string() + ":")) << r.output;
  // expat reports the mismatch where <broken> should have closed: a line or so later.
  const auto colon = r.output.find(':', r.output.find(bad.string()) + bad.string().size() + 1);
  const int reported =
      std::stoi(r.output.substr(r.output.find(bad.string()) + bad.string().size() + 1, colon));
  EXPECT_GE(reported, line) << r.output;
  EXPECT_LE(reported, line + 30) << r.output;
  EXPECT_EQ(sql(site, "SELECT id, title, slug FROM entries ORDER BY id"), before);

  Server server(site);
  const Response page = get(server.port(), "/episodes/the-salt-road/introduction/4/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find(title), std::string::npos);
  EXPECT_EQ(page.body.find("A New Title"), std::string::npos);
}

TEST(Import, HostileAndForeignFilesAreRefused) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string()}).exit_code, 0);
  const std::string sample = read_file(kFixtures / "wordpress-sample.wxr");
  const std::string body = sample.substr(sample.find("<rss"));

  struct Case {
    std::string name;
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"xxe.xml",
       "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n" +
           body,
       "xxe.xml:2: WXR files must not declare entities"},
      {"lol.xml",
       "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b "
       "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n" +
           body,
       "lol.xml:2: WXR files must not declare entities"},
      {"cut.xml", sample.substr(0, sample.size() / 2), "the file ends too early"},
      {"utf8.xml",
       sample.substr(0, sample.find("Hello world!")) + "Hello \xff world!" +
           sample.substr(sample.find("Hello world!") + 12),
       "invalid UTF-8"},
      {"feed.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel></channel></rss>",
       "feed.xml is not a WordPress export (WXR)"},
      {"page.html", "<!DOCTYPE html><html><body>hi</body></html>",
       "page.html is not a WordPress export (WXR)"},
      {"cut.xml.gz", util::gzip_compress(sample).substr(0, 3000), "ends too early"},
  };
  for (const Case& c : cases) {
    const fs::path file = dir.path() / c.name;
    write_file(file, c.text);
    const CommandResult r = run_reelpress({"import", site.string(), file.string()});
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.name << ": " << r.output;
    EXPECT_TRUE(r.output.starts_with("reelpress: ")) << r.output;
  }
  EXPECT_EQ(sql(site, "SELECT count(*) FROM entries"), "0\n");
  EXPECT_EQ(sql(site, "SELECT count(*) FROM users"), "0\n");
}

TEST(Import, UsageErrors) {
  TempDir dir;
  CommandResult r = run_reelpress({"import", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("DIR"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FILE"), std::string::npos) << r.output;

  r = run_reelpress({"import", dir.path().string(), (kFixtures / "wordpress-sample.wxr").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("is not a reelpress site"), std::string::npos) << r.output;

  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string()}).exit_code, 0);
  r = run_reelpress({"import", site.string(), (dir.path() / "missing.xml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("missing.xml: no such file"), std::string::npos) << r.output;
  r = run_reelpress({"import", site.string()});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Import, UploadsAreCopiedAndAnswerAtTheirOldUrls) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  const fs::path uploads = dir.path() / "uploads";
  fs::create_directories(uploads / "2009/07");
  std::string jpeg(5000, '\0');
  for (std::size_t i = 0; i < jpeg.size(); ++i) jpeg[i] = static_cast<char>(i * 7);
  write_file(uploads / "2009/07/caravan.jpg", jpeg);
  write_file(uploads / "2009/07/caravan-300x200.jpg", "resized");
  write_file(uploads / "2009/07/notes.html", "<script>alert(1)</script>");
  write_file(uploads / ".htaccess", "Options -Indexes");
  ASSERT_EQ(run_reelpress({"init", site.string()}).exit_code, 0);

  CommandResult r =
      run_reelpress({"import", site.string(), (kFixtures / "wordpress-sample.wxr").string(),
                     "--uploads", (dir.path() / "absent").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("absent is not a folder"), std::string::npos) << r.output;

  r = run_reelpress({"import", site.string(), (kFixtures / "wordpress-sample.wxr").string(),
                     "--uploads", uploads.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Copied 3 files (0.0 MB); 0 unchanged; skipped 1"), std::string::npos)
      << r.output;

  Server server(site);
  // Both URL forms WordPress used, the attachment's own and the resized variant bodies use.
  Response file = get(server.port(), "/files/2009/07/caravan.jpg");
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, jpeg);
  EXPECT_EQ(file.header("content-type"), "image/jpeg");
  EXPECT_EQ(file.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(file.header("accept-ranges"), "bytes");
  EXPECT_EQ(get(server.port(), "/wp-content/uploads/2009/07/caravan-300x200.jpg").body, "resized");

  // A player asking for a part gets that part; a range past the end gets 416.
  Response part = get(server.port(), "/files/2009/07/caravan.jpg", {{"Range", "bytes=100-199"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, jpeg.substr(100, 100));
  EXPECT_EQ(part.header("content-range"), "bytes 100-199/5000");
  Response tail = get(server.port(), "/files/2009/07/caravan.jpg", {{"Range", "bytes=-10"}});
  EXPECT_EQ(tail.body, jpeg.substr(4990));
  Response past = get(server.port(), "/files/2009/07/caravan.jpg", {{"Range", "bytes=6000-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.header("content-range"), "bytes */5000");
  Response same =
      get(server.port(), "/files/2009/07/caravan.jpg", {{"If-None-Match", file.header("etag")}});
  EXPECT_EQ(same.status, 304);

  // HTML from an old uploads folder is a download, never a page of the site.
  Response html = get(server.port(), "/files/2009/07/notes.html");
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.header("content-type"), "application/octet-stream");
  EXPECT_EQ(html.header("content-disposition"), "attachment");
  for (const char* path : {"/files/.htaccess", "/files/2009/07/missing.jpg", "/files/2009/07/"}) {
    EXPECT_EQ(get(server.port(), path).status, 404) << path;
  }
  // Dot segments never reach a handler: the server refuses them as malformed.
  for (const char* path : {"/files/../site.toml", "/files/%2e%2e/site.toml",
                           "/wp-content/uploads/2009/../../content.db"}) {
    EXPECT_EQ(get(server.port(), path).status, 400) << path;
  }
  // The attachment's WordPress page leads to its file.
  Response page = get(server.port(), "/episodes/the-salt-road/introduction/4/attachment/caravan/");
  EXPECT_EQ(page.status, 301);
  EXPECT_EQ(page.header("location"), "/files/2009/07/caravan.jpg");
}

}  // namespace
}  // namespace reelpress::e2e
