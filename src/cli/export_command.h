// `reelpress export DIR --format static --out PATH`: the site as a static file tree that
// nginx or any static host serves at the same URLs, with its redirect maps and a sitemap
// (archive/static_export.h). Works on a live site (a server may run meanwhile; what is
// exported is what the site shows while the export reads it) and on an archived one.
//
// Example:
//   $ reelpress export my-site --format static --out /srv/www/my-site
//   Exported 212 pages, 48 files and 30 redirects (12.1 MB): 260 written, 0 unchanged, 0
//   removed; no broken links.
#pragma once

#include <string>

namespace reelpress::cli {

// Returns the exit status: 0 when exported; 2 when DIR is not a site or the format is
// unknown; 1 when the tree cannot be written (the message names the file) or a page cannot
// be rendered.
int run_export(const std::string& dir, const std::string& format, const std::string& out);

}  // namespace reelpress::cli
