// libFuzzer target for render/markdown: Markdown, plain-text comments and html_to_text on any
// bytes. Each output must be valid UTF-8; the HTML ones must already be sanitized (a fixed
// point of sanitize_html with their policy), which also proves that md4c's output went through
// the sanitizer; html_to_text must respect its length limit. Violations abort().
//
// Run: ./fuzz_markdown -max_total_time=60 corpus/   (see fuzz/CMakeLists.txt)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "render/html_sanitizer.h"
#include "render/markdown.h"
#include "util/text.h"

namespace {

using namespace reelpress::render;

[[noreturn]] void fail(const char* what, std::string_view output) {
  std::fprintf(stderr, "fuzz_markdown: %s\noutput: %.*s\n", what, static_cast<int>(output.size()),
               output.data());
  std::abort();
}

size_t count_code_points(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t max_chars = data[0];  // 0 to 255: short limits exercise the cutting.
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  const std::string html = markdown_to_html(text);
  if (!reelpress::util::is_valid_utf8(html)) fail("markdown: invalid UTF-8", html);
  if (sanitize_html(html) != html) fail("markdown: output is not sanitized", html);

  const std::string comment = plain_text_to_html(text);
  if (!reelpress::util::is_valid_utf8(comment)) fail("plain text: invalid UTF-8", comment);
  if (sanitize_html(comment, {.policy = SanitizerPolicy::kComment}) != comment) {
    fail("plain text: output is not sanitized", comment);
  }

  const std::string excerpt = html_to_text(text, max_chars);
  if (!reelpress::util::is_valid_utf8(excerpt)) fail("html_to_text: invalid UTF-8", excerpt);
  if (count_code_points(excerpt) > max_chars) fail("html_to_text: too long", excerpt);
  if (html_to_text(html, std::string::npos).find('<') != std::string::npos &&
      text.find('<') == std::string_view::npos && text.find('&') == std::string_view::npos) {
    fail("html_to_text: a tag survived", html);
  }
  return 0;
}
