#include "store/sqlite/migrations.h"

#include <string>

namespace reelpress::store::sqlite {
namespace {

using util::ErrorCode;
using util::fail;

// Conventions of the schema, for whoever writes the next step:
// - STRICT tables: a value of the wrong type is an error, not silently stored.
// - Enumerations (kind, status, role, ...) are stored as their to_string names and carry no
//   CHECK: SQLite cannot change a CHECK without rebuilding the table, and a newer reelpress
//   adding a kind must not need that. The store refuses unknown names when reading (kCorrupt).
// - Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at COMMIT, so an import may write
//   a child page before its parent, or a reply before the comment it answers, inside one
//   transaction.
// - Ids are AUTOINCREMENT: an id is never handed out twice, even after a delete, because ids
//   appear in URLs that must not start pointing at something else.
// - Every content table has three triggers that bump change_counter, so that a write by any
//   process is seen by every other through one cheap read (PRAGMA data_version would only
//   tell one connection about the others, not a process about itself). Since step 3 those of
//   comments and organizations fire only for writes a page can show (see kReaderSubmissions).
// - There is no column for a commenter's IP address, user agent or any other client trace,
//   and there never will be (DESIGN.md, Privacy).

constexpr std::string_view kCoreTables = R"sql(
PRAGMA application_id = 1919709299;

CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
) STRICT;
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE films (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  air_date TEXT NOT NULL,
  runtime_minutes INTEGER NOT NULL,
  synopsis TEXT NOT NULL,
  credits TEXT NOT NULL,
  poster TEXT NOT NULL,
  position INTEGER NOT NULL
) STRICT;
CREATE INDEX films_by_position ON films (position, id);

CREATE TABLE press_quotes (
  film_id INTEGER NOT NULL
    REFERENCES films (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (film_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE categories (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER REFERENCES categories (id) DEFERRABLE INITIALLY DEFERRED,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL
) STRICT;
-- A slug is unique among siblings; ifnull makes top-level categories siblings too (UNIQUE
-- would otherwise treat every NULL parent as distinct).
CREATE UNIQUE INDEX categories_by_parent_slug ON categories (ifnull(parent_id, 0), slug);
CREATE INDEX categories_by_parent ON categories (parent_id);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
) STRICT;
CREATE INDEX tags_by_name ON tags (name, id);

CREATE TABLE entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  kicker TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  password TEXT NOT NULL,
  body_format TEXT NOT NULL,
  body TEXT NOT NULL,
  body_html TEXT NOT NULL,
  excerpt TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  author_id INTEGER
    REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  film_id INTEGER REFERENCES films (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  parent_id INTEGER REFERENCES entries (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  menu_order INTEGER NOT NULL,
  sticky INTEGER NOT NULL CHECK (sticky IN (0, 1)),
  comments_open INTEGER NOT NULL CHECK (comments_open IN (0, 1))
) STRICT;
CREATE INDEX entries_by_status_published ON entries (status, published_at, id);
CREATE INDEX entries_by_slug ON entries (slug);
CREATE INDEX entries_by_film ON entries (film_id, published_at);
CREATE INDEX entries_by_author ON entries (author_id, published_at);
CREATE INDEX entries_by_parent ON entries (parent_id, menu_order);

-- The first category (position 0) is the primary one, used in permalinks.
CREATE TABLE entry_categories (
  entry_id INTEGER NOT NULL
    REFERENCES entries (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  category_id INTEGER NOT NULL
    REFERENCES categories (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (entry_id, position),
  UNIQUE (entry_id, category_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX entry_categories_by_category ON entry_categories (category_id, entry_id);

CREATE TABLE entry_tags (
  entry_id INTEGER NOT NULL
    REFERENCES entries (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (entry_id, position),
  UNIQUE (entry_id, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX entry_tags_by_tag ON entry_tags (tag_id, entry_id);

CREATE TABLE entry_sections (
  entry_id INTEGER NOT NULL
    REFERENCES entries (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  heading TEXT NOT NULL,
  body TEXT NOT NULL,
  body_html TEXT NOT NULL,
  PRIMARY KEY (entry_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE organizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  url TEXT NOT NULL,
  region TEXT NOT NULL,
  focus TEXT NOT NULL,
  status TEXT NOT NULL,
  suggested_for_entry_id INTEGER
    REFERENCES entries (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX organizations_by_status ON organizations (status, created_at);
CREATE INDEX organizations_by_suggested_entry
  ON organizations (suggested_for_entry_id, status, created_at);

CREATE TABLE entry_organizations (
  entry_id INTEGER NOT NULL
    REFERENCES entries (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  organization_id INTEGER NOT NULL
    REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (entry_id, position),
  UNIQUE (entry_id, organization_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX entry_organizations_by_organization ON entry_organizations (organization_id);

-- Deliberately no IP address, user agent or other client trace: see the note above.
CREATE TABLE comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id INTEGER NOT NULL
    REFERENCES entries (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  parent_id INTEGER REFERENCES comments (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  author_name TEXT NOT NULL,
  author_email TEXT NOT NULL,
  author_url TEXT NOT NULL,
  body_html TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX comments_by_entry_status ON comments (entry_id, status, created_at);
CREATE INDEX comments_by_status ON comments (status, created_at);
CREATE INDEX comments_by_parent ON comments (parent_id);

CREATE TRIGGER users_insert_counts AFTER INSERT ON users
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER users_update_counts AFTER UPDATE ON users
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER users_delete_counts AFTER DELETE ON users
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER films_insert_counts AFTER INSERT ON films
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER films_update_counts AFTER UPDATE ON films
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER films_delete_counts AFTER DELETE ON films
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER press_quotes_insert_counts AFTER INSERT ON press_quotes
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER press_quotes_update_counts AFTER UPDATE ON press_quotes
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER press_quotes_delete_counts AFTER DELETE ON press_quotes
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER categories_insert_counts AFTER INSERT ON categories
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER categories_update_counts AFTER UPDATE ON categories
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER categories_delete_counts AFTER DELETE ON categories
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER tags_insert_counts AFTER INSERT ON tags
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER tags_update_counts AFTER UPDATE ON tags
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER tags_delete_counts AFTER DELETE ON tags
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entries_insert_counts AFTER INSERT ON entries
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entries_update_counts AFTER UPDATE ON entries
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entries_delete_counts AFTER DELETE ON entries
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_categories_insert_counts AFTER INSERT ON entry_categories
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_categories_update_counts AFTER UPDATE ON entry_categories
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_categories_delete_counts AFTER DELETE ON entry_categories
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_tags_insert_counts AFTER INSERT ON entry_tags
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_tags_update_counts AFTER UPDATE ON entry_tags
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_tags_delete_counts AFTER DELETE ON entry_tags
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_sections_insert_counts AFTER INSERT ON entry_sections
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_sections_update_counts AFTER UPDATE ON entry_sections
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_sections_delete_counts AFTER DELETE ON entry_sections
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER organizations_insert_counts AFTER INSERT ON organizations
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER organizations_update_counts AFTER UPDATE ON organizations
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER organizations_delete_counts AFTER DELETE ON organizations
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_organizations_insert_counts AFTER INSERT ON entry_organizations
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_organizations_update_counts AFTER UPDATE ON entry_organizations
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER entry_organizations_delete_counts AFTER DELETE ON entry_organizations
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER comments_insert_counts AFTER INSERT ON comments
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER comments_update_counts AFTER UPDATE ON comments
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER comments_delete_counts AFTER DELETE ON comments
  BEGIN UPDATE change_counter SET value = value + 1; END;
)sql";

constexpr std::string_view kMediaAndRedirects = R"sql(
CREATE TABLE media (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT NOT NULL UNIQUE,
  mime_type TEXT NOT NULL,
  title TEXT NOT NULL,
  alt TEXT NOT NULL,
  entry_id INTEGER REFERENCES entries (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  size INTEGER NOT NULL,
  uploaded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX media_by_entry ON media (entry_id);

-- A redirect leads to an entry (its canonical URL, whatever it is then) or to a fixed path.
CREATE TABLE redirects (
  from_path TEXT NOT NULL PRIMARY KEY,
  entry_id INTEGER REFERENCES entries (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  to_path TEXT NOT NULL,
  CHECK (entry_id IS NOT NULL OR to_path <> '')
) STRICT, WITHOUT ROWID;
CREATE INDEX redirects_by_entry ON redirects (entry_id);

CREATE TRIGGER media_insert_counts AFTER INSERT ON media
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER media_update_counts AFTER UPDATE ON media
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER media_delete_counts AFTER DELETE ON media
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER redirects_insert_counts AFTER INSERT ON redirects
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER redirects_update_counts AFTER UPDATE ON redirects
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER redirects_delete_counts AFTER DELETE ON redirects
  BEGIN UPDATE change_counter SET value = value + 1; END;
)sql";

// Reader submissions (comments and suggested organizations from the public forms) and what
// defends them.
// - The change counter stops counting writes that no page shows: a pending, spam or trashed
//   comment is invisible, so saving one, or moving it between those states, must not drop
//   every cached page (a flood of spam would otherwise keep the cache empty). A write counts
//   when the row is approved before or after it; for organizations also when an entry lists
//   it (listed organizations show whatever their status).
// - site_secrets holds keys every process must agree on (the form-signing key), made once
//   from random bytes; form_submissions remembers digests of accepted submissions until
//   their form token expires, so a replayed post is refused. Neither has counting triggers.
// - comments_by_author finds a returning commenter's approved comment (trust_returning).
constexpr std::string_view kReaderSubmissions = R"sql(
CREATE TABLE site_secrets (
  name TEXT NOT NULL PRIMARY KEY,
  value BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE form_submissions (
  digest BLOB NOT NULL PRIMARY KEY,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX form_submissions_by_expiry ON form_submissions (expires_at);

CREATE INDEX comments_by_author ON comments (author_email, author_name, status)
  WHERE author_email <> '';

DROP TRIGGER comments_insert_counts;
DROP TRIGGER comments_update_counts;
DROP TRIGGER comments_delete_counts;
CREATE TRIGGER comments_insert_counts AFTER INSERT ON comments
  WHEN NEW.status = 'approved'
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER comments_update_counts AFTER UPDATE ON comments
  WHEN OLD.status = 'approved' OR NEW.status = 'approved'
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER comments_delete_counts AFTER DELETE ON comments
  WHEN OLD.status = 'approved'
  BEGIN UPDATE change_counter SET value = value + 1; END;

DROP TRIGGER organizations_insert_counts;
DROP TRIGGER organizations_update_counts;
DROP TRIGGER organizations_delete_counts;
CREATE TRIGGER organizations_insert_counts AFTER INSERT ON organizations
  WHEN NEW.status = 'approved'
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER organizations_update_counts AFTER UPDATE ON organizations
  WHEN OLD.status = 'approved' OR NEW.status = 'approved'
    OR EXISTS (SELECT 1 FROM entry_organizations WHERE organization_id = NEW.id)
  BEGIN UPDATE change_counter SET value = value + 1; END;
CREATE TRIGGER organizations_delete_counts AFTER DELETE ON organizations
  WHEN OLD.status = 'approved'
    OR EXISTS (SELECT 1 FROM entry_organizations WHERE organization_id = OLD.id)
  BEGIN UPDATE change_counter SET value = value + 1; END;
)sql";

// WordPress's per-entry ping switch (ping_status), kept so that an imported site loses no
// setting; reelpress itself sends and takes no pings.
constexpr const char* kPingStatus = R"sql(
ALTER TABLE entries ADD COLUMN pings_open INTEGER NOT NULL DEFAULT 0 CHECK (pings_open IN (0, 1));
)sql";

// The change log (Store::changes_since): comment triggers name the entry whose approved
// comments changed, so a cache drops only the pages that show them. One row per counter step.
constexpr const char* kChangeLog = R"sql(
CREATE TABLE changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL
) STRICT;
CREATE TRIGGER changes_keep_recent AFTER INSERT ON changes
  BEGIN DELETE FROM changes WHERE seq <= NEW.seq - 10000; END;

DROP TRIGGER comments_insert_counts;
DROP TRIGGER comments_update_counts;
DROP TRIGGER comments_delete_counts;
CREATE TRIGGER comments_insert_counts AFTER INSERT ON comments
  WHEN NEW.status = 'approved'
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES ('comments:' || NEW.entry_id);
  END;
CREATE TRIGGER comments_update_counts AFTER UPDATE ON comments
  WHEN OLD.status = 'approved' OR NEW.status = 'approved'
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES (
      CASE WHEN OLD.entry_id = NEW.entry_id THEN 'comments:' || NEW.entry_id ELSE '*' END);
  END;
CREATE TRIGGER comments_delete_counts AFTER DELETE ON comments
  WHEN OLD.status = 'approved'
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES ('comments:' || OLD.entry_id);
  END;
)sql";

// Listings (the home page and its pages, categories, tags) count and page through entries by
// status, kind and date, the home page with sticky entries first. With kind in the indexes,
// the count and the choice of a page's ids read the index alone, never the entries' text;
// the sticky order then needs no sort.
constexpr const char* kListingIndexes = R"sql(
DROP INDEX entries_by_status_published;
CREATE INDEX entries_by_status_published ON entries (status, published_at, id, kind);
CREATE INDEX entries_by_status_sticky ON entries (status, sticky, published_at, id, kind);
)sql";

// A category's new name or description is logged with its id, so a cache drops only the
// pages that show that category; a new slug or parent moves URLs, and is logged as '*'.
constexpr const char* kCategoryChangeLog = R"sql(
DROP TRIGGER categories_update_counts;
CREATE TRIGGER categories_update_counts AFTER UPDATE ON categories
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES (
      CASE WHEN OLD.id = NEW.id AND OLD.slug = NEW.slug AND OLD.parent_id IS NEW.parent_id
           THEN 'category:' || NEW.id ELSE '*' END);
  END;
)sql";

// The admin's state: sessions (by the hash of their token), failed sign-ins (counted per
// login for the hourly limit) and entries' revisions. No page shows any of it, so these
// tables move no counter.
constexpr const char* kAdminTables = R"sql(
CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE sign_in_failures (
  login TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_failures_by_login ON sign_in_failures (login, at);
CREATE TABLE revisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  saved_at INTEGER NOT NULL,
  title TEXT NOT NULL,
  data TEXT NOT NULL
) STRICT;
CREATE INDEX revisions_by_entry ON revisions (entry_id, id);
)sql";

// An entry edit is logged with the entry's id when it changes only what pages showing that
// entry show: its own page, and the listings, film pages and parent pages that list it (each
// page records the entries it shows). A change that moves the entry in or out of listings, or
// reorders them, or moves URLs, is logged as '*': status, publication time, slug, kind, film,
// parent, menu order, sticky flag, author (a permalink may name the author). So is a new title
// of a published top-level page, which every page's navigation shows. Categories and tags of an
// entry decide listings too: their link tables keep counting without a row, which readers treat
// like '*'. Sections and listed organizations show on the entry's page alone.
// A new column of `entries` is logged as 'entry:ID' until it is named here: add it to the list
// when a listing filters or orders by it, or a URL or the snapshot holds it.
constexpr const char* kEntryChangeLog = R"sql(
DROP TRIGGER entries_update_counts;
CREATE TRIGGER entries_update_counts AFTER UPDATE ON entries
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES (
      CASE WHEN OLD.id = NEW.id AND OLD.slug = NEW.slug AND OLD.kind = NEW.kind
             AND OLD.status = NEW.status AND OLD.published_at = NEW.published_at
             AND OLD.author_id IS NEW.author_id AND OLD.film_id IS NEW.film_id
             AND OLD.parent_id IS NEW.parent_id AND OLD.menu_order = NEW.menu_order
             AND OLD.sticky = NEW.sticky
             AND NOT (NEW.kind = 'page' AND NEW.parent_id IS NULL AND NEW.status = 'published'
                      AND OLD.title <> NEW.title)
           THEN 'entry:' || NEW.id ELSE '*' END);
  END;

DROP TRIGGER entry_sections_insert_counts;
DROP TRIGGER entry_sections_update_counts;
DROP TRIGGER entry_sections_delete_counts;
CREATE TRIGGER entry_sections_insert_counts AFTER INSERT ON entry_sections
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES ('entry:' || NEW.entry_id);
  END;
CREATE TRIGGER entry_sections_update_counts AFTER UPDATE ON entry_sections
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES (
      CASE WHEN OLD.entry_id = NEW.entry_id THEN 'entry:' || NEW.entry_id ELSE '*' END);
  END;
CREATE TRIGGER entry_sections_delete_counts AFTER DELETE ON entry_sections
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES ('entry:' || OLD.entry_id);
  END;

DROP TRIGGER entry_organizations_insert_counts;
DROP TRIGGER entry_organizations_update_counts;
DROP TRIGGER entry_organizations_delete_counts;
CREATE TRIGGER entry_organizations_insert_counts AFTER INSERT ON entry_organizations
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES ('entry:' || NEW.entry_id);
  END;
CREATE TRIGGER entry_organizations_update_counts AFTER UPDATE ON entry_organizations
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES (
      CASE WHEN OLD.entry_id = NEW.entry_id THEN 'entry:' || NEW.entry_id ELSE '*' END);
  END;
CREATE TRIGGER entry_organizations_delete_counts AFTER DELETE ON entry_organizations
  BEGIN
    UPDATE change_counter SET value = value + 1;
    INSERT INTO changes (key) VALUES ('entry:' || OLD.entry_id);
  END;
)sql";

// A replay digest is a hash: in form_submissions, keyed by it, each new one lands on a leaf
// of its own, so ten comments in one commit wrote ten pages for their digests alone. New
// digests are appended here in arrival order instead (one last leaf for a whole commit), and
// moved into form_submissions later, sorted, hundreds per commit
// (SqliteStore::record_submission). seq is never reused (AUTOINCREMENT), so a process moving
// the digests up to some seq never meets a newer one there, whatever other processes do.
constexpr const char* kRecentSubmissions = R"sql(
CREATE TABLE form_submissions_recent (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  digest BLOB NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
)sql";

// Most comments answer no other: their NULL parent_id filled the index's last leaf, which
// every commit of new comments wrote once more. Only replies are looked up by their parent
// (threads, and "ON DELETE SET NULL" when a comment is deleted, which SQLite runs as
// "parent_id = ?": an implied "IS NOT NULL", so it still uses the index).
constexpr const char* kReplyIndex = R"sql(
DROP INDEX comments_by_parent;
CREATE INDEX comments_by_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;
)sql";

// Failed sign-ins are throttled per login and per client (auth/sign_in_throttle.h), the
// client known by a keyed hash. The old rows, a day's at most and with no client, are not
// worth carrying over: forgetting them only forgives a day of failures once. The index on the
// time serves the sweep of day-old rows that every new failure runs.
constexpr const char* kSignInClients = R"sql(
DROP TABLE sign_in_failures;
CREATE TABLE sign_in_failures (
  login TEXT NOT NULL,
  client BLOB NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_failures_by_login ON sign_in_failures (login, at);
CREATE INDEX sign_in_failures_by_client ON sign_in_failures (client, at);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (at);
)sql";

constexpr Migration kMigrations[] = {
    {1, "core tables: users, films, categories, tags, entries, organizations, comments",
     kCoreTables},
    {2, "media and redirects", kMediaAndRedirects},
    {3, "reader submissions: site secrets, submission digests, counting only public writes",
     kReaderSubmissions},
    {4, "per-entry ping status", kPingStatus},
    {5, "the change log of comment approvals", kChangeLog},
    {6, "listing indexes that hold the entries' kind and sticky flag", kListingIndexes},
    {7, "the change log of categories' names and descriptions", kCategoryChangeLog},
    {8, "the admin: sessions, failed sign-ins, revisions", kAdminTables},
    {9, "the change log of entry edits", kEntryChangeLog},
    {10, "new submission digests in arrival order", kRecentSubmissions},
    {11, "the replies index holds replies only", kReplyIndex},
    {12, "failed sign-ins with the client's keyed hash", kSignInClients},
};

Result<int> read_int_pragma(Connection& connection, std::string_view sql) {
  auto statement = connection.prepare(sql);
  if (!statement) return fail(std::move(statement.error()));
  auto row = statement->step();
  if (!row) return fail(std::move(row.error()));
  if (!*row) return fail(ErrorCode::kInternal, std::string(sql) + " returned no row");
  return statement->integer(0);
}

// Whether this file is one reelpress may use and migrate, given its version.
Status check_identity(Connection& connection, std::string_view name, int version) {
  const int latest = latest_schema_version();
  if (version > latest) {
    return fail(ErrorCode::kCorrupt, std::string(name) + " is at schema version " +
                                         std::to_string(version) + " but this reelpress knows " +
                                         std::to_string(latest) + "; upgrade reelpress");
  }
  auto application_id = read_int_pragma(connection, "PRAGMA application_id");
  if (!application_id) return fail(std::move(application_id.error()));
  if (version == 0) {
    // A new, empty file is ours to set up; a file with tables but no version is somebody
    // else's database, which migrating would clutter or break.
    auto tables = read_int_pragma(connection, "SELECT count(*) FROM sqlite_schema");
    if (!tables) return fail(std::move(tables.error()));
    if (*tables == 0 && *application_id == 0) return {};
  } else if (*application_id == kApplicationId) {
    return {};
  }
  return fail(ErrorCode::kCorrupt,
              std::string(name) + " is a SQLite database of another program, not reelpress's");
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> schema_version(Connection& connection) {
  return read_int_pragma(connection, "PRAGMA user_version");
}

Status migrate(Connection& connection, std::string_view name, int target) {
  if (target < 0 || target > latest_schema_version()) {
    return fail(ErrorCode::kInvalidArgument,
                "no schema version " + std::to_string(target) + " to migrate to");
  }
  // One snapshot for the version and the identity checks: read one by one, they could
  // straddle another process's migration (version 0 read before it, its tables after).
  Result<int> version = 0;
  auto checked = connection.in_transaction(Connection::TransactionKind::kRead, [&]() -> Status {
    version = schema_version(connection);
    if (!version) return fail(with_context(std::move(version.error()), name));
    return check_identity(connection, name, *version);
  });
  if (!checked) return checked;

  while (*version < target) {
    const Migration& step = kMigrations[*version];  // Versions are 1, 2, ... in order.
    auto applied = connection.in_transaction(Connection::TransactionKind::kWrite, [&]() -> Status {
      // Another process may have migrated since the read above; the write lock is held now.
      version = schema_version(connection);
      if (!version) return fail(std::move(version.error()));
      if (*version >= step.version) return {};
      if (auto ours = check_identity(connection, name, *version); !ours) return ours;
      if (auto done = connection.execute_script(std::string(step.sql)); !done) return done;
      // PRAGMA takes no bound parameters; the number is this binary's own constant.
      auto recorded =
          connection.execute_script("PRAGMA user_version = " + std::to_string(step.version));
      if (!recorded) return recorded;
      version = step.version;
      return {};
    });
    if (!applied) {
      return fail(with_context(std::move(applied.error()), std::string(name) + ": migration " +
                                                               std::to_string(step.version) + " (" +
                                                               std::string(step.summary) + ")"));
    }
  }
  return {};
}

}  // namespace reelpress::store::sqlite
