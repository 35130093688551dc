// What every export (static tree, ZIM, WARC) shares: one crawl of the site (site_crawl.h)
// sorted into pages, files and redirects, counted the same way, with the same progress
// reports and the same list of broken links.
//
// Example:
//   ExportCounts counts;
//   auto status = crawl_for_export(handler, seeds, base_url, progress, counts,
//                                  [&](const ExportedUrl& url) { ...; return util::Status{}; });
//   std::cout << "Exported " << counts.describe() << "; " << counts.describe_broken_links();
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "archive/site_crawl.h"

namespace reelpress::archive {

struct ExportProgress {
  std::uint64_t urls = 0;    // Visited so far.
  std::uint64_t queued = 0;  // Still to visit, as far as the crawl knows yet.
  bool finishing = false;    // Every URL visited; the output is being completed.
};

struct BrokenLink {
  std::string path;
  std::string linked_from;
};

struct ExportCounts {
  std::uint64_t pages = 0;      // HTML pages.
  std::uint64_t files = 0;      // Assets and media files.
  std::uint64_t redirects = 0;  // The site's 301s.
  std::uint64_t bytes = 0;      // Of every page and file.
  std::vector<BrokenLink> broken_links;

  // "212 pages, 48 files and 30 redirects (12.1 MB)"
  std::string describe() const;
  // "no broken links." or "2 broken links:\n  /a/ (linked from /b/)\n  ...", or with
  // `pointed_at` (the exports that send such links to the site's address, missing_link()):
  // "2 links to paths the site does not have now lead to http://www.example.org:\n  ..."
  std::string describe_broken_links(std::string_view pointed_at = {}) const;
};

enum class UrlKind { kPage, kFile, kRedirect };

struct ExportedUrl {
  const CrawledUrl& url;
  UrlKind kind;
  std::string location;  // A redirect's Location, as the site sent it.
  // A redirect's target as a same-site path ("/new/"), or its Location as written when it
  // leads off the site.
  std::string redirect_to;
  bool redirect_off_site = false;
};

using ProgressCallback = std::function<void(const ExportProgress&)>;

// Crawls every URL from `seeds` (crawl_site(), media files under `media_root` handed over as
// files) and hands `visit` each page (200, text/html), file (200, anything else) and redirect
// (301, 302, 308), counted in `counts`. A 404 reached through a
// link is recorded as a broken link; a 404 seed (an unpublished page's old address) and any
// other status are left out. Errors: the crawl's or the visitor's first error.
util::Status crawl_for_export(site::Handler& handler, const std::vector<std::string>& seeds,
                              const std::string& base_url, const std::filesystem::path& media_root,
                              const ProgressCallback& progress, ExportCounts& counts,
                              const std::function<util::Status(const ExportedUrl&)>& visit);

// The file that holds the page at `path` ("/a/b/" -> "a/b/index.html"), in a static tree and
// in a ZIM file; empty when the path cannot name a file safely (util::is_plain_relative_path).
std::string file_for_path(std::string_view path);

// A page's same-site links and resources with each value `replace` gives in place of the
// attribute's (written as is: escape it), the others left as they are; the page is at
// `page_path`.
std::string rewrite_links(
    std::string_view html, std::string_view base_url, std::string_view page_path,
    const std::function<std::optional<std::string>(const LinkSpan&)>& replace);

// The paths of `counts.broken_links` and the pages that link them.
struct MissingPaths {
  std::unordered_set<std::string> paths;
  std::set<std::string> pages;
};
MissingPaths missing_paths(const ExportCounts& counts);

// A link to a path the site does not have (a 404) would be a broken link in a copy: exports
// point it at the site's own address instead (base_url + path), where it may yet be found or
// be archived, so that the copy has no broken links. The value, escaped.
std::string missing_link(std::string_view base_url, const LinkSpan& span);

// The <title> of a page, its character references decoded; empty when it has none.
std::string page_title(std::string_view html);

// "12.1 MB"
std::string megabytes(std::uint64_t bytes);

}  // namespace reelpress::archive
