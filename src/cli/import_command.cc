#include "cli/import_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/exit_status.h"
#include "cli/site_directory.h"
#include "importer/uploads.h"
#include "importer/wxr_importer.h"
#include "util/text.h"

namespace reelpress::cli {
namespace {

using Clock = std::chrono::steady_clock;

// "www.example.org" from "https://www.example.org:8443/x"; empty if there is none.
std::string host_of(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.starts_with("[")) return util::to_lower(rest.substr(0, rest.find(']') + 1));
  return util::to_lower(rest.substr(0, rest.find(':')));
}

std::string megabytes(std::uint64_t bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", static_cast<double>(bytes) / (1 << 20));
  return buffer;
}

// A one-line bar on the terminal, redrawn at most ten times a second:
//   [###############---------------]  50%  1017 items  4.7/9.5 MB  21.3 MB/s
class ProgressBar {
 public:
  ProgressBar() : start_(Clock::now()), last_(start_) {}

  void update(const importer::ImportProgress& p) {
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    draw(p, now);
  }

  void clear() {
    if (drawn_) std::fputs("\r\033[K", stdout);
    std::fflush(stdout);
  }

 private:
  void draw(const importer::ImportProgress& p, Clock::time_point now) {
    constexpr int kWidth = 30;
    std::string line = "\r";
    // By the XML when its size is known (plain files, most gzip files), else by the file.
    double done = -1;
    if (p.expected_parsed > 0) {
      done = static_cast<double>(p.bytes_parsed) / static_cast<double>(p.expected_parsed);
    } else if (p.total_bytes > 0) {
      done = static_cast<double>(p.bytes_read) / static_cast<double>(p.total_bytes);
    }
    if (done >= 0) {
      done = std::min(done, 0.99);  // 100% is for when it is over.
      const int filled = static_cast<int>(done * kWidth);
      line += "[" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "] ";
      char percent[8];
      std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(done * 100));
      line += percent;
      line += "  ";
    }
    line += std::to_string(p.items) + " items  " + megabytes(p.bytes_parsed);
    if (p.expected_parsed > 0) line += "/" + megabytes(p.expected_parsed);
    line += " MB";
    const double seconds = std::chrono::duration<double>(now - start_).count();
    if (seconds > 0) {
      line += "  " + megabytes(static_cast<std::uint64_t>(p.bytes_parsed / seconds)) + " MB/s";
    }
    line += "\033[K";
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
    drawn_ = true;
  }

  Clock::time_point start_;
  Clock::time_point last_;
  bool drawn_ = false;
};

}  // namespace

int run_import(const std::string& dir, const std::string& file, const std::string& uploads) {
  auto site = open_site(dir);
  if (!site) return report(site.error());
  std::error_code ec;
  if (!uploads.empty() && !std::filesystem::is_directory(uploads, ec)) {
    return report(
        util::Error{util::ErrorCode::kNotFound, "--uploads " + uploads + " is not a folder"});
  }

  importer::ImportOptions options;
  options.site_host = host_of(site->settings.base_url);
  ProgressBar bar;
  // The bar is for people watching; a script or a log gets the summary line alone.
  if (::isatty(STDOUT_FILENO)) {
    options.progress = [&bar](const importer::ImportProgress& p) { bar.update(p); };
  }
  auto summary = importer::import_wxr_file(*site->store, file, options);
  bar.clear();
  if (!summary) return report(summary.error());
  std::cout << summary->to_string() << std::endl;
  if (!uploads.empty()) {
    auto copied = importer::copy_uploads(uploads, site->dir.media_path());
    if (!copied) return report(copied.error());
    std::cout << copied->to_string() << std::endl;
  }
  return 0;
}

}  // namespace reelpress::cli
