#include "render/body.h"

#include "render/html_sanitizer.h"
#include "render/markdown.h"

namespace reelpress::render {

std::string render_body(std::string_view source, content::BodyFormat format) {
  return format == content::BodyFormat::kMarkdown ? markdown_to_html(source)
                                                  : sanitize_html(source);
}

void render_bodies(content::Entry& entry) {
  entry.body_html = render_body(entry.body, entry.body_format);
  for (content::Section& s : entry.sections) s.body_html = render_body(s.body, entry.body_format);
}

}  // namespace reelpress::render
