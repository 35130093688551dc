// Reader participation, end to end: the real binary serves the demo site, and the tests fill
// in its comment and suggestion forms as a browser would (fetch the page, read the form's
// action and fields from the HTML, post them urlencoded, follow the 303), moderate with
// `reelpress comments` while the server runs, and check every defence and the privacy rule.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "e2e_support.h"

namespace reelpress::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIntroduction = "/episodes/the-well-keepers/the-well-keepers/101/";
constexpr const char* kOrganizations =
    "/episodes/the-well-keepers/the-well-keepers-organizations/102/";
constexpr const char* kSecondFilm = "/episodes/after-the-river-moved/after-the-river-moved/106/";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Sets `key = value` (value as TOML) in [table] of the site's site.toml, adding it if needed.
void set_setting(const fs::path& site, const std::string& table, const std::string& key,
                 const std::string& value) {
  std::istringstream in(read_file(site / "site.toml"));
  std::vector<std::string> lines;
  std::string line, current;
  bool done = false;
  std::size_t header_at = std::string::npos;
  while (std::getline(in, line)) {
    if (!line.empty() && line.front() == '[') {
      current = line;
      if (line == "[" + table + "]") header_at = lines.size();
    } else if (current == "[" + table + "]" && line.rfind(key + " =", 0) == 0) {
      line = key + " = " + value;
      done = true;
    }
    lines.push_back(line);
  }
  if (!done) {
    if (header_at == std::string::npos) {
      lines.push_back("[" + table + "]");
      header_at = lines.size() - 1;
    }
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(header_at + 1), key + " = " + value);
  }
  std::ofstream out(site / "site.toml", std::ios::trunc);
  for (const std::string& l : lines) out << l << "\n";
}

// ---- A browser's view of a form ----------------------------------------------------------

std::string attribute(const std::string& tag, const std::string& name) {
  const std::string marker = " " + name + "=\"";
  const std::size_t at = tag.find(marker);
  if (at == std::string::npos) return "";
  const std::size_t start = at + marker.size();
  return tag.substr(start, tag.find('"', start) - start);
}

std::string unescape(std::string s) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) {
      s.replace(at, std::strlen(from), to);
    }
  }
  return s;
}

// A form as a browser reads it: where it posts and every field with its current value.
struct Form {
  std::string action;
  std::string method;
  std::vector<std::pair<std::string, std::string>> fields;

  void set(const std::string& name, const std::string& value) {
    for (auto& [k, v] : fields) {
      if (k == name) {
        v = value;
        return;
      }
    }
    fields.emplace_back(name, value);
  }
  std::string get(const std::string& name) const {
    for (const auto& [k, v] : fields) {
      if (k == name) return v;
    }
    return "";
  }
};

// The first form in html with the class `form_class`.
std::optional<Form> read_form(const std::string& html, const std::string& form_class) {
  for (std::size_t at = html.find("<form"); at != std::string::npos;
       at = html.find("<form", at + 1)) {
    const std::string tag = html.substr(at, html.find('>', at) - at + 1);
    if ((" " + attribute(tag, "class") + " ").find(" " + form_class + " ") == std::string::npos) {
      continue;
    }
    Form form;
    form.action = attribute(tag, "action");
    form.method = attribute(tag, "method");
    const std::size_t end = html.find("</form>", at);
    const std::string body = html.substr(at, end - at);
    for (std::size_t i = body.find('<', 1); i != std::string::npos; i = body.find('<', i + 1)) {
      const std::string field_tag = body.substr(i, body.find('>', i) - i + 1);
      if (field_tag.rfind("<input", 0) == 0) {
        form.fields.emplace_back(attribute(field_tag, "name"),
                                 unescape(attribute(field_tag, "value")));
      } else if (field_tag.rfind("<textarea", 0) == 0) {
        const std::size_t text_start = i + field_tag.size();
        form.fields.emplace_back(
            attribute(field_tag, "name"),
            unescape(body.substr(text_start, body.find("</textarea>", text_start) - text_start)));
      }
    }
    return form;
  }
  return std::nullopt;
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string encode_form(const Form& form) {
  std::string body;
  for (const auto& [name, value] : form.fields) {
    if (!body.empty()) body += '&';
    body += url_encode(name) + "=" + url_encode(value);
  }
  return body;
}

Response post(int port, const std::string& action, const std::string& body) {
  return get(port, action, {{"Content-Type", "application/x-www-form-urlencoded"}}, "POST", body);
}

Response submit(int port, const Form& form) { return post(port, form.action, encode_form(form)); }

// The page a 303 leads to, without its #fragment (a browser keeps that to itself).
std::string follow(const Response& r) {
  const std::string location = r.header("location");
  return location.substr(0, location.find('#'));
}

// `reelpress comments DIR ...`, failing the test on a non-zero exit.
std::string moderate(const fs::path& site, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"comments", site.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult r = run_reelpress(argv);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

// The id ("c23", "o5") on the line of `reelpress comments DIR list` that mentions `needle`.
std::string listed_id(const fs::path& site, const std::string& needle) {
  std::istringstream lines(moderate(site, {"list", "--limit", "0"}));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(needle) == std::string::npos) continue;
    std::istringstream words(line);
    std::string type, id;
    words >> type >> id;
    return id;
  }
  return "<not listed>";
}

std::string listed_status(const fs::path& site, const std::string& needle) {
  std::istringstream lines(moderate(site, {"list", "--limit", "0"}));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(needle) == std::string::npos) continue;
    std::istringstream words(line);
    std::string type, id, status;
    words >> type >> id >> status;
    return status;
  }
  return "<not listed>";
}

// Fetches `path`, fills its comment form and waits out min_fill_seconds (1 in these tests).
Form comment_form(int port, const std::string& path, const std::string& author,
                  const std::string& text, const std::string& email = "") {
  const Response page = get(port, path);
  EXPECT_EQ(page.status, 200) << path;
  auto form = read_form(page.body, "comment-form");
  EXPECT_TRUE(form) << "no comment form on " << path;
  if (!form) return {};
  EXPECT_EQ(form->action, "/comments/");
  EXPECT_EQ(form->method, "post");
  form->set("author", author);
  form->set("email", email);
  form->set("comment", text);
  return *form;
}

void wait_fill_time() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }

// ---- One demo site for most tests --------------------------------------------------------

class CommentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    make_demo_site(site());
    set_setting(site(), "comments", "min_fill_seconds", "1");
    set_setting(site(), "comments", "rate_per_minute", "0");
    set_setting(site(), "comments", "trust_returning", "true");
    set_setting(site(), "comments", "spam_words", "[\"casino\"]");
    set_setting(site(), "comments", "max_links", "2");
    server_ = new Server(site());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static fs::path site() { return dir_->path() / "site"; }
  static int port() { return server_->port(); }

  static TempDir* dir_;
  static Server* server_;
};
TempDir* CommentsTest::dir_ = nullptr;
Server* CommentsTest::server_ = nullptr;

TEST_F(CommentsTest, CommentIsModeratedFromTheCommandLineWhileTheServerRuns) {
  Form form = comment_form(port(), kIntroduction, "Round Trip Reader", "I saw it twice.");
  wait_fill_time();
  const Response posted = submit(port(), form);
  ASSERT_EQ(posted.status, 303) << posted.body;
  EXPECT_EQ(posted.header("location"),
            std::string(kIntroduction) + "?comment=pending#comment-form-notice");

  const Response notice = get(port(), follow(posted));
  ASSERT_EQ(notice.status, 200);
  EXPECT_NE(notice.body.find("awaiting moderation"), std::string::npos);
  EXPECT_EQ(tidy_errors(notice.body), "");
  EXPECT_EQ(get(port(), kIntroduction).body.find("I saw it twice."), std::string::npos)
      << "pending comments are not shown";

  const std::string id = listed_id(site(), "Round Trip Reader");
  ASSERT_EQ(id.front(), 'c') << id;
  EXPECT_EQ(listed_status(site(), "Round Trip Reader"), "pending");
  EXPECT_NE(moderate(site(), {"show", id}).find("I saw it twice."), std::string::npos);
  EXPECT_NE(moderate(site(), {"approve", id}).find("Approved comment " + id), std::string::npos);
  EXPECT_TRUE(eventually([&] {
    return get(port(), kIntroduction).body.find("I saw it twice.") != std::string::npos;
  })) << "the approval must reach the running server's cache";
  EXPECT_NE(get(port(), kIntroduction).body.find("id=\"comment-" + id.substr(1) + "\""),
            std::string::npos);
}

TEST_F(CommentsTest, ModeratorEditsACommentAndASuggestionFromTheCommandLine) {
  Form form = comment_form(port(), kIntroduction, "Edited Reader", "Teh wells were dry.");
  wait_fill_time();
  ASSERT_EQ(submit(port(), form).status, 303);
  const std::string id = listed_id(site(), "Edited Reader");
  moderate(site(), {"approve", id});
  ASSERT_TRUE(eventually([&] {
    return get(port(), kIntroduction).body.find("Teh wells were dry.") != std::string::npos;
  }));

  // New text from standard input, shown as text, on the cached page at once; status kept.
  const CommandResult edited = run_reelpress(
      {"comments", site().string(), "edit", id, "--text", "-", "--author", "Edited <Reader>"},
      "The wells were dry.\n\n<b>Second</b> paragraph.\n");
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  EXPECT_NE(edited.output.find("Edited comment " + id), std::string::npos) << edited.output;
  EXPECT_NE(edited.output.find("(approved)"), std::string::npos) << edited.output;
  ASSERT_TRUE(eventually([&] {
    return get(port(), kIntroduction).body.find("The wells were dry.") != std::string::npos;
  })) << "the edit must reach the running server's cache";
  const std::string page = get(port(), kIntroduction).body;
  EXPECT_EQ(page.find("Teh wells"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;Second&lt;/b&gt; paragraph."), std::string::npos);
  EXPECT_NE(page.find("Edited &lt;Reader&gt;"), std::string::npos);
  EXPECT_EQ(tidy_errors(page), "");

  // What an edit may not do: options of the other kind, nothing to change, too long, not UTF-8.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"edit", id, "--name", "x"},
                                               {"edit", id},
                                               {"edit", id, "--author", std::string(101, 'a')},
                                               {"edit", id, "--text", "bad \xff byte"},
                                               {"edit", id, "--text", "  "}}) {
    std::vector<std::string> argv = {"comments", site().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult r = run_reelpress(argv);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("reelpress: "), std::string::npos) << r.output;
  }
  EXPECT_NE(moderate(site(), {"show", id}).find("The wells were dry."), std::string::npos);

  // A suggestion: fields by option, the description from standard input.
  auto suggest = read_form(get(port(), kOrganizations).body, "suggest-form");
  ASSERT_TRUE(suggest);
  suggest->set("org_name", "Dry Wels Fund");
  suggest->set("org_url", "https://wells.example.org");
  suggest->set("org_description", "Diggs wells.");
  suggest->set("org_region", "Atacama");
  wait_fill_time();
  ASSERT_EQ(submit(port(), *suggest).status, 303);
  const std::string org = listed_id(site(), "Diggs wells.");
  ASSERT_EQ(org.front(), 'o') << org;
  const CommandResult fixed = run_reelpress(
      {"comments", site().string(), "edit", org, "--name", "Dry Wells Fund", "--description", "-"},
      "Digs and repairs wells.");
  ASSERT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_EQ(run_reelpress({"comments", site().string(), "edit", org, "--url", "ftp://x"}).exit_code,
            2);
  const std::string shown = moderate(site(), {"show", org});
  EXPECT_NE(shown.find("Dry Wells Fund"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Digs and repairs wells."), std::string::npos) << shown;
  EXPECT_NE(shown.find("(pending)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("https://wells.example.org"), std::string::npos) << shown;
}

TEST_F(CommentsTest, CommentKeepsItsParagraphsThroughShowAndAnUnchangedEdit) {
  Form form =
      comment_form(port(), kIntroduction, "Paragraph Reader", "One.\r\n\r\nTwo, on\r\ntwo lines.");
  wait_fill_time();
  ASSERT_EQ(submit(port(), form).status, 303);
  const std::string id = listed_id(site(), "Paragraph Reader");
  const std::string shown = moderate(site(), {"show", id});
  EXPECT_NE(shown.find("\n\nOne.\n\nTwo, on\ntwo lines.\n"), std::string::npos) << shown;

  const auto body_of = [&] {
    return run_shell("sqlite3 " + (site() / "content.db").string() +
                     " \"SELECT body_html FROM comments WHERE id = " + id.substr(1) + "\"")
        .output;
  };
  const std::string before = body_of();
  ASSERT_NE(before.find("<p>One.</p>"), std::string::npos) << before;
  // The text as `show` printed it, sent back unchanged, changes nothing.
  const CommandResult same = run_reelpress({"comments", site().string(), "edit", id, "--text", "-"},
                                           "One.\n\nTwo, on\ntwo lines.\n");
  ASSERT_EQ(same.exit_code, 0) << same.output;
  EXPECT_EQ(body_of(), before);
}

TEST_F(CommentsTest, ModeratorsSeeCharactersThatDoNotShowNamed) {
  // A right-to-left override makes "txt.exe" read differently on screen; a zero-width space
  // hides inside a word; an escape sequence could drive the moderator's terminal.
  Form form = comment_form(port(), kIntroduction,
                           "Hidden\xE2\x80\xAE"
                           "Reader",
                           "Open in\xE2\x80\x8Bvisible \x1B[2J now");
  wait_fill_time();
  ASSERT_EQ(submit(port(), form).status, 303);
  const std::string id = listed_id(site(), "Hidden<U+202E>Reader");
  ASSERT_EQ(id.front(), 'c') << moderate(site(), {"list"});
  const std::string shown = moderate(site(), {"show", id});
  EXPECT_NE(shown.find("Author:   Hidden<U+202E>Reader"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Open in<U+200B>visible"), std::string::npos) << shown;
  EXPECT_EQ(shown.find('\x1B'), std::string::npos) << shown;
  EXPECT_EQ(shown.find("\xE2\x80\xAE"), std::string::npos) << shown;
}

TEST_F(CommentsTest, ReplyFormWorksWithoutJavaScript) {
  const Response page = get(port(), kOrganizations);
  const std::size_t link = page.body.find("href=\"?replytocom=5#respond\"");
  ASSERT_NE(link, std::string::npos);
  const Response reply_page = get(port(), std::string(kOrganizations) + "?replytocom=5");
  ASSERT_EQ(reply_page.status, 200);
  EXPECT_NE(reply_page.body.find("Reply to Maria T."), std::string::npos);
  EXPECT_EQ(tidy_errors(reply_page.body), "");
  auto form = read_form(reply_page.body, "comment-form");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->get("comment_parent"), "5");
  form->set("author", "Replying Reader");
  form->set("comment", "Same here.");
  wait_fill_time();
  ASSERT_EQ(submit(port(), *form).status, 303);
  const std::string id = listed_id(site(), "Replying Reader");
  EXPECT_NE(moderate(site(), {"show", id}).find("Reply to: c5"), std::string::npos);
}

TEST_F(CommentsTest, SuggestedOrganizationAppearsOnceApproved) {
  const Response page = get(port(), kOrganizations);
  auto form = read_form(page.body, "suggest-form");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->action, "/organizations/suggest/");
  form->set("org_name", "Valley <Wells> Trust");
  form->set("org_url", "valley-wells.example.org");
  form->set("org_description", "Repairs hand pumps & trains <b>mechanics</b>.");
  form->set("org_region", "Southern Chile");
  wait_fill_time();
  const Response posted = submit(port(), *form);
  ASSERT_EQ(posted.status, 303) << posted.body;
  EXPECT_EQ(posted.header("location"),
            std::string(kOrganizations) + "?suggestion=pending#suggest-notice");
  const Response notice = get(port(), follow(posted));
  EXPECT_NE(notice.body.find("id=\"suggest-notice\""), std::string::npos);
  EXPECT_EQ(tidy_errors(notice.body), "");

  const std::string id = listed_id(site(), "Repairs hand pumps");
  ASSERT_EQ(id.front(), 'o') << id;
  EXPECT_EQ(listed_status(site(), "Repairs hand pumps"), "pending");
  EXPECT_EQ(get(port(), kOrganizations).body.find("Valley &lt;Wells&gt; Trust"), std::string::npos);
  moderate(site(), {"approve", id});
  ASSERT_TRUE(eventually([&] {
    return get(port(), kOrganizations).body.find("Valley &lt;Wells&gt; Trust") != std::string::npos;
  }));
  const std::string html = get(port(), kOrganizations).body;
  EXPECT_NE(html.find("href=\"https://valley-wells.example.org\""), std::string::npos);
  EXPECT_NE(html.find("Repairs hand pumps &amp; trains &lt;b&gt;mechanics&lt;/b&gt;."),
            std::string::npos);
  EXPECT_NE(html.find("Southern Chile"), std::string::npos);
}

TEST_F(CommentsTest, HtmlAndScriptInEveryFieldAreShownAsText) {
  Form form = comment_form(port(), kSecondFilm, "<script>alert('name')</script>",
                           "<script>alert('body')</script>\n<img src=x onerror=alert(1)> & done",
                           "\"><script>alert('mail')</script>@example.org");
  wait_fill_time();
  Response r = submit(port(), form);
  EXPECT_EQ(r.status, 400) << "an address with markup is no address";
  EXPECT_EQ(r.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;"), std::string::npos);
  form.set("email", "");
  r = submit(port(), form);
  ASSERT_EQ(r.status, 303) << r.body;
  moderate(site(), {"approve", listed_id(site(), "alert('body')")});
  ASSERT_TRUE(eventually([&] {
    return get(port(), kSecondFilm).body.find("alert(&#39;name&#39;)") != std::string::npos;
  }));
  const std::string html = get(port(), kSecondFilm).body;
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt; &amp; done"), std::string::npos);
  EXPECT_EQ(tidy_errors(html), "");
}

TEST_F(CommentsTest, FilledHoneypotIsNotAccepted) {
  Form form = comment_form(port(), kIntroduction, "Honey Bot", "Great post");
  form.set("url", "http://spam.example/");
  wait_fill_time();
  const Response r = submit(port(), form);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("Leave this field empty"), std::string::npos);
  EXPECT_NE(r.body.find("Great post"), std::string::npos);
  EXPECT_EQ(tidy_errors(r.body), "");
  EXPECT_EQ(listed_id(site(), "Honey Bot"), "<not listed>");
}

TEST_F(CommentsTest, TooManyLinksStayPendingEvenFromATrustedCommenter) {
  Form form =
      comment_form(port(), kIntroduction, "Trusted Tina", "First words.", "tina@example.org");
  wait_fill_time();
  ASSERT_EQ(submit(port(), form).status, 303);
  moderate(site(), {"approve", listed_id(site(), "First words.")});

  // Returning: published at once.
  form = comment_form(port(), kIntroduction, "Trusted Tina", "Second words.", "tina@example.org");
  wait_fill_time();
  Response r = submit(port(), form);
  ASSERT_EQ(r.status, 303);
  EXPECT_NE(r.header("location").find("?comment=published#comment-"), std::string::npos);
  EXPECT_EQ(listed_status(site(), "Second words."), "approved");
  EXPECT_NE(get(port(), follow(r)).body.find("Second words."), std::string::npos);

  // But three links hold even her comment.
  form = comment_form(port(), kIntroduction, "Trusted Tina",
                      "See https://a.example and https://b.example and www.c.example",
                      "tina@example.org");
  wait_fill_time();
  r = submit(port(), form);
  ASSERT_EQ(r.status, 303);
  EXPECT_NE(r.header("location").find("?comment=pending"), std::string::npos);
  EXPECT_EQ(listed_status(site(), "https://a.example"), "pending");
}

TEST_F(CommentsTest, SpamWordFilesItAsSpam) {
  Form form = comment_form(port(), kIntroduction, "Lucky Larry", "Visit my CASINO today");
  wait_fill_time();
  const Response r = submit(port(), form);
  ASSERT_EQ(r.status, 303);
  EXPECT_NE(r.header("location").find("?comment=pending"), std::string::npos)
      << "a robot is told nothing";
  EXPECT_EQ(listed_status(site(), "Lucky Larry"), "spam");
}

TEST_F(CommentsTest, TokenOfAnotherEntryIsRefused) {
  Form form = comment_form(port(), kIntroduction, "Wrong Page", "Hello");
  const auto other = read_form(get(port(), kSecondFilm).body, "comment-form");
  ASSERT_TRUE(other);
  form.set("rp_token", other->get("rp_token"));
  wait_fill_time();
  const Response r = submit(port(), form);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("could not be checked"), std::string::npos);
  EXPECT_NE(r.body.find("<textarea id=\"kept-comment\""), std::string::npos);
  EXPECT_NE(r.body.find(">Hello</textarea>"), std::string::npos);
  EXPECT_EQ(tidy_errors(r.body), "");
}

TEST_F(CommentsTest, TamperedTokenIsRefused) {
  Form form = comment_form(port(), kIntroduction, "Tamperer", "Hello");
  std::string token = form.get("rp_token");
  token.back() = token.back() == 'A' ? 'B' : 'A';
  form.set("rp_token", token);
  wait_fill_time();
  EXPECT_EQ(submit(port(), form).status, 403);
  form.set("rp_token", "101.1.AAAA");
  EXPECT_EQ(submit(port(), form).status, 403);
  form.set("rp_token", "");
  EXPECT_EQ(submit(port(), form).status, 403);
  EXPECT_EQ(listed_id(site(), "Tamperer"), "<not listed>");
}

TEST_F(CommentsTest, ReplayedFormIsRefused) {
  Form form = comment_form(port(), kIntroduction, "Replayer", "Only once, please.");
  wait_fill_time();
  ASSERT_EQ(submit(port(), form).status, 303);
  const Response again = submit(port(), form);
  EXPECT_EQ(again.status, 403);
  EXPECT_NE(again.body.find("already received"), std::string::npos);
  EXPECT_NE(again.body.find("Only once, please."), std::string::npos);
  std::istringstream list(moderate(site(), {"list", "--limit", "0"}));
  int copies = 0;
  for (std::string line; std::getline(list, line);)
    copies += line.find("Replayer") != std::string::npos;
  EXPECT_EQ(copies, 1);
}

TEST_F(CommentsTest, InvalidUtf8IsABadRequest) {
  Form form = comment_form(port(), kIntroduction, "Bytes", "x");
  wait_fill_time();
  std::string body = encode_form(form);
  body.replace(body.find("comment=x"), 9, "comment=caf%E9");
  const Response r = post(port(), "/comments/", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("not UTF-8"), std::string::npos);
  EXPECT_NE(r.body.find("caf\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(tidy_errors(r.body), "");
}

TEST_F(CommentsTest, EmptyNameOrTextIsABadRequestThatKeepsTheText) {
  Form form = comment_form(port(), kIntroduction, "", "Words without a name");
  wait_fill_time();
  const Response r = submit(port(), form);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("Please give a name"), std::string::npos);
  auto again = read_form(r.body, "comment-form");
  ASSERT_TRUE(again) << "the form comes back, filled in";
  EXPECT_EQ(again->get("comment"), "Words without a name");
  again->set("author", "Now Named");
  EXPECT_EQ(submit(port(), *again).status, 303);
}

TEST_F(CommentsTest, OversizedBodyIs413) {
  Connection c(port());
  c.send_raw(
      "POST /comments/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 5000000\r\n\r\n");
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(CommentsTest, PendingSubmissionKeepsCachedPagesAndGetOnFormAddressIs405) {
  const Response before = get(port(), kSecondFilm);
  EXPECT_EQ(before.header("cache-control"), "no-cache");
  Form form = comment_form(port(), kSecondFilm, "Cache Watcher", "Still cached?");
  wait_fill_time();
  ASSERT_EQ(submit(port(), form).status, 303);
  // Rendered again, the page would carry a token of a later second: the same ETag means
  // the pending comment did not drop it from the cache.
  EXPECT_EQ(get(port(), kSecondFilm).header("etag"), before.header("etag"));
  const Response r = get(port(), "/comments/");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "POST");
}

TEST_F(CommentsTest, CommentsListShowsPendingFirstWithBothKinds) {
  const std::string out = moderate(site(), {"list"});
  EXPECT_EQ(out.rfind("TYPE", 0), 0u) << out;
  const std::size_t first_approved = out.find(" approved ");
  const std::size_t last_pending = out.rfind(" pending ");
  EXPECT_LT(last_pending, first_approved) << out;
  const CommandResult help = run_reelpress({"comments", "--help"});
  EXPECT_NE(help.output.find("c12 is comment 12, o7 is suggested organization 7"),
            std::string::npos)
      << help.output;
  const CommandResult bad = run_reelpress({"comments", site().string(), "approve", "x9"});
  EXPECT_EQ(bad.exit_code, 2);
  const CommandResult missing = run_reelpress({"comments", site().string(), "approve", "c99999"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("no comment c99999"), std::string::npos);
}

// ---- Defences that need their own site ---------------------------------------------------

TEST(CommentsDefence, TooFastIsRefusedWithAClearPage) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "min_fill_seconds", "30");
  Server server(site);
  Form form = comment_form(server.port(), kIntroduction, "Speedy", "Typed in no time");
  const Response r = submit(server.port(), form);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("very soon after the page was shown"), std::string::npos);
  auto again = read_form(r.body, "comment-form");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->get("comment"), "Typed in no time");
  EXPECT_EQ(listed_id(site, "Speedy"), "<not listed>");
}

TEST(CommentsDefence, FloodFromOneClientGets429WithRetryAfter) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "min_fill_seconds", "1");
  set_setting(site, "comments", "rate_per_minute", "3");
  Server server(site);
  Form form = comment_form(server.port(), kIntroduction, "Flooder", "x");
  wait_fill_time();
  int accepted = 0;
  Response refused;
  for (int i = 0; i < 6; ++i) {
    form.set("comment", "flood " + std::to_string(i));
    const Response r = submit(server.port(), form);
    if (r.status == 303) ++accepted;
    if (r.status == 429) refused = r;
  }
  EXPECT_EQ(accepted, 3);
  ASSERT_EQ(refused.status, 429);
  const int retry_after = std::atoi(refused.header("retry-after").c_str());
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 20);
  EXPECT_NE(refused.body.find("Please wait"), std::string::npos);
  EXPECT_EQ(tidy_errors(refused.body), "");
}

TEST(CommentsDefence, SiteWideHourlyBoundHoldsWhenTheClientLimitCannot) {
  // Every reader behind one proxy, or a flood from many addresses: the per-client limit is
  // off here, and the site-wide bound on what waits for moderation still holds.
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "min_fill_seconds", "1");
  set_setting(site, "comments", "rate_per_minute", "0");
  set_setting(site, "comments", "pending_per_hour", "2");
  Server server(site);
  Form form = comment_form(server.port(), kIntroduction, "Crowd", "x");
  wait_fill_time();
  for (int i = 0; i < 2; ++i) {
    form.set("comment", "voice " + std::to_string(i));
    ASSERT_EQ(submit(server.port(), form).status, 303);
  }
  form.set("comment", "one voice too many");
  const Response refused = submit(server.port(), form);
  ASSERT_EQ(refused.status, 503);
  const int retry_after = std::atoi(refused.header("retry-after").c_str());
  EXPECT_GT(retry_after, 3000);
  EXPECT_LE(retry_after, 3600);
  EXPECT_NE(refused.body.find("more comments in the last hour"), std::string::npos);
  EXPECT_NE(refused.body.find("one voice too many"), std::string::npos);
  EXPECT_EQ(tidy_errors(refused.body), "");
  EXPECT_EQ(listed_id(site, "one voice too many"), "<not listed>");
}

TEST(CommentsDefence, ArchiveModeShowsNoFormsAndRefusesPostsWith403) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "min_fill_seconds", "1");
  Server server(site);
  Form form = comment_form(server.port(), kOrganizations, "Archivist", "Too late?");
  auto suggestion = read_form(get(server.port(), kOrganizations).body, "suggest-form");
  ASSERT_TRUE(suggestion);
  suggestion->set("org_name", "Late Org");
  suggestion->set("org_description", "Too late.");
  ASSERT_EQ(run_reelpress({"archive", site.string(), "on"}).exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] { return get(server.port(), kOrganizations).body.find("<form") == std::string::npos; }));
  EXPECT_NE(get(server.port(), kOrganizations).body.find("Comments are closed"), std::string::npos);
  Response r = submit(server.port(), form);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("archived"), std::string::npos);
  EXPECT_NE(r.body.find("Too late?"), std::string::npos);
  EXPECT_EQ(tidy_errors(r.body), "");
  r = submit(server.port(), *suggestion);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("Too late."), std::string::npos);
}

TEST(CommentsDefence, ClosedCommentsShowNoFormAndRefusePosts) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "min_fill_seconds", "1");
  Server server(site);
  Form form = comment_form(server.port(), kIntroduction, "Closer", "Closed?");
  set_setting(site, "comments", "enabled", "false");
  ASSERT_TRUE(eventually(
      [&] { return get(server.port(), kIntroduction).body.find("<form") == std::string::npos; }));
  EXPECT_NE(get(server.port(), kIntroduction).body.find("Comments are closed."), std::string::npos);
  wait_fill_time();
  const Response r = submit(server.port(), form);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("closed"), std::string::npos);

  // Open again, then closed after N days: the demo's entries are from 2011.
  set_setting(site, "comments", "enabled", "true");
  ASSERT_TRUE(eventually(
      [&] { return get(server.port(), kIntroduction).body.find("<form") != std::string::npos; }));
  set_setting(site, "comments", "close_after_days", "30");
  EXPECT_TRUE(eventually(
      [&] { return get(server.port(), kIntroduction).body.find("<form") == std::string::npos; }));
}

TEST(CommentsDefence, CommentPagesFollowTheSetting) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "per_page", "1");
  Server server(site);
  const Response first = get(server.port(), kOrganizations);
  EXPECT_NE(first.body.find("Comments page 1 of 2"), std::string::npos);
  const Response second = get(server.port(), std::string(kOrganizations) + "comment-page-2/");
  EXPECT_EQ(second.status, 200);
  EXPECT_NE(second.body.find("id=\"comment-7\""), std::string::npos);
  EXPECT_EQ(get(server.port(), std::string(kOrganizations) + "comment-page-3/").status, 404);
}

// ---- Durability and privacy --------------------------------------------------------------

TEST(CommentsDurability, AcknowledgedCommentSurvivesKill9) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "min_fill_seconds", "1");
  auto server = std::make_unique<Server>(site);
  Form form =
      comment_form(server->port(), kIntroduction, "Durable Dora", "Still here after a crash.");
  wait_fill_time();
  ASSERT_EQ(submit(server->port(), form).status, 303);
  server->kill_hard();  // Right after the acknowledgement: no clean shutdown, no checkpoint.
  EXPECT_EQ(listed_status(site, "Durable Dora"), "pending");
  server = std::make_unique<Server>(site);
  moderate(site, {"approve", listed_id(site, "Durable Dora")});
  EXPECT_TRUE(eventually([&] {
    return get(server->port(), kIntroduction).body.find("Still here after a crash.") !=
           std::string::npos;
  }));
}

// An HTTP exchange from a chosen loopback source address, so the address the server sees is
// one that appears nowhere else (127.0.0.1 also names the server itself).
Response exchange_from(const std::string& source, int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<uint16_t>(port));
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote), 0);
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string raw;
  char buf[65536];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  Response r;
  r.status = raw.size() > 12 ? std::atoi(raw.c_str() + 9) : 0;
  const std::size_t head_end = raw.find("\r\n\r\n");
  std::istringstream head(raw.substr(0, head_end));
  for (std::string line; std::getline(head, line);) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r')) value.pop_back();
    r.headers[name] = value;
  }
  if (head_end != std::string::npos) r.body = raw.substr(head_end + 4);
  return r;
}

Response get_from(const std::string& source, int port, const std::string& target) {
  return exchange_from(source, port,
                       "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
}

Response post_from(const std::string& source, int port, const Form& form) {
  const std::string body = encode_form(form);
  return exchange_from(source, port,
                       "POST " + form.action +
                           " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
}

// Every file under `root` that holds `needle`, by path.
std::vector<std::string> files_holding(const fs::path& root, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    if (read_file(entry.path()).find(needle) != std::string::npos) {
      out.push_back(entry.path().string());
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += s + " ";
  return out;
}

TEST(CommentsPrivacy, NoClientAddressInTheDatabaseLogsOrSiteAndNoEmailInPages) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "min_fill_seconds", "1");
  set_setting(site, "comments", "spam_words", "[\"casino\"]");
  // The demo's base_url names 127.0.0.1; a real site's does not, and the search must be able
  // to find the server's own address only where a client's would be.
  set_setting(site, "site", "base_url", "\"https://holding-ground.example.org\"");
  Server server(site);
  const std::string client = "127.84.23.5";  // The reader's address, as the server sees it.
  const std::string email = "private.reader@example.org";

  const auto fill = [&](const std::string& path, const std::string& form_class) {
    auto form = read_form(get_from(client, server.port(), path).body, form_class);
    EXPECT_TRUE(form) << path;
    return form.value_or(Form{});
  };
  Form accepted = fill(kIntroduction, "comment-form");
  accepted.set("author", "Private Reader");
  accepted.set("email", email);
  accepted.set("comment", "Please keep me safe.");
  Form spam = fill(kIntroduction, "comment-form");
  spam.set("author", "Casino Bot");
  spam.set("comment", "casino casino");
  Form forged = fill(kIntroduction, "comment-form");
  forged.set("author", "Forger");
  forged.set("comment", "forged");
  forged.set("rp_token", "101.1.forged");
  Form suggestion = fill(kOrganizations, "suggest-form");
  suggestion.set("org_name", "Safe Harbour");
  suggestion.set("org_description", "Shelter.");
  wait_fill_time();
  ASSERT_EQ(post_from(client, server.port(), accepted).status, 303);
  ASSERT_EQ(post_from(client, server.port(), spam).status, 303);
  ASSERT_EQ(post_from(client, server.port(), forged).status, 403);
  ASSERT_EQ(post_from(client, server.port(), suggestion).status, 303);
  moderate(site, {"approve", listed_id(site, "Private Reader")});
  moderate(site, {"approve", listed_id(site, "Safe Harbour")});
  moderate(site, {"trash", listed_id(site, "Casino Bot")});
  ASSERT_TRUE(eventually([&] {
    return get(server.port(), kIntroduction).body.find("Please keep me safe.") != std::string::npos;
  }));

  // The email is stored, and never shown.
  for (const char* path : {"/", kIntroduction, kOrganizations, "/films/the-well-keepers/"}) {
    EXPECT_EQ(get(server.port(), path).body.find(email), std::string::npos) << path;
  }
  const bool email_stored = read_file(site / "content.db").find(email) != std::string::npos ||
                            read_file(site / "content.db-wal").find(email) != std::string::npos;
  EXPECT_TRUE(email_stored) << "it was given, so it is kept for the moderators";

  // While the server runs: the database and its WAL, every file of the site, the log.
  for (const std::string& address : {client, std::string("127.0.0.1")}) {
    EXPECT_EQ(joined(files_holding(site, address)), "") << address;
  }
  ASSERT_TRUE(
      eventually([&] { return server.log().find("POST /comments/") != std::string::npos; }));
  EXPECT_EQ(server.log().find(client), std::string::npos) << server.log();
  std::string log = server.log();
  const std::size_t serving = log.find("reelpress: serving");
  log.erase(serving, log.find('\n', serving) - serving);  // The server's own listen address.
  EXPECT_EQ(log.find("127.0.0.1"), std::string::npos) << log;

  // And after it stopped (the WAL checkpointed into the database).
  ASSERT_EQ(server.stop(), 0);
  EXPECT_EQ(joined(files_holding(site, client)), "");
  EXPECT_EQ(joined(files_holding(site, "127.0.0.1")), "");
}

TEST(CommentsBehindAProxy, EachReaderHasTheirOwnLimitAndOnlyTheProxyIsBelieved) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  make_demo_site(site);
  set_setting(site, "comments", "rate_per_minute", "2");
  set_setting(site, "server", "trusted_proxies", "[\"127.0.0.1\"]");
  set_setting(site, "server", "client_address_header", "\"X-Forwarded-For\"");
  Server server(site);
  // A post's answer is 429 once its client used up its rate, whatever else is wrong with it
  // (the rate is checked before the form's token).
  const auto status_of_post = [&](const std::string& source, const std::string& forwarded) {
    const std::string body = "comment=hello";
    return exchange_from(source, server.port(),
                         "POST /comments/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                             (forwarded.empty() ? "" : "X-Forwarded-For: " + forwarded + "\r\n") +
                             "Content-Type: application/x-www-form-urlencoded\r\n"
                             "Content-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body)
        .status;
  };
  // Two readers through the proxy (127.0.0.1), which appends each one's address.
  EXPECT_NE(status_of_post("127.0.0.1", "198.51.100.23"), 429);
  EXPECT_NE(status_of_post("127.0.0.1", "10.9.9.9, 198.51.100.23"), 429);
  EXPECT_EQ(status_of_post("127.0.0.1", "198.51.100.23"), 429);  // Only the proxy's entry counts.
  EXPECT_NE(status_of_post("127.0.0.1", "198.51.100.24"), 429);  // The next reader is not held.
  // A client that talks to the server directly is counted under its own address, whatever it
  // claims.
  EXPECT_NE(status_of_post("127.0.0.9", "198.51.100.30"), 429);
  EXPECT_NE(status_of_post("127.0.0.9", "198.51.100.31"), 429);
  EXPECT_EQ(status_of_post("127.0.0.9", "198.51.100.32"), 429);
  // The forwarded addresses are kept nowhere, like the others.
  ASSERT_TRUE(
      eventually([&] { return server.log().find("POST /comments/") != std::string::npos; }));
  EXPECT_EQ(server.log().find("198.51.100."), std::string::npos) << server.log();
  ASSERT_EQ(server.stop(), 0);
  EXPECT_EQ(joined(files_holding(site, "198.51.100.")), "");
}

}  // namespace
}  // namespace reelpress::e2e
