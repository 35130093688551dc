// Imports a WordPress export (WXR) into a Store: posts, pages, comments, categories, tags,
// authors and attachment records, keeping WordPress's ids so that every old URL keeps
// working (?p=ID, /%category%/%postname%/%post_id%/, /parent/child/, comment anchors).
//
// All or nothing: the whole import runs in one Store transaction, so a file that fails
// halfway (broken XML, a hostile DOCTYPE, a store error) leaves the store as it was.
// Re-running the same import updates in place: entries, comments and (by login) users keep
// their ids and are replaced; categories, tags and media are found again by slug or path.
//
// How WordPress's data maps to reelpress (the decisions, in one place):
//   - post -> EntryKind::kArticle, page -> kPage (with parent and menu_order), attachment ->
//     a Media record at "YYYY/MM/name" (from _wp_attached_file, else the part of
//     <wp:attachment_url> after /wp-content/uploads/ or /files/); the files themselves are not
//     in a WXR. Any other post type (nav_menu_item, revision, custom types, ...) is skipped
//     and counted in ImportSummary::skipped.
//   - Slugs: WordPress stores non-ASCII slugs percent-encoded (<wp:post_name>
//     "%ec%86%8c%ea%b8%88"). reelpress stores them decoded, as UTF-8 ("소금"), because the
//     site layer percent-encodes slugs when it builds a URL and decodes request paths before
//     matching; the URL it serves is then the one WordPress served in <link> (percent-encoding
//     compares equal whatever the case of its hex digits). A slug that does not decode to
//     valid UTF-8 is kept as it is. The same holds for category and tag slugs. A draft with
//     no slug gets one from its title, as WordPress would give it when publishing.
//   - Status: publish -> kPublished (with <wp:post_password>, password-protected), future ->
//     kScheduled, private -> kPrivate, trash -> kTrash, draft, pending, auto-draft and
//     anything unknown -> kDraft (never shown by mistake).
//   - Times: <wp:post_date_gmt> (UTC); when WordPress wrote 0000-00-00 (drafts), post_date.
//   - Categories: in the order WordPress used for the permalink's %category%: ascending term
//     id (what get_permalink() does), except that a primary category set with Yoast SEO
//     (_yoast_wpseo_primary_category) comes first. The first is the primary one.
//   - Comments keep their ids, threading and state: 1 -> approved, 0 -> pending, spam,
//     trash (and post-trashed) -> trash. Pingbacks and trackbacks are imported as comments,
//     as WordPress listed them; other comment types are skipped. The commenter's IP address
//     is never read (see wxr_reader.h). comment_status closed -> comments_open = false;
//     ping_status open -> pings_open (kept, not acted on: reelpress sends no pings).
//   - Authors (<wp:author>) -> users with the author role and no password; an existing user
//     with the same login keeps its role and password and gets the export's name and email.
//   - Titles and term names are plain text in reelpress: HTML entities are decoded and tags
//     removed. Excerpts become plain text too.
//   - Bodies: body = <content:encoded> as WordPress stored it, body_format = kHtml, body_html =
//     wp_content.h's rendering (blocks, wpautop, shortcodes, old-site URLs made root-relative,
//     sanitizer).
//   - Every published post's and page's <link> path is also saved as a Redirect to the entry,
//     so that old links still lead to it if the site's permalink pattern differs from the one
//     the WordPress site used (when they agree, the entry answers the path itself first).
//     An attachment's page (its <link>) redirects to its file, /files/YYYY/MM/name.
//
// Example:
//   ImportOptions options;
//   options.progress = [](const ImportProgress& p) { draw_bar(p); };
//   auto summary = import_wxr_file(store, "export.xml.gz", options);
//   if (!summary) die(summary.error().message);  // "export.xml.gz:42: not well-formed ..."
//   std::cout << summary->to_string() << "\n";
//
// Errors: kNotFound when the file does not exist; kInvalidArgument for a file that cannot be
// imported ("FILE:LINE: what", see wxr_reader.h); the store's own errors otherwise (kIo,
// kUnavailable when another process holds the write lock, ...). Nothing is written on error.
//
// Threading: parses and writes on the calling thread (the store sees one thread, in file
// order); HTML is rendered on ImportOptions::render_threads helper threads meanwhile
// (ordered_pipeline.h). The progress callback is called on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "importer/input_stream.h"
#include "store/store.h"
#include "util/result.h"

namespace reelpress::importer {

struct ImportProgress {
  std::uint64_t items = 0;         // <item>s read so far, of every type.
  std::uint64_t bytes_read = 0;    // Of the file (compressed bytes when it is gzip).
  std::uint64_t total_bytes = 0;   // The file's size; 0 when unknown.
  std::uint64_t bytes_parsed = 0;  // Of the XML (after decompression).
  // The XML's whole size as far as known (InputStream::expected_bytes()); 0 when unknown.
  std::uint64_t expected_parsed = 0;
};

// What an import found and wrote. Counts are of the things in the file, so a re-import of
// the same file gives the same summary.
struct ImportSummary {
  int entries = 0;  // Posts.
  int pages = 0;
  int comments = 0;
  int categories = 0;
  int tags = 0;
  int users = 0;
  int attachments = 0;
  std::map<std::string, int> skipped;  // Why ("nav_menu_item items") -> how many.
  std::string source_title;            // The WordPress site's title.
  std::string source_url;   // Its address (<wp:base_site_url> or <link>), for the summary only.
  std::uint64_t bytes = 0;  // XML bytes read (after decompression).

  int skipped_total() const;
  // One line: "Imported 12 entries, 4 pages, 4 comments, 8 categories, 3 tags, 3 users and 1
  // attachment from http://example.org (WIDE ANGLE); skipped nothing."
  std::string to_string() const;
};

struct ImportOptions {
  // The new site's host ("www.example.org"), so comment links to it are not nofollow.
  std::string site_host;
  // Called after each item; keep it cheap (the CLI redraws at most a few times a second).
  std::function<void(const ImportProgress&)> progress;
  // Threads that render bodies and comments (the sanitizer is most of an import's work)
  // while the calling thread parses and writes; -1: one per core; 0: all on the calling thread.
  int render_threads = -1;
};

util::Result<ImportSummary> import_wxr(store::Store& store, InputStream& input,
                                       const ImportOptions& options = {});

// Opens `path` (plain or gzip) and imports it.
util::Result<ImportSummary> import_wxr_file(store::Store& store, const std::string& path,
                                            const ImportOptions& options = {});

}  // namespace reelpress::importer
