// `reelpress export DIR --format static --out PATH`: the whole public site as a file tree that
// nginx (or any static host) serves at the same URLs: "/a/b/" as a/b/index.html, assets and
// media files at their paths, plus
//   - _redirects: the site's 301s ("from to 301" lines, the format of Netlify and others);
//   - redirects.nginx.conf: the same as an nginx map to include (see the file's comment);
//   - downloads.nginx.conf: nginx locations that send uploaded files as downloads where the
//     live server does (PDFs, types it does not show inline, and the files below);
//   - sitemap.xml: every page, with the site's base URL.
// Media files are copied a piece at a time, never held in memory whole.
//
// No uploaded file is written under a name a plain file server would send as a document a
// browser runs: a file that media/active_content.h finds active (HTML, SVG, XML, scripts) is
// written as NAME.download, every dot of its name made an underscore ("evil.html" ->
// "evil_html.download", since Apache types a file by each of its extensions), the pages and
// redirects that lead to it are rewritten to that name, and downloads.nginx.conf sends it as
// an attachment under its own name. The summary lists them.
// Pages are rendered offline (SiteSettings::offline): no forms, since nothing could receive
// them; an archived site keeps its banner.
//
// Incremental: a file whose bytes did not change is not rewritten, and a file that an earlier
// export wrote but this one did not (a page that went away) is removed. What was written is
// listed in PATH/.reelpress-export. Every file is written to a temporary name and renamed, so
// a failure (disk full, no permission) leaves no half-written file under a final name; the
// error names the file and the tree stays a mix of the old and new exports, readable.
//
// Links that lead nowhere (404) are listed in the summary with the page that links them, and
// those pages are rewritten to send such links to the site's own address (missing_link()):
// the copy has no broken links, and differs from the live page in those links only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "archive/export.h"
#include "site/http.h"
#include "util/result.h"

namespace reelpress::archive {

struct StaticExportSummary {
  ExportCounts counts;
  std::uint64_t written = 0;    // Files (re)written this time.
  std::uint64_t unchanged = 0;  // Files left as they were.
  std::uint64_t removed = 0;    // Files of an earlier export that are gone from the site.
  std::string base_url;         // Where links to missing paths now lead.
  // Uploaded files a browser or a web server would run, written as downloads: the path the
  // site serves it at and the path of the download ("/files/a.html", "/files/a_html.download").
  std::vector<std::pair<std::string, std::string>> downloads;

  // "Exported 212 pages, 48 files and 30 redirects (12.1 MB): 260 written, 0 unchanged, 0
  // removed; no broken links.", then the downloads, one a line.
  std::string to_string() const;
};

struct StaticExportOptions {
  std::filesystem::path out;
  std::string base_url;              // For sitemap.xml and the site's own absolute links.
  std::filesystem::path media_root;  // The site's media folder (crawl_site()).
  ProgressCallback progress;
};

// Errors: kIo (naming the path) when the tree cannot be written; kInternal when a page
// cannot be rendered.
util::Result<StaticExportSummary> export_static(site::Handler& handler,
                                                const std::vector<std::string>& seeds,
                                                const StaticExportOptions& options);

}  // namespace reelpress::archive
