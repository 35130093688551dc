// WxrReader: a streaming reader of WordPress eXtended RSS (WXR 1.0 to 1.2), the file that
// WordPress's Tools > Export writes. It hands out one parsed piece at a time (channel, author,
// category, tag, item, comment) to a WxrHandler, so memory stays bounded whatever the size of
// the export: an item's fields are held until its first comment starts, each comment until it
// ends, and no more.
//
// Hostile input: the parser (expat) never fetches anything and never expands a declared
// entity. A DOCTYPE with an internal subset or an external DTD, and any entity declaration,
// stop the read with "WXR files must not declare entities", so XXE and "billion laughs" files
// fail before doing anything; parameter entities are never parsed and no external entity
// handler exists (a bare <!DOCTYPE rss> is harmless and allowed). A
// field larger than kMaxFieldBytes stops the read too, so one giant element cannot exhaust
// memory. Invalid UTF-8 and broken or truncated XML are errors, each naming the line.
//
// Commenter IP addresses (<wp:comment_author_IP>) are not read into anything: WxrComment has
// no field for them, by design (DESIGN.md, Privacy).
//
// Example:
//   class Printer : public WxrHandler {
//     util::Status on_item(const WxrItem& item) override {
//       std::cout << item.post_id << " " << item.title << "\n";
//       return {};
//     }
//   };
//   auto in = InputStream::open("export.xml");
//   Printer printer;
//   util::Status s = read_wxr(**in, printer);  // "export.xml:12: not well-formed ..." on error
//
// Errors: kInvalidArgument for anything wrong with the file, with a message
// "NAME:LINE: what" (NAME being InputStream::name()); a file whose root is not <rss> with the
// WordPress export namespace, or that has no <channel>, gives "NAME is not a WordPress export
// (WXR)". An error returned by a handler callback stops the read and is returned as it is,
// with "NAME:LINE: " put before its message (the line where the parser was).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "importer/input_stream.h"
#include "util/result.h"

namespace reelpress::importer {

// One field may hold at most this much text (a post's content is the largest).
inline constexpr std::size_t kMaxFieldBytes = 64u << 20;

// <channel>'s own fields. Handed out once, before the first author, term or item.
struct WxrChannel {
  std::string title;
  std::string link;  // The site's address as WordPress knew it ("http://example.org").
  std::string description;
  std::string language;
  std::string wxr_version;    // "1.2"
  std::string base_site_url;  // <wp:base_site_url>
  std::string base_blog_url;  // <wp:base_blog_url>
};

struct WxrAuthor {
  std::int64_t id = 0;
  std::string login;
  std::string email;
  std::string display_name;
  std::string first_name;
  std::string last_name;
};

struct WxrCategory {
  std::int64_t term_id = 0;
  std::string nicename;  // The slug, as WordPress stores it (non-ASCII is percent-encoded).
  std::string parent;    // The parent's nicename; empty at the top.
  std::string name;
  std::string description;
};

struct WxrTag {
  std::int64_t term_id = 0;
  std::string slug;
  std::string name;
  std::string description;
};

// <wp:term>: a term of any taxonomy (WordPress 4.x+ also repeats categories and tags here).
struct WxrTerm {
  std::int64_t term_id = 0;
  std::string taxonomy;
  std::string slug;
  std::string parent;
  std::string name;
};

// <category domain="..." nicename="...">Name</category> inside an item.
struct WxrItemTerm {
  std::string domain;  // "category", "post_tag", "post_format", or a custom taxonomy.
  std::string nicename;
  std::string name;
};

struct WxrPostMeta {
  std::string key;
  std::string value;
};

struct WxrItem {
  std::uint64_t line = 0;  // Where <item> starts, for messages.
  std::string title;
  std::string link;
  std::string pub_date;
  std::string creator;  // <dc:creator>: an author login.
  std::string guid;
  std::string description;
  std::string content;  // <content:encoded>
  std::string excerpt;  // <excerpt:encoded>
  std::int64_t post_id = 0;
  std::string post_date;      // "YYYY-MM-DD HH:MM:SS", the site's local time.
  std::string post_date_gmt;  // UTC, or "0000-00-00 00:00:00" for drafts never published.
  std::string post_modified;
  std::string post_modified_gmt;
  std::string comment_status;  // "open" / "closed"
  std::string ping_status;
  std::string post_name;  // The slug, percent-encoded by WordPress where it is not ASCII.
  std::string status;     // publish, draft, pending, private, future, trash, inherit, ...
  std::int64_t post_parent = 0;
  int menu_order = 0;
  std::string post_type;  // post, page, attachment, nav_menu_item, revision, ...
  std::string post_password;
  bool is_sticky = false;
  std::string attachment_url;
  std::vector<WxrItemTerm> terms;
  std::vector<WxrPostMeta> postmeta;

  // The value of the first postmeta with this key, or "".
  const std::string& meta(std::string_view key) const;
};

struct WxrComment {
  std::uint64_t line = 0;
  std::int64_t id = 0;
  std::string author;
  std::string author_email;
  std::string author_url;
  std::string date;
  std::string date_gmt;
  std::string content;
  std::string approved;  // "1", "0", "spam", "trash", "post-trashed"
  std::string type;      // "", "comment", "pingback", "trackback", ...
  std::int64_t parent = 0;
  std::int64_t user_id = 0;
};

// Receives the pieces of an export in file order. Every callback may return an error, which
// stops the read. Items arrive as: on_item, then on_comment for each of its comments, then
// on_item_end. The references passed are valid during the call only.
class WxrHandler {
 public:
  virtual ~WxrHandler() = default;
  virtual util::Status on_channel(const WxrChannel&) { return {}; }
  virtual util::Status on_author(const WxrAuthor&) { return {}; }
  virtual util::Status on_category(const WxrCategory&) { return {}; }
  virtual util::Status on_tag(const WxrTag&) { return {}; }
  virtual util::Status on_term(const WxrTerm&) { return {}; }
  virtual util::Status on_item(const WxrItem&) { return {}; }
  virtual util::Status on_comment(const WxrItem&, const WxrComment&) { return {}; }
  virtual util::Status on_item_end(const WxrItem&) { return {}; }
};

// Reads the whole stream, calling `handler` as it goes. See the top of the file for errors.
util::Status read_wxr(InputStream& input, WxrHandler& handler);

}  // namespace reelpress::importer
