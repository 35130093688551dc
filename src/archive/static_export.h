// `reelpress export DIR --format static --out PATH`: the whole public site as a file tree that
// nginx (or any static host) serves at the same URLs: "/a/b/" as a/b/index.html, assets and
// media files at their paths, plus
//   - _redirects: the site's 301s ("from to 301" lines, the format of Netlify and others);
//   - redirects.nginx.conf: the same as an nginx map to include (see the file's comment);
//   - sitemap.xml: every page, with the site's base URL.
// Pages are rendered offline (SiteSettings::offline): no forms, since nothing could receive
// them; an archived site keeps its banner.
//
// Incremental: a file whose bytes did not change is not rewritten, and a file that an earlier
// export wrote but this one did not (a page that went away) is removed. What was written is
// listed in PATH/.reelpress-export. Every file is written to a temporary name and renamed, so
// a failure (disk full, no permission) leaves no half-written file under a final name; the
// error names the file and the tree stays a mix of the old and new exports, readable.
//
// Links that lead nowhere (404) are counted and listed in the summary with the page that
// links them: a faithful copy of a site with broken links has the same broken links.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "site/http.h"
#include "util/result.h"

namespace reelpress::archive {

struct ExportProgress {
  std::uint64_t urls = 0;     // Visited so far.
  std::uint64_t written = 0;  // Files written (changed or new).
};

struct BrokenLink {
  std::string path;
  std::string linked_from;
};

struct StaticExportSummary {
  std::uint64_t pages = 0;      // HTML pages.
  std::uint64_t files = 0;      // Assets and media files.
  std::uint64_t redirects = 0;  // 301s in the redirect maps.
  std::uint64_t written = 0;    // Files (re)written this time.
  std::uint64_t unchanged = 0;  // Files left as they were.
  std::uint64_t removed = 0;    // Files of an earlier export that are gone from the site.
  std::uint64_t bytes = 0;      // Of every page and file.
  std::vector<BrokenLink> broken_links;

  // "Exported 212 pages, 48 files and 30 redirects (12.1 MB): 260 written, 0 unchanged, 0
  // removed; no broken links."
  std::string to_string() const;
};

struct StaticExportOptions {
  std::filesystem::path out;
  std::string base_url;              // For sitemap.xml and the site's own absolute links.
  std::filesystem::path media_root;  // Media files no page links are copied from here too.
  std::function<void(const ExportProgress&)> progress;
};

// Errors: kIo (naming the path) when the tree cannot be written; kInternal when a page
// cannot be rendered.
util::Result<StaticExportSummary> export_static(site::Handler& handler,
                                                const std::vector<std::string>& seeds,
                                                const StaticExportOptions& options);

// The file that holds the page at `path` ("/a/b/" -> "a/b/index.html"); empty when the path
// cannot name a file safely (util::is_plain_relative_path).
std::string file_for_path(std::string_view path);

}  // namespace reelpress::archive
