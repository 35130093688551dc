#include "cli/export_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "archive/illustration.h"
#include "archive/site_crawl.h"
#include "archive/static_export.h"
#include "archive/warc_export.h"
#include "archive/zim_export.h"
#include "cli/exit_status.h"
#include "cli/site_directory.h"
#include "render/theme.h"
#include "site/site_handler.h"
#include "site/snapshot.h"
#include "util/civil_time.h"
#include "util/clock.h"

namespace reelpress::cli {
namespace {

// A progress bar on a terminal, redrawn at most ten times a second:
//   [##########..........]  1234 of ~2468 URLs
// The crawl learns of URLs as it goes, so the total is what it knows of yet.
class ProgressBar {
 public:
  void update(const archive::ExportProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (!p.finishing && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    if (p.finishing) {
      std::printf("\r%llu URLs visited; completing the file...\033[K",
                  static_cast<unsigned long long>(p.urls));
    } else {
      const std::uint64_t total = p.urls + p.queued;
      constexpr int kWidth = 30;
      const int done = total == 0 ? kWidth : static_cast<int>(p.urls * kWidth / total);
      std::printf("\r[%s%s] %8llu of ~%llu URLs\033[K", std::string(done, '#').c_str(),
                  std::string(kWidth - done, '.').c_str(), static_cast<unsigned long long>(p.urls),
                  static_cast<unsigned long long>(total));
    }
    std::fflush(stdout);
    drawn_ = true;
  }
  void clear() {
    if (drawn_) std::fputs("\r\033[K", stdout);
    std::fflush(stdout);
  }

 private:
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

// The stable part of a ZIM file's Name: "http://www.example.org:8080/" -> "example.org".
std::string zim_name_host(std::string_view base_url) {
  std::string host = archive::host_of(base_url);
  host.resize(std::min(host.size(), host.find(':')));
  if (host.starts_with("www.")) host.erase(0, 4);
  return host;
}

// The theme's --accent colour ("#8a3b12") for the ZIM file's illustration: from the style
// sheet the site serves (the built-in theme's, or the site's own override).
archive::Rgb accent_colour(const render::Theme& theme) {
  archive::Rgb colour{0x8a, 0x3b, 0x12};
  const render::Asset* css = theme.asset("style.css");
  if (css == nullptr) return colour;
  const std::size_t at = css->bytes.find("--accent:");
  if (at == std::string::npos) return colour;
  const std::size_t hash = css->bytes.find('#', at);
  if (hash == std::string::npos || hash + 7 > css->bytes.size()) return colour;
  unsigned r, g, b;
  if (std::sscanf(css->bytes.c_str() + hash, "#%2x%2x%2x", &r, &g, &b) == 3) {
    colour = {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(g),
              static_cast<std::uint8_t>(b)};
  }
  return colour;
}

// A generous bound of what libzim writes for a site: every medium as it is, the pages
// (rendered, several times the database's text) and the indexes, before compression.
std::uint64_t zim_room_needed(const SiteDirectory& dir, const config::SiteSettings& settings) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::uint64_t bytes = 16 << 20;
  const fs::path database = dir.database_path(settings);
  for (const fs::path& file : {database, fs::path(database.string() + "-wal")}) {
    const auto size = fs::file_size(file, ec);
    if (!ec) bytes += 4 * size;
  }
  if (fs::is_directory(dir.media_path(), ec)) {
    for (auto it = fs::recursive_directory_iterator(dir.media_path(), ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) bytes += it->file_size(ec);
    }
  }
  return bytes;
}

}  // namespace

int run_export(const std::string& dir, const std::string& format, const std::string& out) {
  if (format != "static" && format != "zim" && format != "warc") {
    return report(
        util::Error{util::ErrorCode::kInvalidArgument,
                    "export --format " + format + ": the formats are: static, zim, warc"});
  }
  auto site = open_site(dir);
  if (!site) return report(site.error());
  auto theme = render::Theme::load(site->dir.theme_path());
  if (!theme) return report(theme.error());
  config::SiteSettings settings = site->settings;
  settings.offline = true;  // No forms in a copy that nothing can receive them from.
  const std::string base_url = settings.base_url;
  site::SiteHandler::Options handler_options;
  handler_options.media_root = site->dir.media_path();
  handler_options.compress = false;     // Exports hold the pages as they are.
  handler_options.cache_pages = false;  // Each page is rendered once.
  auto handler = site::SiteHandler::create(*site->store, *theme, settings,
                                           util::SystemClock::instance(), handler_options);
  if (!handler) return report(handler.error());
  auto snapshot = site::Snapshot::load(*site->store, settings);
  if (!snapshot) return report(snapshot.error());
  auto seeds = archive::crawl_seeds(*site->store, **snapshot, site->dir.media_path());
  if (!seeds) return report(seeds.error());

  ProgressBar bar;
  archive::ProgressCallback progress;
  if (::isatty(STDOUT_FILENO)) {
    progress = [&bar](const archive::ExportProgress& p) { bar.update(p); };
  }
  std::string result;
  if (format == "static") {
    archive::StaticExportOptions options;
    options.out = out;
    options.base_url = base_url;
    options.media_root = site->dir.media_path();
    options.progress = progress;
    auto summary = archive::export_static(**handler, *seeds, options);
    bar.clear();
    if (!summary) return report(summary.error());
    result = summary->to_string();
  } else if (format == "zim") {
    archive::ZimExportOptions options;
    options.out = out;
    options.base_url = base_url;
    options.media_root = site->dir.media_path();
    options.progress = progress;
    archive::ZimMetadata& meta = options.metadata;
    meta.language = archive::zim_language(settings.language);
    meta.name = zim_name_host(base_url) + "_" + settings.language.substr(0, 2) + "_all";
    meta.title = settings.title;
    meta.description = settings.tagline;
    meta.creator = settings.producer.empty() ? settings.copyright_holder : settings.producer;
    meta.publisher = settings.copyright_holder.empty() ? meta.creator : settings.copyright_holder;
    meta.date = util::format_iso_time(util::SystemClock::instance().now()).substr(0, 10);
    meta.source = base_url;
    meta.illustration_png = archive::reel_illustration(48, accent_colour(**theme));
    options.room_needed = zim_room_needed(site->dir, settings);
    auto summary = archive::export_zim(**handler, *seeds, options);
    bar.clear();
    if (!summary) return report(summary.error());
    result = summary->to_string(out);
  } else {
    archive::WarcExportOptions options;
    options.out = out;
    options.base_url = base_url;
    options.media_root = site->dir.media_path();
    options.progress = progress;
    options.software = std::string("reelpress ") + REELPRESS_VERSION;
    options.description = settings.title;
    options.date = util::SystemClock::instance().now();
    auto summary = archive::export_warc(**handler, *seeds, options);
    bar.clear();
    if (!summary) return report(summary.error());
    result = summary->to_string(out);
  }
  std::cout << result << std::endl;
  return 0;
}

}  // namespace reelpress::cli
