// The allowlist HTML sanitizer: every HTML body (imported, typed by an editor or rendered
// from Markdown) and every HTML comment passes through sanitize_html() before it is stored.
//
// The input is parsed the way a browser parses it (gumbo, the HTML5 algorithm, as a fragment
// inside <body>), filtered against an allowlist of elements and attributes, and serialized
// again by this file. What comes out is therefore what a browser will see: no parser quirk
// (an unclosed tag, an entity inside "javascript:", a stray "<!--") can smuggle markup past
// the filter, because the filter only ever looks at the parsed tree.
//
// Example:
//   std::string body = sanitize_html(R"(<p onclick="x()">Hi<script>evil()</script></p>)");
//   // body == "<p>Hi</p>"
//   std::string comment = sanitize_html(user_html, {.policy = SanitizerPolicy::kComment,
//                                                   .site_host = "www.example.org"});
//
// Contract:
//   - Never throws and never crashes, for any byte string (running out of memory ends the
//     process, as it would inside gumbo). Invalid UTF-8 becomes U+FFFD; the output is always
//     valid UTF-8, without C0/C1 control characters other than tab and newline, and without
//     the noncharacters U+FFFE/U+FFFF.
//   - Idempotent: sanitize_html(sanitize_html(x, o), o) == sanitize_html(x, o). The output is
//     checked by parsing it again; markup that a parser would restructure is re-sanitized
//     until it is stable (see html_sanitizer.cc for why and what happens in the worst case).
//   - Thread-safe: no shared state; call it from any thread.
//   - Cost: linear in the input. Plain, well-formed markup (paragraphs, links, emphasis,
//     lists, properly closed) is read by a small strict tokenizer, at about 70 MB/s. Anything
//     else goes through gumbo, once when the markup needed no repair and nothing was removed,
//     else twice or more (to check the result), and gumbo is not fast: about 7 MB/s per core.
//     Gumbo's tree construction is quadratic in nesting (32,000 nested <div> took 7 s), so
//     markup that nests more than kMaxHtmlNesting elements, or leaves more than that many
//     formatting elements open, is never parsed: a linear scan finds it first (see
//     html_nesting.h), sanitize_html_checked refuses it with a message that names the limit,
//     and sanitize_html returns it as escaped text. Sanitize when content is stored, not when
//     it is shown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace reelpress::render {

// How deep markup may nest, and how many formatting elements (<b>, <i>, <a>, ...) it may leave
// open at once, to be parsed. Browsers stop nesting at about this depth too (Blink puts
// elements past 512 levels beside their parent).
inline constexpr std::size_t kMaxHtmlNesting = 512;

enum class SanitizerPolicy {
  // Entry bodies: headings, lists, tables, figures, images, audio and video, WordPress caption
  // and alignment classes. h1 becomes h2 (the page title is the only h1).
  kBody,
  // Reader comments: p, br, a, strong, b, em, i, code, blockquote, ul, ol, li, q, cite, and
  // no class attributes. Links to other hosts get rel="nofollow noopener ugc".
  kComment,
};

struct SanitizerOptions {
  SanitizerPolicy policy = SanitizerPolicy::kBody;
  // The site's own host ("www.example.org"), compared case-insensitively with the host of
  // absolute links. Under kComment, links to it are not marked nofollow; empty means every
  // absolute http(s) link is treated as external. Unused under kBody. Only read during the
  // call: the viewed string needs to outlive the call, nothing more.
  std::string_view site_host;
  // Read plain, well-formed markup without the HTML parser (see sanitize_html). Off only to
  // compare both paths (the fuzzer, the tests): the result is the same either way.
  bool fast_path = true;
};

// Returns the sanitized form of `html` (see the contract above). What is kept:
//   - Allowed elements with their allowed attributes, attribute values checked by kind
//     (URLs, numbers, enumerations, class tokens from a WordPress allowlist).
//   - URLs (href, src, cite, poster) that are relative or http(s) (and mailto: for href).
//     An <a> with a bad href keeps its text; an <img>, <source> or <track> with a bad src is
//     dropped, as is an <audio>/<video> left with neither a src nor a <source>.
//   - Text, escaped, with its whitespace.
// What goes:
//   - script, style, iframe, object, embed, template, noscript, form controls, svg, math and
//     document-level elements, with everything inside them.
//   - Every other element not allowed (font, center, o:p, custom elements): the tag goes,
//     its content stays.
//   - Comments, id, style and on* attributes, and every attribute not on the allowlist.
//
// Markup nested past kMaxHtmlNesting comes back as its text, escaped (the tags shown, not
// parsed): use sanitize_html_checked where someone can be told instead.
std::string sanitize_html(std::string_view html, const SanitizerOptions& options = {});

// As sanitize_html, but markup nested past kMaxHtmlNesting is refused: kInvalidArgument, with
// a message for the author that names the limit.
util::Result<std::string> sanitize_html_checked(std::string_view html,
                                                const SanitizerOptions& options = {});

}  // namespace reelpress::render
