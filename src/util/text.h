// Small string helpers shared by every layer: slugs, percent-encoding, trimming, splitting.
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reelpress::util {

// "The Salt Road: Part 2" -> "the-salt-road-part-2". ASCII letters and digits are kept
// (lower-cased), runs of anything else become one '-', and non-ASCII UTF-8 is kept as is so
// that titles in other scripts still give a readable slug. Never empty: "-" inputs give "untitled".
std::string slugify(std::string_view text);

// Percent-decodes a URL path or query component. std::nullopt on a malformed escape ("%4G",
// a lone "%") or a decoded NUL byte. '+' is left alone (paths); see decode_form_component.
std::optional<std::string> percent_decode(std::string_view text);
// As percent_decode, but '+' means a space (application/x-www-form-urlencoded).
std::optional<std::string> decode_form_component(std::string_view text);
// Encodes everything but unreserved characters and '/' (for building paths from slugs that
// hold UTF-8). Already-encoded input is not double-encoded only if you decode it first.
std::string percent_encode_path(std::string_view text);

std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);
// Characters (code points) of UTF-8 text: bytes that do not continue a sequence.
std::size_t code_points(std::string_view text);
// The byte offset just past the first `n` code points of UTF-8 `text` (its size if fewer).
std::size_t offset_after_code_points(std::string_view text, std::size_t n);
// Splits on sep; keeps empty pieces.
std::vector<std::string_view> split(std::string_view text, char sep);
// Parses a non-negative decimal integer that fits in int64; std::nullopt otherwise.
std::optional<long long> parse_non_negative(std::string_view text);

// True when text is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with every character that a terminal or a browser would not show as itself written
// out as "<U+202E>": control characters (C0 but newline and tab, DEL, C1), bidirectional
// marks, embeddings, overrides and isolates (which can make "evil.exe" read "exe.live" or turn
// a line around), zero-width and invisible characters, line and paragraph separators, Unicode
// tag characters, and bytes that are not valid UTF-8 ("<0xFF>"). For moderators, who must see
// what a submission really holds. Everything else is returned unchanged.
std::string reveal_hidden_characters(std::string_view text);

// True for a relative path made of plain segments ("2011/07/still.jpg"): not empty, no
// empty, ".", ".." or hidden (".htaccess") segment, no backslash or control character, at
// most 1024 bytes. Such a path cannot leave the folder it is joined to (symbolic links aside).
bool is_plain_relative_path(std::string_view path);

// Value of `name` in a query string or form body ("a=1&b=2"), decoded; nullopt if absent.
std::optional<std::string> form_value(std::string_view query, std::string_view name);

}  // namespace reelpress::util
