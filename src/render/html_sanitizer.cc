#include "render/html_sanitizer.h"

#include <gumbo.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "render/gumbo_fragment.h"
#include "render/html_escape.h"
#include "render/html_nesting.h"
#include "util/text.h"

namespace reelpress::render {
namespace {

// ---------------------------------------------------------------------------------------------
// Tree

// Children of an element; null for text, comments and the rest.
const GumboVector* children_of(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT ? &node->v.element.children : nullptr;
}

// ---------------------------------------------------------------------------------------------
// Characters

// Appends `text` to `out` as valid UTF-8 that an XML 1.0 consumer (feeds, ZIM, WARC tools)
// also accepts: invalid sequences become U+FFFD; C0 controls other than tab and newline go
// (CR, which only a "&#13;" reference can produce, becomes a newline and FF a space, so
// words stay apart); DEL, C1 controls and U+FFFE/U+FFFF go. gumbo already decodes to valid
// UTF-8; the decoding here is a second line of defence, not the first.
void append_clean_utf8(std::string& out, std::string_view text) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<std::uint8_t>(text[i]);
    if (byte < 0x80) {
      if (byte == '\t' || byte == '\n' || (byte >= 0x20 && byte != 0x7F)) {
        out.push_back(static_cast<char>(byte));
      } else if (byte == '\r') {
        out.push_back('\n');
      } else if (byte == '\f') {
        out.push_back(' ');
      }
      ++i;
      continue;
    }
    size_t length = 0;
    std::uint32_t code_point = 0;
    std::uint32_t minimum = 0;
    if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2;
      code_point = byte & 0x1F;
      minimum = 0x80;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      length = 3;
      code_point = byte & 0x0F;
      minimum = 0x800;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
      code_point = byte & 0x07;
      minimum = 0x10000;
    }
    bool valid = length != 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      const auto continuation = static_cast<std::uint8_t>(text[i + k]);
      if ((continuation & 0xC0) != 0x80) valid = false;
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    valid = valid && code_point >= minimum && code_point <= 0x10FFFF &&
            !(code_point >= 0xD800 && code_point <= 0xDFFF);
    if (!valid) {
      out.append(kReplacement);
      ++i;  // Resynchronize on the next byte, as the WHATWG decoder does (roughly).
      continue;
    }
    const bool c1_control = code_point >= 0x80 && code_point <= 0x9F;
    const bool noncharacter = code_point == 0xFFFE || code_point == 0xFFFF;
    if (!c1_control && !noncharacter) out.append(text.data() + i, length);
    i += length;
  }
}

std::string clean_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_clean_utf8(out, text);
  return out;
}

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alnum(char c) { return is_ascii_alpha(c) || is_ascii_digit(c); }
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
// The HTML spec's "ASCII whitespace", which separates tokens in class and rel.
bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view trim_html_space(std::string_view text) {
  while (!text.empty() && is_html_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_html_space(text.back())) text.remove_suffix(1);
  return text;
}

template <typename Predicate>
bool all_of(std::string_view text, Predicate predicate) {
  for (char c : text) {
    if (!predicate(c)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// URLs

enum class UrlKind {
  kRejected,
  kRelative,  // A path, "?query" or "#fragment" on this site.
  kNetwork,   // http:, https: or "//host": may point at another host.
  kMailto,
};

struct CheckedUrl {
  UrlKind kind = UrlKind::kRejected;
  std::string value;  // What to write: trimmed, tabs and newlines removed, as a browser does.
  std::string host;   // For kNetwork: lower-case host without user info or port.
};

std::string host_of(std::string_view rest) {
  // Browsers treat '\' like '/' in http(s) URLs, so "\\evil.example" is a network path.
  while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) rest.remove_prefix(1);
  const size_t end = rest.find_first_of("/\\?#");
  std::string_view authority = rest.substr(0, end);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    authority = authority.substr(0, authority.find(']') + 1);
  } else {
    authority = authority.substr(0, authority.find(':'));
  }
  while (!authority.empty() && authority.back() == '.') authority.remove_suffix(1);
  return util::to_lower(authority);
}

// Classifies a URL attribute value the way the WHATWG URL parser would see it: leading and
// trailing C0 controls and spaces are stripped and tabs and newlines removed anywhere (so
// "java&#x09;script:" is "javascript:"), then the scheme is whatever precedes the first ':'
// if that prefix is a valid scheme. Anything without a valid scheme is relative.
CheckedUrl check_url(std::string_view raw, bool allow_mailto) {
  CheckedUrl url;
  size_t begin = 0;
  size_t end = raw.size();
  while (begin < end && static_cast<std::uint8_t>(raw[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<std::uint8_t>(raw[end - 1]) <= 0x20) --end;
  for (size_t i = begin; i < end; ++i) {
    if (raw[i] != '\t' && raw[i] != '\n' && raw[i] != '\r') url.value.push_back(raw[i]);
  }
  if (url.value.empty()) return url;

  // Defence in depth, independent of the scheme logic below: a script scheme anywhere in the
  // value, however spaced out, rejects it. No real link needs one.
  std::string squashed;
  for (char c : url.value) {
    if (static_cast<std::uint8_t>(c) > 0x20) squashed.push_back(ascii_lower(c));
  }
  for (std::string_view bad : {"javascript:", "vbscript:", "livescript:"}) {
    if (squashed.find(bad) != std::string::npos) return url;
  }

  const std::string_view value = url.value;
  if (is_ascii_alpha(value.front())) {
    size_t i = 1;
    while (i < value.size() &&
           (is_ascii_alnum(value[i]) || value[i] == '+' || value[i] == '-' || value[i] == '.')) {
      ++i;
    }
    if (i < value.size() && value[i] == ':') {
      const std::string scheme = util::to_lower(value.substr(0, i));
      if (scheme == "http" || scheme == "https") {
        url.kind = UrlKind::kNetwork;
        url.host = host_of(value.substr(i + 1));
      } else if (scheme == "mailto" && allow_mailto) {
        url.kind = UrlKind::kMailto;
      }
      return url;
    }
  }
  if (value.size() >= 2 && (value[0] == '/' || value[0] == '\\') &&
      (value[1] == '/' || value[1] == '\\')) {
    url.kind = UrlKind::kNetwork;
    url.host = host_of(value);
  } else {
    url.kind = UrlKind::kRelative;
  }
  return url;
}

// ---------------------------------------------------------------------------------------------
// The allowlist

enum class ElementAction {
  kKeep,    // Write the element with its allowed attributes.
  kUnwrap,  // Drop the tags, keep (and sanitize) the content.
  kDrop,    // Drop the element and everything inside it.
};

ElementAction action_for(GumboTag tag, SanitizerPolicy policy) {
  switch (tag) {
    // Active content, things that change the page around them, and content that browsers
    // never show as text (so unwrapping it would reveal markup or code as text).
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_META:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_BASE: return ElementAction::kDrop;
    // Allowed in comments and bodies.
    case GUMBO_TAG_P:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_A:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_B:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_I:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_CITE: return ElementAction::kKeep;
    // Allowed in bodies only.
    case GUMBO_TAG_HR:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_U:
    case GUMBO_TAG_S:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_TIME:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
      return policy == SanitizerPolicy::kBody ? ElementAction::kKeep : ElementAction::kUnwrap;
    default: return ElementAction::kUnwrap;
  }
}

// Elements that end a line of text when they are rendered. When one is unwrapped, a newline
// takes its place so that "<div>a</div><div>b</div>" reads "a\nb", not "ab".
bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_XMP: return true;
    default: return false;
  }
}

bool is_void(GumboTag tag) {
  return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG ||
         tag == GUMBO_TAG_SOURCE || tag == GUMBO_TAG_TRACK;
}

bool is_media(GumboTag tag) { return tag == GUMBO_TAG_AUDIO || tag == GUMBO_TAG_VIDEO; }

// Elements that are useless without a src: dropped when they have no acceptable one.
bool needs_src(GumboTag tag) {
  return tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_SOURCE || tag == GUMBO_TAG_TRACK;
}

std::string_view output_name(GumboTag tag) {
  // The page title is the page's only h1; a body's h1 is a section heading.
  if (tag == GUMBO_TAG_H1) return "h2";
  return gumbo_normalized_tagname(tag);
}

enum class AttributeKind {
  kText,         // Any text (escaped).
  kUrl,          // Relative or http(s).
  kHref,         // Relative, http(s) or mailto.
  kBoolean,      // Written as the bare name.
  kDimension,    // 1 to 5 digits (img and video width and height).
  kSpan,         // 1 to 4 digits (colspan, rowspan).
  kInteger,      // An optional '-' and 1 to 9 digits (ol start).
  kClass,        // Tokens from the WordPress allowlist; others are removed.
  kCodeClass,    // "language-xxx" (fenced code blocks from Markdown).
  kRel,          // Link types from an allowlist; others are removed.
  kScope,        // row, col, rowgroup, colgroup.
  kAlign,        // left, right, center, justify (Markdown tables).
  kTrackKind,    // subtitles, captions, descriptions, chapters, metadata.
  kLanguageTag,  // BCP 47-ish: letters, digits and '-'.
};

struct AttributeRule {
  GumboTag tag;
  std::string_view name;
  AttributeKind kind;
  bool in_comments;  // Also allowed under SanitizerPolicy::kComment.
};

// Looked up by linear scan: it is short and scanned only for attributes that exist.
constexpr AttributeRule kAttributeRules[] = {
    {GUMBO_TAG_A, "href", AttributeKind::kHref, true},
    {GUMBO_TAG_A, "title", AttributeKind::kText, true},
    // Under kComment, rel is not taken from the input but decided here (see append_element).
    {GUMBO_TAG_A, "rel", AttributeKind::kRel, false},
    {GUMBO_TAG_IMG, "src", AttributeKind::kUrl, false},
    {GUMBO_TAG_IMG, "alt", AttributeKind::kText, false},
    {GUMBO_TAG_IMG, "width", AttributeKind::kDimension, false},
    {GUMBO_TAG_IMG, "height", AttributeKind::kDimension, false},
    {GUMBO_TAG_IMG, "title", AttributeKind::kText, false},
    {GUMBO_TAG_IMG, "class", AttributeKind::kClass, false},
    {GUMBO_TAG_TH, "colspan", AttributeKind::kSpan, false},
    {GUMBO_TAG_TH, "rowspan", AttributeKind::kSpan, false},
    {GUMBO_TAG_TH, "scope", AttributeKind::kScope, false},
    {GUMBO_TAG_TH, "align", AttributeKind::kAlign, false},
    {GUMBO_TAG_TD, "colspan", AttributeKind::kSpan, false},
    {GUMBO_TAG_TD, "rowspan", AttributeKind::kSpan, false},
    {GUMBO_TAG_TD, "scope", AttributeKind::kScope, false},
    {GUMBO_TAG_TD, "align", AttributeKind::kAlign, false},
    {GUMBO_TAG_OL, "start", AttributeKind::kInteger, false},
    {GUMBO_TAG_OL, "reversed", AttributeKind::kBoolean, false},
    {GUMBO_TAG_TIME, "datetime", AttributeKind::kText, false},
    {GUMBO_TAG_ABBR, "title", AttributeKind::kText, false},
    {GUMBO_TAG_Q, "cite", AttributeKind::kUrl, true},
    {GUMBO_TAG_BLOCKQUOTE, "cite", AttributeKind::kUrl, true},
    {GUMBO_TAG_DEL, "cite", AttributeKind::kUrl, false},
    {GUMBO_TAG_DEL, "datetime", AttributeKind::kText, false},
    {GUMBO_TAG_INS, "cite", AttributeKind::kUrl, false},
    {GUMBO_TAG_INS, "datetime", AttributeKind::kText, false},
    {GUMBO_TAG_AUDIO, "src", AttributeKind::kUrl, false},
    {GUMBO_TAG_AUDIO, "controls", AttributeKind::kBoolean, false},
    {GUMBO_TAG_AUDIO, "poster", AttributeKind::kUrl, false},
    {GUMBO_TAG_AUDIO, "width", AttributeKind::kDimension, false},
    {GUMBO_TAG_AUDIO, "height", AttributeKind::kDimension, false},
    {GUMBO_TAG_VIDEO, "src", AttributeKind::kUrl, false},
    {GUMBO_TAG_VIDEO, "controls", AttributeKind::kBoolean, false},
    {GUMBO_TAG_VIDEO, "poster", AttributeKind::kUrl, false},
    {GUMBO_TAG_VIDEO, "width", AttributeKind::kDimension, false},
    {GUMBO_TAG_VIDEO, "height", AttributeKind::kDimension, false},
    {GUMBO_TAG_SOURCE, "src", AttributeKind::kUrl, false},
    {GUMBO_TAG_SOURCE, "type", AttributeKind::kText, false},
    {GUMBO_TAG_TRACK, "src", AttributeKind::kUrl, false},
    {GUMBO_TAG_TRACK, "kind", AttributeKind::kTrackKind, false},
    {GUMBO_TAG_TRACK, "srclang", AttributeKind::kLanguageTag, false},
    {GUMBO_TAG_TRACK, "label", AttributeKind::kText, false},
    {GUMBO_TAG_FIGURE, "class", AttributeKind::kClass, false},
    {GUMBO_TAG_FIGCAPTION, "class", AttributeKind::kClass, false},
    {GUMBO_TAG_DIV, "class", AttributeKind::kClass, false},
    {GUMBO_TAG_SPAN, "class", AttributeKind::kClass, false},
    {GUMBO_TAG_P, "class", AttributeKind::kClass, false},
    {GUMBO_TAG_CODE, "class", AttributeKind::kCodeClass, false},
};

const AttributeRule* find_attribute_rule(GumboTag tag, std::string_view name,
                                         SanitizerPolicy policy) {
  for (const AttributeRule& rule : kAttributeRules) {
    if (rule.tag == tag && rule.name == name) {
      if (policy == SanitizerPolicy::kComment && !rule.in_comments) return nullptr;
      return &rule;
    }
  }
  return nullptr;
}

// WordPress's alignment and caption classes and the classes it puts on inserted images.
bool is_allowed_class(std::string_view token) {
  for (std::string_view fixed :
       {"alignleft", "alignright", "aligncenter", "alignnone", "wp-caption", "wp-caption-text"}) {
    if (token == fixed) return true;
  }
  auto suffix_after = [&](std::string_view prefix, std::string_view& suffix) {
    if (token.size() <= prefix.size() || token.substr(0, prefix.size()) != prefix) return false;
    suffix = token.substr(prefix.size());
    return true;
  };
  std::string_view suffix;
  if (suffix_after("size-", suffix)) {
    return all_of(suffix, [](char c) {
      return (c >= 'a' && c <= 'z') || is_ascii_digit(c) || c == '-' || c == '_';
    });
  }
  if (suffix_after("wp-image-", suffix)) return all_of(suffix, is_ascii_digit);
  return false;
}

bool is_allowed_code_class(std::string_view token) {
  constexpr std::string_view kPrefix = "language-";
  if (token.size() <= kPrefix.size() || token.size() > kPrefix.size() + 40 ||
      token.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  return all_of(token.substr(kPrefix.size()), [](char c) {
    return is_ascii_alnum(c) || c == '-' || c == '_' || c == '+' || c == '#' || c == '.';
  });
}

// Link types that say something about the link and nothing about loading resources (no
// stylesheet, preload, prefetch...).
bool is_allowed_rel(std::string_view token) {
  for (std::string_view allowed :
       {"alternate", "author", "bookmark", "external", "help", "license", "me", "next", "nofollow",
        "noopener", "noreferrer", "prev", "search", "sponsored", "tag", "ugc"}) {
    if (token == allowed) return true;
  }
  return false;
}

// Keeps the tokens of a space-separated list that `allowed` accepts, each once, in order.
template <typename Predicate>
std::string filter_tokens(std::string_view value, bool lowercase, Predicate allowed) {
  std::vector<std::string> kept;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && is_html_space(value[i])) ++i;
    const size_t start = i;
    while (i < value.size() && !is_html_space(value[i])) ++i;
    if (start == i) break;
    std::string token(value.substr(start, i - start));
    if (lowercase) token = util::to_lower(token);
    if (!allowed(token)) continue;
    bool duplicate = false;
    for (const std::string& seen : kept) duplicate = duplicate || seen == token;
    if (!duplicate) kept.push_back(std::move(token));
  }
  std::string out;
  for (const std::string& token : kept) {
    if (!out.empty()) out.push_back(' ');
    out += token;
  }
  return out;
}

std::string one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
  const std::string_view trimmed = trim_html_space(value);
  for (std::string_view candidate : allowed) {
    if (equals_ignoring_ascii_case(trimmed, candidate)) return std::string(candidate);
  }
  return {};
}

std::string digits(std::string_view value, size_t max_digits, bool allow_minus) {
  std::string_view trimmed = trim_html_space(value);
  std::string_view number = trimmed;
  if (allow_minus && !number.empty() && number.front() == '-') number.remove_prefix(1);
  if (number.empty() || number.size() > max_digits || !all_of(number, is_ascii_digit)) return {};
  return std::string(trimmed);
}

// ---------------------------------------------------------------------------------------------
// Serialization

struct AttributeResult {
  bool has_src = false;        // A src attribute passed the URL check.
  bool external_link = false;  // An href to http(s) on a host other than the site's.
};

// Appends ` name="value"` for each allowed attribute of `element`, in source order.
AttributeResult append_attributes(std::string& out, GumboTag tag, const GumboElement& element,
                                  const SanitizerOptions& options) {
  AttributeResult result;
  for (unsigned i = 0; i < element.attributes.length; ++i) {
    const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
    if (attribute->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE) continue;
    const std::string_view name = attribute->name;
    const AttributeRule* rule = find_attribute_rule(tag, name, options.policy);
    if (rule == nullptr) continue;
    const std::string raw = clean_utf8(attribute->value);
    std::string value;
    switch (rule->kind) {
      case AttributeKind::kText: value = raw; break;
      case AttributeKind::kUrl:
      case AttributeKind::kHref: {
        CheckedUrl url = check_url(raw, rule->kind == AttributeKind::kHref);
        if (url.kind == UrlKind::kRejected) continue;
        if (name == "src") result.has_src = true;
        if (name == "href" && url.kind == UrlKind::kNetwork &&
            (options.site_host.empty() ||
             !equals_ignoring_ascii_case(url.host, options.site_host))) {
          result.external_link = true;
        }
        value = std::move(url.value);
        break;
      }
      case AttributeKind::kBoolean:
        out.push_back(' ');
        out.append(name);
        continue;
      case AttributeKind::kDimension: value = digits(raw, 5, false); break;
      case AttributeKind::kSpan: value = digits(raw, 4, false); break;
      case AttributeKind::kInteger: value = digits(raw, 9, true); break;
      case AttributeKind::kClass: value = filter_tokens(raw, false, is_allowed_class); break;
      case AttributeKind::kCodeClass:
        value = filter_tokens(raw, false, is_allowed_code_class);
        break;
      case AttributeKind::kRel: value = filter_tokens(raw, true, is_allowed_rel); break;
      case AttributeKind::kScope:
        value = one_of(raw, {"row", "col", "rowgroup", "colgroup"});
        break;
      case AttributeKind::kAlign:
        value = one_of(raw, {"left", "right", "center", "justify"});
        break;
      case AttributeKind::kTrackKind:
        value = one_of(raw, {"subtitles", "captions", "descriptions", "chapters", "metadata"});
        break;
      case AttributeKind::kLanguageTag: {
        const std::string_view trimmed = trim_html_space(raw);
        if (trimmed.size() <= 35 &&
            all_of(trimmed, [](char c) { return is_ascii_alnum(c) || c == '-'; })) {
          value = trimmed;
        }
        break;
      }
    }
    // Every kind but kText (and kBoolean, handled above) means "no acceptable value" by "".
    if (value.empty() && rule->kind != AttributeKind::kText) continue;
    out.push_back(' ');
    out.append(name);
    out.append("=\"");
    append_escaped_html(out, value);
    out.push_back('"');
  }
  return result;
}

// How deep a parsed tree may nest. The parser builds more levels than the markup's own
// nesting (the scan's limit) when it re-opens formatting elements in a new block and adds
// implied elements (<tbody>, <tr>): at most the limit again, and a few. Deeper means the
// scan missed something, and the markup is refused all the same.
constexpr std::size_t kMaxTreeDepth = 2 * kMaxHtmlNesting + 64;

// One element being written, on the explicit stack that replaces recursion (gumbo builds
// trees as deep as the input nests, deeper than a thread's stack would allow us to recurse).
struct Frame {
  const GumboNode* node;
  unsigned next_child = 0;
  bool written = false;           // Start tag written: write the end tag when leaving.
  size_t start_offset = 0;        // out.size() before the start tag.
  size_t content_offset = 0;      // out.size() after the start tag.
  bool has_media_source = false;  // <audio>/<video>: a src or a <source> child was kept.
};

void append_text(std::string& out, std::string_view text) {
  const std::string clean = clean_utf8(text);
  append_escaped_html_text(out, clean);
}

bool ends_with_space(const std::string& out) { return out.empty() || is_html_space(out.back()); }

// Writes the start tag of a kept element: its output name and allowed attributes, and under
// kComment the rel that marks a link to another host.
AttributeResult append_start_tag(std::string& out, const GumboElement& element,
                                 const SanitizerOptions& options) {
  out.push_back('<');
  out.append(output_name(element.tag));
  const AttributeResult attributes = append_attributes(out, element.tag, element, options);
  if (element.tag == GUMBO_TAG_A && options.policy == SanitizerPolicy::kComment &&
      attributes.external_link) {
    out.append(" rel=\"nofollow noopener ugc\"");
  }
  out.push_back('>');
  return attributes;
}

void append_end_tag(std::string& out, GumboTag tag) {
  out.append("</");
  out.append(output_name(tag));
  out.push_back('>');
}

// Writes what the allowlist keeps of the fragment. One pass: parse, filter, serialize.
// Sets *settled when the output is known to be a fixed point without parsing it again (see
// sanitize_html): the markup needed no repair and the filter removed no element, so the output
// is the same tree written out again, less some attributes and comments.
// Sets *too_deep, and returns nothing, when the parsed tree nests deeper than kMaxTreeDepth.
std::string sanitize_once(std::string_view html, const SanitizerOptions& options,
                          bool* settled = nullptr, bool* too_deep = nullptr) {
  std::string out;
  out.reserve(html.size());
  const GumboFragment parsed(html);
  if (parsed.body() == nullptr) return out;
  bool reshaped = parsed.had_parse_error();

  // Set where an unwrapped block element was: the next text or tag starts on a new line.
  bool pending_newline = false;
  auto flush_newline = [&] {
    if (pending_newline && !ends_with_space(out)) out.push_back('\n');
    pending_newline = false;
  };

  std::vector<Frame> stack;
  stack.push_back(Frame{parsed.body()});
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const GumboVector* children = children_of(frame.node);
    if (children != nullptr && frame.next_child < children->length) {
      const auto* child = static_cast<const GumboNode*>(children->data[frame.next_child++]);
      switch (child->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
          flush_newline();
          append_text(out, child->v.text.text);
          continue;
        case GUMBO_NODE_ELEMENT: break;
        case GUMBO_NODE_COMMENT:
          continue;  // Comments go; the tree around them stays.
        // CDATA and template contents exist only inside dropped elements.
        default: reshaped = true; continue;
      }
      const GumboElement& element = child->v.element;
      const ElementAction action = element.tag_namespace != GUMBO_NAMESPACE_HTML
                                       ? ElementAction::kDrop  // SVG, MathML.
                                       : action_for(element.tag, options.policy);
      if (action != ElementAction::kKeep) reshaped = true;
      if (action == ElementAction::kDrop) continue;
      if (action == ElementAction::kUnwrap) {
        pending_newline = pending_newline || is_block(element.tag);
        if (stack.size() >= kMaxTreeDepth) {
          if (too_deep != nullptr) *too_deep = true;
          return {};
        }
        stack.push_back(Frame{child});
        continue;
      }

      flush_newline();
      const size_t start_offset = out.size();
      const AttributeResult attributes = append_start_tag(out, element, options);
      if (needs_src(element.tag) && !attributes.has_src) {
        out.resize(start_offset);
        reshaped = true;
        continue;
      }
      if (element.tag == GUMBO_TAG_SOURCE) {
        // A <source> counts for the nearest enclosing <audio>/<video> that is being written.
        for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
          if (it->written && is_media(it->node->v.element.tag)) {
            it->has_media_source = true;
            break;
          }
        }
      }
      if (is_void(element.tag)) continue;  // The parser gives void elements no children.
      if (stack.size() >= kMaxTreeDepth) {
        if (too_deep != nullptr) *too_deep = true;
        return {};
      }
      Frame next{child};
      next.written = true;
      next.start_offset = start_offset;
      next.content_offset = out.size();
      next.has_media_source = attributes.has_src;
      stack.push_back(next);
      continue;
    }

    // All children done: close the element.
    if (!frame.written && frame.node->type == GUMBO_NODE_ELEMENT &&
        is_block(frame.node->v.element.tag)) {
      pending_newline = true;
    }
    if (frame.written) {
      const GumboTag tag = frame.node->v.element.tag;
      if (is_media(tag) && !frame.has_media_source) {
        out.resize(frame.start_offset);
        reshaped = true;
      } else {
        // The parser drops a newline right after <pre>, so a <pre> whose content starts with
        // one needs a second: otherwise the next parse loses the first and we are not stable.
        if (tag == GUMBO_TAG_PRE && out.size() > frame.content_offset &&
            out[frame.content_offset] == '\n') {
          out.insert(frame.content_offset, 1, '\n');
        }
        append_end_tag(out, tag);
        // The end of a block already ends the line an unwrapped block inside it asked for.
        if (is_block(tag)) pending_newline = false;
      }
    }
    stack.pop_back();
  }
  if (settled != nullptr) *settled = !reshaped;
  return out;
}

// The fallback when markup does not settle (see sanitize_html): the text alone, escaped.
std::string text_only(std::string_view html) {
  std::string out;
  const GumboFragment parsed(html);
  if (parsed.body() == nullptr) return out;
  std::vector<std::pair<const GumboNode*, unsigned>> stack;
  stack.emplace_back(parsed.body(), 0);
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    const GumboVector* children = children_of(node);
    if (children == nullptr || next >= children->length) {
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children->data[next++]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
      append_text(out, child->v.text.text);
    } else if (child->type == GUMBO_NODE_ELEMENT &&
               child->v.element.tag_namespace == GUMBO_NAMESPACE_HTML &&
               action_for(child->v.element.tag, SanitizerPolicy::kBody) != ElementAction::kDrop) {
      stack.emplace_back(child, 0);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The fast path: markup that is already plain and well formed

// Most stored markup (wpautop's paragraphs, plain comments) is a handful of elements, properly
// nested and closed, with a few quoted attributes. For such markup the HTML parser's tree is
// exactly what the tags say, so it can be read here without gumbo (which costs about 90% of
// an import) and written out by the same code as the full path. Anything outside this narrow
// grammar, or any doubt, returns nullopt and takes the full path. The fuzzer checks that both
// paths give the same bytes for every input the fast path accepts.

// The elements read here: none of them is foster-parented, reparented or implied by the
// parser when nested by the rules in read_simple_markup, and none is special about text.
bool is_simple_element(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_I:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_U:
    case GUMBO_TAG_UL: return true;
    default: return false;
  }
}

// Start tags that close an open <p> (HTML's "close a p element" steps), so that a <p> must not
// be open when they come.
bool closes_p(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_UL: return true;
    default: return false;
  }
}

bool is_heading(GumboTag tag) { return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6; }

// Characters the fast path passes through as they are: valid UTF-8 that append_clean_utf8
// leaves alone, no CR (the parser rewrites it) and no NUL (the parser drops it).
bool is_plain_character_data(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<std::uint8_t>(text[i]);
    if (byte < 0x20) {
      if (byte != '\t' && byte != '\n') return false;
    } else if (byte == 0x7F) {
      return false;
    } else if (byte == 0xC2 && i + 1 < text.size() &&
               static_cast<std::uint8_t>(text[i + 1]) <= 0x9F) {
      return false;  // C1 control.
    } else if (byte == 0xEF && i + 2 < text.size() &&
               static_cast<std::uint8_t>(text[i + 1]) == 0xBF &&
               static_cast<std::uint8_t>(text[i + 2]) >= 0xBE) {
      return false;  // U+FFFE, U+FFFF.
    }
  }
  return util::is_valid_utf8(text);
}

bool is_tag_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f'; }
bool is_lower_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One attribute as the parser would give it, owning its decoded value.
struct SimpleAttribute {
  std::string name;
  std::string value;
  GumboAttribute gumbo{};
};

// The result of sanitizing `html` if it is simple markup (see above), else nullopt.
std::optional<std::string> read_simple_markup(std::string_view html,
                                              const SanitizerOptions& options) {
  if (!is_plain_character_data(html)) return std::nullopt;
  std::string out;
  out.reserve(html.size() + html.size() / 16);
  std::vector<GumboTag> open;  // Elements open, innermost last.
  int open_p = 0;              // How many of them are <p>, headings, <a>.
  int open_headings = 0;
  int open_a = 0;
  auto count_open = [&](GumboTag tag, int step) {
    if (tag == GUMBO_TAG_P) open_p += step;
    if (is_heading(tag)) open_headings += step;
    if (tag == GUMBO_TAG_A) open_a += step;
  };
  std::string text;
  std::vector<SimpleAttribute> attributes;
  std::vector<void*> attribute_pointers;
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] != '<') {
      const size_t next = std::min(html.find('<', i), html.size());
      if (!decode_basic_references(html.substr(i, next - i), &text)) return std::nullopt;
      append_text(out, text);
      i = next;
      continue;
    }
    // A tag: "<name attrs>", "<name attrs />" (void elements) or "</name>", names in lower
    // case; anything else ("<!--", "<?", "<NAME", "< ") goes to the full path.
    const bool end_tag = i + 1 < html.size() && html[i + 1] == '/';
    size_t at = i + (end_tag ? 2 : 1);
    const size_t name_start = at;
    while (at < html.size() && is_lower_name_char(html[at])) ++at;
    if (at == name_start || !(html[name_start] >= 'a' && html[name_start] <= 'z')) {
      return std::nullopt;
    }
    const GumboTag tag =
        gumbo_tagn_enum(html.data() + name_start, static_cast<unsigned>(at - name_start));
    if (!is_simple_element(tag) || action_for(tag, options.policy) != ElementAction::kKeep) {
      return std::nullopt;
    }
    if (end_tag) {
      if (at >= html.size() || html[at] != '>') return std::nullopt;
      if (open.empty() || open.back() != tag) return std::nullopt;  // Misnested or stray.
      open.pop_back();
      count_open(tag, -1);
      append_end_tag(out, tag);
      i = at + 1;
      continue;
    }

    attributes.clear();
    bool self_closing = false;
    while (true) {
      const size_t before_space = at;
      while (at < html.size() && is_tag_space(html[at])) ++at;
      if (at >= html.size()) return std::nullopt;
      if (html[at] == '>') break;
      if (html[at] == '/') {
        if (at + 1 >= html.size() || html[at + 1] != '>') return std::nullopt;
        self_closing = true;
        ++at;
        break;
      }
      if (at == before_space) return std::nullopt;  // Attributes are separated by space.
      const size_t attribute_start = at;
      while (at < html.size() && (is_lower_name_char(html[at]) || html[at] == '-')) ++at;
      if (at == attribute_start || at >= html.size()) return std::nullopt;
      SimpleAttribute& attribute = attributes.emplace_back();
      attribute.name.assign(html.substr(attribute_start, at - attribute_start));
      for (size_t k = 0; k + 1 < attributes.size(); ++k) {
        if (attributes[k].name == attribute.name) return std::nullopt;  // A parse error.
      }
      if (html[at] != '=') continue;  // No value: "".
      ++at;
      if (at >= html.size() || (html[at] != '"' && html[at] != '\'')) return std::nullopt;
      const char quote = html[at++];
      const size_t value_end = html.find(quote, at);
      if (value_end == std::string_view::npos) return std::nullopt;
      if (!decode_basic_references(html.substr(at, value_end - at), &attribute.value)) {
        return std::nullopt;
      }
      at = value_end + 1;
      if (at < html.size() && !is_tag_space(html[at]) && html[at] != '>' && html[at] != '/') {
        return std::nullopt;
      }
    }
    i = at + 1;
    if (self_closing && !is_void(tag)) return std::nullopt;

    // Nesting the parser takes as written (counted, not searched for: a search of `open` per
    // tag made deep nesting quadratic).
    if ((open_p > 0 && closes_p(tag)) || (open_headings > 0 && is_heading(tag)) ||
        (open_a > 0 && tag == GUMBO_TAG_A)) {
      return std::nullopt;
    }
    if (tag == GUMBO_TAG_LI &&
        (open.empty() || (open.back() != GUMBO_TAG_UL && open.back() != GUMBO_TAG_OL))) {
      return std::nullopt;
    }

    attribute_pointers.clear();
    for (SimpleAttribute& attribute : attributes) {
      attribute.gumbo.attr_namespace = GUMBO_ATTR_NAMESPACE_NONE;
      attribute.gumbo.name = attribute.name.c_str();
      attribute.gumbo.value = attribute.value.c_str();
      attribute_pointers.push_back(&attribute.gumbo);
    }
    GumboElement element{};
    element.tag = tag;
    element.tag_namespace = GUMBO_NAMESPACE_HTML;
    element.attributes.data = attribute_pointers.data();
    element.attributes.length = static_cast<unsigned>(attribute_pointers.size());
    element.attributes.capacity = element.attributes.length;
    const AttributeResult result = append_start_tag(out, element, options);
    if (needs_src(tag) && !result.has_src) return std::nullopt;
    if (!is_void(tag)) {
      open.push_back(tag);
      count_open(tag, 1);
    }
  }
  if (!open.empty()) return std::nullopt;  // Left open: the parser would close it.
  return out;
}

// How many times the output may be re-parsed and re-sanitized before we give up on markup.
// In practice one or two passes settle everything: in hours of fuzzing, nothing needed a third.
constexpr int kMaxPasses = 4;

util::Error nesting_error(bool formatting) {
  const std::string limit = std::to_string(kMaxHtmlNesting);
  return util::Error{
      util::ErrorCode::kInvalidArgument,
      formatting ? "The HTML leaves more than " + limit +
                       " formatting elements (such as <b>, <i> or <a>) open at once; the limit "
                       "is " +
                       limit + ". Close them where they end."
                 : "The HTML nests elements more than " + limit + " levels deep; the limit is " +
                       limit + " levels."};
}

// The full path of sanitize_html_checked, for markup the scan let through (see below).
std::string sanitize_parsed(std::string_view html, const SanitizerOptions& options,
                            bool* too_deep) {
  bool settled = false;
  std::string current = sanitize_once(html, options, &settled, too_deep);
  if (*too_deep) return {};
  // sanitize_once is a pure function: input that comes back unchanged is already a fixed
  // point, and most stored bodies (already sanitized once, or plain) are.
  if (settled || current == html) return current;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    std::string next = sanitize_once(current, options, nullptr, too_deep);
    if (*too_deep) return {};
    if (next == current) return current;
    current = std::move(next);
  }
  std::string text = text_only(current);
  if (sanitize_once(text, options) == text) return text;
  return {};
}

}  // namespace

// Why more than one pass: filtering a parsed tree can produce a tree that the HTML parser
// would never build. Unwrapping <marquee> from "<a><marquee><a>" leaves an <a> inside an <a>;
// unwrapping <center> from "<li><center><li>" leaves a <li> inside a <li>. Serialized, such
// a tree parses differently in a browser than it looks here, which breaks idempotence and is
// the raw material of mutation XSS. So the output is parsed and sanitized again until it no longer
// changes: the result is, by construction, a fixed point, which is what idempotence means.
// Each pass only removes or moves what the parser itself would move, so this settles fast;
// if it ever did not, the text alone (escaped) is returned, which is always a fixed point.
//
// The second parse is skipped when the first pass had nothing to repair or remove (`settled`):
// markup the parser read without an error, written out with no element taken away, parses
// back to the same tree, and every attribute and text rule here is itself idempotent. That is
// most imported bodies and comments, and halves their cost. The fuzzer checks this claim with
// every input: sanitizing the output again must give it back unchanged.
util::Result<std::string> sanitize_html_checked(std::string_view html,
                                                const SanitizerOptions& options) {
  const NestingScan scan = scan_html_nesting(html, kMaxHtmlNesting);
  if (!scan.within_limit) return util::fail(nesting_error(scan.formatting));
  if (options.fast_path) {
    if (auto simple = read_simple_markup(html, options)) return std::move(*simple);
  }
  bool too_deep = false;
  std::string sanitized = sanitize_parsed(html, options, &too_deep);
  // The parser nests deeper than the markup says where it implies elements (<tbody>) or
  // re-opens formatting ones, so the result is scanned too: what is returned must pass the
  // scan again, or sanitizing it again would refuse it.
  if (too_deep) return util::fail(nesting_error(false));
  if (const NestingScan again = scan_html_nesting(sanitized, kMaxHtmlNesting);
      !again.within_limit) {
    return util::fail(nesting_error(again.formatting));
  }
  return sanitized;
}

std::string sanitize_html(std::string_view html, const SanitizerOptions& options) {
  if (auto sanitized = sanitize_html_checked(html, options)) return std::move(*sanitized);
  // Too deep to parse in bounded time: the markup shown as the text it is, never parsed.
  std::string out;
  append_text(out, html);
  return out;
}

}  // namespace reelpress::render
