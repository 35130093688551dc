#include "render/html_nesting.h"

#include <gumbo.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

namespace reelpress::render {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A tag as the tokenizer reads it.
struct Tag {
  bool end = false;
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  std::string_view name;
  std::uint64_t attributes = 0;  // A hash of the attributes' text: equal tags, equal hash.
};

// Elements that never have content.
bool is_void(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_IMAGE:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_KEYGEN:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_META:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_WBR: return true;
    default: return false;
  }
}

// Elements whose content the tokenizer reads as text up to their own end tag (in HTML
// content; in SVG and MathML they are elements like any other).
bool is_raw_text(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_TITLE: return true;
    default: return false;
  }
}

bool is_formatting(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_I:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U: return true;
    default: return false;
  }
}

// Elements that put a marker on the list of active formatting elements: their end clears it
// back to the marker.
bool sets_marker(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_MARQUEE:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_TH: return true;
    default: return false;
  }
}

// Elements an end tag does not close through: the parser's scope boundaries.
bool is_scope_boundary(GumboTag tag) {
  return sets_marker(tag) || tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_HTML ||
         tag == GUMBO_TAG_SVG || tag == GUMBO_TAG_MATH;
}

// Start tags that close an open <p> first.
bool closes_p(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_XMP: return true;
    default: return false;
  }
}

bool is_heading(GumboTag tag) { return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6; }

// Start tags that leave SVG or MathML content: the parser closes the foreign elements first.
bool breaks_out_of_foreign_content(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_B:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_I:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_META:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_RUBY:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_VAR:
    case GUMBO_TAG_FONT: return true;
    default: return false;
  }
}

class Scanner {
 public:
  Scanner(std::string_view html, std::size_t limit) : html_(html), limit_(limit) {}

  NestingScan run() {
    while (result_.within_limit && at_ < html_.size()) {
      const std::size_t lt = html_.find('<', at_);
      if (lt == std::string_view::npos) break;
      at_ = lt + 1;
      if (at_ >= html_.size()) break;
      const char next = html_[at_];
      if (next == '!') {
        skip_markup_declaration();
      } else if (next == '?') {
        skip_to_gt();  // A bogus comment.
      } else if (next == '/') {
        ++at_;
        if (at_ < html_.size() && is_alpha(html_[at_])) {
          if (auto tag = read_tag(true)) end_tag(*tag);
        } else if (at_ < html_.size() && html_[at_] != '>') {
          skip_to_gt();  // "</3": a bogus comment; "</>" is nothing.
        }
      } else if (is_alpha(next)) {
        if (auto tag = read_tag(false)) start_tag(*tag);
      }
    }
    return result_;
  }

 private:
  struct Open {
    GumboTag tag;
    std::string_view name;
  };
  // An entry of the active formatting elements; a marker has tag GUMBO_TAG_LAST.
  struct Active {
    GumboTag tag;
    std::string_view name;
    std::uint64_t attributes;
  };

  void skip_to_gt() {
    const std::size_t gt = html_.find('>', at_);
    at_ = gt == std::string_view::npos ? html_.size() : gt + 1;
  }

  // After "<!": a comment, a CDATA section (in foreign content) or a bogus comment.
  void skip_markup_declaration() {
    const std::string_view rest = html_.substr(at_ + 1);
    if (rest.starts_with("--")) {
      at_ += 3;
      // "<!-->" and "<!--->" are whole (empty) comments.
      if (html_.substr(at_).starts_with(">")) {
        ++at_;
        return;
      }
      if (html_.substr(at_).starts_with("->")) {
        at_ += 2;
        return;
      }
      // A comment ends at "-->" or "--!>", whichever comes first.
      const std::size_t a = html_.find("-->", at_);
      const std::size_t b = html_.find("--!>", at_);
      if (a == std::string_view::npos && b == std::string_view::npos) {
        at_ = html_.size();
      } else if (a <= b) {
        at_ = a + 3;
      } else {
        at_ = b + 4;
      }
      return;
    }
    if (foreign_ > 0 && rest.starts_with("[CDATA[")) {
      const std::size_t end = html_.find("]]>", at_);
      at_ = end == std::string_view::npos ? html_.size() : end + 3;
      return;
    }
    skip_to_gt();
  }

  // Reads a tag whose name starts at at_, up to and including its '>'. Nullopt when the input
  // ends first (the tokenizer then drops the tag).
  std::optional<Tag> read_tag(bool end) {
    Tag tag;
    tag.end = end;
    const std::size_t name_start = at_;
    while (at_ < html_.size() && !is_space(html_[at_]) && html_[at_] != '/' && html_[at_] != '>') {
      ++at_;
    }
    tag.name = html_.substr(name_start, at_ - name_start);
    tag.tag = gumbo_tagn_enum(tag.name.data(), static_cast<unsigned>(tag.name.size()));
    const std::size_t attributes_start = at_;
    // The tokenizer's attribute states, reduced to where the tag ends.
    enum class State { kBeforeName, kName, kAfterName, kBeforeValue } state = State::kBeforeName;
    while (at_ < html_.size()) {
      const char c = html_[at_];
      switch (state) {
        case State::kBeforeName:
          if (c == '>') return finish(tag, attributes_start);
          if (c == '/' || is_space(c)) {
            ++at_;
          } else {
            state = State::kName;  // '=' here starts a name too.
            ++at_;
          }
          break;
        case State::kName:
          if (c == '>') return finish(tag, attributes_start);
          if (is_space(c) || c == '/') {
            state = State::kAfterName;
          } else if (c == '=') {
            state = State::kBeforeValue;
          }
          ++at_;
          break;
        case State::kAfterName:
          if (c == '>') return finish(tag, attributes_start);
          if (c == '=') {
            state = State::kBeforeValue;
          } else if (!is_space(c) && c != '/') {
            state = State::kName;
          }
          ++at_;
          break;
        case State::kBeforeValue:
          if (c == '>') return finish(tag, attributes_start);
          if (is_space(c)) {
            ++at_;
          } else if (c == '"' || c == '\'') {
            const std::size_t close = html_.find(c, at_ + 1);
            if (close == std::string_view::npos) {
              at_ = html_.size();
              return std::nullopt;
            }
            at_ = close + 1;
            state = State::kBeforeName;
          } else {
            // Unquoted: up to a space or '>'.
            while (at_ < html_.size() && !is_space(html_[at_]) && html_[at_] != '>') ++at_;
            state = State::kBeforeName;
          }
          break;
      }
    }
    return std::nullopt;
  }

  Tag finish(Tag tag, std::size_t attributes_start) {
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over the attributes' text.
    for (std::size_t i = attributes_start; i < at_; ++i) {
      hash = (hash ^ static_cast<unsigned char>(html_[i])) * 1099511628211ULL;
    }
    tag.attributes = hash;
    ++at_;  // The '>'.
    return tag;
  }

  static bool same(const Open& open, const Tag& tag) {
    return open.tag == tag.tag && (tag.tag != GUMBO_TAG_UNKNOWN || same_name(open.name, tag.name));
  }

  void pop() {
    const GumboTag tag = stack_.back().tag;
    if (tag == GUMBO_TAG_SVG || tag == GUMBO_TAG_MATH) --foreign_;
    if (sets_marker(tag)) {
      while (!active_.empty()) {
        const bool marker = active_.back().tag == GUMBO_TAG_LAST;
        active_.pop_back();
        if (marker) break;
      }
    }
    stack_.pop_back();
  }

  void pop_through(std::size_t index) {
    while (stack_.size() > index) pop();
  }

  // The index of the nearest open element for which `match` holds, searching down from the
  // top and stopping at the first for which `stop` holds; npos when none.
  template <typename Match, typename Stop>
  std::size_t nearest(Match match, Stop stop) const {
    for (std::size_t i = stack_.size(); i-- > 0;) {
      if (match(stack_[i])) return i;
      if (stop(stack_[i])) return std::string_view::npos;
    }
    return std::string_view::npos;
  }

  void close_nearest(std::initializer_list<GumboTag> tags, std::initializer_list<GumboTag> stops) {
    auto in = [](GumboTag t, std::initializer_list<GumboTag> list) {
      for (GumboTag x : list) {
        if (x == t) return true;
      }
      return false;
    };
    const std::size_t i =
        nearest([&](const Open& o) { return in(o.tag, tags); },
                [&](const Open& o) { return in(o.tag, stops) || is_scope_boundary(o.tag); });
    if (i != std::string_view::npos) pop_through(i);
  }

  void start_tag(const Tag& tag) {
    if (foreign_ > 0 && breaks_out_of_foreign_content(tag.tag)) {
      // Everything from the outermost foreign root up closes.
      for (std::size_t i = 0; i < stack_.size(); ++i) {
        if (stack_[i].tag == GUMBO_TAG_SVG || stack_[i].tag == GUMBO_TAG_MATH) {
          pop_through(i);
          break;
        }
      }
    }
    // End tags HTML lets authors leave out.
    switch (tag.tag) {
      case GUMBO_TAG_LI: close_nearest({GUMBO_TAG_LI}, {GUMBO_TAG_UL, GUMBO_TAG_OL}); break;
      case GUMBO_TAG_DT:
      case GUMBO_TAG_DD: close_nearest({GUMBO_TAG_DT, GUMBO_TAG_DD}, {GUMBO_TAG_DL}); break;
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH: close_nearest({GUMBO_TAG_TD, GUMBO_TAG_TH}, {GUMBO_TAG_TR}); break;
      case GUMBO_TAG_TR:
        close_nearest({GUMBO_TAG_TD, GUMBO_TAG_TH}, {GUMBO_TAG_TR});
        close_nearest({GUMBO_TAG_TR}, {});
        break;
      case GUMBO_TAG_THEAD:
      case GUMBO_TAG_TBODY:
      case GUMBO_TAG_TFOOT:
        close_nearest({GUMBO_TAG_TD, GUMBO_TAG_TH}, {GUMBO_TAG_TR});
        close_nearest({GUMBO_TAG_TR}, {});
        close_nearest({GUMBO_TAG_THEAD, GUMBO_TAG_TBODY, GUMBO_TAG_TFOOT}, {});
        break;
      case GUMBO_TAG_OPTION: close_nearest({GUMBO_TAG_OPTION}, {GUMBO_TAG_SELECT}); break;
      case GUMBO_TAG_A: close_nearest({GUMBO_TAG_A}, {}); break;
      case GUMBO_TAG_NOBR: close_nearest({GUMBO_TAG_NOBR}, {}); break;
      default: break;
    }
    if (closes_p(tag.tag)) close_nearest({GUMBO_TAG_P}, {GUMBO_TAG_BUTTON});
    if (is_heading(tag.tag) && !stack_.empty() && is_heading(stack_.back().tag)) pop();
    if (is_void(tag.tag)) return;

    stack_.push_back(Open{tag.tag, tag.name});
    if (tag.tag == GUMBO_TAG_SVG || tag.tag == GUMBO_TAG_MATH) ++foreign_;
    if (sets_marker(tag.tag)) active_.push_back(Active{GUMBO_TAG_LAST, {}, 0});
    if (is_formatting(tag.tag)) add_formatting(tag);
    if (stack_.size() > limit_) {
      result_ = NestingScan{false, stack_.size(), false};
      return;
    }
    if (foreign_ == 0 && is_raw_text(tag.tag)) skip_raw_text(tag);
  }

  // HTML's "Noah's Ark" rule: at most three identical entries after the last marker.
  void add_formatting(const Tag& tag) {
    std::size_t identical = 0;
    std::size_t earliest = 0;
    for (std::size_t i = active_.size(); i-- > 0;) {
      const Active& a = active_[i];
      if (a.tag == GUMBO_TAG_LAST) break;
      if (a.tag == tag.tag && a.attributes == tag.attributes) {
        ++identical;
        earliest = i;
      }
    }
    if (identical >= 3) active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(earliest));
    active_.push_back(Active{tag.tag, tag.name, tag.attributes});
    if (active_.size() > limit_) result_ = NestingScan{false, active_.size(), true};
  }

  // The content of a raw text element: text up to its own end tag, which closes it.
  void skip_raw_text(const Tag& tag) {
    while (at_ < html_.size()) {
      const std::size_t lt = html_.find("</", at_);
      if (lt == std::string_view::npos) {
        at_ = html_.size();
        return;
      }
      at_ = lt + 2;
      const std::size_t end = at_ + tag.name.size();
      if (end <= html_.size() && same_name(html_.substr(at_, tag.name.size()), tag.name) &&
          (end == html_.size() || is_space(html_[end]) || html_[end] == '/' || html_[end] == '>')) {
        at_ = lt + 2;
        if (auto close = read_tag(true)) end_tag(*close);
        return;
      }
    }
  }

  void end_tag(const Tag& tag) {
    if (is_formatting(tag.tag)) {
      for (std::size_t i = active_.size(); i-- > 0;) {
        if (active_[i].tag == GUMBO_TAG_LAST) break;
        if (active_[i].tag == tag.tag) {
          active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      }
    }
    // The end of a table or of its rows closes the cells left open in it.
    const bool table_part = tag.tag == GUMBO_TAG_TABLE || tag.tag == GUMBO_TAG_TBODY ||
                            tag.tag == GUMBO_TAG_THEAD || tag.tag == GUMBO_TAG_TFOOT ||
                            tag.tag == GUMBO_TAG_TR;
    const std::size_t i = nearest([&](const Open& o) { return same(o, tag); },
                                  [&](const Open& o) {
                                    if (table_part) {
                                      return o.tag == GUMBO_TAG_TABLE || o.tag == GUMBO_TAG_HTML;
                                    }
                                    return is_scope_boundary(o.tag);
                                  });
    if (i != std::string_view::npos) pop_through(i);
  }

  std::string_view html_;
  std::size_t limit_;
  std::size_t at_ = 0;
  std::vector<Open> stack_;
  std::vector<Active> active_;
  std::size_t foreign_ = 0;  // Open <svg> and <math> elements.
  NestingScan result_;
};

}  // namespace

NestingScan scan_html_nesting(std::string_view html, std::size_t limit) {
  return Scanner(html, limit).run();
}

}  // namespace reelpress::render
