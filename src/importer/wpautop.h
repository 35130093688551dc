// wpautop: WordPress's automatic paragraphs, the rules every classic-editor post was written
// against. An author typed plain lines; WordPress added the <p> and <br /> when it showed
// them. An import that kept the text as it is would run every paragraph together.
//
// The rules (as WordPress applies them, written here from its documented behaviour):
//   - A blank line (two newlines, with only spaces between) ends a paragraph; each paragraph
//     of text becomes <p>...</p>.
//   - A single newline inside a paragraph becomes <br>, except next to a block-level tag
//     or a <source>/<track>/<param> tag, or right after an existing <br>. (WordPress writes
//     "<br />"; this writes the HTML5 form the sanitizer writes, so that text already in the
//     sanitizer's form comes out of it unchanged.)
//   - Block-level elements (div, ul, table, blockquote, h1-h6, figure, p, ...) are not
//     wrapped in <p>: a block tag starts or ends a paragraph. Text right inside a
//     <blockquote> gets its own <p>, as in WordPress.
//   - <pre>, <script>, <style>, <textarea> and <svg> are copied unchanged, as blocks.
//   - Two <br> in a row (with only spaces between) are a paragraph break.
//   - HTML comments are dropped (the sanitizer would drop them anyway; dropping them here
//     keeps a lone <!--more--> from leaving an empty paragraph).
// Where WordPress would write unbalanced tags (text that follows a block's opening tag in the
// same paragraph), this writes balanced ones with the same meaning.
//
// Example:
//   wpautop("One\ntwo\n\nThree") == "<p>One<br>\ntwo</p>\n<p>Three</p>\n"
//
// Pure, thread-safe, linear in the input; any byte string is accepted.
#pragma once

#include <string>
#include <string_view>

namespace reelpress::importer {

// line_breaks = false leaves single newlines alone (WordPress's $br = false).
std::string wpautop(std::string_view text, bool line_breaks = true);

}  // namespace reelpress::importer
