// Internal to render/: a linear scan of HTML that bounds how deep an HTML parser would nest it,
// run before gumbo, whose tree construction is quadratic in nesting (each start and end tag
// may walk the stack of open elements and the list of active formatting elements: 100,000
// nested <b> took 6 s, 32,000 nested <div> 7 s). Markup within the limits costs gumbo at most
// the limit per tag, so linear time.
//
// The scan reads tags as the HTML tokenizer does (attributes with their quotes, comments,
// bogus comments, the raw text of <script>, <style>, <textarea>, <title> and the like outside
// SVG and MathML) and keeps a simplified stack of open elements: void elements do not nest,
// the end tags HTML lets authors leave out are implied (a new <li>, <p>, <td>, <tr>, <dt>,
// <dd>, <option>, a block closing an open <p>), and an end tag closes up to its nearest open
// element unless a table, cell, caption, object or foreign root lies in between (where the
// parser ignores it too). It also counts the active formatting elements (<b>, <i>, <a>, ...
// left open, which the parser re-opens in every later block) with HTML's rule that keeps at
// most three identical ones, cleared at the end of a cell or caption. Either number over the
// limit refuses the markup. Where the scan cannot be exact it counts more, never less.
//
// Example:
//   NestingScan scan = scan_html_nesting(html, 512);
//   if (!scan.within_limit) refuse: scan.depth levels, scan.what says what went over;
//
// Thread-safe: a pure function.
#pragma once

#include <cstddef>
#include <string_view>

namespace reelpress::render {

struct NestingScan {
  bool within_limit = true;
  // When not within the limit: how deep the markup had nested (or how many formatting
  // elements were open) when it passed the limit, and which of the two it was.
  std::size_t depth = 0;
  bool formatting = false;
};

// Scans `html` and stops at the first point where more than `limit` elements are open (or more
// than `limit` formatting elements are active). Reads each byte a bounded number of times,
// plus at most `limit` steps per tag.
NestingScan scan_html_nesting(std::string_view html, std::size_t limit);

}  // namespace reelpress::render
