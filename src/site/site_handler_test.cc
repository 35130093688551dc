// The page cache's invalidation, through the real SiteHandler over a SQLite store: a write
// drops the pages that show what it changed, and the others stay cached (the same Body is
// handed out again, not a new rendering).
#include "site/site_handler.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "render/theme.h"
#include "site/snapshot.h"
#include "store/sqlite/sqlite_store.h"
#include "util/clock.h"
#include "util/scoped_temp_dir.h"
#include "util/text.h"

namespace reelpress::site {
namespace {

using content::Comment;
using content::Entry;
using content::ModerationStatus;

constexpr util::UnixTime kAired = 1310500800;  // 2011-07-12
// The handler's "now". A fixed clock, because a page's form token carries the time it was
// signed: pages rendered a second apart differ, and a test that renders a page again and
// compares the bytes must not straddle a second.
constexpr util::UnixTime kNow = 1796233149;  // 2026-12-02

class SiteHandlerCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteStore::open((temp_.path() / "content.db").string());
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    content::Category news{0, std::nullopt, "news", "News", ""};
    news_ = *store_->save_category(news);
    first_ = save_entry("first-story", "First Story", kAired);
    second_ = save_entry("second-story", "Second Story", kAired - 86400);
    comment(first_, "An early reader", ModerationStatus::kApproved);

    auto theme = render::Theme::load(temp_.path() / "theme");
    ASSERT_TRUE(theme);
    SiteHandler::Options options;
    options.poll_interval = std::chrono::milliseconds(0);  // Every request looks.
    auto handler = SiteHandler::create(*store_, *theme, settings_, clock_, options);
    ASSERT_TRUE(handler) << handler.error().describe();
    handler_ = std::move(*handler);
  }

  content::Id save_entry(const std::string& slug, const std::string& title, util::UnixTime at) {
    Entry e;
    e.slug = slug;
    e.title = title;
    e.status = content::EntryStatus::kPublished;
    e.body_html = "<p>" + title + " body.</p>";
    e.published_at = at;
    e.modified_at = at;
    e.category_ids = {news_};
    return *store_->save_entry(e);
  }
  content::Id comment(content::Id entry, const std::string& text, ModerationStatus status) {
    Comment c;
    c.entry_id = entry;
    c.author_name = "Reader";
    c.body_html = "<p>" + text + "</p>";
    c.status = status;
    c.created_at = kAired + 3600;
    return *store_->save_comment(c);
  }
  // A third entry, alone in a category of its own ("Stories"); returns the entry's id.
  content::Id third_story_in_new_category() {
    content::Category stories{0, std::nullopt, "stories", "Stories", ""};
    stories.id = *store_->save_category(stories);
    Entry third;
    third.slug = "third-story";
    third.title = "Third Story";
    third.status = content::EntryStatus::kPublished;
    third.body_html = "<p>Third.</p>";
    third.published_at = kAired - 2 * 86400;
    third.modified_at = third.published_at;
    third.category_ids = {stories.id};
    return *store_->save_entry(third);
  }

  std::string path_of(content::Id id) {
    auto snapshot = Snapshot::load(*store_, settings_);
    return *util::percent_decode((*snapshot)->entry_path(*store_->entry_by_id(id)));
  }
  Response get(const std::string& path) {
    Request request;
    request.path = path;
    request.target = path;
    return handler_->handle(request);
  }

  util::ScopedTempDir temp_;
  config::SiteSettings settings_;
  util::FixedClock clock_{kNow};
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::unique_ptr<SiteHandler> handler_;
  content::Id news_ = 0, first_ = 0, second_ = 0;
};

TEST_F(SiteHandlerCacheTest, AnApprovalDropsThePagesThatShowThatEntrysCommentsAndNoOther) {
  const std::string first = path_of(first_), second = path_of(second_);
  const auto first_page = get(first).body;
  const auto second_page = get(second).body;
  const auto home = get("/").body;
  const auto category = get("/category/news/").body;
  ASSERT_NE(first_page->identity.find("An early reader"), std::string::npos);
  // Cached: asked again, the same bytes come back, not a new rendering.
  EXPECT_EQ(get(first).body, first_page);
  EXPECT_EQ(get(second).body, second_page);

  // A pending comment shows nowhere: nothing is dropped.
  const content::Id later = comment(first_, "A second reader", ModerationStatus::kPending);
  EXPECT_EQ(get(first).body, first_page);
  EXPECT_EQ(get("/").body, home);

  // Approved (by another connection, as `reelpress comments` would): the entry's page and the
  // listings that count its comments are rendered again; the other entry's page is not.
  ASSERT_TRUE(store_->set_comment_status(later, ModerationStatus::kApproved));
  const auto first_after = get(first).body;
  EXPECT_NE(first_after, first_page);
  EXPECT_NE(first_after->identity.find("A second reader"), std::string::npos);
  EXPECT_NE(get("/").body, home);
  EXPECT_NE(get("/category/news/").body, category);
  EXPECT_EQ(get(second).body, second_page) << "a page that shows nothing of it was dropped";

  // Unpublishing it again is the same kind of change.
  const auto home_after = get("/").body;
  ASSERT_TRUE(store_->set_comment_status(later, ModerationStatus::kTrash));
  EXPECT_EQ(get(first).body->identity.find("A second reader"), std::string::npos);
  EXPECT_NE(get("/").body, home_after);
  EXPECT_EQ(get(second).body, second_page);
}

// An entry's text shows on its own page and in the listings that list it (title, excerpt):
// an edit renders those again, and no other page.
TEST_F(SiteHandlerCacheTest, AnEntryEditDropsThePagesThatShowThatEntryAndNoOther) {
  const content::Id third_id = third_story_in_new_category();
  get("/");  // The writes above are seen; what follows is cached from now on.

  const std::string first = path_of(first_), second = path_of(second_),
                    in_stories = path_of(third_id);
  const auto first_page = get(first).body;
  const auto second_page = get(second).body;
  const auto stories_entry = get(in_stories).body;
  const auto news_listing = get("/category/news/").body;
  const auto stories_listing = get("/category/stories/").body;
  const auto home = get("/").body;

  // Saved again as it is: nothing changed, nothing is dropped.
  ASSERT_TRUE(store_->save_entry(*store_->entry_by_id(second_)));
  EXPECT_EQ(get(second).body, second_page);
  EXPECT_EQ(get("/").body, home);

  Entry edited = *store_->entry_by_id(second_);
  edited.body_html = "<p>A corrected account of the second story.</p>";
  edited.modified_at = kAired + 86400;
  ASSERT_TRUE(store_->save_entry(edited));

  const auto second_after = get(second).body;
  EXPECT_NE(second_after, second_page);
  EXPECT_NE(second_after->identity.find("A corrected account"), std::string::npos);
  // The listings that list it show its new excerpt.
  const auto home_after = get("/").body;
  EXPECT_NE(home_after, home);
  EXPECT_NE(home_after->identity.find("A corrected account"), std::string::npos);
  const auto news_after = get("/category/news/").body;
  EXPECT_NE(news_after, news_listing);
  EXPECT_NE(news_after->identity.find("A corrected account"), std::string::npos);
  // Pages that show nothing of it stay as they were cached.
  EXPECT_EQ(get(first).body, first_page) << "another entry's page was dropped";
  EXPECT_EQ(get(in_stories).body, stories_entry);
  EXPECT_EQ(get("/category/stories/").body, stories_listing);

  // A new title is the same kind of change: the listings show it.
  edited.title = "Second Story, Revised";
  ASSERT_TRUE(store_->save_entry(edited));
  EXPECT_NE(get(second).body->identity.find("Second Story, Revised"), std::string::npos);
  EXPECT_NE(get("/").body->identity.find("Second Story, Revised"), std::string::npos);
  EXPECT_NE(get("/category/news/").body->identity.find("Second Story, Revised"), std::string::npos);
  EXPECT_EQ(get(first).body, first_page);
  EXPECT_EQ(get("/category/stories/").body, stories_listing);
}

// Unpublishing takes an entry out of listings (and moves the others up): the log cannot name
// every page that changes, so every cached page goes.
TEST_F(SiteHandlerCacheTest, AStatusChangeDropsEveryPage) {
  const std::string first = path_of(first_), second = path_of(second_);
  const auto first_page = get(first).body;
  const auto home = get("/").body;
  ASSERT_NE(home->identity.find("Second Story"), std::string::npos);
  Entry e = *store_->entry_by_id(second_);
  e.status = content::EntryStatus::kDraft;
  ASSERT_TRUE(store_->save_entry(e));
  const auto home_after = get("/").body;
  EXPECT_NE(home_after, home);
  EXPECT_EQ(home_after->identity.find("Second Story"), std::string::npos);
  EXPECT_EQ(get(second).status, 404);
  EXPECT_NE(get(first).body, first_page);

  // Published again, it is back everywhere.
  const auto first_again = get(first).body;
  e.status = content::EntryStatus::kPublished;
  ASSERT_TRUE(store_->save_entry(e));
  EXPECT_NE(get("/").body->identity.find("Second Story"), std::string::npos);
  EXPECT_EQ(get(second).status, 200);
  EXPECT_NE(get(first).body, first_again);
}

// A film page lists its companions' titles; a page lists its child pages'. Editing one of
// them renders that page again; editing an entry it does not list leaves it cached. A
// published top-level page's title is in every page's navigation: every page goes.
TEST_F(SiteHandlerCacheTest, FilmAndParentPagesFollowTheEntriesTheyList) {
  content::Film film;
  film.slug = "the-river";
  film.title = "The River";
  film.id = *store_->save_film(film);
  Entry companion;
  companion.slug = "about-the-river";
  companion.title = "About the River";
  companion.kind = content::EntryKind::kIntroduction;
  companion.status = content::EntryStatus::kPublished;
  companion.body_html = "<p>About.</p>";
  companion.published_at = kAired;
  companion.film_id = film.id;
  companion.category_ids = {news_};
  companion.id = *store_->save_entry(companion);
  Entry parent;
  parent.slug = "about";
  parent.title = "About Us";
  parent.kind = content::EntryKind::kPage;
  parent.status = content::EntryStatus::kPublished;
  parent.body_html = "<p>Who we are.</p>";
  parent.published_at = kAired;
  parent.id = *store_->save_entry(parent);
  Entry child = parent;
  child.id = 0;
  child.slug = "team";
  child.title = "The Team";
  child.parent_id = parent.id;
  child.id = *store_->save_entry(child);
  get("/");

  const std::string film_path = "/films/the-river/", parent_path = path_of(parent.id),
                    child_path = path_of(child.id), first = path_of(first_);
  const auto film_page = get(film_path).body;
  const auto parent_page = get(parent_path).body;
  const auto child_page = get(child_path).body;
  const auto first_page = get(first).body;
  ASSERT_NE(film_page->identity.find("About the River"), std::string::npos);
  ASSERT_NE(parent_page->identity.find("The Team"), std::string::npos);

  // An entry neither lists: both stay.
  Entry other = *store_->entry_by_id(first_);
  other.body_html = "<p>Revised.</p>";
  ASSERT_TRUE(store_->save_entry(other));
  EXPECT_NE(get(first).body, first_page);
  EXPECT_EQ(get(film_path).body, film_page);
  EXPECT_EQ(get(parent_path).body, parent_page);

  companion.title = "About the River, Revised";
  ASSERT_TRUE(store_->save_entry(companion));
  const auto film_after = get(film_path).body;
  EXPECT_NE(film_after->identity.find("About the River, Revised"), std::string::npos);
  EXPECT_EQ(get(parent_path).body, parent_page);

  child.title = "Our Team";
  ASSERT_TRUE(store_->save_entry(child));
  EXPECT_NE(get(parent_path).body->identity.find("Our Team"), std::string::npos);
  EXPECT_NE(get(child_path).body, child_page);
  EXPECT_EQ(get(film_path).body, film_after);

  const auto first_now = get(first).body;
  parent.title = "About This Series";
  ASSERT_TRUE(store_->save_entry(parent));
  const auto first_with_nav = get(first).body;
  EXPECT_NE(first_with_nav, first_now);
  EXPECT_NE(first_with_nav->identity.find("About This Series"), std::string::npos);
  EXPECT_NE(get(film_path).body, film_after);
}

// A category's new name shows on the pages of its entries and on its own listing: those are
// rendered again, and no other page is.
TEST_F(SiteHandlerCacheTest, ACategoryRenameDropsThePagesThatShowItAndNoOther) {
  const content::Id third_id = third_story_in_new_category();
  get("/");  // The writes above are seen; what follows is cached from now on.

  const std::string first = path_of(first_), second = path_of(second_),
                    in_stories = path_of(third_id);
  const auto first_page = get(first).body;
  const auto second_page = get(second).body;
  const auto stories_entry = get(in_stories).body;
  const auto news_listing = get("/category/news/").body;
  const auto stories_listing = get("/category/stories/").body;
  const auto home = get("/").body;
  ASSERT_NE(first_page->identity.find(">News<"), std::string::npos);

  content::Category news = *store_->category_by_id(news_);
  news.name = "News and Notes";
  ASSERT_TRUE(store_->save_category(news));

  const auto first_after = get(first).body;
  EXPECT_NE(first_after, first_page);
  EXPECT_NE(first_after->identity.find(">News and Notes<"), std::string::npos);
  EXPECT_NE(get(second).body->identity.find(">News and Notes<"), std::string::npos);
  const auto news_after = get("/category/news/").body;
  EXPECT_NE(news_after, news_listing);
  EXPECT_NE(news_after->identity.find("News and Notes"), std::string::npos);
  // Pages that show nothing of it stay as they were cached.
  EXPECT_EQ(get(in_stories).body, stories_entry);
  EXPECT_EQ(get("/category/stories/").body, stories_listing);
  EXPECT_EQ(get("/").body, home);

  // A new slug moves the URLs of its entries and listing: everything goes.
  news.slug = "notes";
  ASSERT_TRUE(store_->save_category(news));
  EXPECT_NE(get("/").body, home);
  EXPECT_NE(get(in_stories).body, stories_entry);
}

// The archive switch puts the banner on every page: every cached page goes, none is kept,
// and switching back drops them all again.
TEST_F(SiteHandlerCacheTest, TheArchiveSwitchDropsEveryPageAndOnlyOnce) {
  const std::vector<std::string> paths = {path_of(first_), path_of(second_), "/",
                                          "/category/news/"};
  std::vector<std::shared_ptr<const Body>> before;
  for (const std::string& path : paths) before.push_back(get(path).body);
  constexpr std::string_view kBanner = "no longer actively maintained";
  config::SiteSettings archived = settings_;
  archived.archived = true;
  ASSERT_TRUE(handler_->set_settings(archived));
  std::vector<std::shared_ptr<const Body>> after;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    after.push_back(get(paths[i]).body);
    EXPECT_NE(after[i], before[i]) << paths[i];
    EXPECT_EQ(before[i]->identity.find(kBanner), std::string::npos) << paths[i];
    EXPECT_NE(after[i]->identity.find(kBanner), std::string::npos) << paths[i];
    EXPECT_EQ(get(paths[i]).body, after[i]) << paths[i] << ": cached again at once";
  }
  ASSERT_TRUE(handler_->set_settings(settings_));
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto back = get(paths[i]).body;
    EXPECT_NE(back, after[i]) << paths[i];
    EXPECT_EQ(back->identity, before[i]->identity) << paths[i];
  }
}

TEST_F(SiteHandlerCacheTest, ConditionalAndRepeatedRequestsShareOneBody) {
  const std::string first = path_of(first_);
  const Response a = get(first);
  const Response b = get(first);
  EXPECT_EQ(a.body, b.body);
  EXPECT_FALSE(a.body->etag.empty());
  EXPECT_FALSE(a.body->gzip.empty());
  EXPECT_FALSE(a.body->brotli.empty());
}

}  // namespace
}  // namespace reelpress::site
