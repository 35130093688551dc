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

#include <cstddef>
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

// Failed sign-ins counted together (of one login, or of one client).
struct SignInFailures {
  int count = 0;
  util::UnixTime latest = 0;  // The last one's time; 0 when there is none.
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Status transaction(const std::function<Status()>& body) = 0;

  // A number that grows with every committed write that can change a public page, by any
  // process using this database. Caches compare it to know whether what they hold may be
  // stale. Writes that no page shows leave it alone: a comment or organization saved, edited
  // or moved between pending, spam and trash without being (or having been) approved or
  // listed on an entry, site secrets, and recorded submissions. So a flood of pending
  // comments never empties the page cache.
  virtual Result<std::int64_t> change_counter() = 0;

  // The changes behind the counter that a cache can act on precisely, newer than `after_seq`,
  // read in one snapshot with the counter. Three kinds are logged, one row per counter step,
  // written by the same trigger:
  // - "comments:ID": the approved comments of entry ID changed;
  // - "category:ID": category ID's name or description changed;
  // - "entry:ID": entry ID changed in what only the pages showing it show (title, kicker,
  //   body, excerpt, password, modified time, comment and ping switches, sections, listed
  //   organizations), not in where it is listed, in which order, or at which URL.
  // "*" stands for a change of those tables that the log cannot name: a comment moved to
  // another entry, a category's new slug or parent, an entry's new status, publication time,
  // slug, kind, film, parent, menu order, sticky flag or author, a published top-level page's
  // new title (the navigation of every page shows it). Every other write (new entries, an
  // entry's categories and tags, films, tags, users, organizations, media, redirects) moves
  // the counter without a row, so a reader that counts fewer rows than counter steps knows
  // that something else changed too. Only the newest 10,000 rows are kept.
  //
  // save_entry writes only what differs from the stored entry: saving an unchanged entry
  // moves nothing, and an edit of its text is one "entry:ID" step (one more per section or
  // organization link that changed).
  struct ChangeLog {
    std::int64_t counter = 0;
    std::int64_t last_seq = 0;  // The newest row's sequence number; 0 when there is none.
    std::vector<std::pair<std::int64_t, std::string>> changes;  // Oldest first.
  };
  virtual Result<ChangeLog> changes_since(std::int64_t after_seq) = 0;

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
  // (imports keep WordPress ids). Replacing writes only what changed (see changes_since).
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
  // Moderates a suggestion (or any organization); kNotFound for an unknown id.
  virtual Status set_organization_status(Id id, content::ModerationStatus status) = 0;

  virtual Result<Id> save_comment(const content::Comment& comment) = 0;
  virtual Result<content::Comment> comment_by_id(Id id) = 0;
  // Comments of an entry with the given status, oldest first.
  virtual Result<std::vector<content::Comment>> comments_for_entry(
      Id entry_id, content::ModerationStatus status) = 0;
  virtual Result<std::vector<content::Comment>> comments_with_status(
      content::ModerationStatus status, int limit) = 0;  // Newest first.
  virtual Status set_comment_status(Id id, content::ModerationStatus status) = 0;
  virtual Result<int> approved_comment_count(Id entry_id) = 0;
  // Whether an approved comment has exactly this author name and email: a returning
  // commenter a site may trust. Always false for an empty email (anyone can type a name).
  virtual Result<bool> has_approved_comment_by(const std::string& author_name,
                                               const std::string& author_email) = 0;

  // A secret of the site (a signing key), the same for every process and node using this
  // store: `bytes` random bytes made and stored on the first call for `name`, the stored ones
  // after. Never part of a page, an export or the change counter. kCorrupt when the stored
  // secret has another length; kInvalidArgument for 0 bytes or an empty name.
  virtual Result<std::string> site_secret(const std::string& name, std::size_t bytes) = 0;

  // Remembers that a form submission with this digest (1 to 64 bytes) was accepted: true
  // when it is new, false when the same digest is already remembered (a replay). Kept until
  // expires_at at least (Unix time) and forgotten some time after. Joins the caller's
  // transaction, so "record, then save the comment" is all or nothing.
  virtual Result<bool> record_submission(const std::string& digest, util::UnixTime expires_at) = 0;

  virtual Result<Id> save_user(const content::User& user) = 0;
  virtual Result<content::User> user_by_id(Id id) = 0;
  virtual Result<content::User> user_by_login(const std::string& login) = 0;
  virtual Result<std::vector<content::User>> users() = 0;  // By login.
  // The user's entries stay, with no author.
  virtual Status remove_user(Id id) = 0;

  // Sign-in sessions of the admin, found by the hash of their token. save_session inserts or
  // replaces by token_hash; kInvalidArgument for an unknown user.
  virtual Status save_session(const content::Session& session) = 0;
  virtual Result<content::Session> session_by_hash(const std::string& token_hash) = 0;
  // Ends one session; ending one that does not exist is not an error (a second sign-out).
  virtual Status remove_session(const std::string& token_hash) = 0;
  // Ends every session of a user (a new password, a new role) and every session, of anyone,
  // last seen before `idle_before` or created before `created_before`.
  virtual Status remove_sessions(std::optional<Id> user_id, util::UnixTime idle_before,
                                 util::UnixTime created_before) = 0;

  // Failed sign-ins, for the sign-in throttle (auth/sign_in_throttle.h): each with the login
  // typed (whether or not such a user exists) and the client's key (an opaque keyed hash, never
  // an address). Recording also forgets failures older than a day.
  virtual Status record_sign_in_failure(const std::string& login, const std::string& client,
                                        util::UnixTime at) = 0;
  // The failures at or after `since` of one login, or of one client.
  virtual Result<SignInFailures> sign_in_failures_of_login(const std::string& login,
                                                           util::UnixTime since) = 0;
  virtual Result<SignInFailures> sign_in_failures_of_client(const std::string& client,
                                                            util::UnixTime since) = 0;

  // Revisions of entries, kept by the admin on every save. kInvalidArgument for an unknown
  // entry. revisions_of lists newest first.
  virtual Result<Id> save_revision(const content::Revision& revision) = 0;
  virtual Result<content::Revision> revision_by_id(Id id) = 0;
  virtual Result<std::vector<content::Revision>> revisions_of(Id entry_id) = 0;

  // Publishes every scheduled entry whose time has come (published_at <= now), returning how
  // many. Reads first, so a call with nothing due writes nothing.
  virtual Result<int> publish_due_entries(util::UnixTime now) = 0;

  virtual Result<Id> save_media(const content::Media& media) = 0;
  virtual Result<content::Media> media_by_path(const std::string& path) = 0;
  // The newest first, at most `limit`.
  virtual Result<std::vector<content::Media>> recent_media(int limit) = 0;

  virtual Status save_redirect(const content::Redirect& redirect) = 0;  // Replaces same from.
  virtual Result<content::Redirect> redirect_from(const std::string& path) = 0;
  // kNotFound when there is no redirect from that path.
  virtual Status remove_redirect(const std::string& from_path) = 0;
  // Every redirect, by from_path (exports write them into their redirect maps).
  virtual Result<std::vector<content::Redirect>> redirects() = 0;
};

}  // namespace reelpress::store
