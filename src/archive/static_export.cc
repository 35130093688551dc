#include "archive/static_export.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include "archive/site_crawl.h"
#include "render/html_escape.h"
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
  return "Exported " + counts.describe() + ": " + std::to_string(written) + " written, " +
         std::to_string(unchanged) + " unchanged, " + std::to_string(removed) + " removed; " +
         counts.describe_broken_links(base_url);
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

  auto keep = [&](const std::string& file, std::string_view bytes) -> util::Status {
    if (!written_files.insert(file).second) return {};
    auto changed = write_if_changed(options.out / file, bytes);
    if (!changed) return util::fail(changed.error());
    ++(*changed ? summary.written : summary.unchanged);
    return {};
  };

  const util::Status crawled =
      crawl_for_export(handler, seeds, options.base_url, options.progress, summary.counts,
                       [&](const ExportedUrl& exported) -> util::Status {
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
                         return keep(file, url.response.body->identity);
                       });
  if (!crawled) return util::fail(crawled.error());

  // Pages are written once every missing path is known: those that link one are rewritten.
  const MissingPaths missing = missing_paths(summary.counts);
  for (const auto& [path, body] : pages) {
    const std::string file = file_for_path(path);
    if (missing.pages.count(path) == 0) {
      REELPRESS_RETURN_IF_ERROR(keep(file, body->identity));
      continue;
    }
    REELPRESS_RETURN_IF_ERROR(
        keep(file, rewrite_links(body->identity, options.base_url, path,
                                 [&](const LinkSpan& span) -> std::optional<std::string> {
                                   if (missing.paths.count(span.path) == 0) return std::nullopt;
                                   return missing_link(options.base_url, span);
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
      "# The bucket size fits the longest old path; if the http block sets its own, keep the\n"
      "# larger of the two there and remove it here.\n"
      "map_hash_bucket_size " +
      std::to_string(bucket) + ";\nmap $uri $reelpress_redirect {\n";
  for (const auto& [from, to] : redirects) {
    netlify += util::percent_encode_path(from) + " " + to + " 301\n";
    nginx += "    " + nginx_quoted(from) + " " + nginx_quoted(to) + ";\n";
  }
  nginx += "}\n";
  std::string map =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& target : sitemap) {
    map += "  <url><loc>" + render::escape_html(options.base_url + target) + "</loc></url>\n";
  }
  map += "</urlset>\n";
  REELPRESS_RETURN_IF_ERROR(keep("_redirects", netlify));
  REELPRESS_RETURN_IF_ERROR(keep("redirects.nginx.conf", nginx));
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
