// The admin's security rules, end to end: the real binary serving a demo site, spoken to over
// HTTP as a browser would (cookies kept, the CSRF field read from each form).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <regex>
#include <thread>

#include "e2e_support.h"
#include "util/text.h"

namespace reelpress::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassword = "salt road 1998 night";

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields)
    out += (out.empty() ? "" : "&") + k + "=" + util::percent_encode_path(v);
  return out;
}

std::string csrf_in(const std::string& html) {
  std::smatch m;
  static const std::regex field(R"re(name="csrf" value="([^"]+)")re");
  return std::regex_search(html, m, field) ? m[1].str() : "";
}

// A browser's cookie jar, and its requests, from `source` when given (a loopback address of
// its own, so the server sees another client).
class Client {
 public:
  explicit Client(int port, std::string source = "") : port_(port), source_(std::move(source)) {}
  Response get(const std::string& target) { return send("GET", target, ""); }
  Response post(const std::string& target, const std::string& body,
                const std::string& content_type = "application/x-www-form-urlencoded") {
    return send("POST", target, body, content_type);
  }
  bool has_cookie(const std::string& name) const { return cookies_.contains(name); }
  std::string csrf;  // The last admin page's.
  // The Cookie header this client sends.
  std::string cookie_header() const {
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    return cookie;
  }

 private:
  Response send(const std::string& method, const std::string& target, const std::string& body,
                const std::string& content_type = "") {
    std::map<std::string, std::string> headers;
    const std::string cookie = cookie_header();
    if (!cookie.empty()) headers["Cookie"] = cookie;
    if (method == "POST") headers["Content-Type"] = content_type;
    Response r = e2e::get(port_, target, headers, method, body, source_);
    for (const std::string& set : r.set_cookies) {
      const std::string pair = set.substr(0, set.find(';'));
      const std::size_t eq = pair.find('=');
      if (set.find("Max-Age=0") != std::string::npos) {
        cookies_.erase(pair.substr(0, eq));
      } else {
        cookies_[pair.substr(0, eq)] = pair.substr(eq + 1);
      }
    }
    if (const std::string c = csrf_in(r.body); !c.empty()) csrf = c;
    return r;
  }
  int port_;
  std::string source_;
  std::map<std::string, std::string> cookies_;
};

class AdminEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    make_demo_site(site_);
    for (const auto& [login, role] :
         std::vector<std::pair<std::string, std::string>>{{"ana", "editor"},
                                                          {"moe", "moderator"},
                                                          {"cai", "contributor"},
                                                          {"root", "administrator"}}) {
      CommandResult r = run_reelpress({"user", "add", site_.string(), login, "--role", role},
                                      std::string(kPassword) + "\n");
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    server_ = std::make_unique<Server>(site_);
  }

  Response sign_in(Client& c, const std::string& login, const std::string& password) {
    c.get("/admin/sign-in");
    return c.post("/admin/sign-in",
                  form({{"csrf", c.csrf}, {"login", login}, {"password", password}}));
  }

  Client signed_in(const std::string& login) {
    Client c(server_->port());
    Response r = sign_in(c, login, kPassword);
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(c.get("/admin/").status, 200);
    return c;
  }

  void sql(const std::string& statement) {
    CommandResult r =
        run_shell("sqlite3 " + (site_ / "content.db").string() + " \"" + statement + "\"");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  TempDir dir_;
  fs::path site_ = dir_.path() / "site";
  std::unique_ptr<Server> server_;
};

TEST_F(AdminEndToEnd, EveryStateChangingRequestWithoutACsrfTokenIs403) {
  Client c = signed_in("ana");
  const std::string valid = c.csrf;
  const std::vector<std::pair<std::string, std::string>> writes = {
      {"/admin/entries/new",
       form({{"title", "Forged"}, {"kind", "article"}, {"status", "publish"}})},
      {"/admin/entries/101/",
       form({{"title", "Forged"}, {"kind", "article"}, {"status", "draft"}})},
      {"/admin/comments/", form({{"action", "approved"}, {"id", "1"}})},
      {"/admin/suggestions/", form({{"action", "approved"}, {"id", "1"}})},
      {"/admin/sign-out", ""},
  };
  for (const auto& [path, body] : writes) {
    EXPECT_EQ(c.post(path, body).status, 403) << path;
    EXPECT_EQ(c.post(path, body + "&csrf=" + valid.substr(1)).status, 403) << path;
  }
  Response sign_in_without_token =
      Client(server_->port())
          .post("/admin/sign-in", form({{"login", "ana"}, {"password", kPassword}}));
  EXPECT_EQ(sign_in_without_token.status, 403);
  EXPECT_EQ(c.get("/admin/").status, 200);  // The sign-out without a token did nothing.
  EXPECT_EQ(run_shell("sqlite3 " + (site_ / "content.db").string() +
                      " \"SELECT count(*) FROM entries WHERE title = 'Forged'\"")
                .output,
            "0\n");
}

TEST_F(AdminEndToEnd, EachRoleIsRefusedWhatItMayNotDo) {
  Client moe = signed_in("moe");
  EXPECT_EQ(moe.get("/admin/entries/").status, 403);
  EXPECT_EQ(
      moe.post("/admin/entries/new",
               form({{"csrf", moe.csrf}, {"title", "t"}, {"kind", "article"}, {"status", "draft"}}))
          .status,
      403);
  EXPECT_EQ(moe.get("/admin/settings/").status, 403);
  EXPECT_EQ(moe.get("/admin/comments/").status, 200);

  Client cai = signed_in("cai");
  Response publish = cai.post("/admin/entries/new", form({{"csrf", cai.csrf},
                                                          {"title", "Mine"},
                                                          {"kind", "article"},
                                                          {"status", "publish"},
                                                          {"action", "save"}}));
  EXPECT_EQ(publish.status, 403);
  EXPECT_EQ(cai.get("/admin/entries/101/").status, 403);  // Someone else's, published.
  EXPECT_EQ(cai.get("/admin/comments/").status, 403);

  Client ana = signed_in("ana");
  EXPECT_EQ(ana.get("/admin/settings/").status, 403);  // Editors do not change settings.
  EXPECT_EQ(ana.get("/admin/entries/101/").status, 200);
}

// 101 wrong passwords from 101 addresses in a few seconds used to lock the account for an
// hour, for its owner too. Now they only slow down whoever has no device cookie of the
// account, by seconds, and the owner's browser, which has one, signs in at once.
TEST_F(AdminEndToEnd, AFloodOfWrongPasswordsFromManyAddressesNeverKeepsTheOwnerOut) {
  Client owner = signed_in("ana");  // From 127.0.0.1, earlier: the browser got a device cookie.
  EXPECT_TRUE(owner.has_cookie("rp_device"));
  EXPECT_EQ(owner.post("/admin/sign-out", form({{"csrf", owner.csrf}})).status, 303);

  int checked = 0;
  int slowed = 0;
  for (int i = 0; i < 101; ++i) {
    Client attacker(server_->port(), "127.0.0." + std::to_string(i + 2));
    Response r = sign_in(attacker, "ana", "guess number " + std::to_string(i));
    if (r.status == 403) {
      ++checked;
      EXPECT_NE(r.body.find("Wrong login or password."), std::string::npos);
    } else {
      ASSERT_EQ(r.status, 429) << r.body;
      ++slowed;
      const int wait = std::atoi(r.header("retry-after").c_str());
      EXPECT_GE(wait, 1);
      EXPECT_LE(wait, 60);  // Seconds, never an hour.
      EXPECT_EQ(r.body.find("hour"), std::string::npos);
    }
  }
  EXPECT_GT(slowed, 80) << checked << " passwords were checked";  // The guessing was slowed.

  Response back = sign_in(owner, "ana", kPassword);
  EXPECT_EQ(back.status, 303) << back.body;
  EXPECT_EQ(owner.get("/admin/").status, 200);

  // A browser without the cookie waits seconds at most, with the right password too.
  Client elsewhere(server_->port(), "127.0.0.200");
  Response r = sign_in(elsewhere, "ana", kPassword);
  if (r.status == 429) {
    EXPECT_LE(std::atoi(r.header("retry-after").c_str()), 60);
  } else {
    EXPECT_EQ(r.status, 303) << r.body;
  }
  // Other accounts are not slowed, and no address is stored.
  Client other(server_->port());
  EXPECT_EQ(sign_in(other, "moe", kPassword).status, 303);
  EXPECT_EQ(run_shell("sqlite3 " + (site_ / "content.db").string() +
                      " .dump | grep -c '127\\.0\\.0\\.5[0-9]'")
                .output,
            "0\n");
}

// A body nested 100,000 deep took the sanitizer 6 s of a form thread; past the documented
// limit it is refused at once, and the editor is told why in the form, with the text kept.
TEST_F(AdminEndToEnd, ABodyNestedPastTheLimitIsRefusedInTheForm) {
  Client c = signed_in("ana");
  c.get("/admin/entries/new");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<b>";
  const auto start = std::chrono::steady_clock::now();
  Response r = c.post("/admin/entries/new", form({{"csrf", c.csrf},
                                                  {"title", "Deep"},
                                                  {"kind", "article"},
                                                  {"body", deep + "x"},
                                                  {"status", "draft"},
                                                  {"action", "save"}}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("more than 512 levels deep; the limit is 512 levels."), std::string::npos);
  EXPECT_EQ(run_shell("sqlite3 " + (site_ / "content.db").string() +
                      " \"SELECT count(*) FROM entries WHERE title = 'Deep'\"")
                .output,
            "0\n");
}

TEST_F(AdminEndToEnd, ASessionIsDeadAfterSignOut) {
  Client c = signed_in("ana");
  Client stolen = c;  // Its cookie, copied before the sign-out.
  EXPECT_EQ(c.post("/admin/sign-out", form({{"csrf", c.csrf}})).status, 303);
  Response after = stolen.get("/admin/");
  EXPECT_EQ(after.status, 303);
  EXPECT_TRUE(after.header("location").starts_with("/admin/sign-in")) << after.header("location");
  EXPECT_EQ(stolen
                .post("/admin/entries/new", form({{"csrf", stolen.csrf},
                                                  {"title", "t"},
                                                  {"kind", "article"},
                                                  {"status", "draft"}}))
                .status,
            403);
}

TEST_F(AdminEndToEnd, AScheduledEntryAppearsWithoutARestart) {
  Client c = signed_in("ana");
  // Two seconds ahead, in the form's own format (UTC, minutes): rounded up to the next minute
  // boundary would be too slow for a test, so the time is written with seconds.
  const std::time_t at = std::time(nullptr) + 2;
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", std::gmtime(&at));
  Response saved = c.post("/admin/entries/new", form({{"csrf", c.csrf},
                                                      {"title", "Broadcast night"},
                                                      {"kind", "page"},
                                                      {"body", "On air tonight."},
                                                      {"status", "publish"},
                                                      {"published_at", when},
                                                      {"action", "save"}}));
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(get(server_->port(), "/broadcast-night/").status, 404);
  EXPECT_TRUE(eventually([&] { return get(server_->port(), "/broadcast-night/").status == 200; },
                         std::chrono::seconds(8)));
  EXPECT_NE(get(server_->port(), "/broadcast-night/").body.find("On air tonight."),
            std::string::npos);
}

TEST_F(AdminEndToEnd, EveryAdminPageIsValidHtmlNeverCachedNorFramed) {
  Client c = signed_in("root");
  const char* pages[] = {"/admin/",
                         "/admin/entries/",
                         "/admin/entries/?status=draft",
                         "/admin/entries/new",
                         "/admin/entries/101/",
                         "/admin/entries/101/revisions/",
                         "/admin/comments/",
                         "/admin/comments/?status=approved",
                         "/admin/suggestions/",
                         "/admin/media/",
                         "/admin/films/",
                         "/admin/films/new",
                         "/admin/categories/",
                         "/admin/categories/new",
                         "/admin/tags/",
                         "/admin/tags/new",
                         "/admin/organizations/",
                         "/admin/organizations/new",
                         "/admin/redirects/",
                         "/admin/settings/"};
  for (const char* path : pages) {
    Response r = c.get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.header("cache-control"), "no-store") << path;
    EXPECT_NE(r.header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos)
        << path;
    EXPECT_EQ(r.header("x-frame-options"), "DENY") << path;
    EXPECT_EQ(tidy_errors(r.body), "") << path;
  }
  Client signed_out(server_->port());
  Response form = signed_out.get("/admin/sign-in");
  EXPECT_EQ(form.status, 200);
  EXPECT_EQ(tidy_errors(form.body), "");
}

// A 2x2 grey GIF, as libvips writes one.
const std::string kGif(
    "\x47\x49\x46\x38\x39\x61\x02\x00\x02\x00\x80\x00\x00\x47\x70\x4c\xc8\xc8\xc8\x21\xff\x0b"
    "\x4e\x45\x54\x53\x43\x41\x50\x45\x32\x2e\x30\x03\x01\x00\x00\x00\x21\xf9\x04\x05\x00\x00"
    "\x00\x00\x2c\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02\x8c\x53\x00\x3b",
    62);

class Upload {
 public:
  static constexpr const char* kBoundary = "----reelpressE2EBoundary7MA4YWxk";
  static std::string content_type() {
    return std::string("multipart/form-data; boundary=") + kBoundary;
  }
  // The form as a browser sends it: csrf, alt, title, then the file.
  static std::string body(const std::string& csrf, const std::string& filename,
                          const std::string& bytes, const std::string& alt = "A still") {
    std::string out;
    auto field = [&](const std::string& name, const std::string& value) {
      out += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
             "\"\r\n\r\n" + value + "\r\n";
    };
    field("csrf", csrf);
    field("alt", alt);
    field("title", "");
    out += std::string("--") + kBoundary +
           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
           "\"\r\nContent-Type: image/gif\r\n\r\n" + bytes + "\r\n--" + kBoundary + "--\r\n";
    return out;
  }
};

TEST_F(AdminEndToEnd, UploadsAreCheckedByContentRenamedAndNeutralised) {
  Client c = signed_in("ana");
  c.get("/admin/media/");
  // An HTML page, whatever its name says, is refused.
  Response html =
      c.post("/admin/media/",
             Upload::body(c.csrf, "still.gif", "<!DOCTYPE html><script>alert(1)</script>"),
             Upload::content_type());
  EXPECT_EQ(html.status, 415) << html.body;
  EXPECT_NE(html.body.find("HTML"), std::string::npos);

  // A path in the name is dropped; a GIF with HTML after it (a polyglot) is re-encoded, so the
  // stored file is an image and nothing else.
  Response polyglot = c.post(
      "/admin/media/",
      Upload::body(c.csrf, "../../../etc/cron.d/still.gif", kGif + "<script>alert(1)</script>"),
      Upload::content_type());
  ASSERT_EQ(polyglot.status, 303) << polyglot.body;
  const std::string location = polyglot.header("location");
  const std::string path = location.substr(location.find("uploaded=") + 9);
  EXPECT_TRUE(path.ends_with("/still.gif")) << path;
  EXPECT_EQ(path.find(".."), std::string::npos);
  EXPECT_EQ(path.find("etc"), std::string::npos);
  Response served = get(server_->port(), "/files/" + path);
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.header("content-type"), "image/gif");
  EXPECT_EQ(served.header("x-content-type-options"), "nosniff");
  EXPECT_TRUE(served.body.starts_with("GIF8"));
  EXPECT_EQ(served.body.find("<script"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.path() / "etc"));

  // An image without alternative text is refused.
  Response no_alt =
      c.post("/admin/media/", Upload::body(c.csrf, "b.gif", kGif, ""), Upload::content_type());
  EXPECT_EQ(no_alt.status, 400);

  // Larger than an upload may be (20 MB): refused, and nothing kept.
  Response big =
      c.post("/admin/media/", Upload::body(c.csrf, "big.gif", kGif + std::string(21 << 20, 'x')),
             Upload::content_type());
  EXPECT_EQ(big.status, 413);
  // Larger than the server takes at all (32 MB): refused on the header alone, before any of
  // the body is read.
  Connection raw(server_->port());
  raw.send_raw(
      "POST /admin/media/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + Upload::content_type() +
      "\r\nContent-Length: " + std::to_string(33 << 20) + "\r\n\r\n");
  auto huge = raw.read_response();
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(
      run_shell("sqlite3 " + (site_ / "content.db").string() + " \"SELECT count(*) FROM media\"")
          .output,
      "1\n");

  // Without the CSRF token, or as a contributor, nothing is uploaded.
  EXPECT_EQ(c.post("/admin/media/", Upload::body("", "c.gif", kGif), Upload::content_type()).status,
            403);
  Client cai = signed_in("cai");
  EXPECT_EQ(cai.post("/admin/media/", Upload::body(cai.csrf, "c.gif", kGif), Upload::content_type())
                .status,
            403);
}

TEST_F(AdminEndToEnd, CommentKeepsItsParagraphsThroughTheForm) {
  sql("UPDATE comments SET body_html = '<p>One.</p>' || char(10) || '<p>Two.</p>' || char(10), "
      "author_name = 'Ana' || char(8238) || 'Reader' WHERE id = 1");
  const auto stored = [&](const std::string& column) {
    return run_shell("sqlite3 " + (site_ / "content.db").string() + " \"SELECT " + column +
                     " FROM comments WHERE id = 1\"")
        .output;
  };
  const std::string status = stored("status").substr(0, stored("status").find('\n'));
  Client moe = signed_in("moe");
  const Response shown = moe.get("/admin/comments/1/");
  ASSERT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find(">One.\n\nTwo.</textarea>"), std::string::npos) << shown.body;
  // The reversed name is named for the moderator, in the queue and on the form.
  EXPECT_NE(shown.body.find("Ana&lt;U+202E&gt;Reader"), std::string::npos) << shown.body;
  const Response queue = moe.get("/admin/comments/?status=" + status);
  EXPECT_NE(queue.body.find("Ana&lt;U+202E&gt;Reader"), std::string::npos);
  EXPECT_EQ(queue.body.find("Ana\xE2\x80\xAEReader"), std::string::npos);

  // Sent back as a browser sends a textarea (CRLF), unchanged: the comment is as it was.
  const std::string before = stored("body_html");
  const std::string author = "Ana\xE2\x80\xAEReader";
  Response saved = moe.post("/admin/comments/1/", form({{"csrf", moe.csrf},
                                                        {"author", author},
                                                        {"text", "One.\r\n\r\nTwo."},
                                                        {"status", status}}));
  EXPECT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(stored("body_html"), before);

  // Edited: still two paragraphs.
  moe.get("/admin/comments/1/");
  saved = moe.post("/admin/comments/1/", form({{"csrf", moe.csrf},
                                               {"author", "Ana Reader"},
                                               {"text", "One.\r\n\r\nTwo, edited."},
                                               {"status", status}}));
  EXPECT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(stored("body_html"), "<p>One.</p>\n<p>Two, edited.</p>\n\n");
}

TEST(AdminDiskFull, SaveOnAFullDiskAnswers503AndLosesNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a small file system needs root";
  TempDir dir;
  const fs::path disk = dir.path() / "disk";
  fs::create_directories(disk);
  ASSERT_EQ(run_shell("mount -t tmpfs -o size=4m tmpfs " + disk.string()).exit_code, 0);
  struct Unmount {
    fs::path path;
    ~Unmount() { run_shell("umount -l " + path.string()); }
  } unmount{disk};
  const fs::path site = disk / "site";
  make_demo_site(site);
  ASSERT_EQ(run_reelpress({"user", "add", site.string(), "root", "--role", "administrator"},
                          std::string(kPassword) + "\n")
                .exit_code,
            0);
  Server server(site);
  Client c(server.port());
  c.get("/admin/sign-in");
  ASSERT_EQ(
      c.post("/admin/sign-in", form({{"csrf", c.csrf}, {"login", "root"}, {"password", kPassword}}))
          .status,
      303);
  c.get("/admin/entries/new");
  const std::string csrf = c.csrf;
  const auto new_entry = [&] {
    return c.post("/admin/entries/new", form({{"csrf", csrf},
                                              {"title", "Written on a full disk"},
                                              {"kind", "article"},
                                              {"status", "publish"},
                                              {"body_format", "markdown"},
                                              {"body", std::string(400 * 1024, 'w')}}));
  };
  const fs::path filler = disk / "filler";
  run_shell("dd if=/dev/zero of=" + filler.string() + " bs=16k 2>/dev/null");
  const Response full = new_entry();
  EXPECT_EQ(full.status, 503) << full.body;
  EXPECT_NE(full.body.find("disk is full"), std::string::npos) << full.body;
  EXPECT_NE(full.body.find("Written on a full disk"), std::string::npos) << "the form is kept";

  fs::remove(filler);
  const Response saved = new_entry();
  EXPECT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(run_shell("sqlite3 " + (site / "content.db").string() +
                      " \"SELECT count(*) FROM entries WHERE title = 'Written on a full disk'\"")
                .output,
            "1\n");
}

// A PDF of about `size` bytes: stored byte for byte (libmagic knows it by its first line).
std::string pdf_of_size(std::size_t size) {
  std::string pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  while (pdf.size() + 64 < size) pdf += "% a line of a large document, kept as it is\n";
  return pdf + "%%EOF\n";
}

TEST_F(AdminEndToEnd, ASignedInEditorUploadsALargeFileAndOnlyFourAtOnce) {
  Client root = signed_in("root");
  ASSERT_EQ(root.get("/admin/media/").status, 200);
  const std::string body = Upload::body(root.csrf, "cut.pdf", pdf_of_size(3 << 20));
  ASSERT_GT(body.size(), 1u << 20);  // More than anyone not signed in may send.
  Response uploaded = root.post("/admin/media/", body, Upload::content_type());
  ASSERT_EQ(uploaded.status, 303) << uploaded.body;
  EXPECT_NE(uploaded.header("location").find("cut.pdf"), std::string::npos);

  // Four large bodies are read at once; a fifth is told to come back, its body unread.
  const std::string head =
      "POST /admin/media/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + root.cookie_header() +
      "\r\nContent-Type: " + Upload::content_type() +
      "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  std::vector<std::unique_ptr<Connection>> uploading;
  for (int i = 0; i < 4; ++i) {
    uploading.push_back(std::make_unique<Connection>(server_->port()));
    uploading.back()->send_raw(head);
    auto go_on = uploading.back()->read_response(/*head=*/true);
    ASSERT_TRUE(go_on);
    EXPECT_EQ(go_on->status, 100);
  }
  Connection fifth(server_->port());
  fifth.send_raw(head);
  auto busy = fifth.read_response();
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_FALSE(busy->header("retry-after").empty());
  // One of the four gives up: its place is free again.
  uploading.pop_back();
  EXPECT_TRUE(eventually([&] {
    Connection next(server_->port());
    next.send_raw(head);
    auto r = next.read_response(/*head=*/true);
    return r && r->status == 100;
  }));
}

TEST_F(AdminEndToEnd, SignInsThatOutlastTheRequestTimeoutAreAllAnswered) {
  server_.reset();
  server_ = std::make_unique<Server>(site_, std::vector<std::string>{"--request-timeout", "1"});
  // A sign-in (argon2id over 64 MiB, on the server's four form threads) as a raw request; the
  // form's token only has to match its cookie.
  // Each for a login of its own: failures on one account would soon be held back (429) before
  // the password is looked at, and this is about the ones that take long.
  const auto request_for = [](const std::string& login) {
    const std::string form_body = "csrf=t0k3n&login=" + login + "&password=not+the+password+at+all";
    return "POST /admin/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: rp_signin=t0k3n\r\n"
           "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
           "Content-Length: " +
           std::to_string(form_body.size()) + "\r\n\r\n" + form_body;
  };
  const std::string request = request_for("nobody");
  const auto one_start = std::chrono::steady_clock::now();
  {
    Connection alone(server_->port(), "127.0.0.2");
    alone.send_raw(request);
    auto r = alone.read_response();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 403) << r->body;
  }
  const double one =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - one_start).count();
  // Enough sign-ins at once that the last would finish about three seconds on: many wait
  // for a form thread or run past the one-second timeout. Eight per client address, under
  // the per-client limit of ten a minute.
  const int count = std::clamp(static_cast<int>(std::ceil(6.0 / one)) + 8, 16, 160);
  struct Outcome {
    int status = 0;
    bool retry_after = false;
    double seconds = 0;
  };
  std::vector<Outcome> outcomes(static_cast<std::size_t>(count));
  std::vector<std::thread> clients;
  for (int i = 0; i < count; ++i) {
    clients.emplace_back([&, i] {
      const auto start = std::chrono::steady_clock::now();
      Connection c(server_->port(), "127.0.1." + std::to_string(1 + i / 8));
      c.send_raw(request_for("nobody-" + std::to_string(i)));
      auto r = c.read_response(false, std::chrono::seconds(60));
      Outcome& o = outcomes[static_cast<std::size_t>(i)];
      o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (r) {
        o.status = r->status;
        o.retry_after = !r->header("retry-after").empty();
      }
    });
  }
  for (std::thread& t : clients) t.join();
  double slowest = 0;
  for (const Outcome& o : outcomes) {
    // A wrong password, or too busy to start: an answer either way, never a closed connection.
    EXPECT_TRUE(o.status == 403 || o.status == 503) << o.status << " after " << o.seconds << " s";
    if (o.status == 503) {
      EXPECT_TRUE(o.retry_after);
    }
    slowest = std::max(slowest, o.seconds);
  }
  // Otherwise nothing outlasted the timeout and this proved nothing.
  EXPECT_GT(slowest, 1.0) << count << " sign-ins of " << one << " s each";
}

}  // namespace
}  // namespace reelpress::e2e
