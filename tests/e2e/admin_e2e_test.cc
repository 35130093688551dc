// The admin's security rules, end to end: the real binary serving a demo site, spoken to over
// HTTP as a browser would (cookies kept, the CSRF field read from each form).
#include <gtest/gtest.h>

#include <chrono>
#include <regex>

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

 private:
  Response send(const std::string& method, const std::string& target, const std::string& body,
                const std::string& content_type = "") {
    std::map<std::string, std::string> headers;
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
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

}  // namespace
}  // namespace reelpress::e2e
