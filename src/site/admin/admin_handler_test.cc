// The admin through the real handlers over a SQLite store: sign-in, CSRF, roles, editing,
// scheduling, revisions, moderation and settings, request by request as a browser sends them.
#include "site/admin/admin_handler.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "auth/password.h"
#include "store/sqlite/sqlite_store.h"
#include "util/civil_time.h"
#include "util/files.h"
#include "util/scoped_temp_dir.h"
#include "util/text.h"

namespace reelpress::site::admin {
namespace {

using content::EntryStatus;
using content::Role;

constexpr util::UnixTime kNow = 1'800'000'000;  // 2027-01-15
constexpr std::string_view kPassword = "a long enough password";

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (util::to_lower(k) == util::to_lower(name)) return v;
  }
  return "";
}

std::string body(const Response& r) { return r.body ? r.body->identity : ""; }

// A browser: keeps cookies, reads the CSRF field from the last page.
struct Browser {
  std::map<std::string, std::string> cookies;
  std::string cookie_header() const {
    std::string out;
    for (const auto& [k, v] : cookies) out += (out.empty() ? "" : "; ") + k + "=" + v;
    return out;
  }
  void keep(const Response& r) {
    for (const auto& [k, v] : r.headers) {
      if (util::to_lower(k) != "set-cookie") continue;
      const std::string pair = v.substr(0, v.find(';'));
      const std::size_t eq = pair.find('=');
      const std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
      if (value.empty() || v.find("Max-Age=0") != std::string::npos) {
        cookies.erase(name);
      } else {
        cookies[name] = value;
      }
    }
  }
};

std::string csrf_of(const std::string& html) {
  std::smatch m;
  static const std::regex field(R"re(name="csrf" value="([^"]+)")re");
  return std::regex_search(html, m, field) ? m[1].str() : "";
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += util::percent_encode_path(k) + "=" + util::percent_encode_path(v);
  }
  return out;
}

class AdminHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_path_ = temp_.path() / "site.toml";
    std::ofstream(settings_path_) << "[site]\ntitle = \"Salt Road\"\n";
    store_ = std::move(
        *store::sqlite::SqliteStore::open((temp_.path() / "content.db").string(), clock_));
    add_user("ed", Role::kEditor);
    add_user("admin", Role::kAdministrator);
    add_user("author", Role::kAuthor);
    add_user("contrib", Role::kContributor);
    add_user("mod", Role::kModerator);
    start();
  }

  void start() {
    auto settings = config::load_site_settings(settings_path_);
    ASSERT_TRUE(settings) << settings.error().describe();
    auto theme = render::Theme::load("");
    SiteHandler::Options site_options;
    site_options.poll_interval = std::chrono::milliseconds(0);
    auto site = SiteHandler::create(*store_, *theme, *settings, clock_, site_options);
    ASSERT_TRUE(site) << site.error().describe();
    site_ = std::move(*site);
    AdminHandler::Options options;
    options.settings_path = settings_path_;
    auto admin = AdminHandler::create(*store_, *site_, clock_, options);
    ASSERT_TRUE(admin) << admin.error().describe();
    admin_ = std::move(*admin);
  }

  content::Id add_user(const std::string& login, Role role) {
    static const std::string hash = *auth::hash_password(kPassword);
    content::User u;
    u.login = login;
    u.display_name = login;
    u.role = role;
    u.password_hash = hash;
    return ids_[login] = *store_->save_user(u);
  }

  Response get(Browser& b, const std::string& target) {
    Request r;
    r.method = Method::kGet;
    r.target = target;
    const std::size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.cookie = b.cookie_header();
    Response response = admin_->handle(r);
    b.keep(response);
    if (response.body) last_html_ = response.body->identity;
    return response;
  }

  Response post(Browser& b, const std::string& path,
                std::vector<std::pair<std::string, std::string>> fields) {
    Request r;
    r.method = Method::kPost;
    r.target = r.path = path;
    r.cookie = b.cookie_header();
    r.content_type = "application/x-www-form-urlencoded";
    r.client_address = "192.0.2.7";
    r.body = form_encode(fields);
    Response response = admin_->handle(r);
    b.keep(response);
    if (response.body) last_html_ = response.body->identity;
    return response;
  }

  // Signs in through the form; the browser then holds the session cookie.
  Browser signed_in(const std::string& login) {
    Browser b;
    get(b, "/admin/sign-in");
    Response r = post(b, "/admin/sign-in",
                      {{"csrf", csrf_of(last_html_)},
                       {"login", login},
                       {"password", std::string(kPassword)},
                       {"next", "/admin/"}});
    EXPECT_EQ(r.status, 303) << body(r);
    get(b, "/admin/");
    csrf_ = csrf_of(last_html_);
    EXPECT_FALSE(csrf_.empty());
    return b;
  }

  content::Id new_entry(Browser& b, std::vector<std::pair<std::string, std::string>> extra) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"csrf", csrf_},       {"title", "Crossing the Salt Road"},
        {"kind", "article"},   {"body", "The **route** runs east."},
        {"status", "publish"}, {"action", "save"}};
    for (auto& f : extra) {
      auto it = std::find_if(fields.begin(), fields.end(),
                             [&](const auto& g) { return g.first == f.first; });
      if (it != fields.end()) {
        it->second = f.second;
      } else {
        fields.push_back(f);
      }
    }
    Response r = post(b, "/admin/entries/new", fields);
    EXPECT_EQ(r.status, 303) << body(r);
    const std::string location = header(r, "Location");
    return std::stoll(location.substr(std::string("/admin/entries/").size()));
  }

  Response public_get(const std::string& path) {
    Request r;
    r.target = r.path = path;
    return admin_->handle(r);
  }

  util::ScopedTempDir temp_;
  util::FixedClock clock_{kNow};
  std::filesystem::path settings_path_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SiteHandler> site_;
  std::unique_ptr<AdminHandler> admin_;
  std::map<std::string, content::Id> ids_;
  std::string last_html_;
  std::string csrf_;
};

TEST_F(AdminHandlerTest, SignInSetsAnHttpOnlySameSiteSessionCookie) {
  Browser b;
  Response form = get(b, "/admin/sign-in");
  EXPECT_EQ(form.status, 200);
  EXPECT_EQ(form.cache_control, "no-store");
  EXPECT_NE(form.content_security_policy.find("frame-ancestors 'none'"), std::string::npos);
  Response in =
      post(b, "/admin/sign-in",
           {{"csrf", csrf_of(body(form))}, {"login", "ed"}, {"password", std::string(kPassword)}});
  ASSERT_EQ(in.status, 303) << body(in);
  EXPECT_EQ(header(in, "Location"), "/admin/");
  bool session_cookie = false;
  for (const auto& [k, v] : in.headers) {
    if (k == "Set-Cookie" && v.starts_with("rp_session=")) {
      session_cookie = true;
      EXPECT_NE(v.find("HttpOnly"), std::string::npos);
      EXPECT_NE(v.find("SameSite=Strict"), std::string::npos);
      EXPECT_EQ(v.find("Secure"), std::string::npos);  // The site is on http.
    }
  }
  EXPECT_TRUE(session_cookie);
  EXPECT_EQ(get(b, "/admin/").status, 200);
}

TEST_F(AdminHandlerTest, HttpsSitesGetHostPrefixedSecureCookies) {
  std::ofstream(settings_path_)
      << "[site]\ntitle = \"Salt Road\"\nbase_url = \"https://salt.example\"\n";
  start();
  Browser b;
  Response form = get(b, "/admin/sign-in");
  EXPECT_NE(header(form, "Set-Cookie").find("__Host-rp_signin="), std::string::npos);
  Response in =
      post(b, "/admin/sign-in",
           {{"csrf", csrf_of(body(form))}, {"login", "ed"}, {"password", std::string(kPassword)}});
  ASSERT_EQ(in.status, 303);
  std::string cookie;
  for (const auto& [k, v] : in.headers) {
    if (k == "Set-Cookie" && v.starts_with("__Host-rp_session=")) cookie = v;
  }
  ASSERT_FALSE(cookie.empty());
  EXPECT_NE(cookie.find("; Secure"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
}

TEST_F(AdminHandlerTest, WrongLoginAndWrongPasswordAnswerAlike) {
  Browser b;
  get(b, "/admin/sign-in");
  Response wrong_password =
      post(b, "/admin/sign-in",
           {{"csrf", csrf_of(last_html_)}, {"login", "ed"}, {"password", "nope nope nope"}});
  const std::string first = body(wrong_password);
  Response wrong_login =
      post(b, "/admin/sign-in",
           {{"csrf", csrf_of(last_html_)}, {"login", "nobody"}, {"password", "nope nope nope"}});
  EXPECT_EQ(wrong_password.status, 403);
  EXPECT_EQ(wrong_login.status, 403);
  EXPECT_NE(first.find("Wrong login or password."), std::string::npos);
  EXPECT_NE(body(wrong_login).find("Wrong login or password."), std::string::npos);
}

TEST_F(AdminHandlerTest, SignInWithoutTheFormsTokenIsRefused) {
  Browser b;
  get(b, "/admin/sign-in");
  Response r = post(b, "/admin/sign-in", {{"login", "ed"}, {"password", std::string(kPassword)}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(header(r, "Location"), "");
  Browser other;  // A token from another browser's form: the cookie does not match.
  Response forged =
      post(other, "/admin/sign-in",
           {{"csrf", csrf_of(last_html_)}, {"login", "ed"}, {"password", std::string(kPassword)}});
  EXPECT_EQ(forged.status, 403);
}

TEST_F(AdminHandlerTest, EveryStateChangingPostWithoutTheCsrfTokenIs403AndChangesNothing) {
  Browser b = signed_in("admin");
  const content::Id id = new_entry(b, {});
  const std::int64_t counter = *store_->change_counter();
  const std::string paths[] = {"/admin/entries/new", "/admin/entries/" + std::to_string(id) + "/",
                               "/admin/comments/",   "/admin/suggestions/",
                               "/admin/settings/",   "/admin/sign-out"};
  for (const std::string& path : paths) {
    Response r = post(b, path,
                      {{"title", "Hijacked"},
                       {"kind", "article"},
                       {"status", "publish"},
                       {"archived", "1"},
                       {"action", "approved"}});
    EXPECT_EQ(r.status, 403) << path;
    Response wrong = post(b, path, {{"csrf", csrf_ + "x"}, {"title", "Hijacked"}});
    EXPECT_EQ(wrong.status, 403) << path;
  }
  EXPECT_EQ(*store_->change_counter(), counter);
  EXPECT_EQ(store_->entry_by_id(id)->title, "Crossing the Salt Road");
  EXPECT_FALSE(site_->settings()->archived);
  EXPECT_EQ(get(b, "/admin/").status, 200);  // Still signed in: the sign-out was refused too.
}

TEST_F(AdminHandlerTest, WithoutASessionPagesLeadToSignInAndPostsAreRefused) {
  Browser b;
  Response r = get(b, "/admin/entries/?status=draft");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/admin/sign-in?next=/admin/entries/%3Fstatus%3Ddraft");
  EXPECT_EQ(post(b, "/admin/entries/new", {{"csrf", "x"}, {"title", "t"}}).status, 403);
}

TEST_F(AdminHandlerTest, SignOutEndsTheSessionOnTheServer) {
  Browser b = signed_in("ed");
  const Browser copy = b;  // The cookie as a thief might have kept it.
  EXPECT_EQ(post(b, "/admin/sign-out", {{"csrf", csrf_}}).status, 303);
  Browser thief = copy;
  EXPECT_EQ(get(thief, "/admin/").status, 303);
}

TEST_F(AdminHandlerTest, EachRoleIsRefusedWhatItMayNotDo) {
  Browser mod = signed_in("mod");
  EXPECT_EQ(get(mod, "/admin/entries/").status, 403);
  EXPECT_EQ(post(mod, "/admin/entries/new",
                 {{"csrf", csrf_}, {"title", "t"}, {"kind", "article"}, {"status", "draft"}})
                .status,
            403);
  EXPECT_EQ(get(mod, "/admin/settings/").status, 403);
  EXPECT_EQ(get(mod, "/admin/comments/").status, 200);

  Browser contrib = signed_in("contrib");
  EXPECT_EQ(post(contrib, "/admin/entries/new",
                 {{"csrf", csrf_},
                  {"title", "Mine"},
                  {"kind", "article"},
                  {"status", "publish"},
                  {"action", "save"}})
                .status,
            403);
  EXPECT_EQ(get(contrib, "/admin/comments/").status, 403);
  const content::Id draft = new_entry(contrib, {{"status", "draft"}});
  EXPECT_EQ(store_->entry_by_id(draft)->status, EntryStatus::kDraft);

  Browser ed = signed_in("ed");
  EXPECT_EQ(get(ed, "/admin/settings/").status, 403);
  const content::Id eds = new_entry(ed, {});

  Browser author = signed_in("author");
  EXPECT_EQ(get(author, "/admin/entries/" + std::to_string(eds) + "/").status, 403);
  EXPECT_EQ(post(author, "/admin/entries/" + std::to_string(eds) + "/",
                 {{"csrf", csrf_}, {"title", "Taken"}, {"kind", "article"}, {"status", "draft"}})
                .status,
            403);
  EXPECT_EQ(store_->entry_by_id(eds)->title, "Crossing the Salt Road");
  EXPECT_EQ(get(author, "/admin/comments/").status, 403);
}

TEST_F(AdminHandlerTest, OnlyASessionThatMayUploadMaySendALargeBodyAndOnlyToTheMediaForm) {
  AdminHandler::Options options;
  options.media_root = temp_.path() / "media";
  auto uploads = AdminHandler::create(*store_, *site_, clock_, options);
  ASSERT_TRUE(uploads);
  auto header = [](const std::string& path, const std::string& cookie) {
    Request r;
    r.method = Method::kPost;
    r.target = r.path = path;
    r.cookie = cookie;
    return r;
  };
  Browser author = signed_in("author");
  Browser contrib = signed_in("contrib");
  Browser mod = signed_in("mod");
  EXPECT_TRUE((*uploads)->accepts_large_body(header("/admin/media/", author.cookie_header())));
  EXPECT_FALSE((*uploads)->accepts_large_body(header("/admin/media/", "")));
  EXPECT_FALSE((*uploads)->accepts_large_body(header("/admin/media/", "rp_session=forged")));
  EXPECT_FALSE((*uploads)->accepts_large_body(header("/admin/media/", contrib.cookie_header())));
  EXPECT_FALSE((*uploads)->accepts_large_body(header("/admin/media/", mod.cookie_header())));
  EXPECT_FALSE(
      (*uploads)->accepts_large_body(header("/admin/entries/new", author.cookie_header())));
  Request get = header("/admin/media/", author.cookie_header());
  get.method = Method::kGet;
  EXPECT_FALSE((*uploads)->accepts_large_body(get));
  // Without a media folder nothing is uploaded, so nothing large is taken either.
  EXPECT_FALSE(admin_->accepts_large_body(header("/admin/media/", author.cookie_header())));
  // A session idle too long is not live, though the check deletes nothing.
  clock_.advance(31 * 60);
  EXPECT_FALSE((*uploads)->accepts_large_body(header("/admin/media/", author.cookie_header())));
}

TEST_F(AdminHandlerTest, AScheduledEntryAppearsAtItsTime) {
  Browser b = signed_in("ed");
  const content::Id id = new_entry(b, {{"published_at", "2027-01-15T20:00"}});
  auto entry = store_->entry_by_id(id);
  EXPECT_EQ(entry->status, EntryStatus::kScheduled);
  EXPECT_EQ(entry->body_html, "<p>The <strong>route</strong> runs east.</p>\n");
  const std::string path = site_->canonical_path(*entry);
  EXPECT_EQ(public_get(path).status, 404);
  EXPECT_NE(body(get(b, "/admin/entries/" + std::to_string(id) + "/?saved=1"))
                .find("will appear on the site at 2027-01-15 20:00 UTC"),
            std::string::npos);

  clock_.set(util::parse_iso_time("2027-01-15T20:00:00Z").value());
  EXPECT_EQ(*store_->publish_due_entries(clock_.now()), 1);
  Response shown = public_get(path);
  EXPECT_EQ(shown.status, 200);
  EXPECT_NE(body(shown).find("Crossing the Salt Road"), std::string::npos);
}

TEST_F(AdminHandlerTest, PreviewShowsADraftAsReadersWouldWithoutSavingIt) {
  Browser b = signed_in("ed");
  const content::Id id = new_entry(b, {{"status", "draft"}});
  const std::int64_t counter = *store_->change_counter();
  Response preview = post(b, "/admin/entries/" + std::to_string(id) + "/",
                          {{"csrf", csrf_},
                           {"title", "Draft title"},
                           {"kind", "article"},
                           {"body", "Unsaved *words*"},
                           {"status", "draft"},
                           {"action", "preview"}});
  EXPECT_EQ(preview.status, 200);
  EXPECT_EQ(preview.cache_control, "no-store");
  EXPECT_NE(body(preview).find("Unsaved <em>words</em>"), std::string::npos);
  EXPECT_EQ(*store_->change_counter(), counter);
  EXPECT_EQ(store_->entry_by_id(id)->title, "Crossing the Salt Road");
}

TEST_F(AdminHandlerTest, ANewSlugKeepsTheOldAddressOfAPage) {
  Browser b = signed_in("ed");
  const content::Id id = new_entry(b, {{"kind", "page"}, {"title", "About the Series"}});
  const std::string old_path = site_->canonical_path(*store_->entry_by_id(id));
  ASSERT_EQ(public_get(old_path).status, 200);
  Response saved = post(b, "/admin/entries/" + std::to_string(id) + "/",
                        {{"csrf", csrf_},
                         {"title", "About the Series"},
                         {"slug", "about"},
                         {"kind", "page"},
                         {"status", "publish"},
                         {"action", "save"}});
  ASSERT_EQ(saved.status, 303);
  const std::string new_path = site_->canonical_path(*store_->entry_by_id(id));
  EXPECT_NE(new_path, old_path);
  Response moved = public_get(old_path);
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(header(moved, "Location"), new_path);
}

TEST_F(AdminHandlerTest, EverySaveKeepsARevisionThatCanBeComparedAndRestored) {
  Browser b = signed_in("ed");
  const std::string edit = "/admin/entries/";
  const content::Id id = new_entry(b, {{"body", "First line\nSecond line"}});
  post(b, edit + std::to_string(id) + "/",
       {{"csrf", csrf_},
        {"title", "Crossing the Salt Road"},
        {"kind", "article"},
        {"body", "First line\nA changed line"},
        {"status", "publish"},
        {"action", "save"}});
  auto revisions = *store_->revisions_of(id);
  ASSERT_EQ(revisions.size(), 2u);
  const std::string first = "/admin/revisions/" + std::to_string(revisions[1].id) + "/";
  Response diff = get(b, first);
  EXPECT_EQ(diff.status, 200);
  EXPECT_NE(body(diff).find("<del>- Second line</del>"), std::string::npos);
  EXPECT_NE(body(diff).find("<ins>+ A changed line</ins>"), std::string::npos);
  Response restored = post(b, first, {{"csrf", csrf_}});
  EXPECT_EQ(restored.status, 303);
  EXPECT_EQ(store_->entry_by_id(id)->body, "First line\nSecond line");
  EXPECT_EQ(store_->revisions_of(id)->size(), 3u);
}

TEST_F(AdminHandlerTest, ApprovingACommentShowsItOnTheEntryAtOnce) {
  Browser b = signed_in("mod");
  Browser ed = signed_in("ed");
  const content::Id id = new_entry(ed, {});
  content::Comment c;
  c.entry_id = id;
  c.author_name = "Reader";
  c.body_html = "<p>Thank you for this film.</p>";
  c.created_at = kNow;
  const content::Id comment_id = *store_->save_comment(c);
  const std::string path = site_->canonical_path(*store_->entry_by_id(id));
  EXPECT_EQ(body(public_get(path)).find("Thank you for this film."), std::string::npos);

  b = signed_in("mod");
  Response queue = get(b, "/admin/comments/");
  EXPECT_NE(body(queue).find("Thank you for this film."), std::string::npos);
  Response moved = post(b, "/admin/comments/",
                        {{"csrf", csrf_},
                         {"status", "pending"},
                         {"id", std::to_string(comment_id)},
                         {"action", "approved"}});
  EXPECT_EQ(moved.status, 303);
  EXPECT_EQ(store_->comment_by_id(comment_id)->status, content::ModerationStatus::kApproved);
  EXPECT_NE(body(public_get(path)).find("Thank you for this film."), std::string::npos);
}

TEST_F(AdminHandlerTest, TheArchiveSwitchPutsTheBannerOnEveryPage) {
  Browser ed = signed_in("ed");
  const content::Id id = new_entry(ed, {});
  const std::string path = site_->canonical_path(*store_->entry_by_id(id));
  Browser b = signed_in("admin");
  Response saved = post(b, "/admin/settings/",
                        {{"csrf", csrf_},
                         {"title", "Salt Road"},
                         {"posts_per_page", "10"},
                         {"comments_enabled", "1"},
                         {"close_after_days", "0"},
                         {"archived", "1"},
                         {"banner", "This website is no longer actively maintained."}});
  EXPECT_EQ(saved.status, 303);
  EXPECT_TRUE(site_->settings()->archived);
  EXPECT_NE(body(public_get(path)).find("This website is no longer actively maintained."),
            std::string::npos);
  auto reread = config::load_site_settings(settings_path_);
  EXPECT_TRUE(reread->archived);
}

TEST_F(AdminHandlerTest, SettingsThatWouldNotLoadAreRefusedAndTheFileKept) {
  Browser b = signed_in("admin");
  const std::string before = *util::read_file(settings_path_);
  Response r = post(b, "/admin/settings/",
                    {{"csrf", csrf_},
                     {"title", "Salt Road"},
                     {"posts_per_page", "1000"},
                     {"close_after_days", "0"},
                     {"banner", "Closed"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(body(r).find("posts_per_page"), std::string::npos);
  EXPECT_EQ(*util::read_file(settings_path_), before);
  Response empty_title = post(b, "/admin/settings/",
                              {{"csrf", csrf_},
                               {"title", ""},
                               {"posts_per_page", "10"},
                               {"close_after_days", "0"},
                               {"banner", "Closed"}});
  EXPECT_EQ(empty_title.status, 400);
  Response ok = post(b, "/admin/settings/",
                     {{"csrf", csrf_},
                      {"title", "The Well Keepers"},
                      {"tagline", "Water"},
                      {"posts_per_page", "5"},
                      {"close_after_days", "30"},
                      {"banner", "Closed"}});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(site_->settings()->title, "The Well Keepers");
  EXPECT_EQ(site_->settings()->posts_per_page, 5);
  EXPECT_EQ(site_->settings()->comments_close_after_days, 30);
  EXPECT_FALSE(site_->settings()->comments_enabled);  // Unticked.
}

TEST_F(AdminHandlerTest, AFilmKeepsItsPressQuotesAndItsOldAddress) {
  Browser b = signed_in("ed");
  Response made = post(b, "/admin/films/new",
                       {{"csrf", csrf_},
                        {"title", "The Well Keepers"},
                        {"air_date", "2011-07-12"},
                        {"runtime_minutes", "56"},
                        {"position", "1"},
                        {"quote_text", "A quiet triumph."},
                        {"quote_source", "The Chronicle"},
                        {"quote_text", ""},
                        {"quote_source", ""},
                        {"quote_text", "Essential."},
                        {"quote_source", "Radio Four"}});
  ASSERT_EQ(made.status, 303) << body(made);
  auto films = *store_->films();
  ASSERT_EQ(films.size(), 1u);
  EXPECT_EQ(films[0].slug, "the-well-keepers");
  ASSERT_EQ(films[0].press_quotes.size(), 2u);
  EXPECT_EQ(films[0].press_quotes[1].source, "Radio Four");
  ASSERT_EQ(public_get("/films/the-well-keepers/").status, 200);

  Response renamed = post(b, "/admin/films/" + std::to_string(films[0].id) + "/",
                          {{"csrf", csrf_},
                           {"title", "The Well Keepers"},
                           {"slug", "well-keepers"},
                           {"air_date", "2011-07-12"},
                           {"runtime_minutes", "56"},
                           {"position", "1"}});
  ASSERT_EQ(renamed.status, 303) << body(renamed);
  Response old = public_get("/films/the-well-keepers/");
  EXPECT_EQ(old.status, 301);
  EXPECT_EQ(header(old, "Location"), "/films/well-keepers/");
  EXPECT_TRUE(store_->films()->at(0).press_quotes.empty());

  Response bad =
      post(b, "/admin/films/new", {{"csrf", csrf_}, {"title", "X"}, {"air_date", "July"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(body(bad).find("not a date"), std::string::npos);
}

TEST_F(AdminHandlerTest, CategoriesTagsOrganizationsAndRedirectsAreEditedByEditorsOnly) {
  Browser author = signed_in("author");
  for (const char* path : {"/admin/films/", "/admin/categories/", "/admin/tags/",
                           "/admin/organizations/", "/admin/redirects/"}) {
    EXPECT_EQ(get(author, path).status, 403) << path;
  }
  Browser b = signed_in("ed");
  ASSERT_EQ(post(b, "/admin/categories/new", {{"csrf", csrf_}, {"name", "Episodes"}}).status, 303);
  const content::Id episodes = store_->categories()->at(0).id;
  ASSERT_EQ(post(b, "/admin/categories/new",
                 {{"csrf", csrf_}, {"name", "Asia"}, {"parent", std::to_string(episodes)}})
                .status,
            303);
  const content::Id asia = store_->categories()->at(1).id;
  EXPECT_EQ(site_->snapshot()->category_url(asia), "/category/episodes/asia/");
  // A category cannot become its own child.
  EXPECT_EQ(post(b, "/admin/categories/" + std::to_string(episodes) + "/",
                 {{"csrf", csrf_}, {"name", "Episodes"}, {"parent", std::to_string(asia)}})
                .status,
            400);
  // A new slug: the old listing address leads to the new one.
  ASSERT_EQ(post(b, "/admin/categories/" + std::to_string(episodes) + "/",
                 {{"csrf", csrf_}, {"name", "Films"}, {"slug", "films"}})
                .status,
            303);
  EXPECT_EQ(header(public_get("/category/episodes/"), "Location"), "/category/films/");

  ASSERT_EQ(post(b, "/admin/tags/new", {{"csrf", csrf_}, {"name", "Water Rights"}}).status, 303);
  EXPECT_EQ(store_->tag_by_slug("water-rights")->name, "Water Rights");

  EXPECT_EQ(post(b, "/admin/organizations/new",
                 {{"csrf", csrf_}, {"name", "Wells for All"}, {"url", "javascript:alert(1)"}})
                .status,
            400);
  ASSERT_EQ(post(b, "/admin/organizations/new",
                 {{"csrf", csrf_},
                  {"name", "Wells for All"},
                  {"url", "https://wells.example"},
                  {"region", "Sahel"},
                  {"status", "approved"}})
                .status,
            303);
  EXPECT_EQ(store_->organizations_with_status(content::ModerationStatus::kApproved)->size(), 1u);

  ASSERT_EQ(post(b, "/admin/redirects/",
                 {{"csrf", csrf_}, {"action", "add"}, {"from", "/old-page/"}, {"to", "/films/"}})
                .status,
            303);
  EXPECT_EQ(header(public_get("/old-page/"), "Location"), "/films/");
  EXPECT_EQ(post(b, "/admin/redirects/",
                 {{"csrf", csrf_}, {"action", "add"}, {"from", "http://evil/"}, {"to", "/"}})
                .status,
            400);
  ASSERT_EQ(
      post(b, "/admin/redirects/", {{"csrf", csrf_}, {"action", "remove"}, {"key", "/old-page/"}})
          .status,
      303);
  EXPECT_EQ(public_get("/old-page/").status, 404);
}

TEST_F(AdminHandlerTest, AnEntryListsChosenOrganizationsAndAPageSitsUnderItsParent) {
  Browser b = signed_in("ed");
  content::Organization wells;
  wells.name = "Wells for All";
  wells.created_at = kNow;
  const content::Id wells_id = *store_->save_organization(wells);
  const content::Id about = new_entry(b, {{"kind", "page"}, {"title", "About"}});
  const content::Id team = new_entry(b, {{"kind", "page"},
                                         {"title", "Team"},
                                         {"parent", std::to_string(about)},
                                         {"menu_order", "2"},
                                         {"organization", std::to_string(wells_id)}});
  const content::Entry saved = *store_->entry_by_id(team);
  EXPECT_EQ(saved.parent_id, std::optional<content::Id>(about));
  EXPECT_EQ(saved.menu_order, 2);
  EXPECT_EQ(saved.organization_ids, std::vector<content::Id>{wells_id});
  EXPECT_EQ(site_->canonical_path(saved), "/about/team/");
  Response page = public_get("/about/team/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(body(page).find("Wells for All"), std::string::npos);
  // A page cannot sit under itself.
  Response loop = post(b, "/admin/entries/" + std::to_string(about) + "/",
                       {{"csrf", csrf_},
                        {"title", "About"},
                        {"kind", "page"},
                        {"status", "publish"},
                        {"parent", std::to_string(about)},
                        {"action", "save"}});
  EXPECT_EQ(loop.status, 400);
}

TEST_F(AdminHandlerTest, AnEntrySentAfterTheSessionEndedIsShownBackNotLost) {
  Browser b = signed_in("ed");
  clock_.advance(31 * 60);  // The editor wrote for over half an hour.
  Response r = post(b, "/admin/entries/new",
                    {{"csrf", csrf_},
                     {"title", "Broadcast night"},
                     {"kind", "article"},
                     {"body", "Paragraph one.\n<script>alert(1)</script>"},
                     {"status", "publish"},
                     {"action", "save"}});
  EXPECT_EQ(r.status, 403);
  const std::string html = body(r);
  EXPECT_NE(html.find("You are not signed in"), std::string::npos);
  EXPECT_NE(html.find(">Broadcast night</textarea>"), std::string::npos);
  EXPECT_NE(html.find("Paragraph one.\n&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find(csrf_), std::string::npos);  // The old token is not shown back.
  EXPECT_EQ(store_->list_entries({})->total, 0);
}

TEST_F(AdminHandlerTest, NoControlCharacterReachesALocationHeader) {
  Browser b;
  get(b, "/admin/sign-in");
  Response in = post(b, "/admin/sign-in",
                     {{"csrf", csrf_of(last_html_)},
                      {"login", "ed"},
                      {"password", std::string(kPassword)},
                      {"next", "/admin/x\r\nSet-Cookie: stolen=1"}});
  ASSERT_EQ(in.status, 303);
  EXPECT_EQ(header(in, "Location"), "/admin/");
  for (const char* next : {"//evil.example/admin/", "https://evil.example/", "/admin/\\\\evil"}) {
    get(b, "/admin/sign-in");
    // Signed in already: the form still answers, and a bad next still leads home.
    Response again = post(b, "/admin/sign-in",
                          {{"csrf", csrf_of(last_html_)},
                           {"login", "ed"},
                           {"password", std::string(kPassword)},
                           {"next", next}});
    EXPECT_EQ(header(again, "Location"), "/admin/") << next;
  }
  Browser ed = signed_in("ed");
  EXPECT_EQ(post(ed, "/admin/redirects/",
                 {{"csrf", csrf_},
                  {"action", "add"},
                  {"from", "/old/"},
                  {"to", "/new/\r\nSet-Cookie: stolen=1"}})
                .status,
            400);
  EXPECT_EQ(post(ed, "/admin/redirects/",
                 {{"csrf", csrf_}, {"action", "add"}, {"from", "/old page/"}, {"to", "/new/"}})
                .status,
            400);
  EXPECT_TRUE(store_->redirects()->empty());
}

TEST_F(AdminHandlerTest, TheStylesheetIsServedOnceCompressedAndNothingElseUnderAssets) {
  Browser b;
  const std::string html = body(get(b, "/admin/sign-in"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      html, m, std::regex(R"re(href="(/admin/assets/admin\.css\?v=[0-9a-f]+)")re")));
  Response css = get(b, m[1].str());
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css.cache_control, "public, max-age=31536000, immutable");
  ASSERT_TRUE(css.body);
  EXPECT_FALSE(css.body->gzip.empty());
  EXPECT_EQ(get(b, m[1].str()).body, css.body);  // The same bytes, not made again.
  EXPECT_EQ(get(b, "/admin/assets/other.css").status, 404);
  EXPECT_EQ(get(b, "/admin/assets/../admin.css").status, 404);
}

}  // namespace
}  // namespace reelpress::site::admin
