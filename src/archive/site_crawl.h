// Visits every public URL of a site through its Handler, in process, as a reader with no
// cookies would: the pages, their comment pages, listings and their pages, films, assets and
// media files, and the old addresses that redirect. The exporters (static, ZIM, WARC) are
// built on it, so they all hold the same set of URLs and bytes the live site serves.
//
// It starts from seeds (the home page, every published entry, every redirect's old path) and
// follows every link and embedded resource (href and src attributes) that stays on the site.
// Queries and fragments are dropped: a static copy serves a path whatever its query
// ("style.css?v=3"), and a query that picks a view ("?replytocom=5") is of a page listed
// anyway.
//
// Media files (the site's uploads under media_root) are not rendered: the crawl resolves
// their URLs to the files (media_file.h) and hands those over with the response's head, so
// that no file is ever held in memory whole.
//
// Example:
//   auto seeds = crawl_seeds(store, *snapshot, media_root);
//   crawl_site(handler, seeds, "http://www.example.org", media_root,
//              [&](const CrawledUrl& url) {
//                if (url.file) return copy(url.path, *url.file);
//                if (url.response.status == 200) write(url.path, *url.response.body);
//                return util::Status{};
//              });
//
// Errors: the visitor's first error stops the crawl and is returned; kInternal when the
// handler answers 500 (a page that cannot render must not be exported silently). Pages that
// answer 404 are visited too (a broken link): the visitor decides.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "archive/media_file.h"
#include "site/http.h"
#include "site/snapshot.h"
#include "store/store.h"
#include "util/result.h"

namespace reelpress::archive {

struct CrawledUrl {
  std::string path;    // Decoded ("/소금/"), as files are named and as nginx maps URLs.
  std::string target;  // As requested: percent-encoded ("/%EC%86%8C%EA%B8%88/").
  // For a media file: its 200 response without a body (media_response()), the bytes being
  // in `file`. Otherwise the response the handler gave.
  site::Response response;
  std::optional<MediaFile> file;
  std::string linked_from;  // The page whose link led here; empty for a seed.
  std::size_t queued = 0;   // URLs still waiting to be visited (some may be seen already).
};

// "/", every published entry and film, every redirect's old path, and every medium under
// `media_root` (the site's uploads, public at /files/PATH: one that no page links to is
// public all the same). An empty or missing media_root has none.
util::Result<std::vector<std::string>> crawl_seeds(store::Store& store,
                                                   const site::Snapshot& snapshot,
                                                   const std::filesystem::path& media_root);

// One same-site link or resource (an href or src attribute) of an HTML page.
struct LinkSpan {
  std::size_t begin = 0;  // Where the attribute's value lies in the page, between its quotes.
  std::size_t end = 0;
  std::string path;      // "/a/b/", relative links resolved, the query dropped.
  std::string fragment;  // "#comments", or empty.
};

// The same-site links and resources of an HTML page at `page_path`, in document order;
// `base_url` ("http://www.example.org") names the site's own absolute links. Links to other
// sites or with another scheme (mailto:) are left out.
std::vector<LinkSpan> link_spans(std::string_view html, std::string_view base_url,
                                 std::string_view page_path);

// The paths of link_spans(): "/a/b/", "/files/x.jpg".
std::vector<std::string> links_of(std::string_view html, std::string_view base_url,
                                  std::string_view page_path);

// "http://www.example.org:8080/x" -> "www.example.org:8080": the Host a request to the site
// names.
std::string host_of(std::string_view base_url);

// The Location of a redirect (301, 302, 308); empty for any other response.
std::string_view location_of(const site::Response& response);

// A redirect's Location as a same-site path ("/a/b/"), or empty when it leads off the site.
std::string redirect_path(std::string_view location, std::string_view base_url,
                          std::string_view from_path);

// Pages are rendered on `threads` threads (0: one per core), visited on the calling thread
// one at a time, in the order a crawl of one URL at a time would visit them. `media_root`
// is the folder the handler serves media files from; empty: the handler answers them too.
util::Status crawl_site(site::Handler& handler, const std::vector<std::string>& seeds,
                        const std::string& base_url, const std::filesystem::path& media_root,
                        const std::function<util::Status(const CrawledUrl&)>& visit,
                        unsigned threads = 0);

}  // namespace reelpress::archive
