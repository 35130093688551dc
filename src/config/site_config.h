// site.toml: a site's settings, parsed apart from the code that acts on them (handlers get a
// SiteSettings value and never read the file).
//
// Example site.toml:
//   [site]
//   title = "Borderlines"
//   permalink = "/%category%/%postname%/%post_id%/"
//   [archive]
//   enabled = true
//
// Example:
//   auto settings = config::load_site_settings("my-site/site.toml");
//   if (!settings) { std::cerr << settings.error().message; }   // "site.toml:4: ..."
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace reelpress::config {

inline constexpr std::string_view kDefaultPermalink = "/%category%/%postname%/%post_id%/";
inline constexpr std::string_view kDefaultBanner =
    "This website is no longer actively maintained\n"
    "Some material and features may be unavailable";

struct SiteSettings {
  // [site]
  std::string title = "Untitled series";
  std::string tagline;
  std::string base_url = "http://127.0.0.1:8080";  // No trailing slash.
  std::string producer;  // "Produced by {producer} ©{year} {copyright_holder}."
  std::string copyright_holder;
  std::string language = "en";  // BCP 47, for <html lang> and exports.
  std::string permalink = std::string(kDefaultPermalink);
  int posts_per_page = 10;  // 1..100
  // Not in site.toml: set by exports, which render an offline copy. Pages then carry no
  // forms (nothing could receive them), as in archive mode, but no archive banner.
  bool offline = false;
  // [archive]
  bool archived = false;
  std::string banner = std::string(kDefaultBanner);  // First line: headline; others: detail.
  // [comments] (the key names follow each field). Reader suggestions of organizations follow
  // the same rules as comments.
  bool comments_enabled = true;  // enabled: site-wide switch; archive mode closes comments too.
  int comments_per_page = 50;    // per_page: top-level threads per /comment-page-N/, 1..1000.
  int comment_thread_depth = 5;  // thread_depth: how deep replies nest, 1 (no replies)..10.
  int comments_close_after_days = 0;            // close_after_days: after publication; 0: never.
  bool comments_trust_returning = false;        // trust_returning: publish at once when the same
                                                // name and email have an approved comment.
  int comment_min_fill_seconds = 3;             // min_fill_seconds: faster posts are bots, 0..3600.
  int comment_max_links = 2;                    // max_links: more links hold a comment, 0..1000.
  std::vector<std::string> comment_spam_words;  // spam_words: a match files it as spam.
  std::vector<std::string> comment_hold_words;  // hold_words: a match holds it for moderation.
  int comment_rate_per_minute = 5;  // rate_per_minute: posts per client; 0: no limit, ..100000.
  int pending_per_hour = 1000;      // pending_per_hour: submissions held for moderation (or as
                                    // spam) per hour, site-wide; 0: no bound, ..1000000.
  int form_page_ttl_seconds = 60;   // form_page_ttl: how long a cached page keeps its form's
                                    // token, 1..600.
  int form_token_hours = 24;        // token_lifetime_hours: how long a form stays valid, 1..720.
  // [server] Read when `reelpress serve` starts; a change needs a restart.
  // trusted_proxies: addresses (IPv4 or IPv6 literals) of the reverse proxies in front of
  // the server. A post that comes through one is counted, for the per-client limits, under
  // the address the proxy names in client_address_header rather than the proxy's own (behind
  // a proxy every reader would otherwise share one). Empty: the connection's address always.
  std::vector<std::string> trusted_proxies;
  // client_address_header: "X-Forwarded-For" (its right-most address, the one the proxy
  // appended) or "X-Real-IP" (its value, which the proxy sets); spelled as here.
  std::string client_address_header = "X-Forwarded-For";
  // [storage]
  std::string database = "content.db";  // Relative to the site directory.
  // [cache]
  std::size_t cache_megabytes = 256;
};

// Parses site.toml text. Errors are kInvalidArgument with "FILE:LINE: [table] key: problem".
util::Result<SiteSettings> parse_site_settings(std::string_view text, const std::string& filename);
// Reads and parses a file; kNotFound when it does not exist, kIo when unreadable.
util::Result<SiteSettings> load_site_settings(const std::filesystem::path& path);

// The site.toml a new site starts with, commented for the people who will edit it.
std::string render_site_toml(const SiteSettings& settings);

// One key to write into site.toml: `toml` is the value as TOML text ("true", "12", or a
// string made by toml_string()).
struct SettingValue {
  std::string table;  // "site", "archive", "comments"
  std::string key;
  std::string toml;
};

// Writes keys into an existing site.toml, keeping every other line and comment as it is: a
// key's line is replaced where it is, a missing key goes first in its table, a missing table
// at the end. Through a temporary file renamed over the original. kInvalidArgument, writing
// nothing, when the result would not be valid settings (the message says which key and why)
// or a key to replace spans several lines.
util::Status set_values(const std::filesystem::path& path, const std::vector<SettingValue>& values);

// A TOML basic string holding `text` (quoted and escaped).
std::string toml_string(std::string_view text);

// Rewrites the [archive] table of an existing site.toml (keeping every other line and
// comment as it is), through a temporary file renamed over the original, so that a crash
// leaves either the old or the new file. banner: nullopt keeps the current one.
util::Status set_archive_state(const std::filesystem::path& path, bool archived,
                               std::optional<std::string> banner);

}  // namespace reelpress::config
