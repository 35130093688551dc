// The domain of a documentary series site: films, entries and their parts, categories, tags,
// organizations, comments, users, media, redirects. Plain values: no I/O here.
//
// Ids are stable integers. An entry imported from WordPress keeps its WordPress post id, so
// that `?p=ID` and permalinks ending in the id keep working. An id of 0 in a value passed to
// a Store means "assign one".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.h"

namespace reelpress::content {

using Id = std::int64_t;
using util::UnixTime;

// What a page is for; the theme picks a template by kind and the admin an editing form.
enum class EntryKind {
  kArticle,        // A dated post (news, announcement, web-only short).
  kPage,           // A static page of the series ("About the Series"), hierarchical.
  kIntroduction,   // A film's introduction: press quotes, "About the Film", "About the Issue".
  kOrganizations,  // A list of organizations readers can support; readers suggest more.
  kVideo,          // The full episode.
  kTranscript,     // An interview transcript.
  kMap,            // A route or places.
  kResources,      // Links for further reading.
  kLessonPlan,     // Material for teachers.
};

enum class EntryStatus {
  kDraft,      // Not public.
  kScheduled,  // Becomes public at published_at (WordPress "future").
  kPublished,  // Public (also when protected by a password).
  kPrivate,    // Editors only.
  kTrash,      // Deleted but restorable.
};

enum class BodyFormat { kMarkdown, kHtml };

// Shared by comments and suggested organizations.
enum class ModerationStatus { kPending, kApproved, kSpam, kTrash };

enum class Role { kAdministrator, kEditor, kAuthor, kContributor, kModerator };

// Stable lower-case names used in the database, site.toml, the CLI and templates.
std::string_view to_string(EntryKind v);
std::string_view to_string(EntryStatus v);
std::string_view to_string(BodyFormat v);
std::string_view to_string(ModerationStatus v);
std::string_view to_string(Role v);
// The inverse; std::nullopt for an unknown name.
std::optional<EntryKind> parse_entry_kind(std::string_view s);
std::optional<EntryStatus> parse_entry_status(std::string_view s);
std::optional<BodyFormat> parse_body_format(std::string_view s);
std::optional<ModerationStatus> parse_moderation_status(std::string_view s);
std::optional<Role> parse_role(std::string_view s);
// All kinds, in the order the theme lists a film's companion pages.
const std::vector<EntryKind>& all_entry_kinds();

struct Category {
  Id id = 0;
  std::optional<Id> parent_id;  // Categories form a tree (episodes/by-geography/africa).
  std::string slug;             // One path segment; unique among siblings.
  std::string name;
  std::string description;
};

struct Tag {
  Id id = 0;
  std::string slug;  // Unique.
  std::string name;
};

struct PressQuote {
  std::string text;    // Plain text.
  std::string source;  // "The Daily Chronicle"
};

// An episode of the series; groups its companion entries (Entry::film_id).
struct Film {
  Id id = 0;
  std::string slug;  // Unique; the film page lives at /films/{slug}/.
  std::string title;
  std::string air_date;  // "YYYY-MM-DD", or empty when not yet known.
  int runtime_minutes = 0;
  std::string synopsis;  // Plain text, a paragraph or two.
  std::string credits;   // Plain text, one credit per line ("Director: Ana Ruiz").
  std::string poster;    // Media path ("2011/07/poster.jpg") or empty.
  int position = 0;      // Order on the home page, ascending.
  std::vector<PressQuote> press_quotes;
};

// A titled part of an entry: "About the Film", "About the Issue", a lesson's step.
struct Section {
  std::string heading;
  std::string body;       // Source, in the entry's body_format.
  std::string body_html;  // Rendered and sanitized; what pages show.

  friend bool operator==(const Section&, const Section&) = default;
};

// One page of the site.
struct Entry {
  Id id = 0;
  std::string slug;  // One path segment, decoded UTF-8 (URLs percent-encode it when built).
  std::string title;
  std::string kicker;  // Small line above the title (the film's title); may be empty.
  EntryKind kind = EntryKind::kArticle;
  EntryStatus status = EntryStatus::kDraft;
  std::string password;  // Non-empty: readers must give it to see the body.
  BodyFormat body_format = BodyFormat::kMarkdown;
  std::string body;           // Source as written or imported.
  std::string body_html;      // Rendered and sanitized before storing; what pages show.
  std::string excerpt;        // Plain text summary for listings; may be empty.
  UnixTime published_at = 0;  // UTC.
  UnixTime modified_at = 0;   // UTC.
  std::optional<Id> author_id;
  std::optional<Id> film_id;
  std::optional<Id> parent_id;  // Pages only: the parent page, for /parent/child/ paths.
  int menu_order = 0;
  bool sticky = false;           // Listed first on the home page.
  bool comments_open = true;     // Per-entry switch; the site may close comments above it.
  bool pings_open = false;       // WordPress's ping_status, kept from imports; not acted on.
  std::vector<Id> category_ids;  // The first is the primary one used in the permalink.
  std::vector<Id> tag_ids;
  std::vector<Section> sections;     // Kind-specific titled parts, in order.
  std::vector<Id> organization_ids;  // Organizations listed on this entry, in order.

  // Every field, relations included (a store saves only what differs from what it holds).
  friend bool operator==(const Entry&, const Entry&) = default;
};

struct Organization {
  Id id = 0;
  std::string name;
  std::string description;                                // Plain text.
  std::string url;                                        // http(s) only; may be empty.
  std::string region;                                     // "East Africa"
  std::string focus;                                      // "Legal aid"
  ModerationStatus status = ModerationStatus::kApproved;  // Reader suggestions start pending.
  std::optional<Id> suggested_for_entry_id;  // The organizations page it was suggested on.
  UnixTime created_at = 0;
};

// A reader's comment. No IP address, user agent or other client trace is part of it.
struct Comment {
  Id id = 0;
  Id entry_id = 0;
  std::optional<Id> parent_id;  // A reply to another comment of the same entry.
  std::string author_name;      // As shown.
  std::string author_email;     // Optional; stored only if given; never rendered.
  std::string author_url;       // Optional http(s) link on the name.
  std::string body_html;        // Sanitized HTML (paragraphs, links).
  ModerationStatus status = ModerationStatus::kPending;
  UnixTime created_at = 0;
};

struct User {
  Id id = 0;
  std::string login;  // Unique.
  std::string display_name;
  std::string email;
  Role role = Role::kAuthor;
  std::string password_hash;  // argon2id string from libsodium; empty for imported authors.
  UnixTime created_at = 0;
};

// A signed-in editor's session (the admin). The token the browser holds is never stored:
// only its hash, so a copy of the database cannot be used to sign in.
struct Session {
  std::string token_hash;  // 32 bytes, BLAKE2b of the token (auth/sessions.h).
  Id user_id = 0;
  std::string csrf_token;  // Sent back with every state-changing admin form.
  UnixTime created_at = 0;
  UnixTime last_seen = 0;  // Moved at most once a minute, for the idle timeout.
};

// One saved state of an entry, kept for every save in the admin so an edit can be compared
// and undone.
struct Revision {
  Id id = 0;
  Id entry_id = 0;
  std::optional<Id> user_id;  // Who saved it; none once that account is removed.
  UnixTime saved_at = 0;
  std::string title;  // The entry's title then, for lists.
  std::string data;   // The whole entry, serialized by its writer (site/admin/revisions.h).
};

// An uploaded or imported file, served under /files/{path} (and /wp-content/uploads/{path}).
struct Media {
  Id id = 0;
  std::string path;  // "2011/07/salt-road.jpg": unique, relative to the site's media/ folder.
  std::string mime_type;
  std::string title;
  std::string alt;
  std::optional<Id> entry_id;  // The entry it was attached to, if any.
  std::int64_t size = 0;
  UnixTime uploaded_at = 0;
};

// An old path that answers 301: to an entry's canonical URL, or to another path.
struct Redirect {
  std::string from_path;  // Absolute, no query ("/old-slug/12/").
  std::optional<Id> entry_id;
  std::string to_path;  // Used when entry_id is empty.
};

}  // namespace reelpress::content
