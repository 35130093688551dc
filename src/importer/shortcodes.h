// WordPress shortcodes: the bracketed macros ([caption], [gallery], ...) that posts carry in
// their text and WordPress expanded when it showed them. The common ones become plain HTML
// here, under this project's rule that a page loads nothing from another origin:
//
//   [caption align="alignleft"]<img ...> Text[/caption]  -> <figure class="wp-caption alignleft">
//                                                            <img ...><figcaption
//                                                            class="wp-caption-text">Text
//                                                            </figcaption></figure>
//   (also [wp_caption]; the caption comes from the caption="" attribute or the text after the
//   image)
//   [embed]https://video.example/x[/embed]                -> <a href="...">...</a>: a link,
//                                                            never an embedded player
//   [gallery ids="3,4"] or [gallery] (the post's images)  -> <ul><li><figure><img ...>
//                                                            <figcaption>...</figure></li></ul>
//   [audio mp3="..."], [video mp4="..." poster="..."]     -> <audio controls src> / <video
//                                                            controls src> when the file is
//                                                            the site's own, else a link
//
// Any other shortcode, known to WordPress or not, stays as the text it is (what WordPress
// showed when the plugin that provided it was gone). [[caption]] is the escaped form and
// shows as "[caption]". The output is not sanitized here: the caller passes the whole body
// through render::sanitize_html.
//
// Example:
//   ShortcodeContext ctx;
//   ctx.urls = &urls;  // OldSiteUrls of the export
//   do_shortcodes("[embed]http://video.example.org/salt[/embed]", ctx)
//     == "<a href=\"http://video.example.org/salt\">http://video.example.org/salt</a>"
//
// Pure (given its context), thread-safe, never throws except std::bad_alloc.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "importer/old_site_urls.h"

namespace reelpress::importer {

// What the export says about one attachment, for [gallery], [audio] and [video].
struct AttachmentInfo {
  std::int64_t id = 0;
  std::int64_t parent = 0;  // The post it is attached to; 0 for none.
  int menu_order = 0;
  std::string url;  // As in the export (<wp:attachment_url>).
  std::string mime_type;
  std::string title;
  std::string alt;      // _wp_attachment_image_alt
  std::string caption;  // The attachment's excerpt.
};

// The attachments of an export, by id and by parent post.
class AttachmentIndex {
 public:
  void add(AttachmentInfo info);
  const AttachmentInfo* find(std::int64_t id) const;
  // Attachments of a post in WordPress's gallery order (menu_order, then id).
  std::vector<const AttachmentInfo*> children(std::int64_t parent) const;
  std::size_t size() const { return by_id_.size(); }

 private:
  std::unordered_map<std::int64_t, AttachmentInfo> by_id_;
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> by_parent_;
};

struct ShortcodeContext {
  std::int64_t post_id = 0;                      // The post whose content this is.
  const AttachmentIndex* attachments = nullptr;  // Null: no gallery, no attached media.
  const OldSiteUrls* urls = nullptr;             // Null: only root-relative URLs are local.
};

// The shortcodes this file renders (lower case).
bool is_rendered_shortcode(std::string_view name);

// True when rendering `text` needs the export's attachments ([gallery], or [audio]/[video]
// that name no file and fall back to the post's attached one).
bool needs_attachments(std::string_view text);

// Expands the rendered shortcodes in `text` (see the top of the file).
std::string do_shortcodes(std::string_view text, const ShortcodeContext& context);

// After wpautop: takes the shortcodes that become blocks ([caption], [gallery]) out of the
// paragraphs wpautop put them in, so that no <figure> or <ul> ends up inside a <p>. One
// standing alone loses its <p>...</p> (WordPress's shortcode_unautop does that much); one
// sharing a paragraph with text splits it in two around itself (WordPress left that invalid).
std::string shortcode_unautop(std::string_view html);

}  // namespace reelpress::importer
