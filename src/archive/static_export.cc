#include "archive/static_export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "archive/media_file.h"
#include "archive/site_crawl.h"
#include "media/active_content.h"
#include "render/html_escape.h"
#include "site/media_files.h"
#include "util/files.h"
#include "util/text.h"

namespace reelpress::archive {
namespace {

namespace fs = std::filesystem;
using util::ErrorCode;

constexpr const char* kManifest = ".reelpress-export";

util::Error io_error(const std::string& what, const fs::path& path, int err) {
  return util::Error{ErrorCode::kIo, what + " " + path.string() + ": " + std::strerror(err)};
}

bool same_bytes(const fs::path& path, std::string_view bytes) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      static_cast<std::uint64_t>(info.st_size) != bytes.size()) {
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  std::string existing(bytes.size(), '\0');
  in.read(existing.data(), static_cast<std::streamsize>(existing.size()));
  return in.gcount() == static_cast<std::streamsize>(bytes.size()) && existing == bytes;
}

// Writes `bytes` to `path` (util::write_file_atomically) unless it holds them already; true if
// it was (re)written. Not flushed one by one: a tree of thousands of files would crawl.
util::Result<bool> write_if_changed(const fs::path& path, std::string_view bytes) {
  if (same_bytes(path, bytes)) return false;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return util::fail(io_error("cannot create", path.parent_path(), ec.value()));
  REELPRESS_RETURN_IF_ERROR(util::write_file_atomically(path, bytes, util::Sync::kNo));
  return true;
}

// Whether the file at `path` holds the bytes of `file`, read a piece at a time.
bool same_file_bytes(const fs::path& path, const MediaFile& file) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      static_cast<std::uint64_t>(info.st_size) != file.size) {
    return false;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::string existing(kPieceBytes, '\0');
  const util::Status same = read_in_pieces(file, [&](std::string_view piece) -> util::Status {
    std::size_t done = 0;
    while (done < piece.size()) {
      const ssize_t n = ::read(fd, existing.data() + done, piece.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return util::fail(ErrorCode::kIo, "shorter");
      done += static_cast<std::size_t>(n);
    }
    if (std::string_view(existing.data(), done) != piece) {
      return util::fail(ErrorCode::kIo, "different");
    }
    return {};
  });
  ::close(fd);
  return static_cast<bool>(same);
}

// Copies `file` to `path` a piece at a time through a temporary name, unless it holds the
// same bytes already; true if it was (re)written.
util::Result<bool> copy_if_changed(const fs::path& path, const MediaFile& file) {
  if (same_file_bytes(path, file)) return false;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return util::fail(io_error("cannot create", path.parent_path(), ec.value()));
  auto out = util::AtomicFile::create(path, util::Sync::kNo);
  if (!out) return util::fail(out.error());
  REELPRESS_RETURN_IF_ERROR(
      read_in_pieces(file, [&](std::string_view piece) { return out->write(piece); }));
  REELPRESS_RETURN_IF_ERROR(out->commit());
  return true;
}

// "files/2009/07/evil.html" -> "files/2009/07/evil_html.download" (n = 1) or
// "files/2009/07/evil_html-2.download": no extension left that a server types by (Apache
// reads every one), and one that no server knows.
std::string download_file(std::string_view file, int n) {
  const std::size_t slash = file.rfind('/') + 1;
  std::string name(file.substr(slash));
  std::replace(name.begin(), name.end(), '.', '_');
  if (n > 1) name += "-" + std::to_string(n);
  return std::string(file.substr(0, slash)) + name + ".download";
}

// A file name for Content-Disposition's filename* (RFC 6266, RFC 8187): UTF-8, every byte but
// letters, digits and "-._~" percent-encoded, so that nothing in it is special to nginx.
std::string disposition_filename(std::string_view name) {
  return "UTF-8''" + util::percent_encode_path(name);  // A name holds no '/'.
}

// A string for nginx's configuration: quoted, with what its parser unescapes escaped.
std::string nginx_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// The nginx location that sends the file at `path` as the live server does when it is an
// attachment (site/media_files.h), or always as one when `filename` (an uploaded file that
// would run, renamed) is given; empty when nginx's defaults already send it right.
std::string download_location(const std::string& path, const MediaFile& file,
                              const std::string& filename) {
  const site::MediaFiles::Type type = site::MediaFiles::type_for(file.name);
  if (filename.empty() && type.inline_ok) return {};
  std::string block = "location = " + nginx_string(path) + " {\n";
  if (!filename.empty() || type.content_type == "application/octet-stream") {
    block += "    types { }\n    default_type application/octet-stream;\n";
  }
  block +=
      "    add_header Content-Disposition " +
      nginx_string(filename.empty() ? "attachment"
                                    : "attachment; filename*=" + disposition_filename(filename)) +
      " always;\n    add_header X-Content-Type-Options nosniff always;\n}\n";
  return block;
}

// A value for nginx's map: quoted, with the characters nginx treats specially escaped.
std::string nginx_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '$') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::set<std::string> read_manifest(const fs::path& out) {
  std::set<std::string> files;
  std::ifstream in(out / kManifest);
  for (std::string line; std::getline(in, line);) {
    if (util::is_plain_relative_path(line)) files.insert(line);
  }
  return files;
}

}  // namespace

std::string StaticExportSummary::to_string() const {
  std::string out = "Exported " + counts.describe() + ": " + std::to_string(written) +
                    " written, " + std::to_string(unchanged) + " unchanged, " +
                    std::to_string(removed) + " removed; " + counts.describe_broken_links(base_url);
  if (downloads.empty()) return out;
  out += "\n" + std::to_string(downloads.size()) +
         (downloads.size() == 1 ? " uploaded file is one" : " uploaded files are ones") +
         " a browser or a web server would run, written as NAME.download (downloads.nginx.conf "
         "sends these as attachments):";
  for (const auto& [path, download] : downloads) out += "\n  " + path + " -> " + download;
  return out;
}

util::Result<StaticExportSummary> export_static(site::Handler& handler,
                                                const std::vector<std::string>& seeds,
                                                const StaticExportOptions& options) {
  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec) return util::fail(io_error("cannot create", options.out, ec.value()));
  const std::set<std::string> earlier = read_manifest(options.out);

  StaticExportSummary summary;
  summary.base_url = options.base_url;
  std::set<std::string> written_files;
  std::vector<std::pair<std::string, std::string>> redirects;  // Decoded from, location.
  std::vector<std::string> sitemap;                            // Encoded targets.
  std::vector<std::pair<std::string, std::shared_ptr<const site::Body>>> pages;  // Path, body.
  std::vector<std::pair<std::string, MediaFile>> active;  // Path, file: written last.
  std::map<std::string, std::string> locations;           // Path, its downloads.nginx.conf block.

  auto count = [&](const util::Result<bool>& changed) -> util::Status {
    if (!changed) return util::fail(changed.error());
    ++(*changed ? summary.written : summary.unchanged);
    return {};
  };
  auto keep = [&](const std::string& file, std::string_view bytes) -> util::Status {
    if (!written_files.insert(file).second) return {};
    return count(write_if_changed(options.out / file, bytes));
  };
  auto copy = [&](const std::string& file, const MediaFile& media) -> util::Status {
    if (!written_files.insert(file).second) return {};
    return count(copy_if_changed(options.out / file, media));
  };

  const util::Status crawled =
      crawl_for_export(handler, seeds, options.base_url, options.media_root, options.progress,
                       summary.counts, [&](const ExportedUrl& exported) -> util::Status {
                         const CrawledUrl& url = exported.url;
                         if (exported.kind == UrlKind::kRedirect) {
                           redirects.emplace_back(url.path, exported.location);
                           return {};
                         }
                         const std::string file = file_for_path(url.path);
                         if (file.empty()) return {};  // Not a name a file can have.
                         if (exported.kind == UrlKind::kPage) {
                           sitemap.push_back(url.target);
                           pages.emplace_back(url.path, url.response.body);
                           return {};
                         }
                         if (!url.file) return keep(file, url.response.body->identity);
                         auto kind = media::active_kind_of_file(url.file->path, url.file->name);
                         if (!kind) return util::fail(kind.error());
                         if (!kind->empty()) {
                           active.emplace_back(url.path, *url.file);
                           return {};
                         }
                         std::string block = download_location(url.path, *url.file, "");
                         if (!block.empty()) locations.emplace(url.path, std::move(block));
                         return copy(file, *url.file);
                       });
  if (!crawled) return util::fail(crawled.error());

  // Files that would run are written as downloads once every other file has its name, so
  // that a download's name never takes another file's.
  std::unordered_map<std::string, std::string> renamed;  // Path, the download's path.
  for (const auto& [path, media] : active) {
    const std::string file = file_for_path(path);
    std::string download = download_file(file, 1);
    for (int n = 2; written_files.count(download) != 0; ++n) download = download_file(file, n);
    REELPRESS_RETURN_IF_ERROR(copy(download, media));
    renamed.emplace(path, "/" + download);
    summary.downloads.emplace_back(path, "/" + download);
    locations.emplace("/" + download,
                      download_location("/" + download, media, path.substr(path.rfind('/') + 1)));
  }
  for (auto& [from, location] : redirects) {
    if (auto to = renamed.find(redirect_path(location, options.base_url, from));
        to != renamed.end()) {
      location = to->second;
    }
  }

  // Pages are written once every missing path is known: those that link one, or a file
  // written as a download, are rewritten.
  const MissingPaths missing = missing_paths(summary.counts);
  for (const auto& [path, body] : pages) {
    const std::string file = file_for_path(path);
    if (missing.pages.count(path) == 0 && renamed.empty()) {
      REELPRESS_RETURN_IF_ERROR(keep(file, body->identity));
      continue;
    }
    REELPRESS_RETURN_IF_ERROR(
        keep(file, rewrite_links(body->identity, options.base_url, path,
                                 [&](const LinkSpan& span) -> std::optional<std::string> {
                                   if (missing.paths.count(span.path) != 0) {
                                     return missing_link(options.base_url, span);
                                   }
                                   const auto download = renamed.find(span.path);
                                   if (download == renamed.end()) return std::nullopt;
                                   return render::escape_html(
                                       util::percent_encode_path(download->second) + span.fragment);
                                 })));
  }

  // The redirect maps and the sitemap.
  std::string netlify = "# The site's permanent redirects: old path, new path, status.\n";
  // nginx keeps a map's keys in hash buckets of 64 bytes unless told otherwise; an old path
  // longer than that stops it from starting. The file says how big they must be.
  std::size_t longest = 0;
  for (const auto& redirect : redirects) longest = std::max(longest, redirect.first.size());
  std::size_t bucket = 64;
  while (bucket < longest + 32) bucket *= 2;
  std::string nginx =
      "# The site's permanent redirects, for nginx. In the http block:\n"
      "#   include redirects.nginx.conf;\n"
      "# and in the server block:\n"
      "#   if ($reelpress_redirect) { return 301 $reelpress_redirect; }\n"
      "#   include downloads.nginx.conf;\n"
      "# The bucket size fits the longest old path; if the http block sets its own, keep the\n"
      "# larger of the two there and remove it here.\n"
      "map_hash_bucket_size " +
      std::to_string(bucket) + ";\nmap $uri $reelpress_redirect {\n";
  for (const auto& [from, to] : redirects) {
    netlify += util::percent_encode_path(from) + " " + to + " 301\n";
    nginx += "    " + nginx_quoted(from) + " " + nginx_quoted(to) + ";\n";
  }
  nginx += "}\n";
  std::string downloads =
      "# Uploaded files sent as downloads, for nginx, as the live site sends them: PDFs and\n"
      "# types it does not show inline as attachments, and files a browser or a web server\n"
      "# would run (HTML, SVG, scripts), written as NAME.download, as attachments under their\n"
      "# own name. In the server block:\n"
      "#   include downloads.nginx.conf;\n";
  for (const auto& [path, block] : locations) downloads += block;
  std::string map =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& target : sitemap) {
    map += "  <url><loc>" + render::escape_html(options.base_url + target) + "</loc></url>\n";
  }
  map += "</urlset>\n";
  REELPRESS_RETURN_IF_ERROR(keep("_redirects", netlify));
  REELPRESS_RETURN_IF_ERROR(keep("redirects.nginx.conf", nginx));
  REELPRESS_RETURN_IF_ERROR(keep("downloads.nginx.conf", downloads));
  REELPRESS_RETURN_IF_ERROR(keep("sitemap.xml", map));

  // What an earlier export wrote and this one did not: gone from the site.
  for (const std::string& file : earlier) {
    if (written_files.count(file) != 0) continue;
    if (fs::remove(options.out / file, ec)) ++summary.removed;
  }
  std::string manifest;
  for (const std::string& file : written_files) manifest += file + "\n";
  auto listed = write_if_changed(options.out / kManifest, manifest);
  if (!listed) return util::fail(listed.error());
  return summary;
}

}  // namespace reelpress::archive
