#include "render/html_escape.h"

#include <array>
#include <cstdint>

namespace reelpress::render {
namespace {

// For each byte, the entity that replaces it, or nullptr to copy it. Built once at compile
// time; the loop below copies runs of safe bytes with one append, so ordinary text (which has
// few special characters) costs little more than a memcpy.
using EscapeTable = std::array<const char*, 256>;

constexpr EscapeTable make_table(bool quotes) {
  EscapeTable table{};
  table['&'] = "&amp;";
  table['<'] = "&lt;";
  table['>'] = "&gt;";
  if (quotes) {
    table['"'] = "&quot;";
    table['\''] = "&#39;";
  }
  return table;
}

constexpr EscapeTable kAttributeTable = make_table(true);
constexpr EscapeTable kTextTable = make_table(false);

void append_with_table(std::string& out, std::string_view text, const EscapeTable& table) {
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* entity = table[static_cast<std::uint8_t>(text[i])];
    if (entity == nullptr) continue;
    out.append(text.data() + run_start, i - run_start);
    out.append(entity);
    run_start = i + 1;
  }
  out.append(text.data() + run_start, text.size() - run_start);
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_with_table(out, text, kAttributeTable);
  return out;
}

void append_escaped_html(std::string& out, std::string_view text) {
  append_with_table(out, text, kAttributeTable);
}

void append_escaped_html_text(std::string& out, std::string_view text) {
  append_with_table(out, text, kTextTable);
}

}  // namespace reelpress::render
