#include "importer/wp_content.h"

#include "importer/wpautop.h"
#include "render/html_sanitizer.h"

namespace reelpress::importer {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The length of a block delimiter comment starting at text[at] ("<!--"), or 0 if the comment
// there is not one.
std::size_t delimiter_length(std::string_view text, std::size_t at) {
  std::size_t i = at + 4;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i < text.size() && text[i] == '/') ++i;
  if (text.compare(i, 3, "wp:") != 0) return 0;
  const std::size_t end = text.find("-->", i);
  if (end == std::string_view::npos) return 0;
  return end + 3 - at;
}

}  // namespace

std::string strip_block_delimiters(std::string_view content, bool* had_blocks) {
  *had_blocks = false;
  std::string out;
  out.reserve(content.size());
  std::size_t copied = 0;
  for (std::size_t at = content.find("<!--"); at != std::string_view::npos;
       at = content.find("<!--", at + 1)) {
    const std::size_t length = delimiter_length(content, at);
    if (length == 0) continue;
    *had_blocks = true;
    out.append(content.substr(copied, at - copied));
    copied = at + length;
    at = copied - 1;
  }
  out.append(content.substr(copied));
  return out;
}

std::string post_content_to_html(std::string_view content, const ShortcodeContext& context) {
  bool had_blocks = false;
  std::string html = strip_block_delimiters(content, &had_blocks);
  if (!had_blocks) html = shortcode_unautop(wpautop(html));
  html = do_shortcodes(html, context);
  if (context.urls) html = context.urls->localize_attributes(html);
  return render::sanitize_html(html, {.policy = render::SanitizerPolicy::kBody});
}

std::string comment_content_to_html(std::string_view content, std::string_view site_host) {
  return render::sanitize_html(
      wpautop(content), {.policy = render::SanitizerPolicy::kComment, .site_host = site_host});
}

}  // namespace reelpress::importer
