// Turns what an author wrote (Markdown or HTML) into the sanitized HTML that is stored and
// shown. Every path that stores an entry (demo content, imports, the admin) goes through here,
// so no unsanitized HTML reaches the store.
//
// Example:
//   content::Entry e = ...;      // e.body = "Hello *world*", e.body_format = kMarkdown
//   render::render_bodies(e);    // e.body_html = "<p>Hello <em>world</em></p>\n"
#pragma once

#include <string>
#include <string_view>

#include "content/model.h"
#include "util/result.h"

namespace reelpress::render {

// Markdown through md4c then the sanitizer; HTML through the sanitizer alone. Thread-safe.
// kInvalidArgument, with a message for the author, when the HTML nests past
// kMaxHtmlNesting (render/html_sanitizer.h).
util::Result<std::string> render_body(std::string_view source, content::BodyFormat format);

// Fills entry.body_html and every section's body_html from their sources. Fails as
// render_body does, naming the section, and then leaves the entry's HTML as it was.
util::Status render_bodies(content::Entry& entry);

}  // namespace reelpress::render
