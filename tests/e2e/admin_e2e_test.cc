// The admin's security rules, end to end: the real binary serving a demo site, spoken to over
// HTTP as a browser would (cookies kept, the CSRF field read from each form).
#include <gtest/gtest.h>

#include <regex>

#include "e2e_support.h"

namespace reelpress::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassword = "salt road 1998 night";

std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + url_encode(v);
  return out;
}

std::string csrf_in(const std::string& html) {
  std::smatch m;
  static const std::regex field(R"re(name="csrf" value="([^"]+)")re");
  return std::regex_search(html, m, field) ? m[1].str() : "";
}

// A browser's cookie jar, and its requests.
class Client {
 public:
  explicit Client(int port) : port_(port) {}
  Response get(const std::string& target) { return send("GET", target, ""); }
  Response post(const std::string& target, const std::string& body) {
    return send("POST", target, body);
  }
  std::string csrf;  // The last admin page's.

 private:
  Response send(const std::string& method, const std::string& target, const std::string& body) {
    std::map<std::string, std::string> headers;
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    if (!cookie.empty()) headers["Cookie"] = cookie;
    if (method == "POST") headers["Content-Type"] = "application/x-www-form-urlencoded";
    Response r = e2e::get(port_, target, headers, method, body);
    // The test client sees one Set-Cookie (the map keeps the last); the admin sends the one
    // that matters last.
    const std::string set = r.header("set-cookie");
    if (!set.empty()) {
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
  std::map<std::string, std::string> cookies_;
};

class AdminEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    make_demo_site(site_);
    for (const auto& [login, role] : std::vector<std::pair<std::string, std::string>>{
             {"ana", "editor"}, {"moe", "moderator"}, {"cai", "contributor"}}) {
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

TEST_F(AdminEndToEnd, TheHundredAndFirstFailedSignInInAnHourIsRefused) {
  // 99 failures already this hour (as a script would have made them); the 100th is made here.
  sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 99) "
      "INSERT INTO sign_in_failures (login, at) SELECT 'ana', unixepoch() - i FROM n");
  Client c(server_->port());
  Response hundredth = sign_in(c, "ana", "not the password");
  EXPECT_EQ(hundredth.status, 403);
  EXPECT_NE(hundredth.body.find("Wrong login or password."), std::string::npos);
  Response refused = sign_in(c, "ana", kPassword);  // The right password, too late.
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find("Too many failed sign-ins"), std::string::npos);
  EXPECT_EQ(c.get("/admin/").status, 303);  // Not signed in.
  // Other accounts are not locked.
  Client other(server_->port());
  EXPECT_EQ(sign_in(other, "moe", kPassword).status, 303);
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

TEST_F(AdminEndToEnd, AdminPagesAreNeverCachedNorFramed) {
  Client c = signed_in("ana");
  Response r = c.get("/admin/entries/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_NE(r.header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(tidy_errors(r.body), "");
}

}  // namespace
}  // namespace reelpress::e2e
