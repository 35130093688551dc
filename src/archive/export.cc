#include "archive/export.h"

#include <cstdio>

#include "render/html_escape.h"
#include "util/text.h"

namespace reelpress::archive {
namespace {

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

std::string ExportCounts::describe() const {
  return plural(pages, "page", "pages") + ", " + plural(files, "file", "files") + " and " +
         plural(redirects, "redirect", "redirects") + " (" + megabytes(bytes) + ")";
}

std::string ExportCounts::describe_broken_links(std::string_view pointed_at) const {
  if (broken_links.empty()) return "no broken links.";
  std::string out = pointed_at.empty()
                        ? plural(broken_links.size(), "broken link", "broken links") + ":"
                        : plural(broken_links.size(), "link", "links") +
                              " to paths the site does not have " +
                              (broken_links.size() == 1 ? "now leads" : "now lead") + " to " +
                              std::string(pointed_at) + ":";
  for (const BrokenLink& link : broken_links) {
    out += "\n  " + link.path + " (linked from " + link.linked_from + ")";
  }
  return out;
}

std::string file_for_path(std::string_view path) {
  if (!path.starts_with("/")) return {};
  std::string file(path.substr(1));
  if (file.empty() || file.back() == '/') file += "index.html";
  if (!util::is_plain_relative_path(file)) return {};
  return file;
}

std::string rewrite_links(
    std::string_view html, std::string_view base_url, std::string_view page_path,
    const std::function<std::optional<std::string>(const LinkSpan&)>& replace) {
  std::string out;
  out.reserve(html.size() + html.size() / 16);
  std::size_t copied = 0;
  for (const LinkSpan& span : link_spans(html, base_url, page_path)) {
    std::optional<std::string> value = replace(span);
    if (!value) continue;
    out.append(html.substr(copied, span.begin - copied));
    out += *value;
    copied = span.end;
  }
  out.append(html.substr(copied));
  return out;
}

MissingPaths missing_paths(const ExportCounts& counts) {
  MissingPaths missing;
  for (const BrokenLink& link : counts.broken_links) {
    missing.paths.insert(link.path);
    missing.pages.insert(link.linked_from);
  }
  return missing;
}

std::string missing_link(std::string_view base_url, const LinkSpan& span) {
  std::string value;
  render::append_escaped_html(
      value, std::string(base_url) + util::percent_encode_path(span.path) + span.fragment);
  return value;
}

std::string page_title(std::string_view html) {
  const std::size_t open = html.find("<title>");
  if (open == std::string_view::npos) return {};
  const std::size_t start = open + 7;
  const std::size_t close = html.find("</title>", start);
  if (close == std::string_view::npos) return {};
  const std::string_view raw = util::trim(html.substr(start, close - start));
  std::string title;
  if (!render::decode_basic_references(raw, &title)) title.assign(raw);
  return title;
}

util::Status crawl_for_export(site::Handler& handler, const std::vector<std::string>& seeds,
                              const std::string& base_url, const std::filesystem::path& media_root,
                              const ProgressCallback& progress, ExportCounts& counts,
                              const std::function<util::Status(const ExportedUrl&)>& visit) {
  ExportProgress seen;
  REELPRESS_RETURN_IF_ERROR(
      crawl_site(handler, seeds, base_url, media_root, [&](const CrawledUrl& url) -> util::Status {
        ++seen.urls;
        seen.queued = url.queued;
        if (progress) progress(seen);
        const int status = url.response.status;
        if (const std::string_view location = location_of(url.response); !location.empty()) {
          ExportedUrl exported{url, UrlKind::kRedirect, std::string(location),
                               redirect_path(location, base_url, url.path)};
          if (exported.redirect_to.empty()) {
            exported.redirect_to = location;
            exported.redirect_off_site = true;
          }
          ++counts.redirects;
          return visit(exported);
        }
        if (status == 404) {
          if (!url.linked_from.empty()) counts.broken_links.push_back({url.path, url.linked_from});
          return {};
        }
        if (url.file) {
          ++counts.files;
          counts.bytes += url.file->size;
          return visit(ExportedUrl{url, UrlKind::kFile});
        }
        if (status != 200 || !url.response.body) return {};
        const bool page = url.response.content_type.starts_with("text/html");
        ++(page ? counts.pages : counts.files);
        counts.bytes += url.response.body->identity.size();
        return visit(ExportedUrl{url, page ? UrlKind::kPage : UrlKind::kFile});
      }));
  seen.finishing = true;
  seen.queued = 0;
  if (progress) progress(seen);
  return {};
}

}  // namespace reelpress::archive
