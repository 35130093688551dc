// Whether a file is one a browser would run rather than show (a page, a drawing that holds
// script, a script), or one a web server would run (PHP left in an old uploads folder),
// judged by its name and by its first bytes. Such files may sit among a site's uploads
// (`reelpress import --uploads` copies an old site's folder as it is). The live server never
// lets them run (site/media_files.h sends them as downloads and sandboxes SVG), but a plain
// file server that serves an export would send them as text/html or image/svg+xml from the
// site's own origin: stored cross-site scripting. So the importer lists them and the exports
// keep them from being served as documents.
//
// A file is active when any of its name's extensions is one of a document or script type
// (by any, not only the last: Apache serves "a.html.x" as HTML), or when its first bytes are
// a document's, as a browser that got no type would sniff them (the WHATWG MIME Sniffing
// patterns for HTML and XML) or as libmagic names them (HTML, XHTML, SVG, XML, JavaScript,
// PHP, Flash).
//
// Example:
//   auto kind = media::active_kind_of_file(path, "2009/07/notes.html");
//   if (kind && !kind->empty()) std::cout << "2009/07/notes.html (" << *kind << ")\n";  // HTML
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.h"

namespace reelpress::media {

// How much of a file is sniffed: more than browsers look at (1,445 bytes) and than libmagic's
// text rules search.
inline constexpr std::size_t kSniffBytes = 64 * 1024;

// What kind of active content a file named `name` ("2009/07/notes.html") that starts with
// `first_bytes` is: "HTML", "SVG", "XML", "script", "server script" or "Flash"; empty when it
// is none. kInternal when libmagic's database cannot be loaded. Thread-safe.
util::Result<std::string> active_kind(std::string_view name, std::string_view first_bytes);

// The same for the file at `path`, reading its first kSniffBytes. kIo (naming the file) when
// it cannot be read.
util::Result<std::string> active_kind_of_file(const std::filesystem::path& path,
                                              std::string_view name);

}  // namespace reelpress::media
