#include "render/body.h"

#include <vector>

#include "render/html_sanitizer.h"
#include "render/markdown.h"

namespace reelpress::render {

util::Result<std::string> render_body(std::string_view source, content::BodyFormat format) {
  return format == content::BodyFormat::kMarkdown ? markdown_to_html_checked(source)
                                                  : sanitize_html_checked(source);
}

util::Status render_bodies(content::Entry& entry) {
  auto body = render_body(entry.body, entry.body_format);
  if (!body) return util::fail(std::move(body.error()));
  std::vector<std::string> sections;
  for (const content::Section& s : entry.sections) {
    auto html = render_body(s.body, entry.body_format);
    if (!html) {
      return util::fail(util::ErrorCode::kInvalidArgument,
                        "Section “" + s.heading + "”: " + html.error().message);
    }
    sections.push_back(std::move(*html));
  }
  entry.body_html = std::move(*body);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    entry.sections[i].body_html = std::move(sections[i]);
  }
  return {};
}

}  // namespace reelpress::render
