// Text formats to and from HTML: Markdown bodies, plain-text comments, and the plain text of
// HTML for excerpts and meta descriptions.
//
// Example:
//   std::string body = markdown_to_html("## Route\n\nFrom *Lhasa* to [Kathmandu](/map/).");
//   // "<h2>Route</h2>\n<p>From <em>Lhasa</em> to <a href=\"/map/\">Kathmandu</a>.</p>\n"
//   std::string comment = plain_text_to_html("Great film!\nSee https://example.org/x");
//   std::string description = html_to_text(body, 160);  // "Route From Lhasa to Kathmandu."
//
// All functions are pure, thread-safe and never throw; any byte string is acceptable input,
// and the output is valid UTF-8. The HTML ones cost what sanitize_html() costs (see there):
// call them when content is stored, not on every page view.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace reelpress::render {

// CommonMark with GitHub's tables, ~~strikethrough~~ and bare-URL autolinks, rendered by md4c
// and then passed through sanitize_html() (SanitizerPolicy::kBody): raw HTML in the Markdown
// is allowed and sanitized like any other HTML body. A leading UTF-8 BOM is ignored.
// Markdown whose HTML nests past kMaxHtmlNesting (a thousand '>' quote markers) comes back as
// its text, escaped.
std::string markdown_to_html(std::string_view markdown);

// As markdown_to_html, but HTML nested past kMaxHtmlNesting is refused with
// sanitize_html_checked's error.
util::Result<std::string> markdown_to_html_checked(std::string_view markdown);

// A comment as a reader typed it, shown as typed: everything is escaped (no markup, no
// Markdown); runs of blank lines separate <p> paragraphs; a single newline is a <br>; bare
// http(s) URLs become links with rel="nofollow noopener ugc". Trailing punctuation and an
// unbalanced ')' are not part of a URL. The result is sanitized under
// SanitizerPolicy::kComment, so it has the same form as a sanitized HTML comment.
// Empty or all-blank text gives "".
std::string plain_text_to_html(std::string_view text);

// The text a reader would type to get the comment `html`, for editing it: the inverse of
// plain_text_to_html, so that plain_text_to_html(comment_to_plain_text(h)) == h for every h
// that plain_text_to_html made, and the text shows the comment's paragraphs (separated by a
// blank line) and line breaks (<br>) as typed. Other block elements (lists, quotes, headings
// of imported comments) also end paragraphs; inline markup goes, keeping its text; a link
// whose text is not its address keeps the address after it in parentheses, so an edit does
// not lose it. The result is plain text, not HTML.
std::string comment_to_plain_text(std::string_view html);

// The text of an HTML fragment for excerpts, meta descriptions and feeds: tags go (the content
// of script, style and the other elements the sanitizer drops goes with them), block elements
// and <br> separate words, whitespace (including no-break spaces) collapses to single spaces,
// and the ends are trimmed. If the text is longer than `max_chars` code points it is cut at a
// word boundary and ends with "…", the whole being at most `max_chars` code points (a single
// word longer than that is cut inside). Pass std::string::npos for no limit.
// The result is plain text, not HTML: escape it where it goes into a page.
std::string html_to_text(std::string_view html, size_t max_chars);

}  // namespace reelpress::render
