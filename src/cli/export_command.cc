#include "cli/export_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "archive/site_crawl.h"
#include "archive/static_export.h"
#include "cli/site_directory.h"
#include "render/theme.h"
#include "site/site_handler.h"
#include "site/snapshot.h"
#include "util/clock.h"

namespace reelpress::cli {
namespace {

int report(const util::Error& error) {
  std::cerr << "reelpress: " << error.message << "\n";
  const bool usage =
      error.code == util::ErrorCode::kInvalidArgument || error.code == util::ErrorCode::kNotFound;
  return usage ? 2 : 1;
}

// "  1234 URLs  56 written", redrawn at most ten times a second on a terminal.
class ProgressLine {
 public:
  void update(const archive::ExportProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    std::printf("\r%8llu URLs  %8llu written\033[K", static_cast<unsigned long long>(p.urls),
                static_cast<unsigned long long>(p.written));
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

}  // namespace

int run_export(const std::string& dir, const std::string& format, const std::string& out) {
  if (format != "static") {
    return report(util::Error{util::ErrorCode::kInvalidArgument,
                              "export --format " + format + ": the formats are: static"});
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
  handler_options.compress = false;     // The tree holds the pages as they are.
  handler_options.cache_pages = false;  // Each page is rendered once.
  auto handler = site::SiteHandler::create(*site->store, *theme, settings,
                                           util::SystemClock::instance(), handler_options);
  if (!handler) return report(handler.error());
  auto snapshot = site::Snapshot::load(*site->store, settings);
  if (!snapshot) return report(snapshot.error());
  auto seeds = archive::crawl_seeds(*site->store, **snapshot);
  if (!seeds) return report(seeds.error());

  ProgressLine line;
  archive::StaticExportOptions options;
  options.out = out;
  options.base_url = base_url;
  options.media_root = site->dir.media_path();
  if (::isatty(STDOUT_FILENO)) {
    options.progress = [&line](const archive::ExportProgress& p) { line.update(p); };
  }
  auto summary = archive::export_static(**handler, *seeds, options);
  line.clear();
  if (!summary) return report(summary.error());
  std::cout << summary->to_string() << std::endl;
  return 0;
}

}  // namespace reelpress::cli
