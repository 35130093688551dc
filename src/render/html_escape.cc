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

bool decode_basic_references(std::string_view text, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < text.size()) {
    const size_t amp = text.find('&', i);
    out->append(text.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i));
    if (amp == std::string_view::npos) break;
    const size_t semicolon = text.find(';', amp);
    if (semicolon == std::string_view::npos || semicolon - amp > 9) return false;
    const std::string_view name = text.substr(amp + 1, semicolon - amp - 1);
    i = semicolon + 1;
    if (name == "amp") {
      out->push_back('&');
    } else if (name == "lt") {
      out->push_back('<');
    } else if (name == "gt") {
      out->push_back('>');
    } else if (name == "quot") {
      out->push_back('"');
    } else if (name == "apos") {
      out->push_back('\'');
    } else if (name == "nbsp") {
      out->append("\xC2\xA0");
    } else if (name.size() >= 2 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty() || digits.size() > 6) return false;
      std::uint32_t code_point = 0;
      for (char c : digits) {
        int value = -1;
        if (c >= '0' && c <= '9') value = c - '0';
        if (hex && c >= 'a' && c <= 'f') value = c - 'a' + 10;
        if (hex && c >= 'A' && c <= 'F') value = c - 'A' + 10;
        if (value < 0) return false;
        code_point = code_point * (hex ? 16 : 10) + static_cast<std::uint32_t>(value);
      }
      // Only characters that the parser takes as they are: no controls (some of which it
      // maps through windows-1252), surrogates, noncharacters or values out of range.
      const bool plain =
          (code_point >= 0x20 && code_point <= 0x7E) ||
          (code_point >= 0xA0 && code_point <= 0xD7FF) ||
          (code_point >= 0xE000 && code_point <= 0xFDCF) ||
          (code_point >= 0xFDF0 && code_point <= 0x10FFFF && (code_point & 0xFFFE) != 0xFFFE);
      if (!plain) return false;
      char utf8[4];
      size_t length = 0;
      if (code_point < 0x80) {
        utf8[length++] = static_cast<char>(code_point);
      } else if (code_point < 0x800) {
        utf8[length++] = static_cast<char>(0xC0 | (code_point >> 6));
        utf8[length++] = static_cast<char>(0x80 | (code_point & 0x3F));
      } else if (code_point < 0x10000) {
        utf8[length++] = static_cast<char>(0xE0 | (code_point >> 12));
        utf8[length++] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        utf8[length++] = static_cast<char>(0x80 | (code_point & 0x3F));
      } else {
        utf8[length++] = static_cast<char>(0xF0 | (code_point >> 18));
        utf8[length++] = static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        utf8[length++] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        utf8[length++] = static_cast<char>(0x80 | (code_point & 0x3F));
      }
      out->append(utf8, length);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace reelpress::render
