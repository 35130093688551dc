// What WordPress did to a post's or comment's text before showing it, done once at import:
// the result is stored as the entry's body_html (the source stays in body).
//
// A post: block-editor delimiters (<!-- wp:paragraph -->, <!-- /wp:paragraph -->,
// <!-- wp:latest-posts /-->) are removed and the HTML between them kept; a post written in
// the block editor already has its paragraphs, so only a post without blocks goes through
// wpautop (WordPress does the same since 5.0); then shortcodes (shortcodes.h), then links and
// media of the old site become root-relative (old_site_urls.h), then the sanitizer.
// A comment: wpautop, then the sanitizer's comment policy.
//
// Example:
//   ShortcodeContext ctx{.post_id = 4, .attachments = &index, .urls = &urls};
//   post_content_to_html("Hello\n\nWorld", ctx) == "<p>Hello</p>\n<p>World</p>\n"
//
// Pure (given the context), thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "importer/shortcodes.h"

namespace reelpress::importer {

// Removes the block editor's comment delimiters; *had_blocks tells whether there were any.
std::string strip_block_delimiters(std::string_view content, bool* had_blocks);

// A post's or page's <content:encoded> as sanitized HTML (kBody policy).
std::string post_content_to_html(std::string_view content, const ShortcodeContext& context);

// A comment's <wp:comment_content> as sanitized HTML (kComment policy). `site_host` is the
// new site's host, so links to it are not marked nofollow; may be empty.
std::string comment_content_to_html(std::string_view content, std::string_view site_host);

}  // namespace reelpress::importer
