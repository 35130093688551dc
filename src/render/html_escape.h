// Escaping text for HTML: the one place that decides how a string becomes safe markup.
//
// escape_html() is for text that goes anywhere in an HTML document, element content or a
// quoted attribute value (single or double quotes): it escapes & < > " '. The sanitizer and
// the templates use it; Mustache's own escaping is equivalent.
//
// Example:
//   std::string title = "Rivers & Roads <Part 1>";
//   out += "<h1>" + escape_html(title) + "</h1>";  // <h1>Rivers &amp; Roads &lt;Part 1&gt;</h1>
//
// All functions are pure and thread-safe. They do not validate or repair UTF-8: bytes other
// than the five escaped ASCII characters are copied unchanged.
#pragma once

#include <string>
#include <string_view>

namespace reelpress::render {

// Escapes & < > " ' as &amp; &lt; &gt; &quot; &#39;.
std::string escape_html(std::string_view text);

// As escape_html, appending to `out` (no temporary string; for building pages piece by piece).
void append_escaped_html(std::string& out, std::string_view text);

// Escapes only & < >, for element content (text nodes), where quotes need no escaping and
// stay readable ("it's" rather than "it&#39;s"). Not safe inside attribute values.
void append_escaped_html_text(std::string& out, std::string_view text);

// Decodes the references an HTML parser reads plainly ("&amp;", "&lt;", "&gt;", "&quot;",
// "&apos;", "&nbsp;", and decimal or hex references to characters that are not controls,
// surrogates or noncharacters) from `text` into *out (cleared first). False for any other
// '&' (another named reference, a missing ';', a reference the parser would map or replace):
// the caller then leaves the text to a real HTML parser. For fast paths over markup that is
// already plain, such as the sanitizer's own output.
bool decode_basic_references(std::string_view text, std::string* out);

}  // namespace reelpress::render
