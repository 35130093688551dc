#include "render/markdown.h"

#include <gumbo.h>
#include <md4c-html.h>
#include <md4c.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "render/gumbo_fragment.h"
#include "render/html_escape.h"
#include "render/html_sanitizer.h"
#include "util/text.h"

namespace reelpress::render {
namespace {

// GitHub's dialect without task lists (they render as <input>, which the sanitizer drops).
// Raw HTML stays enabled: editors paste embeds and captions; the sanitizer decides.
constexpr unsigned kMarkdownFlags =
    MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS;

void append_md4c_output(const MD_CHAR* text, MD_SIZE size, void* userdata) {
  static_cast<std::string*>(userdata)->append(text, size);
}

// ---------------------------------------------------------------------------------------------
// Plain-text comments

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_blank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\f' && c != '\v') return false;
  }
  return true;
}

// Length of the URL that starts at text[0] ("http://" or "https://" already matched), or 0 if
// there is none: it runs to the first space, control character, or < > " `, minus trailing
// punctuation that belongs to the sentence ("See https://example.org/a." or "(https://x.org)").
size_t url_length(std::string_view text, size_t scheme_length) {
  size_t end = scheme_length;
  while (end < text.size()) {
    const auto c = static_cast<std::uint8_t>(text[end]);
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == '`') break;
    ++end;
  }
  // Counted once, not per trimmed character: "http://x" and 100,000 ')' stays linear.
  static constexpr std::string_view kOpen = "([{";
  static constexpr std::string_view kClose = ")]}";
  int unbalanced[3] = {0, 0, 0};  // Closing minus opening brackets of each kind.
  for (size_t i = 0; i < end; ++i) {
    if (const size_t k = kOpen.find(text[i]); k != std::string_view::npos) --unbalanced[k];
    if (const size_t k = kClose.find(text[i]); k != std::string_view::npos) ++unbalanced[k];
  }
  while (end > scheme_length) {
    const char last = text[end - 1];
    if (std::string_view(".,;:!?'*").find(last) != std::string_view::npos) {
      --end;
      continue;
    }
    // A closing bracket without its opening one belongs to the sentence: "(see http://x.org)".
    if (const size_t k = kClose.find(last); k != std::string_view::npos && unbalanced[k] > 0) {
      --unbalanced[k];
      --end;
      continue;
    }
    break;
  }
  // There must be a host: "http://" alone, or followed only by punctuation, is not a link.
  const size_t host_start = scheme_length;
  if (end == host_start) return 0;
  const auto first = static_cast<std::uint8_t>(text[host_start]);
  if (!is_ascii_alnum(text[host_start]) && first < 0x80 && first != '[') return 0;
  return end;
}

void append_linked_line(std::string& out, std::string_view line) {
  size_t copied = 0;
  size_t i = 0;
  while (i < line.size()) {
    size_t scheme_length = 0;
    if (line[i] == 'h' || line[i] == 'H') {
      if (util::starts_with_ignoring_case(line.substr(i), "https://")) {
        scheme_length = 8;
      } else if (util::starts_with_ignoring_case(line.substr(i), "http://")) {
        scheme_length = 7;
      }
    }
    // Only at the start of a word: "xhttp://" is not a link.
    if (scheme_length == 0 || (i > 0 && is_ascii_alnum(line[i - 1]))) {
      ++i;
      continue;
    }
    const size_t length = url_length(line.substr(i), scheme_length);
    if (length == 0) {
      i += scheme_length;
      continue;
    }
    append_escaped_html(out, line.substr(copied, i - copied));
    const std::string_view url = line.substr(i, length);
    out.append("<a href=\"");
    append_escaped_html(out, url);
    out.append("\">");
    append_escaped_html(out, url);
    out.append("</a>");
    i += length;
    copied = i;
  }
  append_escaped_html(out, line.substr(copied));
}

// ---------------------------------------------------------------------------------------------
// HTML to text

// Elements whose content is not text a reader sees: skipped with everything inside.
bool is_hidden(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO: return true;
    default: return false;
  }
}

// Elements that sit inside a line of text; every other element separates words.
bool is_inline(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_ACRONYM:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BDI:
    case GUMBO_TAG_BDO:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_DFN:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_I:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_LABEL:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TIME:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U:
    case GUMBO_TAG_VAR:
    case GUMBO_TAG_WBR:
    case GUMBO_TAG_UNKNOWN: return true;  // Custom and Office tags (<o:p>) wrap words, mostly.
    default: return false;
  }
}

// Builds text with whitespace collapsed as it goes: a run of spaces becomes one space, written
// only once a word follows it, so the result has no leading or trailing space.
class CollapsingText {
 public:
  void separate() { pending_space_ = true; }

  void append(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
      const auto c = static_cast<std::uint8_t>(text[i]);
      // ASCII whitespace and controls, and U+00A0 NO-BREAK SPACE (&nbsp; is everywhere in
      // WordPress content), are word separators.
      if (c <= 0x20 || c == 0x7F) {
        pending_space_ = true;
        ++i;
        continue;
      }
      if (c == 0xC2 && i + 1 < text.size() && static_cast<std::uint8_t>(text[i + 1]) == 0xA0) {
        pending_space_ = true;
        i += 2;
        continue;
      }
      if (pending_space_ && !text_.empty()) text_.push_back(' ');
      pending_space_ = false;
      text_.push_back(static_cast<char>(c));
      ++i;
    }
  }

  std::string take() { return std::move(text_); }

 private:
  std::string text_;
  bool pending_space_ = false;
};

std::string truncate_at_word(std::string text, size_t max_chars) {
  if (max_chars == std::string::npos || util::code_points(text) <= max_chars) return text;
  if (max_chars == 0) return {};
  static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026, one code point.
  size_t cut = util::offset_after_code_points(text, max_chars - 1);
  // `text` has no leading, trailing or doubled spaces (CollapsingText), so if the cut is not
  // already at a space, the word it splits starts after the last space before it.
  if (cut < text.size() && text[cut] != ' ') {
    const size_t space = text.rfind(' ', cut);
    if (space != std::string::npos && space > 0) cut = space;
  }
  text.resize(cut);
  while (!text.empty() && std::string_view(" ,;:-").find(text.back()) != std::string_view::npos) {
    text.pop_back();
  }
  text.append(kEllipsis);
  return text;
}

}  // namespace

util::Result<std::string> markdown_to_html_checked(std::string_view markdown) {
  // md4c 0.4.8 (Debian 12) reads one byte past the end of its input when the input ends
  // inside a link destination ("x [](" gives "<p>x [](S</p>" if an "S" follows in memory;
  // found by fuzz_markdown). So md4c gets a copy that ends with a newline, which stops that
  // scan and does not change what a Markdown document means, followed by std::string's NUL.
  std::string source;
  source.reserve(markdown.size() + 1);
  source.append(markdown);
  if (source.empty() || source.back() != '\n') source.push_back('\n');

  std::string html;
  html.reserve(source.size() + source.size() / 4);
  int status = -1;
  if (source.size() <= std::numeric_limits<MD_SIZE>::max()) {
    status = md_html(source.data(), static_cast<MD_SIZE>(source.size()), append_md4c_output, &html,
                     kMarkdownFlags, MD_HTML_FLAG_SKIP_UTF8_BOM);
  }
  if (status != 0) {
    // md4c fails only when it cannot allocate; show the source rather than nothing.
    html = "<pre>" + escape_html(markdown) + "</pre>";
  }
  return sanitize_html_checked(html);
}

std::string markdown_to_html(std::string_view markdown) {
  auto html = markdown_to_html_checked(markdown);
  // Too deep to parse: the Markdown as its text, never parsed.
  return html ? std::move(*html) : sanitize_html(markdown);
}

std::string plain_text_to_html(std::string_view text) {
  // Lines, with "\r\n" and a lone "\r" counted as newlines, as browsers submit them.
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (i + 1 < text.size() && text[i] == '\r' && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }

  std::string html;
  html.reserve(text.size() + text.size() / 4);
  bool in_paragraph = false;
  for (std::string_view line : lines) {
    if (is_blank(line)) {
      if (in_paragraph) html.append("</p>\n");
      in_paragraph = false;
      continue;
    }
    html.append(in_paragraph ? "<br>\n" : "<p>");
    in_paragraph = true;
    append_linked_line(html, line);
  }
  if (in_paragraph) html.append("</p>\n");
  // The sanitizer adds rel="nofollow noopener ugc" to the links, repairs invalid UTF-8 and
  // removes control characters: one canonical form for every comment, typed or imported.
  return sanitize_html(html, {.policy = SanitizerPolicy::kComment});
}

namespace {

// Elements whose content the parser does not read as markup, or moves elsewhere (tables
// foster-parent stray text): the fast path below leaves them to gumbo.
bool is_special_for_text(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_UNKNOWN: return true;
    default: return is_hidden(tag);
  }
}

bool is_void_element(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_WBR: return true;
    default: return false;
  }
}

// The text of plain, well-formed markup (what the sanitizer stores, most titles) read without
// gumbo, which costs a third of a page render; nullopt for anything else, which gumbo then
// reads: comments, unknown or special elements, end tags that close something else, references
// other than the basic ones, NUL, invalid UTF-8. Elements left open at the end are fine (the
// text of a prefix is a prefix of the text).
std::optional<std::string> plain_text_of(std::string_view html) {
  if (html.find('\0') != std::string_view::npos || !util::is_valid_utf8(html)) {
    return std::nullopt;
  }
  CollapsingText text;
  std::vector<GumboTag> open;
  std::string decoded;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html[i] != '<') {
      const std::size_t next = std::min(html.find('<', i), html.size());
      if (!decode_basic_references(html.substr(i, next - i), &decoded)) return std::nullopt;
      text.append(decoded);
      i = next;
      continue;
    }
    const bool end_tag = i + 1 < html.size() && html[i + 1] == '/';
    std::size_t at = i + (end_tag ? 2 : 1);
    const std::size_t name_start = at;
    while (at < html.size() &&
           ((html[at] >= 'a' && html[at] <= 'z') || (html[at] >= '0' && html[at] <= '9'))) {
      ++at;
    }
    if (at == name_start || at >= html.size() ||
        !(html[name_start] >= 'a' && html[name_start] <= 'z')) {
      return std::nullopt;
    }
    const GumboTag tag =
        gumbo_tagn_enum(html.data() + name_start, static_cast<unsigned>(at - name_start));
    if (is_special_for_text(tag)) return std::nullopt;
    if (end_tag) {
      if (html[at] != '>' || open.empty() || open.back() != tag) return std::nullopt;
      open.pop_back();
      i = at + 1;
    } else {
      // To the tag's end, past quoted attribute values (which may hold '>').
      char quote = 0;
      while (at < html.size() && (quote != 0 || html[at] != '>')) {
        if (quote != 0) {
          if (html[at] == quote) quote = 0;
        } else if (html[at] == '"' || html[at] == '\'') {
          quote = html[at];
        } else if (html[at] == '<') {
          return std::nullopt;
        }
        ++at;
      }
      if (at >= html.size()) return std::nullopt;
      i = at + 1;
      if (!is_void_element(tag)) open.push_back(tag);
    }
    if (!is_inline(tag)) text.separate();
  }
  return text.take();
}

// What reading a fragment's text does with a node: take its text, go into it, or pass it by
// (comments, elements whose content is not shown, foreign content).
enum class TextRole { kText, kElement, kSkip };

TextRole text_role(const GumboNode* node) {
  switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA: return TextRole::kText;
    case GUMBO_NODE_ELEMENT:
      return node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML &&
                     !is_hidden(node->v.element.tag)
                 ? TextRole::kElement
                 : TextRole::kSkip;
    default: return TextRole::kSkip;
  }
}

// The collapsed text of the whole fragment (html_to_text without the cut).
std::string text_of(std::string_view html) {
  if (auto plain = plain_text_of(html)) return std::move(*plain);
  const GumboFragment fragment(html);
  if (fragment.body() == nullptr) return {};
  CollapsingText text;
  // An explicit stack rather than recursion: the tree is as deep as the input nests.
  std::vector<std::pair<const GumboNode*, unsigned>> stack;
  stack.emplace_back(fragment.body(), 0);
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next >= node->v.element.children.length) {
      if (node->type == GUMBO_NODE_ELEMENT && !is_inline(node->v.element.tag)) text.separate();
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(node->v.element.children.data[next++]);
    const TextRole role = text_role(child);
    if (role == TextRole::kText) {
      text.append(child->v.text.text);
    } else if (role == TextRole::kElement) {
      if (!is_inline(child->v.element.tag)) text.separate();
      stack.emplace_back(child, 0);
    }
  }
  return text.take();
}

}  // namespace

std::string html_to_text(std::string_view html, size_t max_chars) {
  // A summary of a long body needs only its beginning, and parsing is the cost: read a
  // prefix that ends before a tag, and use it when it yields comfortably more text than the
  // cut keeps (the text of a prefix is a prefix of the text, but for its last few words).
  if (max_chars != std::string::npos && max_chars < html.size() / 8) {
    const std::size_t cut = html.rfind('<', max_chars * 8 + 256);
    if (cut != std::string_view::npos && cut > 0) {
      std::string text = text_of(html.substr(0, cut));
      if (util::code_points(text) > max_chars + 16)
        return truncate_at_word(std::move(text), max_chars);
    }
  }
  return truncate_at_word(text_of(html), max_chars);
}

namespace {

// Builds plain text paragraph by paragraph, for comment_to_plain_text: whitespace that
// contains a newline is markup's (source formatting) and becomes one space; other spaces are
// the writer's and stay; spaces at the ends of lines go.
class ParagraphText {
 public:
  void append(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
      const std::size_t run_end = std::min(text.find_first_not_of(" \t\r\n", i), text.size());
      if (run_end == i) {
        const std::size_t next = std::min(text.find_first_of(" \t\r\n", i), text.size());
        line_.append(text.substr(i, next - i));
        i = next;
        continue;
      }
      const std::string_view run = text.substr(i, run_end - i);
      if (!line_.empty()) {
        line_.append(run.find_first_of("\r\n") == std::string_view::npos ? run : " ");
      }
      i = run_end;
    }
  }
  void line_break() {
    end_line();
    paragraph_ += '\n';
  }
  void paragraph_break() {
    end_line();
    while (!paragraph_.empty() && paragraph_.back() == '\n') paragraph_.pop_back();
    if (paragraph_.empty()) return;
    if (!text_.empty()) text_ += "\n\n";
    text_ += paragraph_;
    paragraph_.clear();
  }
  // The text of the current line so far (for a link's text).
  std::size_t line_size() const { return line_.size(); }
  std::string_view line_since(std::size_t at) const {
    return std::string_view(line_).substr(std::min(at, line_.size()));
  }
  std::string take() {
    paragraph_break();
    return std::move(text_);
  }

 private:
  void end_line() {
    while (!line_.empty() && (line_.back() == ' ' || line_.back() == '\t')) line_.pop_back();
    paragraph_ += line_;
    line_.clear();
  }

  std::string text_;       // Finished paragraphs.
  std::string paragraph_;  // Finished lines of the current paragraph, each ending in '\n'.
  std::string line_;       // The current line.
};

std::string_view attribute(const GumboElement& element, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&element.attributes, name);
  return a == nullptr ? std::string_view() : std::string_view(a->value);
}

}  // namespace

std::string comment_to_plain_text(std::string_view html) {
  const GumboFragment fragment(html);
  if (fragment.body() == nullptr) return {};
  ParagraphText text;
  struct Open {
    const GumboNode* node;
    unsigned next;
    std::size_t line_at;  // Where a link's text begins on the current line.
  };
  // An explicit stack rather than recursion: the tree is as deep as the input nests.
  std::vector<Open> stack;
  stack.push_back({fragment.body(), 0, 0});
  while (!stack.empty()) {
    Open& open = stack.back();
    const GumboElement& element = open.node->v.element;
    if (open.next >= element.children.length) {
      if (element.tag == GUMBO_TAG_A) {
        const std::string_view href = attribute(element, "href");
        if (!href.empty() && text.line_since(open.line_at) != href) {
          text.append(text.line_since(open.line_at).empty() ? "" : " ");
          text.append("(");
          text.append(href);
          text.append(")");
        }
      } else if (!is_inline(element.tag)) {
        text.paragraph_break();
      }
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(element.children.data[open.next++]);
    const TextRole role = text_role(child);
    if (role == TextRole::kText) {
      text.append(child->v.text.text);
    } else if (role == TextRole::kElement) {
      const GumboTag tag = child->v.element.tag;
      if (tag == GUMBO_TAG_BR) {
        text.line_break();
        continue;
      }
      if (!is_inline(tag)) text.paragraph_break();
      stack.push_back({child, 0, text.line_size()});
    }
  }
  return text.take();
}

}  // namespace reelpress::render
