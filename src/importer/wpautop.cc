#include "importer/wpautop.h"

#include <array>
#include <vector>

namespace reelpress::importer {
namespace {

enum class Kind {
  kText,
  kTag,      // A start, end or self-closing tag.
  kComment,  // <!-- ... -->, <!...>, <?...>
  kRaw,      // <pre>...</pre> and the other elements copied whole.
};

struct Token {
  Kind kind = Kind::kText;
  std::string_view text;
  bool closing = false;        // </name>
  bool block = false;          // A block-level element: it starts or ends a paragraph.
  bool is_void_block = false;  // <hr>: a block with no end tag.
  bool br = false;
  bool no_break_beside = false;  // <source>, <track>, <param>, <embed>.
  bool li = false;
  bool blockquote = false;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (!is_space(c)) return false;
  }
  return true;
}

// The elements WordPress treats as blocks (its $allblocks), lower case.
constexpr std::array<std::string_view, 44> kBlocks = {
    "table",  "thead",    "tfoot",  "caption",   "col",     "colgroup",   "tbody",   "tr",
    "td",     "th",       "div",    "dl",        "dd",      "dt",         "ul",      "ol",
    "li",     "pre",      "form",   "map",       "area",    "blockquote", "address", "math",
    "style",  "p",        "h1",     "h2",        "h3",      "h4",         "h5",      "h6",
    "hr",     "fieldset", "legend", "section",   "article", "aside",      "hgroup",  "header",
    "footer", "nav",      "figure", "figcaption"};
constexpr std::array<std::string_view, 3> kMoreBlocks = {"details", "menu", "summary"};
constexpr std::array<std::string_view, 5> kRaw = {"pre", "script", "style", "textarea", "svg"};

template <std::size_t N>
bool among(std::string_view name, const std::array<std::string_view, N>& list) {
  for (std::string_view s : list) {
    if (s == name) return true;
  }
  return false;
}

// Finds the end ('>' included) of a tag starting at `at` ('<'), honouring quoted attribute
// values; npos when the tag never closes.
std::size_t tag_end(std::string_view s, std::size_t at) {
  char quote = 0;
  for (std::size_t i = at + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // Only a quote that opens an attribute value counts (after '='); a stray one in
      // broken markup must not swallow the rest of the text.
      std::size_t j = i;
      while (j > at && is_space(s[j - 1])) --j;
      if (j > at && s[j - 1] == '=') quote = c;
    } else if (c == '>') {
      return i + 1;
    } else if (c == '<') {
      return std::string_view::npos;  // Not a tag after all ("a <b and c").
    }
  }
  return std::string_view::npos;
}

// Position of "</name" (any case) at or after `from`, or npos.
std::size_t find_end_tag(std::string_view s, std::size_t from, std::string_view name) {
  for (std::size_t i = s.find("</", from); i != std::string_view::npos; i = s.find("</", i + 2)) {
    if (i + 2 + name.size() > s.size()) return std::string_view::npos;
    bool same = true;
    for (std::size_t k = 0; k < name.size(); ++k) {
      if (lower(s[i + 2 + k]) != name[k]) {
        same = false;
        break;
      }
    }
    if (!same) continue;
    const std::size_t after = i + 2 + name.size();
    if (after == s.size() || is_space(s[after]) || s[after] == '>') return i;
  }
  return std::string_view::npos;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  std::size_t text_start = 0;
  std::size_t i = 0;
  const auto flush_text = [&](std::size_t end) {
    if (end > text_start) tokens.push_back({Kind::kText, s.substr(text_start, end - text_start)});
  };
  while (i < s.size()) {
    const std::size_t lt = s.find('<', i);
    if (lt == std::string_view::npos) break;
    i = lt + 1;
    if (lt + 1 >= s.size()) break;
    const char next = s[lt + 1];
    if (s.compare(lt, 4, "<!--") == 0) {
      std::size_t end = s.find("-->", lt + 4);
      end = end == std::string_view::npos ? s.size() : end + 3;
      flush_text(lt);
      tokens.push_back({Kind::kComment, s.substr(lt, end - lt)});
      text_start = i = end;
      continue;
    }
    if (next == '!' || next == '?') {
      const std::size_t end = s.find('>', lt);
      if (end == std::string_view::npos) continue;
      flush_text(lt);
      tokens.push_back({Kind::kComment, s.substr(lt, end + 1 - lt)});
      text_start = i = end + 1;
      continue;
    }
    const bool closing = next == '/';
    const std::size_t name_start = lt + (closing ? 2 : 1);
    if (name_start >= s.size() || !is_alpha(s[name_start])) continue;
    const std::size_t end = tag_end(s, lt);
    if (end == std::string_view::npos) continue;
    char name_buffer[16];
    std::size_t n = 0;
    std::size_t k = name_start;
    while (k < end && (is_alpha(s[k]) || (s[k] >= '0' && s[k] <= '9')) && n < sizeof name_buffer) {
      name_buffer[n++] = lower(s[k++]);
    }
    const std::string_view name(name_buffer, n);
    flush_text(lt);
    if (!closing && among(name, kRaw)) {
      // Copied whole, up to and with its end tag (or to the end of the text).
      const std::size_t close = find_end_tag(s, end, name);
      std::size_t stop = s.size();
      if (close != std::string_view::npos) {
        const std::size_t gt = s.find('>', close);
        stop = gt == std::string_view::npos ? s.size() : gt + 1;
      }
      Token t{Kind::kRaw, s.substr(lt, stop - lt)};
      // All of them stand apart from paragraphs: <pre> and <style> are blocks for WordPress
      // too; script, textarea and svg are dropped by the sanitizer, and an empty <p> would
      // stay behind if they had been wrapped in one.
      t.block = true;
      tokens.push_back(t);
      text_start = i = stop;
      continue;
    }
    Token t{Kind::kTag, s.substr(lt, end - lt)};
    t.closing = closing;
    t.block = among(name, kBlocks) || among(name, kMoreBlocks);
    t.is_void_block = name == "hr";
    t.br = name == "br";
    t.no_break_beside = name == "source" || name == "track" || name == "param" || name == "embed";
    t.li = name == "li";
    t.blockquote = name == "blockquote";
    tokens.push_back(t);
    text_start = i = end;
  }
  flush_text(s.size());
  return tokens;
}

class Autop {
 public:
  explicit Autop(bool line_breaks) : line_breaks_(line_breaks) {}

  std::string run(std::string_view text) {
    const std::vector<Token> tokens = tokenize(text);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      switch (t.kind) {
        case Kind::kComment: break;
        case Kind::kText: split_text(t); break;
        case Kind::kRaw:
          if (t.block) flush();
          chunk_.push_back(t);
          if (t.block) flush();
          break;
        case Kind::kTag:
          if (t.br) {
            // <br> (spaces) <br>: a paragraph break, both tags dropped.
            std::size_t j = i + 1;
            while (j < tokens.size() &&
                   ((tokens[j].kind == Kind::kText && is_blank(tokens[j].text)) ||
                    tokens[j].kind == Kind::kComment)) {
              ++j;
            }
            if (j < tokens.size() && tokens[j].kind == Kind::kTag && tokens[j].br) {
              flush();
              i = j;
              break;
            }
            chunk_.push_back(t);
          } else if (t.block && !t.closing) {
            flush();
            chunk_.push_back(t);
            if (t.is_void_block) flush();
          } else if (t.block) {
            chunk_.push_back(t);
            flush();
          } else {
            chunk_.push_back(t);
          }
          break;
      }
    }
    flush();
    return std::move(out_);
  }

 private:
  // Text splits into paragraphs at blank lines.
  void split_text(const Token& t) {
    std::string_view rest = t.text;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      std::size_t blank_end = std::string_view::npos;
      while (nl != std::string_view::npos) {
        std::size_t j = nl + 1;
        while (j < rest.size() && is_space(rest[j]) && rest[j] != '\n') ++j;
        if (j < rest.size() && rest[j] == '\n') {
          while (j < rest.size() && is_space(rest[j])) ++j;
          blank_end = j;
          break;
        }
        nl = rest.find('\n', nl + 1);
      }
      if (blank_end == std::string_view::npos) {
        chunk_.push_back({Kind::kText, rest});
        return;
      }
      if (nl > 0) chunk_.push_back({Kind::kText, rest.substr(0, nl)});
      flush();
      rest = rest.substr(blank_end);
    }
  }

  static bool is_content(const Token& t) { return t.kind != Kind::kText || !is_blank(t.text); }
  static bool opens_block(const Token& t) {
    return (t.kind == Kind::kTag && t.block && !t.closing) || (t.kind == Kind::kRaw && t.block);
  }
  static bool closes_block(const Token& t) { return t.kind == Kind::kTag && t.block && t.closing; }

  void flush() {
    std::vector<Token>& c = chunk_;
    std::size_t first = 0;
    while (first < c.size() && !is_content(c[first])) ++first;
    if (first == c.size()) {
      c.clear();
      return;
    }
    std::size_t last = c.size() - 1;
    while (!is_content(c[last])) --last;

    if (first == last && (c[first].block)) {
      out_.append(c[first].text);
      out_ += '\n';
      c.clear();
      return;
    }
    const bool open = opens_block(c[first]);
    const bool close = last > first && closes_block(c[last]);
    std::size_t a = open ? first + 1 : first;
    std::size_t b = close ? last : last + 1;  // Inner content is [a, b).
    while (a < b && !is_content(c[a])) ++a;
    while (b > a && !is_content(c[b - 1])) --b;

    bool wrap = true;
    if (open && c[first].li) wrap = false;
    if (open && close && !c[first].blockquote) wrap = false;

    if (open) out_.append(c[first].text);
    if (a < b) {
      if (wrap) {
        out_ += "<p>";
      } else if (open) {
        append_between(first + 1, a);  // Keep the whitespace as it was.
      }
      for (std::size_t i = a; i < b; ++i) {
        if (c[i].kind == Kind::kText) {
          append_text(c[i].text, i, a, b, /*trim_front=*/i == a, /*trim_back=*/i + 1 == b);
        } else if (c[i].kind != Kind::kComment) {
          out_.append(c[i].text);
        }
      }
      if (wrap) {
        out_ += "</p>";
      } else if (close) {
        append_between(b, last);
      }
    }
    if (close) out_.append(c[last].text);
    out_ += '\n';
    c.clear();
  }

  void append_between(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (chunk_[i].kind == Kind::kText) out_.append(chunk_[i].text);
    }
  }

  // The nearest token before i (after: direction +1) in [a, b) that is not blank text or a
  // comment; null when there is none.
  const Token* neighbour(std::size_t i, int direction, std::size_t a, std::size_t b) const {
    for (std::size_t j = i;;) {
      if (direction < 0) {
        if (j == a) return nullptr;
        --j;
      } else {
        if (j + 1 >= b) return nullptr;
        ++j;
      }
      const Token& t = chunk_[j];
      if (t.kind == Kind::kComment) continue;
      if (t.kind == Kind::kText && is_blank(t.text)) continue;
      return &t;
    }
  }

  // Text inside a paragraph: newlines become <br />\n where WordPress puts them.
  void append_text(std::string_view text, std::size_t index, std::size_t a, std::size_t b,
                   bool trim_front, bool trim_back) {
    if (trim_front) {
      while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    }
    if (trim_back) {
      while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    }
    if (!line_breaks_) {
      out_.append(text);
      return;
    }
    std::size_t start = 0;
    while (true) {
      const std::size_t nl = text.find('\n', start);
      if (nl == std::string_view::npos) {
        out_.append(text.substr(start));
        return;
      }
      // The spaces before the newline go with it.
      std::size_t seg_end = nl;
      while (seg_end > start && is_space(text[seg_end - 1])) --seg_end;
      const std::string_view before = text.substr(start, seg_end - start);
      out_.append(before);

      const bool text_before = !is_blank(text.substr(0, seg_end));
      const bool text_after = !is_blank(text.substr(nl + 1));
      const Token* prev = text_before ? nullptr : neighbour(index, -1, a, b);
      const Token* next = text_after ? nullptr : neighbour(index, +1, a, b);
      const bool after_br = !text_before && prev && prev->kind == Kind::kTag && prev->br;
      const bool beside_media = (!text_before && prev && prev->no_break_beside) ||
                                (!text_after && next && next->no_break_beside);
      const bool at_edge = (!text_before && !prev) || (!text_after && !next);
      if (after_br || beside_media || at_edge) {
        out_ += '\n';
      } else {
        out_ += "<br>\n";
      }
      start = nl + 1;
      // Leading spaces of the next line stay (WordPress keeps them too).
    }
  }

  bool line_breaks_;
  std::vector<Token> chunk_;
  std::string out_;
};

}  // namespace

std::string wpautop(std::string_view text, bool line_breaks) {
  if (is_blank(text)) return std::string();
  std::string normalized;
  if (text.find('\r') != std::string_view::npos) {
    normalized.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r') {
        normalized += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        normalized += text[i];
      }
    }
    text = normalized;
  }
  return Autop(line_breaks).run(text);
}

}  // namespace reelpress::importer
