// The `reelpress` command. Every subcommand reports a problem in one line naming it and exits
// with status 2 for a usage error (bad arguments, not a site), 1 for a failure while working.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/comments_command.h"
#include "cli/demo_content.h"
#include "cli/exit_status.h"
#include "cli/export_command.h"
#include "cli/import_command.h"
#include "cli/site_directory.h"
#include "cli/user_command.h"
#include "render/theme.h"
#include "server/http_server.h"
#include "site/admin/admin_handler.h"
#include "site/site_handler.h"
#include "util/clock.h"
#include "util/thread_name.h"

namespace reelpress::cli {
namespace {

int run_init(const std::string& dir, bool demo) {
  config::SiteSettings settings;
  if (demo) {
    auto s = demo_settings();
    if (!s) return report(s.error());
    settings = std::move(*s);
  }
  auto site = create_site(dir, settings);
  if (!site) return report(site.error());
  if (demo) {
    if (auto s = load_demo_content(*site->store, util::SystemClock::instance()); !s) {
      return report(s.error());
    }
  }
  std::cout << "Created " << (demo ? "the demo site" : "a site") << " in " << dir
            << ". Serve it with: reelpress serve " << dir << "\n";
  return 0;
}

// Splits "HOST:PORT" or "[v6]:PORT".
bool parse_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    const int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return !host.empty();
}

int run_serve(const std::string& dir, const std::string& listen, int threads, int request_timeout,
              bool access_log) {
  server::ServerOptions options;
  if (!parse_listen(listen, options.host, options.port)) {
    std::cerr << "reelpress: --listen wants HOST:PORT (like 127.0.0.1:8080), not \"" << listen
              << "\"\n";
    return kUsageError;
  }
  if (threads > 0) options.threads = threads;
  options.request_timeout = std::chrono::seconds(request_timeout);
  // A post that cannot start within the time a client may take to send it is answered 503.
  options.form_wait_timeout = options.request_timeout;
  if (access_log) options.access_log = &std::cout;

  auto site = open_site(dir);
  if (!site) return report(site.error());
  // Read once: the server's settings do not follow site.toml's reloads.
  options.trusted_proxies = site->settings.trusted_proxies;
  options.client_address_header = site->settings.client_address_header;
  auto theme = render::Theme::load(site->dir.theme_path());
  if (!theme) return report(theme.error());
  site::SiteHandler::Options handler_options;
  handler_options.media_root = site->dir.media_path();
  auto handler = site::SiteHandler::create(*site->store, *theme, site->settings,
                                           util::SystemClock::instance(), handler_options);
  if (!handler) return report(handler.error());
  site::admin::AdminHandler::Options admin_options;
  admin_options.settings_path = site->dir.settings_path();
  admin_options.media_root = site->dir.media_path();
  auto admin = site::admin::AdminHandler::create(*site->store, **handler,
                                                 util::SystemClock::instance(), admin_options);
  if (!admin) return report(admin.error());

  server::HttpServer server(**admin, options);
  if (auto s = server.start(); !s) return report(s.error());
  const int loop_threads = std::max(1, options.threads);
  std::cout << "reelpress: serving " << dir << " at http://" << server.endpoint() << "/ ("
            << loop_threads << (loop_threads == 1 ? " thread" : " threads") << ")" << std::endl;

  // site.toml is watched rather than read per request: an edit (or `reelpress archive`)
  // takes effect within a second, and a broken edit keeps the last good settings. The same
  // loop publishes scheduled entries when their time comes (a read each second; the write,
  // which every page cache sees through the change counter, only when one is due).
  std::atomic<bool> stopping = false;
  std::thread watcher([&] {
    util::name_this_thread("rp-watch");
    std::error_code ec;
    auto last = std::filesystem::last_write_time(site->dir.settings_path(), ec);
    while (!stopping.load()) {
      for (int i = 0; i < 10 && !stopping.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      auto published = site->store->publish_due_entries(util::SystemClock::instance().now());
      if (!published) {
        std::cerr << "reelpress: cannot publish scheduled entries: " << published.error().describe()
                  << "\n";
      } else if (*published > 0) {
        (*handler)->notice_write();
      }
      const auto now = std::filesystem::last_write_time(site->dir.settings_path(), ec);
      if (ec || now == last) continue;
      last = now;
      auto settings = config::load_site_settings(site->dir.settings_path());
      if (!settings) {
        std::cerr << "reelpress: keeping the previous settings: " << settings.error().message
                  << "\n";
        continue;
      }
      if (auto s = (*handler)->set_settings(std::move(*settings)); !s) {
        std::cerr << "reelpress: cannot apply the new settings: " << s.error().message << "\n";
      } else {
        std::cerr << "reelpress: reloaded " << site->dir.settings_path().string() << "\n";
      }
    }
  });
  server.run_until_signal();
  stopping = true;
  watcher.join();
  std::cout << "reelpress: stopped" << std::endl;
  return 0;
}

int run_archive(const std::string& dir, const std::string& state, const std::string& banner) {
  auto site = open_site(dir);
  if (!site) return report(site.error());
  const bool on = state == "on";
  std::optional<std::string> new_banner;
  if (!banner.empty()) new_banner = banner;
  if (auto s = config::set_archive_state(site->dir.settings_path(), on, new_banner); !s) {
    return report(s.error());
  }
  std::cout << "Archive mode is " << (on ? "on" : "off") << " for " << dir
            << (on ? ": the banner shows on every page and comments are closed." : ".") << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A file that outgrows the process's size limit (ulimit -f) is an error to report, naming
  // the file, like a full disk: not a signal that kills the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"reelpress: publishing for documentary series websites", "reelpress"};
  app.set_version_flag("--version", std::string("reelpress ") + REELPRESS_VERSION);
  app.require_subcommand(1);

  std::string dir;
  bool demo = false;
  auto* init = app.add_subcommand("init", "Create a site directory (site.toml, content.db)");
  init->add_option("DIR", dir, "Directory to create the site in")->required();
  init->add_flag("--demo", demo, "Fill it with the demo documentary series");

  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  int request_timeout = 10;
  bool quiet = false;
  auto* serve = app.add_subcommand("serve", "Serve a site over HTTP");
  serve->add_option("DIR", dir, "Site directory")->required();
  serve->add_option("--listen", listen, "Address to listen on, HOST:PORT")->capture_default_str();
  serve
      ->add_option("--threads", threads,
                   "Event loop threads (default: one fewer than the cores, at least one)")
      ->check(CLI::Range(1, 1024));
  serve
      ->add_option("--request-timeout", request_timeout,
                   "Seconds a client may take to send a whole request (an upload: 300), and "
                   "a post may wait for a form thread")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve->add_flag("--quiet", quiet, "Write no access log");

  std::string state;
  std::string banner;
  auto* archive = app.add_subcommand("archive", "Switch archive mode: banner on, writes off");
  archive->add_option("DIR", dir, "Site directory")->required();
  archive->add_option("STATE", state, "on or off")->required()->check(CLI::IsMember({"on", "off"}));
  archive->add_option("--banner", banner,
                      "Banner text (first line: headline; a newline starts the detail)");

  std::string file;
  auto* import = app.add_subcommand(
      "import", "Import a WordPress export (WXR, .xml/.wxr or gzip-compressed) into a site");
  import->add_option("DIR", dir, "Site directory")->required();
  import->add_option("FILE", file, "The export file (Tools > Export in WordPress)")->required();
  std::string uploads;
  import->add_option("--uploads", uploads,
                     "A copy of the old site's wp-content/uploads folder: its files are copied "
                     "into the site's media/ and served at their old URLs");

  std::string format = "static";
  std::string out;
  auto* exporter = app.add_subcommand(
      "export", "Export the whole site as an offline copy (a static tree nginx serves as is)");
  exporter->add_option("DIR", dir, "Site directory")->required();
  exporter->add_option("--format", format, "static, zim or warc")->capture_default_str();
  exporter->add_option("--out", out, "Where to write it (a folder for static)")->required();

  CommentsOptions comments_options;
  auto* comments = add_comments_command(app, comments_options);

  UserOptions user_options;
  auto* user = add_user_command(app, user_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "reelpress: " << e.what() << "\nRun 'reelpress --help' for usage.\n";
    return kUsageError;
  }

  try {
    if (*init) return run_init(dir, demo);
    if (*serve) return run_serve(dir, listen, threads, request_timeout, !quiet);
    if (*archive) return run_archive(dir, state, banner);
    if (*import) return run_import(dir, file, uploads);
    if (*comments) return run_comments(comments_options);
    if (*user) return run_user(user_options);
    if (*exporter) return run_export(dir, format, out);
  } catch (const std::exception& e) {
    std::cerr << "reelpress: " << e.what() << "\n";
    return kFailure;
  }
  return kUsageError;
}

}  // namespace reelpress::cli

int main(int argc, char** argv) { return reelpress::cli::main(argc, argv); }
