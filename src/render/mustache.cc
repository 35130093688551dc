#include "render/mustache.h"

#include <sstream>

#include "render/html_escape.h"
#include "util/text.h"

namespace reelpress::render {

struct MustacheTemplate::Node {
  enum class Kind { kText, kVariable, kRaw, kSection, kInverted, kPartial };
  Kind kind = Kind::kText;
  std::string text;               // kText: the text; kPartial: the partial's name.
  std::vector<std::string> path;  // Names: "a.b" -> {"a", "b"}; "." -> {}.
  std::vector<Node> children;     // Sections.
  std::string indent;             // Standalone partials: put before each line.
};

namespace {

using Node = MustacheTemplate::Node;
using util::ErrorCode;

// A tag or a piece of text, before lines are cleaned and sections nested.
struct Token {
  enum class Kind { kText, kVariable, kRaw, kSection, kInverted, kClose, kPartial, kComment };
  Kind kind;
  std::string text;  // Text, or the tag's trimmed name.
  int line;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

bool all_blank(std::string_view text) {
  for (char c : text) {
    if (!is_blank(c)) return false;
  }
  return true;
}

util::Error error_at(int line, const std::string& what) {
  return util::Error{ErrorCode::kInvalidArgument, "line " + std::to_string(line) + ": " + what};
}

// Splits the source into tokens; text is cut after each newline, so that every text token
// belongs to one line and only a line's last token ends with '\n'.
util::Result<std::vector<Token>> tokenize(std::string_view source) {
  std::vector<Token> tokens;
  int line = 1;
  auto add_text = [&](std::string_view text) {
    while (!text.empty()) {
      const std::size_t newline = text.find('\n');
      const std::size_t length = newline == std::string_view::npos ? text.size() : newline + 1;
      tokens.push_back(Token{Token::Kind::kText, std::string(text.substr(0, length)), line});
      if (newline != std::string_view::npos) ++line;
      text.remove_prefix(length);
    }
  };
  std::size_t at = 0;
  while (at < source.size()) {
    const std::size_t open = source.find("{{", at);
    if (open == std::string_view::npos) {
      add_text(source.substr(at));
      break;
    }
    add_text(source.substr(at, open - at));
    const bool triple = source.compare(open, 3, "{{{") == 0;
    const std::size_t close = source.find(triple ? "}}}" : "}}", open + (triple ? 3 : 2));
    if (close == std::string_view::npos) return util::fail(error_at(line, "unclosed tag"));
    std::string_view inside =
        source.substr(open + (triple ? 3 : 2), close - open - (triple ? 3 : 2));
    Token token{Token::Kind::kVariable, "", line};
    if (triple) {
      token.kind = Token::Kind::kRaw;
    } else if (!inside.empty()) {
      switch (inside.front()) {
        case '#': token.kind = Token::Kind::kSection; break;
        case '^': token.kind = Token::Kind::kInverted; break;
        case '/': token.kind = Token::Kind::kClose; break;
        case '>': token.kind = Token::Kind::kPartial; break;
        case '!': token.kind = Token::Kind::kComment; break;
        case '&': token.kind = Token::Kind::kRaw; break;
        case '=': return util::fail(error_at(line, "set-delimiter tags are not supported"));
        default: break;
      }
      if (token.kind != Token::Kind::kVariable) inside.remove_prefix(1);
    }
    for (char c : inside) line += c == '\n';
    token.text = std::string(util::trim(inside));
    tokens.push_back(std::move(token));
    at = close + (triple ? 3 : 2);
  }
  return tokens;
}

bool is_standalone_kind(Token::Kind kind) {
  return kind == Token::Kind::kSection || kind == Token::Kind::kInverted ||
         kind == Token::Kind::kClose || kind == Token::Kind::kPartial ||
         kind == Token::Kind::kComment;
}

// Removes the whitespace of lines that hold only section, inverted, closing, partial or
// comment tags (mstch's rule: only lines that end with a newline), and gives their partials
// the line's indentation.
std::vector<Token> drop_standalone_lines(std::vector<Token> tokens,
                                         std::vector<std::string>* indents) {
  std::vector<Token> out;
  indents->clear();
  std::size_t begin = 0;
  while (begin < tokens.size()) {
    std::size_t end = begin;  // One past the line's last token.
    while (end < tokens.size()) {
      const Token& t = tokens[end++];
      if (t.kind == Token::Kind::kText && !t.text.empty() && t.text.back() == '\n') break;
    }
    const bool ends_line = tokens[end - 1].kind == Token::Kind::kText &&
                           !tokens[end - 1].text.empty() && tokens[end - 1].text.back() == '\n';
    bool has_tag = false;
    bool other = false;
    for (std::size_t i = begin; i < end; ++i) {
      const Token& t = tokens[i];
      if (is_standalone_kind(t.kind)) {
        has_tag = true;
      } else if (t.kind != Token::Kind::kText || !all_blank(t.text)) {
        other = true;
      }
    }
    const bool standalone = ends_line && has_tag && !other;
    std::string indent;
    if (standalone && tokens[begin].kind == Token::Kind::kText) indent = tokens[begin].text;
    for (std::size_t i = begin; i < end; ++i) {
      if (standalone && tokens[i].kind == Token::Kind::kText) continue;
      if (tokens[i].kind == Token::Kind::kComment) continue;
      indents->push_back(standalone && tokens[i].kind == Token::Kind::kPartial ? indent : "");
      out.push_back(std::move(tokens[i]));
    }
    begin = end;
  }
  return out;
}

std::vector<std::string> split_name(const std::string& name) {
  std::vector<std::string> path;
  if (name == ".") return path;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    path.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return path;
}

// mstch's idea of an empty value, which sections skip and inverted sections render.
bool is_empty(const mstch::node& value) {
  if (boost::get<std::nullptr_t>(&value) != nullptr) return true;
  if (const auto* b = boost::get<bool>(&value)) return !*b;
  if (const auto* i = boost::get<int>(&value)) return *i == 0;
  if (const auto* d = boost::get<double>(&value)) return *d == 0;
  if (const auto* s = boost::get<std::string>(&value)) return s->empty();
  if (const auto* a = boost::get<mstch::array>(&value)) return a->empty();
  return false;
}

// A value that is not a string, as mstch writes it.
std::string as_text(const mstch::node& value) {
  if (const auto* i = boost::get<int>(&value)) return std::to_string(*i);
  if (const auto* b = boost::get<bool>(&value)) return *b ? "true" : "false";
  if (const auto* d = boost::get<double>(&value)) {
    std::ostringstream out;
    out << *d;
    return out.str();
  }
  return {};
}

class Renderer {
 public:
  explicit Renderer(const MustacheTemplate::Partials& partials) : partials_(partials) {}

  void render(const std::vector<Node>& nodes, std::string& out) {
    for (const Node& node : nodes) {
      switch (node.kind) {
        case Node::Kind::kText: out += node.text; break;
        case Node::Kind::kVariable:
        case Node::Kind::kRaw: {
          const mstch::node* value = find(node.path);
          if (value == nullptr) break;
          // Strings, nearly every value, go straight into the page without a copy.
          const auto* text = boost::get<std::string>(value);
          const std::string other = text == nullptr ? as_text(*value) : std::string();
          const std::string_view shown = text != nullptr ? std::string_view(*text) : other;
          if (node.kind == Node::Kind::kRaw) {
            out += shown;
          } else {
            append_escaped_html(out, shown);
          }
          break;
        }
        case Node::Kind::kSection: section(node, out); break;
        case Node::Kind::kInverted: {
          const mstch::node* value = find(node.path);
          if (value == nullptr || is_empty(*value)) render(node.children, out);
          break;
        }
        case Node::Kind::kPartial: partial(node, out); break;
      }
    }
  }

  std::vector<const mstch::node*> stack;

 private:
  // Resolves a name through the context stack, innermost first; dotted parts inside it.
  const mstch::node* find(const std::vector<std::string>& path) const {
    if (path.empty()) return stack.back();
    const mstch::node* found = nullptr;
    for (auto it = stack.rbegin(); it != stack.rend() && found == nullptr; ++it) {
      if (const auto* map = boost::get<mstch::map>(*it)) {
        if (const auto hit = map->find(path.front()); hit != map->end()) found = &hit->second;
      }
    }
    for (std::size_t i = 1; found != nullptr && i < path.size(); ++i) {
      const auto* map = boost::get<mstch::map>(found);
      if (map == nullptr) return nullptr;
      const auto hit = map->find(path[i]);
      found = hit == map->end() ? nullptr : &hit->second;
    }
    return found;
  }

  void section(const Node& node, std::string& out) {
    const mstch::node* value = find(node.path);
    if (value == nullptr || is_empty(*value)) return;
    if (const auto* items = boost::get<mstch::array>(value)) {
      for (const mstch::node& item : *items) {
        stack.push_back(&item);
        render(node.children, out);
        stack.pop_back();
      }
      return;
    }
    stack.push_back(value);
    render(node.children, out);
    stack.pop_back();
  }

  void partial(const Node& node, std::string& out) {
    constexpr int kMaxDepth = 100;  // A partial that includes itself forever stops here.
    const MustacheTemplate* found = partials_ ? partials_(node.text) : nullptr;
    if (found == nullptr || depth_ >= kMaxDepth) return;
    ++depth_;
    if (node.indent.empty()) {
      render(found->nodes(), out);
    } else {
      std::string text;
      render(found->nodes(), text);
      std::size_t start = 0;
      while (start < text.size()) {
        const std::size_t newline = text.find('\n', start);
        const std::size_t end = newline == std::string::npos ? text.size() : newline + 1;
        out += node.indent;
        out.append(text, start, end - start);
        start = end;
      }
    }
    --depth_;
  }

  const MustacheTemplate::Partials& partials_;
  int depth_ = 0;
};

}  // namespace

util::Result<MustacheTemplate> MustacheTemplate::parse(std::string_view source) {
  auto tokens = tokenize(source);
  if (!tokens) return util::fail(tokens.error());
  std::vector<std::string> indents;
  std::vector<Token> kept = drop_standalone_lines(std::move(*tokens), &indents);

  auto nodes = std::make_shared<std::vector<Node>>();
  std::vector<std::vector<Node>*> open = {nodes.get()};
  std::vector<std::pair<std::string, int>> names;  // Open sections: name, line.
  for (std::size_t i = 0; i < kept.size(); ++i) {
    Token& t = kept[i];
    std::vector<Node>& into = *open.back();
    switch (t.kind) {
      case Token::Kind::kText:
        if (!into.empty() && into.back().kind == Node::Kind::kText) {
          into.back().text += t.text;
        } else {
          into.push_back(Node{Node::Kind::kText, std::move(t.text), {}, {}, {}});
        }
        break;
      case Token::Kind::kVariable:
      case Token::Kind::kRaw:
        into.push_back(Node{t.kind == Token::Kind::kRaw ? Node::Kind::kRaw : Node::Kind::kVariable,
                            {},
                            split_name(t.text),
                            {},
                            {}});
        break;
      case Token::Kind::kSection:
      case Token::Kind::kInverted:
        into.push_back(
            Node{t.kind == Token::Kind::kSection ? Node::Kind::kSection : Node::Kind::kInverted,
                 {},
                 split_name(t.text),
                 {},
                 {}});
        names.emplace_back(t.text, t.line);
        open.push_back(&into.back().children);
        break;
      case Token::Kind::kClose:
        if (names.empty())
          return util::fail(error_at(t.line, "{{/" + t.text + "}} closes nothing"));
        if (names.back().first != t.text) {
          return util::fail(error_at(t.line, "{{/" + t.text + "}} closes {{#" + names.back().first +
                                                 "}} of line " +
                                                 std::to_string(names.back().second)));
        }
        names.pop_back();
        open.pop_back();
        break;
      case Token::Kind::kPartial:
        into.push_back(Node{Node::Kind::kPartial, std::move(t.text), {}, {}, indents[i]});
        break;
      case Token::Kind::kComment: break;
    }
  }
  if (!names.empty()) {
    return util::fail(
        error_at(names.back().second, "{{#" + names.back().first + "}} is not closed"));
  }
  MustacheTemplate parsed;
  parsed.nodes_ = std::move(nodes);
  return parsed;
}

std::string MustacheTemplate::render(const mstch::node& view, const Partials& partials) const {
  Renderer renderer(partials);
  renderer.stack.push_back(&view);
  std::string out;
  renderer.render(*nodes_, out);
  return out;
}

}  // namespace reelpress::render
