// The reader forms inside one process: form parsing, then the whole handler (pages, tokens,
// spam rules, rate limit, store) on an in-memory store with a clock the tests set. The same
// flows over real HTTP are in tests/e2e/comments_e2e_test.cc.
#include "site/submissions.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "site/site_handler.h"
#include "store/sqlite/sqlite_store.h"

namespace reelpress::site {
namespace {

using content::ModerationStatus;

constexpr util::UnixTime kNow = 1310428800;
constexpr content::Id kEntryId = 4990;
constexpr content::Id kOrgsId = 4991;
constexpr const char* kEntryPath = "/the-salt-road/4990/";
constexpr const char* kOrgsPath = "/helping/4991/";

// ---- Parsing -------------------------------------------------------------------------------

TEST(ParseFormBody, DecodesNamesAndValues) {
  const ParsedForm f = parse_form_body("author=Mar%C3%ADa+J.&comment=a%26b%3Dc&empty=&flag");
  EXPECT_FALSE(f.malformed);
  EXPECT_TRUE(f.not_utf8.empty());
  EXPECT_EQ(f.value("author"),
            "Mar\xC3\xAD"
            "a J.");
  EXPECT_EQ(f.value("comment"), "a&b=c");
  EXPECT_EQ(f.value("empty"), "");
  EXPECT_EQ(f.value("flag"), "");
  EXPECT_EQ(f.value("absent"), "");
  EXPECT_EQ(f.fields.size(), 4u);
}

TEST(ParseFormBody, FirstValueOfARepeatedNameWins) {
  EXPECT_EQ(parse_form_body("a=1&a=2").value("a"), "1");
}

TEST(ParseFormBody, InvalidUtf8IsReportedAndReplaced) {
  const ParsedForm f = parse_form_body("author=ok&comment=caf%E9+au+lait");
  EXPECT_FALSE(f.malformed);
  EXPECT_EQ(f.not_utf8, (std::vector<std::string>{"comment"}));
  EXPECT_EQ(f.value("comment"), "caf\xEF\xBF\xBD au lait");
}

TEST(ParseFormBody, BadEscapesAndNulAreMalformed) {
  EXPECT_TRUE(parse_form_body("comment=100%").malformed);
  EXPECT_TRUE(parse_form_body("comment=%zz").malformed);
  EXPECT_TRUE(parse_form_body("comment=a%00b").malformed);
  EXPECT_EQ(parse_form_body("comment=100%").value("comment"), "100%");  // Kept to show back.
}

TEST(ParseFormBody, TooManyFieldsIsMalformed) {
  std::string body;
  for (int i = 0; i < 100; ++i) body += "f" + std::to_string(i) + "=x&";
  const ParsedForm f = parse_form_body(body);
  EXPECT_TRUE(f.malformed);
  EXPECT_EQ(f.fields.size(), 64u);
}

TEST(ToValidUtf8, ReplacesEachBadByte) {
  EXPECT_EQ(to_valid_utf8("ok"), "ok");
  EXPECT_EQ(to_valid_utf8("\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(to_valid_utf8("a\xFF"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(to_valid_utf8("\xC3"), "\xEF\xBF\xBD");
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // Surrogate.
}

// ---- The handler ---------------------------------------------------------------------------

// The value of the first `name="NAME" value="..."` after `from` in html.
std::string field_value(const std::string& html, const std::string& name, std::size_t from = 0) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const std::size_t at = html.find(marker, from);
  if (at == std::string::npos) return "<absent>";
  const std::size_t start = at + marker.size();
  return html.substr(start, html.find('"', start) - start);
}

std::string encode(std::string_view text) {
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

class SubmissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::sqlite::SqliteStore::open(":memory:", clock_));
    content::Entry entry;
    entry.id = kEntryId;
    entry.slug = "the-salt-road";
    entry.title = "The Salt Road";
    entry.status = content::EntryStatus::kPublished;
    entry.published_at = kNow - 86400 * 10;
    entry.body_html = "<p>About the film.</p>";
    ASSERT_TRUE(store_->save_entry(entry));
    entry.id = kOrgsId;
    entry.slug = "helping";
    entry.title = "Organizations";
    entry.kind = content::EntryKind::kOrganizations;
    ASSERT_TRUE(store_->save_entry(entry));
    settings_.permalink = "/%postname%/%post_id%/";
    settings_.comment_min_fill_seconds = 3;
    settings_.comment_rate_per_minute = 0;
    make_handler();
  }

  void make_handler() {
    auto theme = render::Theme::load("/nonexistent-theme-override");
    ASSERT_TRUE(theme) << theme.error().describe();
    auto handler = SiteHandler::create(*store_, *theme, settings_, clock_,
                                       SiteHandler::Options{std::chrono::milliseconds(0)});
    ASSERT_TRUE(handler) << handler.error().describe();
    handler_ = std::move(*handler);
  }

  Response get(const std::string& target) {
    Request r;
    r.method = Method::kGet;
    r.target = target;
    const std::size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1, target.find('#') - q - 1);
    return handler_->handle(r);
  }

  static std::string html(const Response& r) { return r.body ? r.body->identity : ""; }

  Response post(const std::string& path, const std::string& body,
                const std::string& address = "203.0.113.9") {
    Request r;
    r.method = Method::kPost;
    r.target = r.path = path;
    r.content_type = "application/x-www-form-urlencoded";
    r.body = body;
    r.client_address = address;
    return handler_->handle(r);
  }

  // A comment form read from the entry page, as a browser would send it.
  std::string comment_body(const std::string& page, const std::string& author,
                           const std::string& text, const std::string& email = "") {
    return "author=" + encode(author) + "&email=" + encode(email) + "&comment=" + encode(text) +
           "&url=&comment_post_ID=" + field_value(page, "comment_post_ID") +
           "&comment_parent=" + field_value(page, "comment_parent") +
           "&rp_token=" + encode(field_value(page, "rp_token"));
  }

  std::string location(const Response& r) {
    for (const auto& [k, v] : r.headers) {
      if (k == "Location") return v;
    }
    return "";
  }
  std::string header(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  std::vector<content::Comment> comments(ModerationStatus status) {
    return *store_->comments_for_entry(kEntryId, status);
  }

  util::FixedClock clock_{kNow};
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  config::SiteSettings settings_;
  std::unique_ptr<SiteHandler> handler_;
};

TEST_F(SubmissionsTest, CommentIsPendingAndTheNoticeShowsAfterTheRedirect) {
  const Response page = get(kEntryPath);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.cache_control, "no-cache");
  const std::string form = html(page);
  EXPECT_NE(form.find("action=\"/comments/\""), std::string::npos);
  EXPECT_NE(form.find("Leave this field empty"), std::string::npos);
  EXPECT_EQ(field_value(form, "comment_post_ID"), "4990");

  clock_.advance(20);
  const std::int64_t counter = *store_->change_counter();
  const Response r =
      post("/comments/", comment_body(form, "Maria", "I walked that road.", "maria@example.org"));
  ASSERT_EQ(r.status, 303) << html(r);
  EXPECT_EQ(location(r), std::string(kEntryPath) + "?comment=pending#comment-form-notice");
  EXPECT_EQ(*store_->change_counter(), counter) << "a pending comment changes no page";

  const auto pending = comments(ModerationStatus::kPending);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].author_name, "Maria");
  EXPECT_EQ(pending[0].author_email, "maria@example.org");
  EXPECT_EQ(pending[0].body_html, "<p>I walked that road.</p>\n");
  EXPECT_EQ(pending[0].created_at, kNow + 20);

  const Response after = get(location(r));
  EXPECT_NE(html(after).find("awaiting moderation"), std::string::npos);
  EXPECT_NE(html(after).find("id=\"comment-form-notice\""), std::string::npos);
  EXPECT_EQ(html(get(kEntryPath)).find("awaiting moderation"), std::string::npos)
      << "the notice must not be cached for everyone";
  EXPECT_EQ(html(get(kEntryPath)).find("I walked that road"), std::string::npos);
}

TEST_F(SubmissionsTest, WordPressAddressTakesCommentsToo) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  EXPECT_EQ(post("/wp-comments-post.php", comment_body(form, "Ana", "Hello")).status, 303);
  EXPECT_EQ(get("/wp-comments-post.php").status, 405);
}

TEST_F(SubmissionsTest, ApprovedCommentShowsAsTextAndEmailNever) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  ASSERT_EQ(
      post("/comments/", comment_body(form, "<b>Bold</b>", "<script>alert(1)</script> & <i>x</i>",
                                      "secret@example.org"))
          .status,
      303);
  const content::Id id = comments(ModerationStatus::kPending).at(0).id;
  ASSERT_TRUE(store_->set_comment_status(id, ModerationStatus::kApproved));
  const std::string page = html(get(kEntryPath));
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;i&gt;x&lt;/i&gt;"),
            std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;Bold&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_EQ(page.find("secret@example.org"), std::string::npos);
}

TEST_F(SubmissionsTest, TooFastIsRefusedWithTheFormAgain) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(1);
  const Response r = post("/comments/", comment_body(form, "Bot", "Fast words"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(html(r).find("very soon after the page was shown"), std::string::npos);
  EXPECT_NE(html(r).find(">Fast words</textarea>"), std::string::npos);
  EXPECT_EQ(field_value(html(r), "rp_token"), field_value(form, "rp_token"));
  EXPECT_EQ(r.cache_control, "no-store");
  EXPECT_TRUE(comments(ModerationStatus::kPending).empty());
  // Sent again a little later, it is taken.
  clock_.advance(5);
  EXPECT_EQ(post("/comments/", comment_body(form, "Bot", "Fast words")).status, 303);
}

TEST_F(SubmissionsTest, FilledHoneypotIsNotAccepted) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  std::string body = comment_body(form, "Bot", "Buy now");
  body.replace(body.find("&url="), 5, "&url=http%3A%2F%2Fspam.example");
  const Response r = post("/comments/", body);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(html(r).find("Leave this field empty"), std::string::npos);
  EXPECT_TRUE(comments(ModerationStatus::kPending).empty());
  EXPECT_TRUE(comments(ModerationStatus::kSpam).empty());
}

TEST_F(SubmissionsTest, ReplayedFormIsRefused) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  const std::string body = comment_body(form, "Ana", "Once only");
  EXPECT_EQ(post("/comments/", body).status, 303);
  const Response again = post("/comments/", body);
  EXPECT_EQ(again.status, 403);
  EXPECT_NE(html(again).find("already received"), std::string::npos);
  EXPECT_NE(html(again).find("Once only"), std::string::npos);
  EXPECT_EQ(comments(ModerationStatus::kPending).size(), 1u);
  // The same token with another text is another comment (the token is per page render).
  EXPECT_EQ(post("/comments/", comment_body(form, "Ana", "And another")).status, 303);
}

TEST_F(SubmissionsTest, ForgedAndMisplacedTokensAreRefused) {
  const std::string form = html(get(kEntryPath));
  const std::string orgs_form = html(get(kOrgsPath));
  clock_.advance(20);
  std::string tampered = comment_body(form, "Ana", "Hello");
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'a' ? 'b' : 'a';
  Response r = post("/comments/", tampered);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(html(r).find("could not be checked"), std::string::npos);
  EXPECT_NE(html(r).find(">Hello</textarea>"), std::string::npos) << "the text is kept";
  EXPECT_NE(html(r).find("readonly"), std::string::npos);

  // The token of the organizations page's comment form, posted for the film page.
  std::string elsewhere = comment_body(form, "Ana", "Hello");
  const std::string token = encode(field_value(orgs_form, "rp_token"));
  elsewhere.replace(elsewhere.find("rp_token=") + 9, std::string::npos, token);
  EXPECT_EQ(post("/comments/", elsewhere).status, 403);
  // No token at all.
  EXPECT_EQ(post("/comments/", "author=A&comment=B&comment_post_ID=4990").status, 403);
  EXPECT_TRUE(comments(ModerationStatus::kPending).empty());
}

TEST_F(SubmissionsTest, ExpiredFormIsShownAgainWithAFreshToken) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(25 * 3600);
  const Response r = post("/comments/", comment_body(form, "Ana", "Slow reader"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(html(r).find("expired"), std::string::npos);
  const std::string fresh = field_value(html(r), "rp_token");
  EXPECT_NE(fresh, field_value(form, "rp_token"));
  clock_.advance(10);
  EXPECT_EQ(post("/comments/", comment_body(html(r), "Ana", "Slow reader")).status, 303);
}

TEST_F(SubmissionsTest, InvalidUtf8IsABadRequestThatKeepsTheText) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  std::string body = comment_body(form, "Ana", "placeholder");
  body.replace(body.find("placeholder"), 11, "caf%E9");
  const Response r = post("/comments/", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(html(r).find("not UTF-8"), std::string::npos);
  EXPECT_NE(html(r).find("caf\xEF\xBF\xBD"), std::string::npos);
}

TEST_F(SubmissionsTest, MissingFieldsAreNamedAndTheTextKept) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  Response r = post("/comments/", comment_body(form, "  ", "My words"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(html(r).find("Please give a name"), std::string::npos);
  EXPECT_NE(html(r).find(">My words</textarea>"), std::string::npos);
  r = post("/comments/", comment_body(form, "Ana", " \r\n "));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(html(r).find("Please write a comment"), std::string::npos);
  EXPECT_NE(html(r).find("value=\"Ana\""), std::string::npos);
  r = post("/comments/", comment_body(form, "Ana", "Hi", "not an address"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(html(r).find("does not look like one"), std::string::npos);
  EXPECT_TRUE(comments(ModerationStatus::kPending).empty());
}

TEST_F(SubmissionsTest, FloodFromOneClientGets429WithRetryAfter) {
  settings_.comment_rate_per_minute = 2;
  ASSERT_TRUE(handler_->set_settings(settings_));
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  EXPECT_EQ(post("/comments/", comment_body(form, "A", "one")).status, 303);
  EXPECT_EQ(post("/comments/", comment_body(form, "A", "two")).status, 303);
  const Response r = post("/comments/", comment_body(form, "A", "three"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "30");
  EXPECT_NE(html(r).find("three"), std::string::npos);
  EXPECT_EQ(post("/comments/", comment_body(form, "B", "four"), "198.51.100.1").status, 303)
      << "another client is not limited";
}

TEST_F(SubmissionsTest, ManyClientsTogetherMeetTheSiteWideHourlyBound) {
  settings_.pending_per_hour = 3;
  ASSERT_TRUE(handler_->set_settings(settings_));
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(post("/comments/", comment_body(form, "R", "note " + std::to_string(i)),
                   "198.51.100." + std::to_string(i))
                  .status,
              303);
  }
  const Response r = post("/comments/", comment_body(form, "R", "one too many"), "192.0.2.77");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(html(r).find("more comments in the last hour"), std::string::npos);
  EXPECT_NE(html(r).find("one too many"), std::string::npos) << "the text is shown back";
  EXPECT_EQ(std::stoll(header(r, "Retry-After")), 3600 - 20);
  EXPECT_EQ(comments(ModerationStatus::kPending).size(), 3u);
  clock_.advance(3600);
  EXPECT_EQ(post("/comments/", comment_body(form, "R", "an hour later"), "192.0.2.77").status, 303);
}

TEST_F(SubmissionsTest, TrustedReturningCommenterIsPublishedUnlessHeld) {
  settings_.comments_trust_returning = true;
  ASSERT_TRUE(handler_->set_settings(settings_));
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  ASSERT_EQ(post("/comments/", comment_body(form, "Ana", "first", "ana@example.org")).status, 303);
  ASSERT_TRUE(store_->set_comment_status(comments(ModerationStatus::kPending).at(0).id,
                                         ModerationStatus::kApproved));
  Response r = post("/comments/", comment_body(form, "Ana", "second", "ana@example.org"));
  ASSERT_EQ(r.status, 303);
  const auto approved = comments(ModerationStatus::kApproved);
  ASSERT_EQ(approved.size(), 2u);
  EXPECT_EQ(location(r), std::string(kEntryPath) + "?comment=published#comment-" +
                             std::to_string(approved[1].id));
  EXPECT_NE(html(get(kEntryPath)).find("second"), std::string::npos);

  r = post("/comments/",
           comment_body(form, "Ana", "http://a.example http://b.example http://c.example",
                        "ana@example.org"));
  EXPECT_EQ(location(r), std::string(kEntryPath) + "?comment=pending#comment-form-notice");
  EXPECT_EQ(comments(ModerationStatus::kPending).size(), 1u) << "too many links hold it";
  // Another email with the same name is not trusted.
  post("/comments/", comment_body(form, "Ana", "third", "other@example.org"));
  EXPECT_EQ(comments(ModerationStatus::kPending).size(), 2u);
}

TEST_F(SubmissionsTest, SpamWordFilesItAsSpamButSaysPending) {
  settings_.comment_spam_words = {"casino"};
  ASSERT_TRUE(handler_->set_settings(settings_));
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  const Response r = post("/comments/", comment_body(form, "Win", "Best Casino online"));
  EXPECT_EQ(location(r), std::string(kEntryPath) + "?comment=pending#comment-form-notice");
  EXPECT_EQ(comments(ModerationStatus::kSpam).size(), 1u);
}

TEST_F(SubmissionsTest, ClosedAndArchivedSitesShowNoFormAndRefusePosts) {
  const std::string form = html(get(kEntryPath));
  clock_.advance(20);
  settings_.archived = true;
  ASSERT_TRUE(handler_->set_settings(settings_));
  EXPECT_EQ(html(get(kEntryPath)).find("<form"), std::string::npos);
  Response r = post("/comments/", comment_body(form, "Ana", "Archived words"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(html(r).find("archived"), std::string::npos);
  EXPECT_NE(html(r).find("Archived words"), std::string::npos);
  // Whatever the form lacks: no token, no page.
  r = post("/comments/", "comment=Bare+words");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(html(r).find("Bare words"), std::string::npos);
  r = post("/organizations/suggest/", "org_name=Bare");
  EXPECT_EQ(r.status, 403);

  settings_.archived = false;
  settings_.comments_close_after_days = 5;  // The entry is 10 days old.
  ASSERT_TRUE(handler_->set_settings(settings_));
  EXPECT_EQ(html(get(kEntryPath)).find("<form"), std::string::npos);
  r = post("/comments/", comment_body(form, "Ana", "Late words"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(html(r).find("closed"), std::string::npos);

  settings_.comments_close_after_days = 30;
  ASSERT_TRUE(handler_->set_settings(settings_));
  EXPECT_NE(html(get(kEntryPath)).find("<form"), std::string::npos);
  content::Entry entry = *store_->entry_by_id(kEntryId);
  entry.comments_open = false;
  ASSERT_TRUE(store_->save_entry(entry));
  EXPECT_EQ(html(get(kEntryPath)).find("<form"), std::string::npos);
  EXPECT_EQ(post("/comments/", comment_body(form, "Ana", "Closed")).status, 403);
  EXPECT_TRUE(comments(ModerationStatus::kPending).empty());
}

TEST_F(SubmissionsTest, ReplyLinkWorksWithoutJavaScript) {
  content::Comment first;
  first.entry_id = kEntryId;
  first.author_name = "Maria";
  first.body_html = "<p>First.</p>";
  first.status = ModerationStatus::kApproved;
  first.id = *store_->save_comment(first);
  const std::string page = html(get(kEntryPath));
  const std::string link = "?replytocom=" + std::to_string(first.id) + "#respond";
  EXPECT_NE(page.find("href=\"" + link + "\""), std::string::npos);

  const Response reply = get(std::string(kEntryPath) + link);
  EXPECT_NE(html(reply).find("Reply to Maria"), std::string::npos);
  EXPECT_EQ(field_value(html(reply), "comment_parent"), std::to_string(first.id));
  clock_.advance(20);
  ASSERT_EQ(post("/comments/", comment_body(html(reply), "Ana", "A reply")).status, 303);
  EXPECT_EQ(comments(ModerationStatus::kPending).at(0).parent_id, first.id);
  // The plain page still has an empty parent: the reply form was for that reader alone.
  EXPECT_EQ(field_value(html(get(kEntryPath)), "comment_parent"), "0");

  settings_.comment_thread_depth = 1;
  ASSERT_TRUE(handler_->set_settings(settings_));
  EXPECT_EQ(html(get(kEntryPath)).find("replytocom"), std::string::npos);
}

TEST_F(SubmissionsTest, CachedFormPageIsRenderedAgainAfterItsTtl) {
  settings_.form_page_ttl_seconds = 1;
  ASSERT_TRUE(handler_->set_settings(settings_));
  const std::string token = field_value(html(get(kEntryPath)), "rp_token");
  clock_.advance(30);
  EXPECT_EQ(field_value(html(get(kEntryPath)), "rp_token"), token) << "served from the cache";
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_NE(field_value(html(get(kEntryPath)), "rp_token"), token);
}

TEST_F(SubmissionsTest, SuggestedOrganizationIsListedOnceApproved) {
  const std::string page = html(get(kOrgsPath));
  ASSERT_NE(page.find("action=\"/organizations/suggest/\""), std::string::npos);
  const std::size_t form_at = page.find("suggest-form");
  const std::string body = "org_name=" + encode("Wells <for> All") + "&org_url=wells.example.org" +
                           "&org_description=" + encode("Digs wells.\nTrains people.") +
                           "&org_region=Sahel&url=&entry_id=4991&rp_token=" +
                           encode(field_value(page, "rp_token", form_at));
  clock_.advance(20);
  const Response r = post("/organizations/suggest/", body);
  ASSERT_EQ(r.status, 303) << html(r);
  EXPECT_EQ(location(r), std::string(kOrgsPath) + "?suggestion=pending#suggest-notice");
  EXPECT_NE(html(get(location(r))).find("id=\"suggest-notice\""), std::string::npos);
  const auto pending = *store_->organizations_with_status(ModerationStatus::kPending);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].url, "https://wells.example.org");
  EXPECT_EQ(pending[0].suggested_for_entry_id, kOrgsId);
  EXPECT_EQ(html(get(kOrgsPath)).find("Wells &lt;for&gt; All"), std::string::npos);

  ASSERT_TRUE(store_->set_organization_status(pending[0].id, ModerationStatus::kApproved));
  EXPECT_NE(html(get(kOrgsPath)).find("Wells &lt;for&gt; All"), std::string::npos);

  // The comment form's token does not work for suggestions.
  std::string wrong = body;
  wrong.replace(wrong.find("rp_token=") + 9, std::string::npos,
                encode(field_value(page, "rp_token", page.find("id=\"commentform\""))));
  EXPECT_EQ(post("/organizations/suggest/", wrong).status, 403);
  // A film page takes no suggestions.
  EXPECT_EQ(post("/organizations/suggest/", "entry_id=4990&org_name=x").status, 404);
}

TEST_F(SubmissionsTest, BadWebsiteIsABadRequest) {
  const std::string page = html(get(kOrgsPath));
  clock_.advance(20);
  const std::string body = "org_name=X&org_url=" + encode("javascript:alert(1)") +
                           "&org_description=Y&entry_id=4991&rp_token=" +
                           encode(field_value(page, "rp_token", page.find("suggest-form")));
  const Response r = post("/organizations/suggest/", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(html(r).find("https://example.org/"), std::string::npos);
}

TEST_F(SubmissionsTest, OtherContentTypesAreRefused) {
  Request r;
  r.method = Method::kPost;
  r.path = r.target = "/comments/";
  r.content_type = "multipart/form-data; boundary=x";
  r.body = "--x--";
  EXPECT_EQ(handler_->handle(r).status, 400);
}

}  // namespace
}  // namespace reelpress::site
