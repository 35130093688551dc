// The Store contract suite: what every backend must do, as tests. A backend's test program
// includes this header once and instantiates the suite with a factory that returns a fresh,
// empty store on every call:
//
// Example:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//       ::testing::Values(StoreBackend{"Memory", [] { return open_memory_store(); }}),
//       backend_name);
//
// The tests use only the Store interface, so they say nothing about how a backend stores
// things; backend-specific behaviour (files, migrations, locks) is tested beside the backend.
// Include in exactly one .cc per test program: the TEST_P definitions live here.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <source_location>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "content/model.h"
#include "store/store.h"
#include "util/result.h"

namespace reelpress::store::contract {

using content::Category;
using content::Comment;
using content::Entry;
using content::EntryKind;
using content::EntryStatus;
using content::Film;
using content::Media;
using content::ModerationStatus;
using content::Organization;
using content::Redirect;
using content::Tag;
using content::User;
using util::ErrorCode;

using StoreFactory = std::function<std::unique_ptr<Store>()>;

struct StoreBackend {
  std::string name;   // Names the instantiated tests: letters and digits only.
  StoreFactory make;  // A fresh, empty store per call; nullptr if it cannot make one.
};

inline void PrintTo(const StoreBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// ---- Checking results --------------------------------------------------------------------

// The value of a call expected to succeed. On an error it throws, which fails the test with
// the error and the caller's line ("store_contract_test.h:120: conflict: save tag 'x': ...").
template <typename T>
T must(Result<T> result, std::source_location where = std::source_location::current()) {
  if (!result) {
    throw std::runtime_error(std::string(where.file_name()) + ":" + std::to_string(where.line()) +
                             ": " + result.error().describe());
  }
  return std::move(*result);
}

inline void must(const Status& status,
                 std::source_location where = std::source_location::current()) {
  if (!status) {
    throw std::runtime_error(std::string(where.file_name()) + ":" + std::to_string(where.line()) +
                             ": " + status.error().describe());
  }
}

// Fails the test unless `result` is an error with `code`.
template <typename R>
void expect_error(const R& result, ErrorCode code,
                  std::source_location where = std::source_location::current()) {
  if (result.has_value()) {
    ADD_FAILURE_AT(where.file_name(), where.line())
        << "expected error \"" << util::to_string(code) << "\", got success";
  } else if (result.error().code != code) {
    ADD_FAILURE_AT(where.file_name(), where.line())
        << "expected error \"" << util::to_string(code) << "\", got " << result.error().describe();
  }
}

// ---- Whole values as text ----------------------------------------------------------------
//
// Comparing dumps compares every field (most domain types have no operator==), and a failure
// shows which one differs.

namespace detail {

inline void put(std::ostream& out, const std::optional<Id>& id) {
  if (id) {
    out << *id;
  } else {
    out << "none";
  }
}

inline void put(std::ostream& out, const std::vector<Id>& ids) {
  out << '[';
  for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? "," : "") << ids[i];
  out << ']';
}

}  // namespace detail

inline std::string dump(const Film& f) {
  std::ostringstream out;
  out << "film id=" << f.id << " slug=" << f.slug << " title=" << f.title
      << " air_date=" << f.air_date << " runtime=" << f.runtime_minutes
      << " synopsis=" << f.synopsis << " credits=" << f.credits << " poster=" << f.poster
      << " position=" << f.position << " quotes=";
  for (const auto& quote : f.press_quotes) out << "[" << quote.text << "|" << quote.source << "]";
  return out.str();
}

inline std::string dump(const Category& c) {
  std::ostringstream out;
  out << "category id=" << c.id << " parent=";
  detail::put(out, c.parent_id);
  out << " slug=" << c.slug << " name=" << c.name << " description=" << c.description;
  return out.str();
}

inline std::string dump(const Tag& t) {
  return "tag id=" + std::to_string(t.id) + " slug=" + t.slug + " name=" + t.name;
}

inline std::string dump(const Entry& e) {
  std::ostringstream out;
  out << "entry id=" << e.id << " slug=" << e.slug << " title=" << e.title << " kicker=" << e.kicker
      << " kind=" << content::to_string(e.kind) << " status=" << content::to_string(e.status)
      << " password=" << e.password << " format=" << content::to_string(e.body_format)
      << " body=" << e.body << " body_html=" << e.body_html << " excerpt=" << e.excerpt
      << " published_at=" << e.published_at << " modified_at=" << e.modified_at << " author=";
  detail::put(out, e.author_id);
  out << " film=";
  detail::put(out, e.film_id);
  out << " parent=";
  detail::put(out, e.parent_id);
  out << " menu_order=" << e.menu_order << " sticky=" << e.sticky
      << " comments_open=" << e.comments_open << " pings_open=" << e.pings_open << " categories=";
  detail::put(out, e.category_ids);
  out << " tags=";
  detail::put(out, e.tag_ids);
  out << " organizations=";
  detail::put(out, e.organization_ids);
  out << " sections=";
  for (const auto& s : e.sections)
    out << "[" << s.heading << "|" << s.body << "|" << s.body_html << "]";
  return out.str();
}

inline std::string dump(const Organization& o) {
  std::ostringstream out;
  out << "organization id=" << o.id << " name=" << o.name << " description=" << o.description
      << " url=" << o.url << " region=" << o.region << " focus=" << o.focus
      << " status=" << content::to_string(o.status) << " suggested_for=";
  detail::put(out, o.suggested_for_entry_id);
  out << " created_at=" << o.created_at;
  return out.str();
}

inline std::string dump(const Comment& c) {
  std::ostringstream out;
  out << "comment id=" << c.id << " entry=" << c.entry_id << " parent=";
  detail::put(out, c.parent_id);
  out << " name=" << c.author_name << " email=" << c.author_email << " url=" << c.author_url
      << " body_html=" << c.body_html << " status=" << content::to_string(c.status)
      << " created_at=" << c.created_at;
  return out.str();
}

inline std::string dump(const User& u) {
  std::ostringstream out;
  out << "user id=" << u.id << " login=" << u.login << " display_name=" << u.display_name
      << " email=" << u.email << " role=" << content::to_string(u.role)
      << " password_hash=" << u.password_hash << " created_at=" << u.created_at;
  return out.str();
}

inline std::string dump(const Media& m) {
  std::ostringstream out;
  out << "media id=" << m.id << " path=" << m.path << " mime=" << m.mime_type
      << " title=" << m.title << " alt=" << m.alt << " entry=";
  detail::put(out, m.entry_id);
  out << " size=" << m.size << " uploaded_at=" << m.uploaded_at;
  return out.str();
}

inline std::string dump(const Redirect& r) {
  std::ostringstream out;
  out << "redirect from=" << r.from_path << " entry=";
  detail::put(out, r.entry_id);
  out << " to=" << r.to_path;
  return out.str();
}

template <typename T>
std::vector<std::string> dumps(const std::vector<T>& values) {
  std::vector<std::string> out;
  for (const T& value : values) out.push_back(dump(value));
  return out;
}

inline std::vector<Id> ids(const std::vector<Entry>& entries) {
  std::vector<Id> out;
  for (const Entry& entry : entries) out.push_back(entry.id);
  return out;
}

template <typename T>
std::vector<Id> ids_of(const std::vector<T>& values) {
  std::vector<Id> out;
  for (const T& value : values) out.push_back(value.id);
  return out;
}

// ---- The fixture -------------------------------------------------------------------------

// 2011-07-12 00:00:00 UTC, when the series aired.
inline constexpr util::UnixTime kAired = 1310428800;
inline constexpr std::int64_t kDay = 86400;

class StoreContractTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    store_ = GetParam().make();
    ASSERT_NE(store_, nullptr) << "the " << GetParam().name << " factory made no store";
  }

  Store& store() { return *store_; }

  // A published article with only the required fields set.
  static Entry article(std::string slug, util::UnixTime published_at) {
    Entry entry;
    entry.slug = std::move(slug);
    entry.title = "Title of " + entry.slug;
    entry.kind = EntryKind::kArticle;
    entry.status = EntryStatus::kPublished;
    entry.published_at = published_at;
    entry.modified_at = published_at;
    return entry;
  }

  static Entry page(std::string slug, std::optional<Id> parent, int menu_order) {
    Entry entry = article(std::move(slug), kAired);
    entry.kind = EntryKind::kPage;
    entry.parent_id = parent;
    entry.menu_order = menu_order;
    return entry;
  }

  Id save_category(std::string slug, std::optional<Id> parent = std::nullopt) {
    Category category;
    category.slug = slug;
    category.name = "Name of " + slug;
    category.parent_id = parent;
    return must(store().save_category(category));
  }

  Id save_tag(std::string slug) { return must(store().save_tag(Tag{0, slug, "Tag " + slug})); }

  Id save_user(std::string login) {
    User user;
    user.login = std::move(login);
    user.display_name = "Display " + user.login;
    user.created_at = kAired;
    return must(store().save_user(user));
  }

  Id save_film(std::string slug, int position = 0) {
    Film film;
    film.slug = std::move(slug);
    film.title = "Film " + film.slug;
    film.position = position;
    return must(store().save_film(film));
  }

  Id save_organization(std::string name, ModerationStatus status, std::optional<Id> suggested_for,
                       util::UnixTime created_at) {
    Organization org;
    org.name = std::move(name);
    org.status = status;
    org.suggested_for_entry_id = suggested_for;
    org.created_at = created_at;
    return must(store().save_organization(org));
  }

  Id save_comment(Id entry_id, ModerationStatus status, util::UnixTime created_at,
                  std::optional<Id> parent = std::nullopt) {
    Comment comment;
    comment.entry_id = entry_id;
    comment.parent_id = parent;
    comment.author_name = "Reader";
    comment.body_html = "<p>Thank you.</p>";
    comment.status = status;
    comment.created_at = created_at;
    return must(store().save_comment(comment));
  }

  // Lists with `query`, returning the ids in the order listed.
  std::vector<Id> listed(const EntryQuery& query) {
    return ids(must(store().list_entries(query)).entries);
  }

  std::unique_ptr<Store> store_;
};

// ---- Films -------------------------------------------------------------------------------

TEST_P(StoreContractTest, FilmRoundTripsEveryFieldAndQuotesInOrder) {
  Film film;
  film.slug = "salt-road";
  film.title = "The Salt Road";
  film.air_date = "2011-07-12";
  film.runtime_minutes = 54;
  film.synopsis = "Caravans cross the desert.\nA second paragraph.";
  film.credits = "Director: Ana Ruiz\nProducer: Tom Ng";
  film.poster = "2011/07/poster.jpg";
  film.position = 3;
  film.press_quotes = {{"Stunning.", "The Daily Chronicle"},
                       {"A quiet marvel.", "Film Weekly"},
                       {"Unmissable.", "Radio 4"}};
  film.id = must(store().save_film(film));
  EXPECT_GT(film.id, 0);
  EXPECT_EQ(dump(must(store().film_by_id(film.id))), dump(film));
  EXPECT_EQ(dump(must(store().film_by_slug("salt-road"))), dump(film));
}

TEST_P(StoreContractTest, FilmSavedWithItsIdIsReplacedQuotesIncluded) {
  Film film;
  film.slug = "salt-road";
  film.title = "The Salt Road";
  film.press_quotes = {{"One.", "A"}, {"Two.", "B"}};
  film.id = must(store().save_film(film));

  film.title = "The Salt Road (director's cut)";
  film.press_quotes = {{"Three.", "C"}};
  EXPECT_EQ(must(store().save_film(film)), film.id);
  EXPECT_EQ(dump(must(store().film_by_id(film.id))), dump(film));
  EXPECT_EQ(must(store().films()).size(), 1u);
}

TEST_P(StoreContractTest, FilmsAreListedByPositionThenId) {
  const Id third = save_film("c", 2);
  const Id first = save_film("a", 1);
  const Id second = save_film("b", 1);
  std::vector<Film> films = must(store().films());
  EXPECT_EQ(ids_of(films), (std::vector<Id>{first, second, third}));
}

TEST_P(StoreContractTest, FilmsListCarriesPressQuotes) {
  Film film;
  film.slug = "quoted";
  film.press_quotes = {{"One.", "A"}, {"Two.", "B"}};
  film.id = must(store().save_film(film));
  save_film("unquoted");
  std::vector<Film> films = must(store().films());
  ASSERT_EQ(films.size(), 2u);
  EXPECT_EQ(dump(films[0]), dump(film));
  EXPECT_TRUE(films[1].press_quotes.empty());
}

TEST_P(StoreContractTest, FilmMissesAreNotFound) {
  expect_error(store().film_by_id(404), ErrorCode::kNotFound);
  expect_error(store().film_by_slug("nothing"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, FilmSlugsAreUnique) {
  save_film("salt-road");
  Film twin;
  twin.slug = "salt-road";
  expect_error(store().save_film(twin), ErrorCode::kConflict);
  EXPECT_EQ(must(store().films()).size(), 1u);
}

// ---- Categories and tags -----------------------------------------------------------------

TEST_P(StoreContractTest, CategoryRoundTripsWithItsParent) {
  const Id episodes = save_category("episodes");
  Category region;
  region.parent_id = episodes;
  region.slug = "asia";
  region.name = "Asia";
  region.description = "Films shot in Asia.";
  region.id = must(store().save_category(region));
  EXPECT_EQ(dump(must(store().category_by_id(region.id))), dump(region));

  region.name = "Asia & Pacific";
  EXPECT_EQ(must(store().save_category(region)), region.id);
  EXPECT_EQ(dump(must(store().category_by_id(region.id))), dump(region));
}

TEST_P(StoreContractTest, CategoriesAreListedById) {
  const Id a = save_category("a");
  const Id b = save_category("b", a);
  const Id c = save_category("c");
  EXPECT_EQ(ids_of(must(store().categories())), (std::vector<Id>{a, b, c}));
}

TEST_P(StoreContractTest, CategorySlugIsUniqueAmongSiblingsOnly) {
  const Id episodes = save_category("episodes");
  const Id shorts = save_category("shorts");
  save_category("asia", episodes);
  save_category("asia", shorts);  // Same slug, other parent: fine.

  Category sibling;
  sibling.slug = "asia";
  sibling.parent_id = episodes;
  expect_error(store().save_category(sibling), ErrorCode::kConflict);
  Category top_level;
  top_level.slug = "episodes";
  expect_error(store().save_category(top_level), ErrorCode::kConflict);
  EXPECT_EQ(must(store().categories()).size(), 4u);
}

TEST_P(StoreContractTest, CategoryMissIsNotFound) {
  expect_error(store().category_by_id(404), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, TagRoundTripsByIdAndSlug) {
  Tag tag{0, "migration", "Migration"};
  tag.id = must(store().save_tag(tag));
  EXPECT_EQ(dump(must(store().tag_by_id(tag.id))), dump(tag));
  EXPECT_EQ(dump(must(store().tag_by_slug("migration"))), dump(tag));

  tag.name = "Human migration";
  EXPECT_EQ(must(store().save_tag(tag)), tag.id);
  EXPECT_EQ(dump(must(store().tag_by_slug("migration"))), dump(tag));
}

TEST_P(StoreContractTest, TagsAreListedByName) {
  const Id z = must(store().save_tag(Tag{0, "a", "Zebra"}));
  const Id a = must(store().save_tag(Tag{0, "b", "Antelope"}));
  const Id m = must(store().save_tag(Tag{0, "c", "Mole"}));
  EXPECT_EQ(ids_of(must(store().tags())), (std::vector<Id>{a, m, z}));
}

TEST_P(StoreContractTest, TagSlugsAreUniqueAndMissesAreNotFound) {
  save_tag("salt");
  expect_error(store().save_tag(Tag{0, "salt", "Salt again"}), ErrorCode::kConflict);
  expect_error(store().tag_by_id(404), ErrorCode::kNotFound);
  expect_error(store().tag_by_slug("pepper"), ErrorCode::kNotFound);
}

// ---- Entries -----------------------------------------------------------------------------

TEST_P(StoreContractTest, EntryRoundTripsEveryField) {
  const Id author = save_user("ana");
  const Id film = save_film("salt-road");
  const Id parent = must(store().save_entry(page("about", std::nullopt, 0)));
  const Id episodes = save_category("episodes");
  const Id asia = save_category("asia", episodes);
  const Id salt = save_tag("salt");
  const Id trade = save_tag("trade");
  const Id first_org =
      save_organization("Water for All", ModerationStatus::kApproved, std::nullopt, kAired);
  const Id second_org =
      save_organization("Desert Doctors", ModerationStatus::kApproved, std::nullopt, kAired);

  Entry entry;
  entry.slug = "caf%C3%A9-stories";
  entry.title = "Caf\xC3\xA9 stories: \"quotes\", 'apostrophes'; DROP TABLE entries; --";
  entry.kicker = "The Salt Road";
  entry.kind = EntryKind::kIntroduction;
  entry.status = EntryStatus::kPublished;
  entry.password = "open sesame";
  entry.body_format = content::BodyFormat::kHtml;
  entry.body = "<p>Body</p>";
  entry.body_html = "<p>Body</p>";
  entry.excerpt = "A summary.";
  entry.published_at = kAired;
  entry.modified_at = kAired + kDay;
  entry.author_id = author;
  entry.film_id = film;
  entry.parent_id = parent;
  entry.menu_order = 7;
  entry.sticky = true;
  entry.comments_open = false;
  entry.pings_open = true;
  entry.category_ids = {asia, episodes};  // The primary one first, whatever its id.
  entry.tag_ids = {trade, salt};
  entry.sections = {{"About the Film", "**Film**", "<p><strong>Film</strong></p>"},
                    {"About the Issue", "Issue", "<p>Issue</p>"}};
  entry.organization_ids = {second_org, first_org};
  entry.id = must(store().save_entry(entry));
  EXPECT_GT(entry.id, 0);
  EXPECT_EQ(dump(must(store().entry_by_id(entry.id))), dump(entry));
}

TEST_P(StoreContractTest, EveryKindStatusAndFormatRoundTrips) {
  const std::vector<EntryStatus> statuses = {EntryStatus::kDraft, EntryStatus::kScheduled,
                                             EntryStatus::kPublished, EntryStatus::kPrivate,
                                             EntryStatus::kTrash};
  int n = 0;
  for (EntryKind kind : content::all_entry_kinds()) {
    for (EntryStatus status : statuses) {
      for (auto format : {content::BodyFormat::kMarkdown, content::BodyFormat::kHtml}) {
        Entry entry = article("e" + std::to_string(++n), kAired);
        entry.kind = kind;
        entry.status = status;
        entry.body_format = format;
        entry.id = must(store().save_entry(entry));
        EXPECT_EQ(dump(must(store().entry_by_id(entry.id))), dump(entry));
      }
    }
  }
}

TEST_P(StoreContractTest, EntryIdsAreAssignedOrKept) {
  const Id first = must(store().save_entry(article("first", kAired)));
  const Id second = must(store().save_entry(article("second", kAired)));
  EXPECT_GT(first, 0);
  EXPECT_NE(first, second);

  // An import keeps the WordPress id, so ?p=4990 and permalinks ending in 4990 still work.
  Entry imported = article("imported", kAired);
  imported.id = 4990;
  EXPECT_EQ(must(store().save_entry(imported)), 4990);
  EXPECT_EQ(must(store().entry_by_id(4990)).slug, "imported");

  // A new entry after an import never takes an id in use.
  const Id next = must(store().save_entry(article("next", kAired)));
  EXPECT_NE(next, 4990);
  EXPECT_NE(next, first);
  EXPECT_NE(next, second);
}

TEST_P(StoreContractTest, EntrySavedWithItsIdIsReplacedRelationsIncluded) {
  const Id a = save_category("a");
  const Id b = save_category("b");
  const Id tag = save_tag("t");
  Entry entry = article("story", kAired);
  entry.category_ids = {a, b};
  entry.tag_ids = {tag};
  entry.sections = {{"One", "1", "<p>1</p>"}, {"Two", "2", "<p>2</p>"}};
  entry.id = must(store().save_entry(entry));

  entry.title = "Retitled";
  entry.category_ids = {b};
  entry.tag_ids = {};
  entry.sections = {{"Three", "3", "<p>3</p>"}};
  EXPECT_EQ(must(store().save_entry(entry)), entry.id);
  EXPECT_EQ(dump(must(store().entry_by_id(entry.id))), dump(entry));
}

TEST_P(StoreContractTest, ReplacingAnEntryKeepsItsComments) {
  const Id entry_id = must(store().save_entry(article("story", kAired)));
  save_comment(entry_id, ModerationStatus::kApproved, kAired);
  Entry edited = must(store().entry_by_id(entry_id));
  edited.title = "Edited";
  must(store().save_entry(edited));
  EXPECT_EQ(must(store().approved_comment_count(entry_id)), 1);
}

TEST_P(StoreContractTest, EntryMissIsNotFound) {
  expect_error(store().entry_by_id(404), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, EntriesBySlugFindsEveryKindAndStatus) {
  Entry post = article("about", kAired);
  Entry draft = article("about", kAired);
  draft.status = EntryStatus::kDraft;
  const Id post_id = must(store().save_entry(post));
  const Id page_id = must(store().save_entry(page("about", std::nullopt, 0)));
  const Id draft_id = must(store().save_entry(draft));
  must(store().save_entry(article("other", kAired)));

  const std::vector<Id> found = ids(must(store().entries_by_slug("about")));
  const std::set<Id> found_ids(found.begin(), found.end());
  EXPECT_EQ(found_ids, (std::set<Id>{post_id, page_id, draft_id}));
  expect_error(store().entries_by_slug("nothing"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, EntryReferringToAMissingCategoryIsRefused) {
  Entry entry = article("orphan", kAired);
  entry.category_ids = {404};
  expect_error(store().save_entry(entry), ErrorCode::kInvalidArgument);
  expect_error(store().entries_by_slug("orphan"), ErrorCode::kNotFound);
}

// ---- Listing entries ---------------------------------------------------------------------

TEST_P(StoreContractTest, DefaultListingIsPublishedNonPagesNewestFirst) {
  const Id old_post = must(store().save_entry(article("old", kAired)));
  const Id new_post = must(store().save_entry(article("new", kAired + kDay)));
  Entry video = article("video", kAired + 2 * kDay);
  video.kind = EntryKind::kVideo;
  const Id video_id = must(store().save_entry(video));
  must(store().save_entry(page("about", std::nullopt, 0)));
  Entry draft = article("draft", kAired + 3 * kDay);
  draft.status = EntryStatus::kDraft;
  must(store().save_entry(draft));

  EntryList list = must(store().list_entries(EntryQuery{}));
  EXPECT_EQ(ids(list.entries), (std::vector<Id>{video_id, new_post, old_post}));
  EXPECT_EQ(list.total, 3);
}

TEST_P(StoreContractTest, ListingFiltersByKindsAndStatuses) {
  const Id post = must(store().save_entry(article("post", kAired)));
  Entry video = article("video", kAired + kDay);
  video.kind = EntryKind::kVideo;
  const Id video_id = must(store().save_entry(video));
  const Id page_id = must(store().save_entry(page("about", std::nullopt, 0)));
  Entry draft = article("draft", kAired + 2 * kDay);
  draft.status = EntryStatus::kDraft;
  const Id draft_id = must(store().save_entry(draft));

  EntryQuery videos;
  videos.kinds = {EntryKind::kVideo};
  EXPECT_EQ(listed(videos), (std::vector<Id>{video_id}));

  EntryQuery pages;
  pages.kinds = {EntryKind::kPage};
  EXPECT_EQ(listed(pages), (std::vector<Id>{page_id}));

  EntryQuery drafts_and_published;
  drafts_and_published.statuses = {EntryStatus::kDraft, EntryStatus::kPublished};
  drafts_and_published.kinds = {EntryKind::kArticle};
  EXPECT_EQ(listed(drafts_and_published), (std::vector<Id>{draft_id, post}));
}

TEST_P(StoreContractTest, CategoryListingIncludesDescendants) {
  const Id episodes = save_category("episodes");
  const Id by_region = save_category("by-region", episodes);
  const Id asia = save_category("asia", by_region);
  const Id shorts = save_category("shorts");

  Entry in_root = article("in-root", kAired);
  in_root.category_ids = {episodes};
  Entry in_grandchild = article("in-grandchild", kAired + kDay);
  in_grandchild.category_ids = {asia};
  Entry in_two = article("in-two", kAired + 2 * kDay);  // Twice in the tree: listed once.
  in_two.category_ids = {asia, by_region};
  Entry elsewhere = article("elsewhere", kAired + 3 * kDay);
  elsewhere.category_ids = {shorts};
  const Id root_id = must(store().save_entry(in_root));
  const Id grandchild_id = must(store().save_entry(in_grandchild));
  const Id two_id = must(store().save_entry(in_two));
  must(store().save_entry(elsewhere));

  EntryQuery query;
  query.category_id = episodes;
  EntryList list = must(store().list_entries(query));
  EXPECT_EQ(ids(list.entries), (std::vector<Id>{two_id, grandchild_id, root_id}));
  EXPECT_EQ(list.total, 3);

  query.category_id = asia;
  EXPECT_EQ(listed(query), (std::vector<Id>{two_id, grandchild_id}));
}

TEST_P(StoreContractTest, ListingFiltersByTagFilmAndAuthor) {
  const Id salt = save_tag("salt");
  const Id film = save_film("salt-road");
  const Id ana = save_user("ana");
  Entry tagged = article("tagged", kAired);
  tagged.tag_ids = {salt};
  Entry of_film = article("of-film", kAired);
  of_film.film_id = film;
  Entry by_ana = article("by-ana", kAired);
  by_ana.author_id = ana;
  const Id tagged_id = must(store().save_entry(tagged));
  const Id film_id = must(store().save_entry(of_film));
  const Id ana_id = must(store().save_entry(by_ana));
  must(store().save_entry(article("plain", kAired)));

  EntryQuery query;
  query.tag_id = salt;
  EXPECT_EQ(listed(query), (std::vector<Id>{tagged_id}));
  query = EntryQuery{};
  query.film_id = film;
  EXPECT_EQ(listed(query), (std::vector<Id>{film_id}));
  query = EntryQuery{};
  query.author_id = ana;
  EXPECT_EQ(listed(query), (std::vector<Id>{ana_id}));
}

TEST_P(StoreContractTest, PublishedRangeIsInclusiveThenExclusive) {
  const Id before = must(store().save_entry(article("before", kAired - 1)));
  const Id at_start = must(store().save_entry(article("at-start", kAired)));
  const Id inside = must(store().save_entry(article("inside", kAired + kDay)));
  const Id at_end = must(store().save_entry(article("at-end", kAired + 2 * kDay)));

  EntryQuery query;
  query.published_from = kAired;
  query.published_until = kAired + 2 * kDay;
  EXPECT_EQ(listed(query), (std::vector<Id>{inside, at_start}));
  query.published_from.reset();
  EXPECT_EQ(listed(query), (std::vector<Id>{inside, at_start, before}));
  query.published_until.reset();
  query.published_from = kAired + kDay;
  EXPECT_EQ(listed(query), (std::vector<Id>{at_end, inside}));
}

TEST_P(StoreContractTest, OldestFirstReversesTheOrder) {
  const Id a = must(store().save_entry(article("a", kAired)));
  const Id b = must(store().save_entry(article("b", kAired + kDay)));
  const Id c = must(store().save_entry(article("c", kAired + 2 * kDay)));
  EntryQuery query;
  query.oldest_first = true;
  EXPECT_EQ(listed(query), (std::vector<Id>{a, b, c}));
}

TEST_P(StoreContractTest, StickyEntriesLeadOnlyWhenAsked) {
  const Id old_sticky = [&] {
    Entry entry = article("old-sticky", kAired);
    entry.sticky = true;
    return must(store().save_entry(entry));
  }();
  const Id older_sticky = [&] {
    Entry entry = article("older-sticky", kAired - kDay);
    entry.sticky = true;
    return must(store().save_entry(entry));
  }();
  const Id newest = must(store().save_entry(article("newest", kAired + 2 * kDay)));
  const Id newer = must(store().save_entry(article("newer", kAired + kDay)));

  EntryQuery query;
  EXPECT_EQ(listed(query), (std::vector<Id>{newest, newer, old_sticky, older_sticky}));
  query.sticky_first = true;
  EXPECT_EQ(listed(query), (std::vector<Id>{old_sticky, older_sticky, newest, newer}));
}

TEST_P(StoreContractTest, PagesOfAListingAddUpToTheTotal) {
  std::vector<Id> all;
  for (int i = 0; i < 25; ++i) {
    // Pairs share a time, so paging must order ties consistently to skip or repeat nothing.
    all.push_back(must(store().save_entry(article("e" + std::to_string(i), kAired + i / 2))));
  }
  EntryQuery query;
  query.limit = 10;
  std::vector<Id> seen;
  for (int offset = 0; offset < 30; offset += 10) {
    query.offset = offset;
    EntryList list = must(store().list_entries(query));
    EXPECT_EQ(list.total, 25);
    EXPECT_EQ(list.entries.size(), offset < 20 ? 10u : 5u);
    for (const Entry& entry : list.entries) seen.push_back(entry.id);
  }
  EXPECT_EQ(std::set<Id>(seen.begin(), seen.end()).size(), 25u);
  EXPECT_EQ(seen.size(), 25u);

  query.offset = 40;
  EntryList past_the_end = must(store().list_entries(query));
  EXPECT_TRUE(past_the_end.entries.empty());
  EXPECT_EQ(past_the_end.total, 25);

  query.offset = 0;
  query.limit = 0;
  EntryList count_only = must(store().list_entries(query));
  EXPECT_TRUE(count_only.entries.empty());
  EXPECT_EQ(count_only.total, 25);
}

TEST_P(StoreContractTest, ListedEntriesAreWhole) {
  const Id category = save_category("c");
  const Id tag = save_tag("t");
  Entry entry = article("whole", kAired);
  entry.category_ids = {category};
  entry.tag_ids = {tag};
  entry.sections = {{"Heading", "Body", "<p>Body</p>"}};
  entry.id = must(store().save_entry(entry));
  EntryList list = must(store().list_entries(EntryQuery{}));
  ASSERT_EQ(list.entries.size(), 1u);
  EXPECT_EQ(dump(list.entries[0]), dump(entry));
}

TEST_P(StoreContractTest, ChildPagesAreOrderedByMenuOrderThenTitle) {
  Entry b_page = page("b", std::nullopt, 1);
  b_page.title = "B";
  Entry a_page = page("a", std::nullopt, 1);
  a_page.title = "A";
  const Id b = must(store().save_entry(b_page));
  const Id a = must(store().save_entry(a_page));
  const Id first = must(store().save_entry(page("first", std::nullopt, 0)));
  const Id child = must(store().save_entry(page("child", first, 0)));
  Entry draft = page("draft", std::nullopt, 0);
  draft.status = EntryStatus::kDraft;
  const Id draft_id = must(store().save_entry(draft));
  must(store().save_entry(article("not-a-page", kAired)));

  EXPECT_EQ(ids(must(store().child_pages(std::nullopt, EntryStatus::kPublished))),
            (std::vector<Id>{first, a, b}));
  EXPECT_EQ(ids(must(store().child_pages(first, EntryStatus::kPublished))),
            (std::vector<Id>{child}));
  EXPECT_EQ(ids(must(store().child_pages(std::nullopt, EntryStatus::kDraft))),
            (std::vector<Id>{draft_id}));
  EXPECT_TRUE(must(store().child_pages(child, EntryStatus::kPublished)).empty());
  expect_error(store().child_pages(404, EntryStatus::kPublished), ErrorCode::kNotFound);
}

// ---- Organizations -----------------------------------------------------------------------

TEST_P(StoreContractTest, OrganizationRoundTripsEveryField) {
  const Id entry_id = must(store().save_entry(article("help", kAired)));
  Organization org;
  org.name = "Water for All";
  org.description = "Wells in the Sahel.";
  org.url = "https://water.example.org/";
  org.region = "West Africa";
  org.focus = "Water";
  org.status = ModerationStatus::kPending;
  org.suggested_for_entry_id = entry_id;
  org.created_at = kAired;
  org.id = must(store().save_organization(org));
  EXPECT_EQ(dump(must(store().organization_by_id(org.id))), dump(org));

  org.status = ModerationStatus::kApproved;
  EXPECT_EQ(must(store().save_organization(org)), org.id);
  EXPECT_EQ(dump(must(store().organization_by_id(org.id))), dump(org));
  expect_error(store().organization_by_id(404), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, OrganizationsForEntryAreListedOnesThenApprovedSuggestions) {
  const Id listed_b = save_organization("B", ModerationStatus::kApproved, std::nullopt, kAired);
  const Id listed_a = save_organization("A", ModerationStatus::kApproved, std::nullopt, kAired);
  Entry entry = article("help", kAired);
  entry.kind = EntryKind::kOrganizations;
  entry.organization_ids = {listed_b, listed_a};
  entry.id = must(store().save_entry(entry));
  const Id other_entry = must(store().save_entry(article("other", kAired)));

  const Id later = save_organization("Later", ModerationStatus::kApproved, entry.id, kAired + 2);
  const Id sooner = save_organization("Sooner", ModerationStatus::kApproved, entry.id, kAired + 1);
  save_organization("Pending", ModerationStatus::kPending, entry.id, kAired);
  save_organization("Spam", ModerationStatus::kSpam, entry.id, kAired);
  save_organization("Elsewhere", ModerationStatus::kApproved, other_entry, kAired);

  // Listed by the editors and also suggested: shown once, in the editors' place.
  const Id both = save_organization("Both", ModerationStatus::kApproved, entry.id, kAired);
  entry.organization_ids.push_back(both);
  must(store().save_entry(entry));

  EXPECT_EQ(ids_of(must(store().organizations_for_entry(entry.id))),
            (std::vector<Id>{listed_b, listed_a, both, sooner, later}));
  expect_error(store().organizations_for_entry(404), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, OrganizationsWithStatusAreNewestFirst) {
  const Id old_pending = save_organization("Old", ModerationStatus::kPending, std::nullopt, kAired);
  const Id new_pending =
      save_organization("New", ModerationStatus::kPending, std::nullopt, kAired + 1);
  const Id approved = save_organization("Ok", ModerationStatus::kApproved, std::nullopt, kAired);
  EXPECT_EQ(ids_of(must(store().organizations_with_status(ModerationStatus::kPending))),
            (std::vector<Id>{new_pending, old_pending}));
  EXPECT_EQ(ids_of(must(store().organizations_with_status(ModerationStatus::kApproved))),
            (std::vector<Id>{approved}));
  EXPECT_TRUE(must(store().organizations_with_status(ModerationStatus::kTrash)).empty());
}

// ---- Comments ----------------------------------------------------------------------------

TEST_P(StoreContractTest, CommentRoundTripsEveryField) {
  const Id entry_id = must(store().save_entry(article("story", kAired)));
  const Id parent = save_comment(entry_id, ModerationStatus::kApproved, kAired);
  Comment comment;
  comment.entry_id = entry_id;
  comment.parent_id = parent;
  comment.author_name =
      "Mar\xC3\xAD"
      "a";
  comment.author_email = "maria@example.org";
  comment.author_url = "https://maria.example.org/";
  comment.body_html = "<p>I walked that road in 1998.</p>";
  comment.status = ModerationStatus::kPending;
  comment.created_at = kAired + 60;
  comment.id = must(store().save_comment(comment));
  EXPECT_EQ(dump(must(store().comment_by_id(comment.id))), dump(comment));

  comment.body_html = "<p>Edited.</p>";
  EXPECT_EQ(must(store().save_comment(comment)), comment.id);
  EXPECT_EQ(dump(must(store().comment_by_id(comment.id))), dump(comment));
  expect_error(store().comment_by_id(404), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, CommentsForEntryAreOldestFirstByStatus) {
  const Id entry_id = must(store().save_entry(article("story", kAired)));
  const Id other = must(store().save_entry(article("other", kAired)));
  const Id second = save_comment(entry_id, ModerationStatus::kApproved, kAired + 20);
  const Id first = save_comment(entry_id, ModerationStatus::kApproved, kAired + 10);
  const Id pending = save_comment(entry_id, ModerationStatus::kPending, kAired + 5);
  save_comment(other, ModerationStatus::kApproved, kAired);

  EXPECT_EQ(ids_of(must(store().comments_for_entry(entry_id, ModerationStatus::kApproved))),
            (std::vector<Id>{first, second}));
  EXPECT_EQ(ids_of(must(store().comments_for_entry(entry_id, ModerationStatus::kPending))),
            (std::vector<Id>{pending}));
  EXPECT_TRUE(must(store().comments_for_entry(entry_id, ModerationStatus::kSpam)).empty());
  expect_error(store().comments_for_entry(404, ModerationStatus::kApproved), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, CommentsWithStatusAreNewestFirstUpToTheLimit) {
  const Id a = must(store().save_entry(article("a", kAired)));
  const Id b = must(store().save_entry(article("b", kAired)));
  const Id oldest = save_comment(a, ModerationStatus::kPending, kAired + 1);
  const Id middle = save_comment(b, ModerationStatus::kPending, kAired + 2);
  const Id newest = save_comment(a, ModerationStatus::kPending, kAired + 3);
  save_comment(a, ModerationStatus::kApproved, kAired + 4);

  EXPECT_EQ(ids_of(must(store().comments_with_status(ModerationStatus::kPending, 10))),
            (std::vector<Id>{newest, middle, oldest}));
  EXPECT_EQ(ids_of(must(store().comments_with_status(ModerationStatus::kPending, 2))),
            (std::vector<Id>{newest, middle}));
}

TEST_P(StoreContractTest, CommentStatusChangesMoveItBetweenListsAndCounts) {
  const Id entry_id = must(store().save_entry(article("story", kAired)));
  const Id comment = save_comment(entry_id, ModerationStatus::kPending, kAired);
  save_comment(entry_id, ModerationStatus::kApproved, kAired);
  EXPECT_EQ(must(store().approved_comment_count(entry_id)), 1);

  must(store().set_comment_status(comment, ModerationStatus::kApproved));
  EXPECT_EQ(must(store().comment_by_id(comment)).status, ModerationStatus::kApproved);
  EXPECT_EQ(must(store().approved_comment_count(entry_id)), 2);
  EXPECT_TRUE(must(store().comments_for_entry(entry_id, ModerationStatus::kPending)).empty());

  must(store().set_comment_status(comment, ModerationStatus::kSpam));
  EXPECT_EQ(must(store().approved_comment_count(entry_id)), 1);
  EXPECT_EQ(ids_of(must(store().comments_with_status(ModerationStatus::kSpam, 10))),
            (std::vector<Id>{comment}));

  expect_error(store().set_comment_status(404, ModerationStatus::kTrash), ErrorCode::kNotFound);
  expect_error(store().approved_comment_count(404), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, CommentOnAMissingEntryIsRefused) {
  Comment comment;
  comment.entry_id = 404;
  comment.author_name = "Nobody";
  comment.created_at = kAired;
  expect_error(store().save_comment(comment), ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, ReplyToACommentOfAnotherEntryIsRefused) {
  const Id a = must(store().save_entry(article("a", kAired)));
  const Id b = must(store().save_entry(article("b", kAired)));
  const Id on_a = save_comment(a, ModerationStatus::kApproved, kAired);
  Comment reply;
  reply.entry_id = b;
  reply.parent_id = on_a;
  reply.author_name = "Confused";
  reply.created_at = kAired;
  expect_error(store().save_comment(reply), ErrorCode::kInvalidArgument);
}

// A reader's comment is saved inside a group commit's transaction, in a savepoint of its own:
// one that fails after saving is undone alone, and the ids returned are the saved rows'.
TEST_P(StoreContractTest, ACommentSavedInAFailedNestedTransactionIsUndoneAlone) {
  const Id entry = must(store().save_entry(article("a", kAired)));
  Id first = 0;
  Id undone = 0;
  Id last = 0;
  must(store().transaction([&]() -> Status {
    first = save_comment(entry, ModerationStatus::kPending, kAired);
    Status inner = store().transaction([&]() -> Status {
      undone = save_comment(entry, ModerationStatus::kPending, kAired + 1);
      return util::fail(ErrorCode::kInvalidArgument, "refused after saving");
    });
    EXPECT_FALSE(inner);
    last = save_comment(entry, ModerationStatus::kPending, kAired + 2);
    return {};
  }));
  EXPECT_EQ(must(store().comment_by_id(first)).created_at, kAired);
  EXPECT_EQ(must(store().comment_by_id(last)).created_at, kAired + 2);
  // The undone comment's id may be given again: it was never committed.
  if (undone != last) expect_error(store().comment_by_id(undone), ErrorCode::kNotFound);
  EXPECT_EQ(must(store().comments_for_entry(entry, ModerationStatus::kPending)).size(), 2u);
}

// ---- Users -------------------------------------------------------------------------------

TEST_P(StoreContractTest, UserRoundTripsByIdAndLogin) {
  User user;
  user.login = "ana";
  user.display_name = "Ana Ruiz";
  user.email = "ana@example.org";
  user.role = content::Role::kEditor;
  user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  user.created_at = kAired;
  user.id = must(store().save_user(user));
  EXPECT_EQ(dump(must(store().user_by_id(user.id))), dump(user));
  EXPECT_EQ(dump(must(store().user_by_login("ana"))), dump(user));

  user.role = content::Role::kAdministrator;
  EXPECT_EQ(must(store().save_user(user)), user.id);
  EXPECT_EQ(dump(must(store().user_by_login("ana"))), dump(user));
  expect_error(store().user_by_id(404), ErrorCode::kNotFound);
  expect_error(store().user_by_login("nobody"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, UsersAreListedByLogin) {
  const Id zoe = save_user("zoe");
  const Id ana = save_user("ana");
  const Id max = save_user("max");
  EXPECT_EQ(ids_of(must(store().users())), (std::vector<Id>{ana, max, zoe}));
}

TEST_P(StoreContractTest, LoginsAreUnique) {
  save_user("ana");
  const Id max = save_user("max");
  User twin;
  twin.login = "ana";
  expect_error(store().save_user(twin), ErrorCode::kConflict);
  User renamed = must(store().user_by_id(max));
  renamed.login = "ana";
  expect_error(store().save_user(renamed), ErrorCode::kConflict);
  EXPECT_EQ(must(store().user_by_id(max)).login, "max");
}

TEST_P(StoreContractTest, RemovedUserIsGoneAndTheirEntriesStay) {
  const Id ana = save_user("ana");
  Entry entry = article("by-ana", kAired);
  entry.author_id = ana;
  entry.id = must(store().save_entry(entry));

  must(store().remove_user(ana));
  expect_error(store().user_by_id(ana), ErrorCode::kNotFound);
  expect_error(store().user_by_login("ana"), ErrorCode::kNotFound);
  EXPECT_FALSE(must(store().entry_by_id(entry.id)).author_id.has_value());
  expect_error(store().remove_user(ana), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, RemovedRedirectIsGone) {
  content::Redirect r;
  r.from_path = "/old/";
  r.to_path = "/new/";
  must(store().save_redirect(r));
  const std::int64_t before = must(store().change_counter());
  must(store().remove_redirect("/old/"));
  expect_error(store().redirect_from("/old/"), ErrorCode::kNotFound);
  expect_error(store().remove_redirect("/old/"), ErrorCode::kNotFound);
  EXPECT_GT(must(store().change_counter()), before);
}

// ---- The admin: sessions, failed sign-ins, revisions, scheduled entries -------------------

TEST_P(StoreContractTest, SessionRoundTripsByHashAndEnds) {
  const Id ana = save_user("ana");
  content::Session session;
  session.token_hash = std::string("\x00\x01hash\xff", 7);  // Bytes, not text.
  session.user_id = ana;
  session.csrf_token = "csrf";
  session.created_at = kAired;
  session.last_seen = kAired + 60;
  must(store().save_session(session));
  content::Session read = must(store().session_by_hash(session.token_hash));
  EXPECT_EQ(read.token_hash, session.token_hash);
  EXPECT_EQ(read.user_id, ana);
  EXPECT_EQ(read.csrf_token, "csrf");
  EXPECT_EQ(read.created_at, kAired);
  EXPECT_EQ(read.last_seen, kAired + 60);

  session.last_seen = kAired + 600;
  must(store().save_session(session));
  EXPECT_EQ(must(store().session_by_hash(session.token_hash)).last_seen, kAired + 600);

  must(store().remove_session(session.token_hash));
  expect_error(store().session_by_hash(session.token_hash), ErrorCode::kNotFound);
  must(store().remove_session(session.token_hash));  // A second sign-out is no error.

  content::Session orphan = session;
  orphan.user_id = 404;
  expect_error(store().save_session(orphan), ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, SessionsEndWithTheirUserAndWhenIdleOrOld) {
  const Id ana = save_user("ana");
  const Id max = save_user("max");
  auto open = [&](std::string hash, Id user, util::UnixTime created, util::UnixTime seen) {
    content::Session s;
    s.token_hash = std::move(hash);
    s.user_id = user;
    s.csrf_token = "c";
    s.created_at = created;
    s.last_seen = seen;
    must(store().save_session(s));
  };
  open("ana-1", ana, kAired, kAired + 100);
  open("ana-2", ana, kAired, kAired + 100);
  open("max-idle", max, kAired, kAired + 10);
  open("max-old", max, kAired - 50, kAired + 100);
  open("max-ok", max, kAired, kAired + 100);
  must(store().remove_sessions(ana, kAired + 50, kAired - 10));
  expect_error(store().session_by_hash("ana-1"), ErrorCode::kNotFound);
  expect_error(store().session_by_hash("ana-2"), ErrorCode::kNotFound);
  expect_error(store().session_by_hash("max-idle"), ErrorCode::kNotFound);
  expect_error(store().session_by_hash("max-old"), ErrorCode::kNotFound);
  EXPECT_EQ(must(store().session_by_hash("max-ok")).user_id, max);

  must(store().remove_user(max));
  expect_error(store().session_by_hash("max-ok"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, AdminStateMovesNoChangeCounter) {
  const Id ana = save_user("ana");
  const Id entry = must(store().save_entry(article("story", kAired)));
  const std::int64_t before = must(store().change_counter());
  content::Session session;
  session.token_hash = "h";
  session.user_id = ana;
  session.csrf_token = "c";
  must(store().save_session(session));
  must(store().record_sign_in_failure("ana", "client", kAired));
  content::Revision revision;
  revision.entry_id = entry;
  revision.data = "{}";
  must(store().save_revision(revision));
  EXPECT_EQ(must(store().change_counter()), before);
}

TEST_P(StoreContractTest, SignInFailuresAreCountedPerLoginAndPerClientAndForgottenAfterADay) {
  const std::string laptop("\x01\x00\xff", 3);  // Client keys are bytes, NUL included.
  const std::string phone("\x01\x00\xfe", 3);
  must(store().record_sign_in_failure("ana", laptop, kAired - 86400 - 100));
  must(store().record_sign_in_failure("ana", laptop, kAired - 3600));
  must(store().record_sign_in_failure("ana", phone, kAired - 10));
  must(store().record_sign_in_failure("nobody", laptop, kAired - 20));

  SignInFailures ana = must(store().sign_in_failures_of_login("ana", kAired - 3600));
  EXPECT_EQ(ana.count, 2);
  EXPECT_EQ(ana.latest, kAired - 10);
  EXPECT_EQ(must(store().sign_in_failures_of_login("ana", kAired - 5)).count, 0);
  EXPECT_EQ(must(store().sign_in_failures_of_login("ana", kAired - 5)).latest, 0);
  EXPECT_EQ(must(store().sign_in_failures_of_login("nobody", 0)).count, 1);

  SignInFailures from_laptop = must(store().sign_in_failures_of_client(laptop, 0));
  EXPECT_EQ(from_laptop.count, 2);  // The day-old one went when the later ones were recorded.
  EXPECT_EQ(from_laptop.latest, kAired - 20);
  EXPECT_EQ(must(store().sign_in_failures_of_client(phone, 0)).count, 1);
  EXPECT_EQ(must(store().sign_in_failures_of_client(std::string("\x01", 1), 0)).count, 0);
  EXPECT_EQ(must(store().sign_in_failures_of_login("ana", 0)).count, 2);
}

TEST_P(StoreContractTest, RevisionsAreListedNewestFirstAndGoWithTheirEntry) {
  const Id ana = save_user("ana");
  const Id entry = must(store().save_entry(article("story", kAired)));
  content::Revision first;
  first.entry_id = entry;
  first.user_id = ana;
  first.saved_at = kAired;
  first.title = "Story";
  first.data = "{\"title\":\"Story\"}";
  first.id = must(store().save_revision(first));
  content::Revision second = first;
  second.id = 0;
  second.title = "Story, edited";
  second.id = must(store().save_revision(second));
  auto list = must(store().revisions_of(entry));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, second.id);
  EXPECT_EQ(list[1].title, "Story");
  content::Revision read = must(store().revision_by_id(first.id));
  EXPECT_EQ(read.data, first.data);
  EXPECT_EQ(read.user_id, std::optional<Id>(ana));
  EXPECT_EQ(read.saved_at, kAired);
  expect_error(store().revision_by_id(404), ErrorCode::kNotFound);

  content::Revision stray = first;
  stray.id = 0;
  stray.entry_id = 404;
  expect_error(store().save_revision(stray), ErrorCode::kInvalidArgument);

  must(store().remove_user(ana));
  EXPECT_FALSE(must(store().revision_by_id(first.id)).user_id.has_value());
}

TEST_P(StoreContractTest, DueScheduledEntriesArePublished) {
  Entry soon = article("soon", kAired + 60);
  soon.status = content::EntryStatus::kScheduled;
  soon.id = must(store().save_entry(soon));
  Entry later = article("later", kAired + 3600);
  later.status = content::EntryStatus::kScheduled;
  later.id = must(store().save_entry(later));

  const std::int64_t before = must(store().change_counter());
  EXPECT_EQ(must(store().publish_due_entries(kAired)), 0);
  EXPECT_EQ(must(store().change_counter()), before);  // Nothing due: nothing written.
  EXPECT_EQ(must(store().publish_due_entries(kAired + 60)), 1);
  EXPECT_EQ(must(store().entry_by_id(soon.id)).status, content::EntryStatus::kPublished);
  EXPECT_EQ(must(store().entry_by_id(later.id)).status, content::EntryStatus::kScheduled);
  EXPECT_GT(must(store().change_counter()), before);
}

// ---- Media and redirects -----------------------------------------------------------------

TEST_P(StoreContractTest, MediaRoundTripsByPath) {
  const Id entry_id = must(store().save_entry(article("story", kAired)));
  Media media;
  media.path = "2011/07/salt-road.jpg";
  media.mime_type = "image/jpeg";
  media.title = "Salt road";
  media.alt = "A caravan at dusk";
  media.entry_id = entry_id;
  media.size = 123456;
  media.uploaded_at = kAired;
  media.id = must(store().save_media(media));
  EXPECT_EQ(dump(must(store().media_by_path(media.path))), dump(media));

  media.alt = "Camels at dusk";
  EXPECT_EQ(must(store().save_media(media)), media.id);
  EXPECT_EQ(dump(must(store().media_by_path(media.path))), dump(media));
  expect_error(store().media_by_path("2011/07/missing.jpg"), ErrorCode::kNotFound);

  Media twin = media;
  twin.id = 0;
  expect_error(store().save_media(twin), ErrorCode::kConflict);
}

TEST_P(StoreContractTest, RedirectsRoundTripAndReplaceTheSamePath) {
  const Id entry_id = must(store().save_entry(article("story", kAired)));
  const Redirect to_entry{"/old-story/12/", entry_id, ""};
  const Redirect to_path{"/old-feed/", std::nullopt, "/feed/"};
  must(store().save_redirect(to_entry));
  must(store().save_redirect(to_path));
  EXPECT_EQ(dump(must(store().redirect_from("/old-story/12/"))), dump(to_entry));
  EXPECT_EQ(dump(must(store().redirect_from("/old-feed/"))), dump(to_path));

  const Redirect moved{"/old-story/12/", std::nullopt, "/new-story/"};
  must(store().save_redirect(moved));
  EXPECT_EQ(dump(must(store().redirect_from("/old-story/12/"))), dump(moved));
  expect_error(store().redirect_from("/never/"), ErrorCode::kNotFound);

  const std::vector<Redirect> all = must(store().redirects());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(dump(all[0]), dump(to_path));  // By from_path.
  EXPECT_EQ(dump(all[1]), dump(moved));
}

// ---- Transactions ------------------------------------------------------------------------

TEST_P(StoreContractTest, TransactionCommitsEveryWrite) {
  must(store().transaction([&]() -> Status {
    must(store().save_tag(Tag{0, "one", "One"}));
    must(store().save_tag(Tag{0, "two", "Two"}));
    // Reads inside the transaction see its own writes.
    EXPECT_EQ(must(store().tags()).size(), 2u);
    return {};
  }));
  EXPECT_EQ(must(store().tags()).size(), 2u);
}

TEST_P(StoreContractTest, TransactionRollsBackWhenItsBodyFails) {
  save_tag("kept");
  Status status = store().transaction([&]() -> Status {
    must(store().save_tag(Tag{0, "lost", "Lost"}));
    must(store().save_entry(article("lost", kAired)));
    return util::fail(ErrorCode::kPermissionDenied, "archived");
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(status.error().message, "archived");
  EXPECT_EQ(ids_of(must(store().tags())).size(), 1u);
  expect_error(store().tag_by_slug("lost"), ErrorCode::kNotFound);
  expect_error(store().entries_by_slug("lost"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, TransactionRollsBackWhenItsBodyThrows) {
  Status status = store().transaction([&]() -> Status {
    must(store().save_tag(Tag{0, "lost", "Lost"}));
    throw std::runtime_error("handler bug");
  });
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("handler bug"), std::string::npos);
  expect_error(store().tag_by_slug("lost"), ErrorCode::kNotFound);
  // The store still works afterwards.
  save_tag("after");
}

TEST_P(StoreContractTest, NestedTransactionJoinsTheOuterOne) {
  Status status = store().transaction([&]() -> Status {
    must(store().transaction([&]() -> Status {
      must(store().save_tag(Tag{0, "inner", "Inner"}));
      return {};
    }));
    must(store().save_tag(Tag{0, "outer", "Outer"}));
    return util::fail(ErrorCode::kConflict, "lost a race");
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  // The inner body succeeded, but it was part of the outer transaction, which failed.
  expect_error(store().tag_by_slug("inner"), ErrorCode::kNotFound);
  expect_error(store().tag_by_slug("outer"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, FailedNestedTransactionUndoesOnlyItsOwnWrites) {
  must(store().transaction([&]() -> Status {
    must(store().save_tag(Tag{0, "before", "Before"}));
    Status inner = store().transaction([&]() -> Status {
      must(store().save_tag(Tag{0, "inner", "Inner"}));
      return util::fail(ErrorCode::kInvalidArgument, "bad form");
    });
    EXPECT_FALSE(inner);
    // A failed write inside the transaction leaves nothing behind either.
    expect_error(store().save_tag(Tag{0, "before", "Duplicate"}), ErrorCode::kConflict);
    must(store().save_tag(Tag{0, "after", "After"}));
    return {};
  }));
  EXPECT_EQ(must(store().tag_by_slug("before")).name, "Before");
  must(store().tag_by_slug("after"));
  expect_error(store().tag_by_slug("inner"), ErrorCode::kNotFound);
}

// ---- Change counter ----------------------------------------------------------------------

TEST_P(StoreContractTest, ChangeCounterGrowsOnEveryKindOfWrite) {
  std::int64_t last = must(store().change_counter());
  auto grew = [&](const char* what) {
    const std::int64_t now = must(store().change_counter());
    EXPECT_GT(now, last) << "after " << what;
    last = now;
  };
  const Id film = save_film("f");
  grew("save_film");
  const Id category = save_category("c");
  grew("save_category");
  const Id tag = save_tag("t");
  grew("save_tag");
  const Id user = save_user("u");
  grew("save_user");
  Entry entry = article("e", kAired);
  entry.film_id = film;
  entry.category_ids = {category};
  entry.tag_ids = {tag};
  entry.author_id = user;
  entry.id = must(store().save_entry(entry));
  grew("save_entry");
  entry.title = "Edited";
  must(store().save_entry(entry));
  grew("save_entry (replace)");
  const Id org = save_organization("o", ModerationStatus::kApproved, entry.id, kAired);
  grew("save_organization");
  must(store().set_organization_status(org, ModerationStatus::kTrash));
  grew("set_organization_status");
  const Id comment = save_comment(entry.id, ModerationStatus::kApproved, kAired);
  grew("save_comment");
  must(store().set_comment_status(comment, ModerationStatus::kSpam));
  grew("set_comment_status");
  Media media;
  media.path = "2011/07/m.jpg";
  must(store().save_media(media));
  grew("save_media");
  must(store().save_redirect(Redirect{"/old/", entry.id, ""}));
  grew("save_redirect");
  must(store().remove_user(user));
  grew("remove_user");
  must(store().transaction([&]() -> Status {
    return store().save_tag(Tag{0, "x", "X"}).map([](Id) {});
  }));
  grew("transaction");
}

TEST_P(StoreContractTest, ChangeCounterStaysStillOnReads) {
  const Id entry_id = must(store().save_entry(article("e", kAired)));
  const std::int64_t before = must(store().change_counter());
  must(store().entry_by_id(entry_id));
  must(store().list_entries(EntryQuery{}));
  must(store().tags());
  must(store().users());
  expect_error(store().film_by_slug("none"), ErrorCode::kNotFound);
  EXPECT_EQ(must(store().change_counter()), before);
}

// Reader submissions that no page shows must not empty every cache: see change_counter().
TEST_P(StoreContractTest, ChangeCounterIgnoresWritesNoPageShows) {
  const Id entry_id = must(store().save_entry(article("e", kAired)));
  const std::int64_t before = must(store().change_counter());
  const Id comment = save_comment(entry_id, ModerationStatus::kPending, kAired);
  must(store().set_comment_status(comment, ModerationStatus::kSpam));
  must(store().set_comment_status(comment, ModerationStatus::kTrash));
  const Id org = save_organization("Suggested", ModerationStatus::kPending, entry_id, kAired);
  must(store().set_organization_status(org, ModerationStatus::kSpam));
  must(store().site_secret("form-key", 32));
  must(store().record_submission("digest", kAired + 3600));
  EXPECT_EQ(must(store().change_counter()), before);

  // Approval shows it; so does taking it back.
  must(store().set_comment_status(comment, ModerationStatus::kApproved));
  const std::int64_t approved = must(store().change_counter());
  EXPECT_GT(approved, before);
  must(store().set_comment_status(comment, ModerationStatus::kPending));
  EXPECT_GT(must(store().change_counter()), approved);
  const std::int64_t unapproved = must(store().change_counter());
  must(store().set_organization_status(org, ModerationStatus::kApproved));
  EXPECT_GT(must(store().change_counter()), unapproved);
}

// The change log names the entry of every comment change the counter counts, one row per
// step; other writes move the counter with no row.
TEST_P(StoreContractTest, ChangeLogNamesEachCommentChangeAndNothingElse) {
  const Id entry_id = must(store().save_entry(article("e", kAired)));
  const Id other_id = must(store().save_entry(article("f", kAired)));
  const Store::ChangeLog start = must(store().changes_since(0));
  const Id comment = save_comment(entry_id, ModerationStatus::kPending, kAired);
  must(store().set_comment_status(comment, ModerationStatus::kApproved));
  save_comment(other_id, ModerationStatus::kApproved, kAired);
  must(store().set_comment_status(comment, ModerationStatus::kTrash));

  const Store::ChangeLog log = must(store().changes_since(start.last_seq));
  ASSERT_EQ(log.changes.size(), 3u);
  EXPECT_EQ(log.counter - start.counter, 3);
  EXPECT_EQ(log.changes[0].second, "comments:" + std::to_string(entry_id));
  EXPECT_EQ(log.changes[1].second, "comments:" + std::to_string(other_id));
  EXPECT_EQ(log.changes[2].second, "comments:" + std::to_string(entry_id));
  EXPECT_EQ(log.last_seq, log.changes.back().first);
  EXPECT_TRUE(must(store().changes_since(log.last_seq)).changes.empty());

  // A tag's write moves the counter and logs nothing: a reader sees more steps than rows.
  save_tag("unlogged");
  const Store::ChangeLog after = must(store().changes_since(log.last_seq));
  EXPECT_GT(after.counter, log.counter);
  EXPECT_TRUE(after.changes.empty());
}

// A category's new name or description is logged with its id; a new slug or parent (which
// moves URLs) only as "*".
TEST_P(StoreContractTest, ChangeLogNamesARenamedCategory) {
  content::Category news{0, std::nullopt, "news", "News", ""};
  news.id = must(store().save_category(news));
  content::Category asia{0, news.id, "asia", "Asia", ""};
  asia.id = must(store().save_category(asia));
  const Store::ChangeLog start = must(store().changes_since(0));

  news.name = "News and Notes";
  must(store().save_category(news));
  news.description = "What happened next.";
  must(store().save_category(news));
  asia.slug = "asia-pacific";
  must(store().save_category(asia));

  const Store::ChangeLog log = must(store().changes_since(start.last_seq));
  ASSERT_EQ(log.changes.size(), 3u);
  EXPECT_EQ(log.counter - start.counter, 3);
  EXPECT_EQ(log.changes[0].second, "category:" + std::to_string(news.id));
  EXPECT_EQ(log.changes[1].second, "category:" + std::to_string(news.id));
  EXPECT_EQ(log.changes[2].second, "*");
}

// Saving an entry as it is stored writes nothing: no counter step, no log row, so an editor
// pressing "save" twice (or an import run again) drops no cached page.
TEST_P(StoreContractTest, SavingAnUnchangedEntryIsNoChange) {
  const Id a = save_category("a");
  const Id b = save_category("b");
  const Id tag = save_tag("t");
  const Id org = save_organization("Listed", ModerationStatus::kApproved, std::nullopt, kAired);
  Entry entry = article("story", kAired);
  entry.category_ids = {a, b, a};  // Stored once each.
  entry.tag_ids = {tag};
  entry.organization_ids = {org};
  entry.sections = {{"One", "1", "<p>1</p>"}, {"Two", "2", "<p>2</p>"}};
  entry.id = must(store().save_entry(entry));
  const Store::ChangeLog start = must(store().changes_since(0));

  EXPECT_EQ(must(store().save_entry(entry)), entry.id);
  EXPECT_EQ(must(store().save_entry(must(store().entry_by_id(entry.id)))), entry.id);
  const Store::ChangeLog log = must(store().changes_since(start.last_seq));
  EXPECT_EQ(log.counter, start.counter);
  EXPECT_TRUE(log.changes.empty());
}

// An edit of what only the entry's pages show is one logged step naming the entry: its text
// (the body and modified time change in one row), a section, a listed organization.
TEST_P(StoreContractTest, ChangeLogNamesAnEditedEntryOncePerChange) {
  const Id org = save_organization("Listed", ModerationStatus::kApproved, std::nullopt, kAired);
  Entry entry = article("story", kAired);
  entry.body = "First draft.";
  entry.body_html = "<p>First draft.</p>";
  entry.sections = {{"One", "1", "<p>1</p>"}, {"Two", "2", "<p>2</p>"}};
  entry.id = must(store().save_entry(entry));
  const Id other = must(store().save_entry(article("other", kAired)));
  const std::string key = "entry:" + std::to_string(entry.id);

  const Store::ChangeLog start = must(store().changes_since(0));
  entry.body = "Second draft.";
  entry.body_html = "<p>Second draft.</p>";
  entry.modified_at = kAired + 3600;
  must(store().save_entry(entry));
  Store::ChangeLog log = must(store().changes_since(start.last_seq));
  ASSERT_EQ(log.changes.size(), 1u);
  EXPECT_EQ(log.counter - start.counter, 1);
  EXPECT_EQ(log.changes[0].second, key);

  // Titles and excerpts show in listings, but listing pages record the entries they show.
  entry.title = "A New Title";
  entry.excerpt = "In short.";
  must(store().save_entry(entry));
  Store::ChangeLog next = must(store().changes_since(log.last_seq));
  ASSERT_EQ(next.changes.size(), 1u);
  EXPECT_EQ(next.counter - log.counter, 1);
  EXPECT_EQ(next.changes[0].second, key);

  log = next;
  entry.sections[1].body_html = "<p>2, revised</p>";
  must(store().save_entry(entry));
  next = must(store().changes_since(log.last_seq));
  ASSERT_EQ(next.changes.size(), 1u);
  EXPECT_EQ(next.counter - log.counter, 1);
  EXPECT_EQ(next.changes[0].second, key);

  log = next;
  entry.organization_ids = {org};
  entry.sections.pop_back();
  must(store().save_entry(entry));
  next = must(store().changes_since(log.last_seq));
  EXPECT_EQ(next.counter - log.counter, static_cast<std::int64_t>(next.changes.size()));
  ASSERT_EQ(next.changes.size(), 2u);
  for (const auto& [seq, logged] : next.changes) EXPECT_EQ(logged, key);
  EXPECT_EQ(dump(must(store().entry_by_id(entry.id))), dump(entry));
  EXPECT_EQ(must(store().entry_by_id(other)).title, "Title of other");
}

// What moves an entry in or out of listings, reorders them or moves URLs cannot be named by
// the entry alone: it is logged as "*", or (categories and tags) counted with no row.
TEST_P(StoreContractTest, ChangeLogCannotNameWhatMovesListingsOrUrls) {
  const Id category = save_category("c");
  const Id tag = save_tag("t");
  Entry entry = article("story", kAired);
  entry.id = must(store().save_entry(entry));
  Entry top = page("about", std::nullopt, 0);
  top.id = must(store().save_entry(top));
  Entry child = page("team", top.id, 0);
  child.id = must(store().save_entry(child));

  const auto logged_as = [&](const std::function<void()>& edit) {
    const Store::ChangeLog start = must(store().changes_since(0));
    edit();
    const Store::ChangeLog log = must(store().changes_since(start.last_seq));
    EXPECT_GT(log.counter, start.counter);
    std::vector<std::string> keys;
    for (const auto& [seq, key] : log.changes) keys.push_back(key);
    // Steps without a row say "something else changed" as a "*" does.
    if (static_cast<std::size_t>(log.counter - start.counter) > keys.size()) keys.push_back("+");
    return keys;
  };
  const std::vector<std::string> star = {"*"};
  const std::vector<std::string> uncounted = {"+"};
  EXPECT_EQ(logged_as([&] {
              entry.status = EntryStatus::kDraft;
              must(store().save_entry(entry));
            }),
            star);
  EXPECT_EQ(logged_as([&] {
              entry.status = EntryStatus::kPublished;
              must(store().save_entry(entry));
            }),
            star);
  EXPECT_EQ(logged_as([&] {
              entry.published_at += 60;
              must(store().save_entry(entry));
            }),
            star);
  EXPECT_EQ(logged_as([&] {
              entry.slug = "story-renamed";
              must(store().save_entry(entry));
            }),
            star);
  EXPECT_EQ(logged_as([&] {
              entry.sticky = true;
              must(store().save_entry(entry));
            }),
            star);
  EXPECT_EQ(logged_as([&] {
              entry.kind = EntryKind::kVideo;
              must(store().save_entry(entry));
            }),
            star);
  EXPECT_EQ(logged_as([&] {
              entry.category_ids = {category};
              must(store().save_entry(entry));
            }),
            uncounted);
  EXPECT_EQ(logged_as([&] {
              entry.tag_ids = {tag};
              must(store().save_entry(entry));
            }),
            uncounted);
  // Every page's navigation shows the titles of published top-level pages; a child page's
  // title shows only where it is listed.
  EXPECT_EQ(logged_as([&] {
              top.title = "About Us";
              must(store().save_entry(top));
            }),
            star);
  EXPECT_EQ(logged_as([&] {
              child.title = "Our Team";
              must(store().save_entry(child));
            }),
            (std::vector<std::string>{"entry:" + std::to_string(child.id)}));
  EXPECT_EQ(logged_as([&] {
              child.menu_order = 3;
              must(store().save_entry(child));
            }),
            star);
}

// Links trade places without tripping over their uniqueness halfway.
TEST_P(StoreContractTest, EntryLinksMayTradePlaces) {
  const Id a = save_category("a");
  const Id b = save_category("b");
  const Id x = save_organization("X", ModerationStatus::kApproved, std::nullopt, kAired);
  const Id y = save_organization("Y", ModerationStatus::kApproved, std::nullopt, kAired);
  Entry entry = article("story", kAired);
  entry.category_ids = {a, b};
  entry.organization_ids = {x, y};
  entry.id = must(store().save_entry(entry));
  entry.category_ids = {b, a};
  entry.organization_ids = {y, x};
  must(store().save_entry(entry));
  EXPECT_EQ(dump(must(store().entry_by_id(entry.id))), dump(entry));
  entry.category_ids = {a};
  entry.organization_ids = {x, y};
  must(store().save_entry(entry));
  EXPECT_EQ(dump(must(store().entry_by_id(entry.id))), dump(entry));
}

// An organization the editors list shows whatever its status, so any change to it counts.
TEST_P(StoreContractTest, ChangeCounterCountsListedOrganizationsWhateverTheirStatus) {
  const Id org = save_organization("Listed", ModerationStatus::kPending, std::nullopt, kAired);
  Entry entry = article("help", kAired);
  entry.organization_ids = {org};
  must(store().save_entry(entry));
  const std::int64_t before = must(store().change_counter());
  must(store().set_organization_status(org, ModerationStatus::kSpam));
  EXPECT_GT(must(store().change_counter()), before);
}

// ---- Moderation and submissions ----------------------------------------------------------

TEST_P(StoreContractTest, OrganizationStatusChangesMoveItBetweenLists) {
  const Id entry_id = must(store().save_entry(article("help", kAired)));
  const Id org = save_organization("Suggested", ModerationStatus::kPending, entry_id, kAired);
  EXPECT_TRUE(must(store().organizations_for_entry(entry_id)).empty());
  must(store().set_organization_status(org, ModerationStatus::kApproved));
  EXPECT_EQ(ids_of(must(store().organizations_for_entry(entry_id))), (std::vector<Id>{org}));
  EXPECT_EQ(must(store().organization_by_id(org)).status, ModerationStatus::kApproved);
  must(store().set_organization_status(org, ModerationStatus::kSpam));
  EXPECT_TRUE(must(store().organizations_for_entry(entry_id)).empty());
  EXPECT_EQ(ids_of(must(store().organizations_with_status(ModerationStatus::kSpam))),
            (std::vector<Id>{org}));
  expect_error(store().set_organization_status(404, ModerationStatus::kTrash),
               ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, ReturningCommenterIsKnownByApprovedNameAndEmail) {
  const Id entry_id = must(store().save_entry(article("story", kAired)));
  Comment comment;
  comment.entry_id = entry_id;
  comment.author_name = "Maria";
  comment.author_email = "maria@example.org";
  comment.body_html = "<p>Hello.</p>";
  comment.status = ModerationStatus::kPending;
  comment.created_at = kAired;
  comment.id = must(store().save_comment(comment));
  EXPECT_FALSE(must(store().has_approved_comment_by("Maria", "maria@example.org")));
  must(store().set_comment_status(comment.id, ModerationStatus::kApproved));
  EXPECT_TRUE(must(store().has_approved_comment_by("Maria", "maria@example.org")));
  EXPECT_FALSE(must(store().has_approved_comment_by("Maria", "other@example.org")));
  EXPECT_FALSE(must(store().has_approved_comment_by("Mario", "maria@example.org")));

  // A name alone proves nothing.
  comment.id = 0;
  comment.author_name = "Anon";
  comment.author_email = "";
  comment.status = ModerationStatus::kApproved;
  must(store().save_comment(comment));
  EXPECT_FALSE(must(store().has_approved_comment_by("Anon", "")));
}

TEST_P(StoreContractTest, SiteSecretIsMadeOnceAndKept) {
  const std::string key = must(store().site_secret("form-key", 32));
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(must(store().site_secret("form-key", 32)), key);
  const std::string other = must(store().site_secret("other-key", 32));
  EXPECT_NE(other, key);
  // Random bytes: not all zero, and any byte value survives (NUL included).
  EXPECT_NE(key, std::string(32, '\0'));
  expect_error(store().site_secret("form-key", 16), ErrorCode::kCorrupt);
  expect_error(store().site_secret("", 32), ErrorCode::kInvalidArgument);
  expect_error(store().site_secret("zero", 0), ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, SubmissionIsRecordedOnceAndReplaysAreSeen) {
  const std::string digest("\x00\xff replay digest", 16);
  EXPECT_TRUE(must(store().record_submission(digest, kAired + 86400)));
  EXPECT_FALSE(must(store().record_submission(digest, kAired + 86400)));
  EXPECT_TRUE(must(store().record_submission(digest.substr(0, 15), kAired + 86400)));
  expect_error(store().record_submission("", kAired), ErrorCode::kInvalidArgument);
  expect_error(store().record_submission(std::string(65, 'x'), kAired),
               ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, SubmissionRecordedInAFailedTransactionIsForgotten) {
  const Status failed = store().transaction([&]() -> Status {
    must(store().record_submission("digest", kAired + 86400));
    return util::fail(ErrorCode::kInvalidArgument, "the comment was refused");
  });
  ASSERT_FALSE(failed);
  EXPECT_TRUE(must(store().record_submission("digest", kAired + 86400)));
}

// ---- Threads -----------------------------------------------------------------------------

// Writers save entries with two categories while readers list them: every reader sees whole
// entries (both categories, never one), and totals that agree with what it is shown.
TEST_P(StoreContractTest, ConcurrentReadersAndWritersSeeWholeEntries) {
  const Id first = save_category("first");
  const Id second = save_category("second");
  constexpr int kWriters = 3;
  constexpr int kEntriesEach = 20;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};

  auto writer = [&](int w) {
    for (int i = 0; i < kEntriesEach; ++i) {
      Entry entry = article("w" + std::to_string(w) + "-" + std::to_string(i), kAired + i);
      entry.category_ids = {first, second};
      auto saved = store().save_entry(entry);
      if (!saved) {
        ADD_FAILURE() << saved.error().describe();
        ++failures;
        continue;
      }
      Comment comment;
      comment.entry_id = *saved;
      comment.author_name = "Reader";
      comment.status = ModerationStatus::kApproved;
      comment.created_at = kAired;
      if (auto c = store().save_comment(comment); !c) {
        ADD_FAILURE() << c.error().describe();
        ++failures;
      }
    }
  };
  auto reader = [&] {
    EntryQuery query;
    query.category_id = first;
    query.limit = 1000;
    int last_total = 0;
    while (writing.load()) {
      auto list = store().list_entries(query);
      if (!list) {
        ADD_FAILURE() << list.error().describe();
        ++failures;
        return;
      }
      if (static_cast<int>(list->entries.size()) != list->total || list->total < last_total) {
        ADD_FAILURE() << "listed " << list->entries.size() << " of " << list->total
                      << " after seeing " << last_total;
        ++failures;
      }
      last_total = list->total;
      for (const Entry& entry : list->entries) {
        if (entry.category_ids != std::vector<Id>{first, second}) {
          ADD_FAILURE() << "entry " << entry.id << " seen with part of its categories";
          ++failures;
        }
      }
    }
  };

  std::vector<std::thread> threads;
  for (int r = 0; r < 2; ++r) threads.emplace_back(reader);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) writers.emplace_back(writer, w);
  for (auto& t : writers) t.join();
  writing = false;
  for (auto& t : threads) t.join();

  EXPECT_EQ(failures.load(), 0);
  EntryQuery all;
  all.limit = 1000;
  EntryList list = must(store().list_entries(all));
  EXPECT_EQ(list.total, kWriters * kEntriesEach);
  int comments = 0;
  for (const Entry& entry : list.entries)
    comments += must(store().approved_comment_count(entry.id));
  EXPECT_EQ(comments, kWriters * kEntriesEach);
}

// Transactions on different threads do not see each other's uncommitted writes, and each
// commits or rolls back as a whole.
TEST_P(StoreContractTest, ConcurrentTransactionsCommitOrRollBackWhole) {
  constexpr int kThreads = 3;
  constexpr int kRounds = 10;
  std::atomic<int> failures{0};
  auto worker = [&](int t) {
    for (int round = 0; round < kRounds; ++round) {
      const std::string name = std::to_string(t) + "-" + std::to_string(round);
      const bool keep = round % 2 == 0;
      Status status = store().transaction([&]() -> Status {
        if (auto a = store().save_tag(Tag{0, "a-" + name, "A"}); !a) return util::fail(a.error());
        if (auto b = store().save_tag(Tag{0, "b-" + name, "B"}); !b) return util::fail(b.error());
        if (!keep) return util::fail(ErrorCode::kConflict, "rolled back on purpose");
        return {};
      });
      if (static_cast<bool>(status) != keep) {
        ADD_FAILURE() << name << ": " << (status ? "committed" : status.error().describe());
        ++failures;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);

  std::vector<Tag> tags = must(store().tags());
  EXPECT_EQ(tags.size(), static_cast<std::size_t>(kThreads * kRounds));  // Kept rounds, 2 each.
  for (const Tag& tag : tags) {
    const std::string name = tag.slug.substr(2);
    const std::string other = (tag.slug[0] == 'a' ? "b-" : "a-") + name;
    const int round = std::stoi(name.substr(name.find('-') + 1));
    EXPECT_EQ(round % 2, 0) << tag.slug << " belongs to a rolled-back transaction";
    EXPECT_TRUE(store().tag_by_slug(other).has_value()) << tag.slug << " without " << other;
  }
}

}  // namespace reelpress::store::contract
