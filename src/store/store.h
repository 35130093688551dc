// Store: where a site's content lives. One interface, one folder per backend (sqlite/,
// later postgres/), one contract test suite (store_contract_test.h) that every backend passes.
//
// Threading: a Store is shared by every server thread; every method may be called from any
// thread at the same time. A backend gives each calling thread its own connection.
//
// Transactions: transaction(body) runs body on the calling thread's connection inside one
// transaction; the Store calls that body makes from the same thread join it. If body returns
// an error (or throws), everything it wrote is rolled back and that error is returned. This
// holds for a nested transaction() too: a failed nested body undoes only its own writes, and
// the outer body decides what to do with its error.
// Writes outside transaction() are each atomic and durable when the call returns.
//
// Misses: a lookup by id, slug or path that finds nothing returns ErrorCode::kNotFound and
// touches nothing else. So do the lists of one entry's things (comments, organizations, child
// pages, comment count) when that entry does not exist, and entries_by_slug when no entry has
// the slug. Other errors are faults (kIo, kCorrupt, ...).
//
// Writes: a save that breaks a uniqueness rule (a slug, a login, a media path) returns
// kConflict; one that refers to a row that does not exist (a category, an entry) returns
// kInvalidArgument. Either way nothing of that save is kept. Inside transaction() references
// may be checked at commit, so that an import can write a child before its parent; then
// transaction() returns the kInvalidArgument.
//
// Example:
//   auto store = sqlite::SqliteStore::open("site/content.db");
//   if (!store) die(store.error().describe());
//   auto entry = (*store)->entry_by_id(4990);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "content/model.h"
#include "util/result.h"

namespace reelpress::store {

using content::Id;
using util::Result;
using util::Status;

// Which entries a listing shows. Every field narrows; the defaults list every published
// entry that is not a page, newest first.
struct EntryQuery {
  std::vector<content::EntryStatus> statuses = {content::EntryStatus::kPublished};
  std::vector<content::EntryKind> kinds;  // Empty: every kind but kPage.
  std::optional<Id> category_id;  // With its descendant categories, as WordPress lists them.
  std::optional<Id> tag_id;
  std::optional<Id> film_id;
  std::optional<Id> author_id;
  std::optional<util::UnixTime> published_from;   // Inclusive (date archives).
  std::optional<util::UnixTime> published_until;  // Exclusive ("now" hides scheduled ones).
  bool sticky_first = false;                      // Home page: sticky entries lead.
  bool oldest_first = false;
  int offset = 0;
  int limit = 10;  // At most this many in EntryList::entries; 0 counts only.
  // An empty statuses, or a negative offset or limit, is kInvalidArgument.
};

struct EntryList {
  std::vector<content::Entry> entries;  // Full entries, relations included.
  int total = 0;                        // How many match, ignoring offset and limit.
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Status transaction(const std::function<Status()>& body) = 0;

  // A number that grows with every committed write by any process using this database.
  // Caches compare it to know whether what they hold may be stale.
  virtual Result<std::int64_t> change_counter() = 0;

  // Films, with their press quotes (saved and loaded as a whole, in order).
  virtual Result<Id> save_film(const content::Film& film) = 0;  // Insert (id 0) or replace.
  virtual Result<content::Film> film_by_id(Id id) = 0;
  virtual Result<content::Film> film_by_slug(const std::string& slug) = 0;
  virtual Result<std::vector<content::Film>> films() = 0;  // By position, then id.

  virtual Result<Id> save_category(const content::Category& category) = 0;
  virtual Result<content::Category> category_by_id(Id id) = 0;
  virtual Result<std::vector<content::Category>> categories() = 0;  // Every one, by id.

  virtual Result<Id> save_tag(const content::Tag& tag) = 0;
  virtual Result<content::Tag> tag_by_id(Id id) = 0;
  virtual Result<content::Tag> tag_by_slug(const std::string& slug) = 0;
  virtual Result<std::vector<content::Tag>> tags() = 0;  // By name.

  // Entries are saved and loaded whole: categories, tags, sections and organization links
  // included. save_entry with id 0 assigns a new id; with an id, inserts or replaces that id
  // (imports keep WordPress ids).
  virtual Result<Id> save_entry(const content::Entry& entry) = 0;
  virtual Result<content::Entry> entry_by_id(Id id) = 0;
  // Every entry with this slug (any status); pages and posts may share slugs.
  virtual Result<std::vector<content::Entry>> entries_by_slug(const std::string& slug) = 0;
  virtual Result<EntryList> list_entries(const EntryQuery& query) = 0;
  // Pages whose parent_id is parent (nullopt: top-level pages), by menu_order then title.
  virtual Result<std::vector<content::Entry>> child_pages(std::optional<Id> parent,
                                                          content::EntryStatus status) = 0;

  virtual Result<Id> save_organization(const content::Organization& org) = 0;
  virtual Result<content::Organization> organization_by_id(Id id) = 0;
  // Organizations the entry lists (in its order) plus approved suggestions made on it (oldest
  // first, each organization once).
  virtual Result<std::vector<content::Organization>> organizations_for_entry(Id entry_id) = 0;
  virtual Result<std::vector<content::Organization>> organizations_with_status(
      content::ModerationStatus status) = 0;  // Newest first.

  virtual Result<Id> save_comment(const content::Comment& comment) = 0;
  virtual Result<content::Comment> comment_by_id(Id id) = 0;
  // Comments of an entry with the given status, oldest first.
  virtual Result<std::vector<content::Comment>> comments_for_entry(
      Id entry_id, content::ModerationStatus status) = 0;
  virtual Result<std::vector<content::Comment>> comments_with_status(
      content::ModerationStatus status, int limit) = 0;  // Newest first.
  virtual Status set_comment_status(Id id, content::ModerationStatus status) = 0;
  virtual Result<int> approved_comment_count(Id entry_id) = 0;

  virtual Result<Id> save_user(const content::User& user) = 0;
  virtual Result<content::User> user_by_id(Id id) = 0;
  virtual Result<content::User> user_by_login(const std::string& login) = 0;
  virtual Result<std::vector<content::User>> users() = 0;  // By login.
  // The user's entries stay, with no author.
  virtual Status remove_user(Id id) = 0;

  virtual Result<Id> save_media(const content::Media& media) = 0;
  virtual Result<content::Media> media_by_path(const std::string& path) = 0;

  virtual Status save_redirect(const content::Redirect& redirect) = 0;  // Replaces same from.
  virtual Result<content::Redirect> redirect_from(const std::string& path) = 0;
};

}  // namespace reelpress::store
