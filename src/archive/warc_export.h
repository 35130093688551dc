// `reelpress export DIR --format warc --out FILE.warc.gz`: the whole public site as a web
// archive (WARC/1.1, ISO 28500), the format of the Internet Archive, national libraries and
// replay tools (pywb, ReplayWeb.page). It holds, after a warcinfo record that says what made
// it, a request and a response record for every public URL: every page, asset, medium and
// redirect, each response as the live server sends it to a reader with no cookies (status
// line, headers, body). Each record is its own gzip member, so readers can seek to one;
// each carries SHA-1 digests of its block and payload (base 32, as is the custom). A media
// file's record is written a piece at a time, its file read twice (once for the digests its
// header holds, once to write it), so the export's memory does not grow with the file; its
// response has no ETag (the server's names the copy on its own disk).
//
// Nothing about the machine is recorded: no IP address (WARC-IP-Address is left out), no
// user name, no path of the site's folder.
//
// The file is written under a temporary name beside FILE.warc.gz, flushed to disk and renamed
// when complete: a failure leaves no half-written file under the final name.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "archive/export.h"
#include "site/http.h"
#include "util/clock.h"
#include "util/result.h"

namespace reelpress::archive {

struct WarcExportOptions {
  std::filesystem::path out;
  std::string base_url;              // URLs are recorded under it: "http://www.example.org/a/b/".
  std::filesystem::path media_root;  // The site's media folder (crawl_site()).
  std::string software;              // "reelpress 0.4.0", for the warcinfo record.
  std::string description;           // The site's title, for the warcinfo record.
  util::UnixTime date = 0;           // WARC-Date of every record (the time of the snapshot).
  ProgressCallback progress;
};

struct WarcExportSummary {
  ExportCounts counts;
  std::uint64_t records = 0;
  std::uint64_t file_bytes = 0;

  // "Exported 212 pages, 48 files and 30 redirects (12.1 MB) to site.warc.gz (581 records,
  // 3.2 MB); no broken links."
  std::string to_string(const std::filesystem::path& out) const;
};

// Errors: kIo (naming the path) when the file cannot be written; kInternal when a page cannot
// be rendered.
util::Result<WarcExportSummary> export_warc(site::Handler& handler,
                                            const std::vector<std::string>& seeds,
                                            const WarcExportOptions& options);

// One WARC record: the header block (fields in the order given, then WARC-Block-Digest and
// Content-Length) and the content block, which is `head` followed by `payload` (an HTTP
// message's head and body, given apart so that the body is not copied to join them),
// gzip-compressed as a member of its own. Exposed for tests.
std::string warc_record(const std::vector<std::pair<std::string, std::string>>& fields,
                        std::string_view head, std::string_view payload = {});

}  // namespace reelpress::archive
