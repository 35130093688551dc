// Mustache templates parsed once and rendered many times, over mstch's view type.
//
// mstch parses a template and every partial it is given on each render, which was most of a
// page's render time. A MustacheTemplate is parsed when the theme loads; rendering walks the
// parsed tree. The views stay mstch::node values, and the output is mstch's, byte for byte
// (tests compare both on every template of the default theme):
//   - {{name}} (escaped with render::escape_html), {{{name}}} and {{&name}} (raw), dotted
//     names resolved as the spec says, {{.}} for the current item;
//   - {{#name}}...{{/name}} repeats for each item of an array and renders once for any other
//     value that is not "empty"; {{^name}} renders when it is. Empty, as in mstch: null,
//     false, 0, "", and an empty array;
//   - {{> name}} renders another template of the same set with the same context; a
//     standalone partial tag's indentation is put before each line of its output;
//   - {{! comment}};
//   - a line holding only section, inverted, closing, partial or comment tags and whitespace
//     is removed whole, newline included, when it ends with a newline (as mstch does).
// Not supported: set-delimiter tags ("{{=<% %>=}}") and lambdas; parse() refuses the first
// (the theme then falls back to mstch for that template).
//
// Example:
//   auto page = MustacheTemplate::parse("<h1>{{title}}</h1>{{> footer}}");
//   std::string html = page->render(mstch::map{{"title", std::string("Salt")}}, partials);
//
// Thread-safety: a parsed template is immutable; render() may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mstch/mstch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace reelpress::render {

class MustacheTemplate {
 public:
  // kInvalidArgument naming the line for an unclosed or mismatched section, an unclosed tag,
  // or a set-delimiter tag.
  static util::Result<MustacheTemplate> parse(std::string_view source);

  // Finds a partial by name; null when there is none (it then renders as nothing).
  using Partials = std::function<const MustacheTemplate*(const std::string&)>;

  std::string render(const mstch::node& view, const Partials& partials) const;

  struct Node;
  const std::vector<Node>& nodes() const { return *nodes_; }

 private:
  std::shared_ptr<const std::vector<Node>> nodes_;
};

}  // namespace reelpress::render
