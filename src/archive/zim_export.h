// `reelpress export DIR --format zim --out FILE.zim`: the whole public site in one ZIM file
// (libzim), for Kiwix and other offline readers: every page, asset and medium, the site's
// redirects as ZIM redirects, the home page as main page, the metadata Kiwix's library
// shows (title, description, language, creator, date, a 48x48 illustration) and a full-text
// index.
//
// Entries are named as the files of the static export ("a/b/index.html" for "/a/b/"), and
// every same-site link of a page is rewritten to a relative link between those names
// ("../../c/index.html"): a ZIM reader serves the file under a prefix of its own
// (kiwix-serve: /content/BOOK/), where links from the site's root would lead nowhere.
//
// Media files are given to libzim as files, which it reads a piece at a time: the export's
// memory does not grow with their size. Uploaded files a browser or a web server would run
// (media/active_content.h: HTML, SVG, XML, scripts) are left out, since a ZIM reader serves
// every entry as what its type says; the summary lists them, and links to them lead to the
// site's own address, where the live server sends them as downloads.
//
// The file is written under a temporary name beside FILE.zim and renamed when complete, so
// a failure (no permission, a page that cannot be rendered) leaves no file, or the earlier
// one, under the final name, and libzim's temporary files are removed. A disk without room
// for the file is refused before anything is written (see room_needed).
#pragma once

#include <filesystem>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "archive/export.h"
#include "site/http.h"
#include "util/result.h"

namespace reelpress::archive {

// What Kiwix's library shows of the file. export_zim shortens what is too long for the ZIM
// metadata rules (title 30 characters, description 80).
struct ZimMetadata {
  std::string name;              // Stable across versions of the file: "example.org_en_all".
  std::string title;             // The site's title.
  std::string description;       // One line: the tagline.
  std::string language;          // ISO 639-3: "eng" (zim_language() maps BCP 47 tags).
  std::string creator;           // Who made the content: the producer.
  std::string publisher;         // Who made the file.
  std::string date;              // YYYY-MM-DD.
  std::string source;            // The site's address.
  std::string illustration_png;  // 48x48.
};

struct ZimExportOptions {
  std::filesystem::path out;
  std::string base_url;
  std::filesystem::path media_root;  // The site's media folder (crawl_site()).
  // An upper bound of the bytes libzim will write (its file, indexes and temporary files).
  // libzim does not report a full disk or a file size limit: its writer retries the write
  // for ever. So the room is checked first, against this, and a disk that is too small is a
  // clear error before anything is written. 0: no check.
  std::uint64_t room_needed = 0;
  ZimMetadata metadata;
  bool full_text_index = true;
  ProgressCallback progress;
};

struct ZimExportSummary {
  ExportCounts counts;
  std::uint64_t file_bytes = 0;  // Of the .zim file.
  std::string base_url;          // Where links to missing and left out paths now lead.
  // Uploaded files left out (not counted in `counts`): path and kind ("HTML").
  std::vector<std::pair<std::string, std::string>> left_out;

  // "Exported 212 pages, 48 files and 30 redirects (12.1 MB) to site.zim (3.2 MB); no broken
  // links.", then the files left out, one a line.
  std::string to_string(const std::filesystem::path& out) const;
};

// Errors: kIo (naming the path) when the file cannot be written; kInternal when a page cannot
// be rendered or libzim refuses the content.
util::Result<ZimExportSummary> export_zim(site::Handler& handler,
                                          const std::vector<std::string>& seeds,
                                          const ZimExportOptions& options);

// The ISO 639-3 code of a BCP 47 language tag: "en-US" -> "eng", "ko" -> "kor", "fra" ->
// "fra"; "und" (undetermined) for a language it does not know.
std::string zim_language(std::string_view bcp47);

// Same-site links of a page rewritten as links between the files that hold them (see
// above); the page is at `page_path` ("/a/b/", held in "a/b/index.html"). Links to `missing`
// paths lead to the site's own address instead (missing_link()).
std::string with_relative_links(std::string_view html, std::string_view base_url,
                                std::string_view page_path,
                                const std::unordered_set<std::string>& missing = {});

// "a/b/index.html" to "c/x.css" -> "../../c/x.css"; from "index.html" -> "c/x.css".
std::string relative_file_link(std::string_view from_file, std::string_view to_file);

}  // namespace reelpress::archive
