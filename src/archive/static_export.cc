#include "archive/static_export.h"

#include <sys/stat.h>

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

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
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

std::string file_for_path(std::string_view path) {
  if (!path.starts_with("/")) return {};
  std::string file(path.substr(1));
  if (file.empty() || file.back() == '/') file += "index.html";
  if (!util::is_plain_relative_path(file)) return {};
  return file;
}

std::string StaticExportSummary::to_string() const {
  std::string out = "Exported " + plural(pages, "page", "pages") + ", " +
                    plural(files, "file", "files") + " and " +
                    plural(redirects, "redirect", "redirects") + " (" + megabytes(bytes) +
                    "): " + std::to_string(written) + " written, " + std::to_string(unchanged) +
                    " unchanged, " + std::to_string(removed) + " removed; ";
  if (broken_links.empty()) return out + "no broken links.";
  out += plural(broken_links.size(), "broken link", "broken links") + ":";
  for (const BrokenLink& link : broken_links) {
    out += "\n  " + link.path + " (linked from " + link.linked_from + ")";
  }
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
  ExportProgress progress;
  std::set<std::string> written_files;
  std::vector<std::pair<std::string, std::string>> redirects;  // Decoded from, location.
  std::vector<std::string> sitemap;                            // Encoded targets.

  auto keep = [&](const std::string& file, std::string_view bytes) -> util::Status {
    if (!written_files.insert(file).second) return {};
    auto changed = write_if_changed(options.out / file, bytes);
    if (!changed) return util::fail(changed.error());
    ++(*changed ? summary.written : summary.unchanged);
    if (*changed) ++progress.written;
    summary.bytes += bytes.size();
    return {};
  };

  const util::Status crawled =
      crawl_site(handler, seeds, options.base_url, [&](const CrawledUrl& url) -> util::Status {
        ++progress.urls;
        if (options.progress) options.progress(progress);
        const int status = url.response.status;
        if (status == 301 || status == 302 || status == 308) {
          for (const auto& [name, value] : url.response.headers) {
            if (util::to_lower(name) == "location") redirects.emplace_back(url.path, value);
          }
          return {};
        }
        if (status == 404) {
          if (!url.linked_from.empty()) summary.broken_links.push_back({url.path, url.linked_from});
          return {};
        }
        if (status != 200 || !url.response.body) return {};
        const std::string file = file_for_path(url.path);
        if (file.empty()) return {};  // Not a name a file can have; counted as nothing.
        const bool page = url.response.content_type.starts_with("text/html");
        ++(page ? summary.pages : summary.files);
        if (page) sitemap.push_back(url.target);
        return keep(file, url.response.body->identity);
      });
  if (!crawled) return util::fail(crawled.error());

  // Media files that no page links to are public all the same: copied at /files/PATH.
  REELPRESS_RETURN_IF_ERROR(visit_media_files(
      options.media_root, [&](const std::string& path, std::string&& bytes) -> util::Status {
        const std::string file = path.substr(1);
        if (written_files.count(file) != 0) return {};
        ++summary.files;
        return keep(file, bytes);
      }));

  // The redirect maps and the sitemap.
  std::string netlify = "# The site's permanent redirects: old path, new path, status.\n";
  std::string nginx =
      "# The site's permanent redirects, for nginx. In the http block:\n"
      "#   include " +
      std::string("redirects.nginx.conf;") +
      "\n# and in the server block:\n"
      "#   if ($reelpress_redirect) { return 301 $reelpress_redirect; }\n"
      "map $uri $reelpress_redirect {\n";
  for (const auto& [from, to] : redirects) {
    netlify += util::percent_encode_path(from) + " " + to + " 301\n";
    nginx += "    " + nginx_quoted(from) + " " + nginx_quoted(to) + ";\n";
  }
  nginx += "}\n";
  summary.redirects = redirects.size();
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
  if (options.progress) options.progress(progress);
  return summary;
}

}  // namespace reelpress::archive
