#include "config/site_config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <iterator>
#include <sstream>
#include <toml.hpp>

#include "content/permalink.h"
#include "util/files.h"
#include "util/text.h"

namespace reelpress::config {
using util::ErrorCode;

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

namespace {

std::string toml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i ? ", " : "") + toml_string(items[i]);
  }
  return out + "]";
}

class Reader {
 public:
  Reader(const toml::value& root, std::string filename)
      : root_(root), filename_(std::move(filename)) {}

  // Reads [table] key into out when present; records the first problem.
  template <typename T>
  void read(const char* table, const char* key, T& out) {
    if (!error_.empty() || !root_.contains(table)) return;
    const toml::value& t = root_.at(table);
    if (!t.is_table()) {
      fail_at(t, table, "", "must be a table");
      return;
    }
    if (!t.contains(key)) return;
    const toml::value& v = t.at(key);
    try {
      out = toml::get<T>(v);
    } catch (const std::exception&) {
      fail_at(v, table, key, std::string("must be ") + kind_name<T>());
    }
  }

  void check(bool ok, const char* table, const char* key, const std::string& problem) {
    if (!error_.empty() || ok) return;
    const toml::value* v = nullptr;
    if (root_.contains(table) && root_.at(table).is_table() && root_.at(table).contains(key)) {
      v = &root_.at(table).at(key);
    }
    if (v) {
      fail_at(*v, table, key, problem);
    } else {
      error_ = filename_ + ": [" + table + "] " + key + ": " + problem;
    }
  }

  const std::string& error() const { return error_; }

 private:
  template <typename T>
  static const char* kind_name() {
    if constexpr (std::is_same_v<T, bool>) return "true or false";
    if constexpr (std::is_integral_v<T>) return "an integer";
    if constexpr (std::is_same_v<T, std::vector<std::string>>) return "a list of strings";
    return "a string";
  }

  void fail_at(const toml::value& v, const char* table, const char* key,
               const std::string& problem) {
    error_ = filename_ + ":" + std::to_string(v.location().line()) + ": [" + table + "]" +
             (*key ? std::string(" ") + key : "") + ": " + problem;
  }

  const toml::value& root_;
  std::string filename_;
  std::string error_;
};

// The headers a trusted proxy may name the client in, as SiteSettings spells them.
constexpr std::string_view kClientAddressHeaders[] = {"X-Forwarded-For", "X-Real-IP"};

bool is_ip_address(const std::string& text) {
  unsigned char bytes[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), bytes) == 1 ||
         inet_pton(AF_INET6, text.c_str(), bytes) == 1;
}

}  // namespace

util::Result<SiteSettings> parse_site_settings(std::string_view text, const std::string& filename) {
  toml::value root;
  try {
    std::istringstream in{std::string(text)};
    root = toml::parse(in, filename);
  } catch (const toml::syntax_error& e) {
    // toml11 reports " --> FILE\n  LINE | text" blocks; keep its first line and location.
    std::string what = e.what();
    const std::size_t line_at = e.location().line();
    std::string first = what.substr(0, what.find('\n'));
    if (first.rfind("[error] ", 0) == 0) first = first.substr(8);
    return util::fail(ErrorCode::kInvalidArgument,
                      filename + ":" + std::to_string(line_at) + ": " + first);
  } catch (const std::exception& e) {
    return util::fail(ErrorCode::kInvalidArgument, filename + ": " + e.what());
  }

  SiteSettings s;
  Reader r(root, filename);
  r.read("site", "title", s.title);
  r.read("site", "tagline", s.tagline);
  r.read("site", "base_url", s.base_url);
  r.read("site", "producer", s.producer);
  r.read("site", "copyright_holder", s.copyright_holder);
  r.read("site", "language", s.language);
  r.read("site", "permalink", s.permalink);
  std::int64_t per_page = s.posts_per_page;
  r.read("site", "posts_per_page", per_page);
  r.read("archive", "enabled", s.archived);
  r.read("archive", "banner", s.banner);
  r.read("comments", "enabled", s.comments_enabled);
  std::int64_t comments_per_page = s.comments_per_page, thread_depth = s.comment_thread_depth,
               close_after_days = s.comments_close_after_days,
               min_fill = s.comment_min_fill_seconds, max_links = s.comment_max_links,
               rate = s.comment_rate_per_minute, pending = s.pending_per_hour,
               form_ttl = s.form_page_ttl_seconds, token_hours = s.form_token_hours;
  r.read("comments", "per_page", comments_per_page);
  r.read("comments", "thread_depth", thread_depth);
  r.read("comments", "close_after_days", close_after_days);
  r.read("comments", "trust_returning", s.comments_trust_returning);
  r.read("comments", "min_fill_seconds", min_fill);
  r.read("comments", "max_links", max_links);
  r.read("comments", "spam_words", s.comment_spam_words);
  r.read("comments", "hold_words", s.comment_hold_words);
  r.read("comments", "rate_per_minute", rate);
  r.read("comments", "pending_per_hour", pending);
  r.read("comments", "form_page_ttl", form_ttl);
  r.read("comments", "token_lifetime_hours", token_hours);
  r.read("storage", "database", s.database);
  std::int64_t cache_mb = static_cast<std::int64_t>(s.cache_megabytes);
  r.read("cache", "size_mb", cache_mb);

  r.check(!util::trim(s.title).empty(), "site", "title", "must not be empty");
  const auto pattern = content::PermalinkPattern::parse(s.permalink);
  r.check(pattern.has_value(), "site", "permalink", pattern ? "" : pattern.error().message);
  r.check(per_page >= 1 && per_page <= 100, "site", "posts_per_page", "must be between 1 and 100");
  r.check(s.base_url.rfind("http://", 0) == 0 || s.base_url.rfind("https://", 0) == 0, "site",
          "base_url", "must start with http:// or https://");
  r.check(!util::trim(s.banner).empty(), "archive", "banner", "must not be empty");
  r.check(comments_per_page >= 1 && comments_per_page <= 1000, "comments", "per_page",
          "must be between 1 and 1000");
  r.check(thread_depth >= 1 && thread_depth <= 10, "comments", "thread_depth",
          "must be between 1 and 10");
  r.check(close_after_days >= 0 && close_after_days <= 36500, "comments", "close_after_days",
          "must be between 0 (never) and 36500");
  r.check(min_fill >= 0 && min_fill <= 3600, "comments", "min_fill_seconds",
          "must be between 0 and 3600");
  r.check(max_links >= 0 && max_links <= 1000, "comments", "max_links",
          "must be between 0 and 1000");
  for (const char* key : {"spam_words", "hold_words"}) {
    const auto& words =
        std::string_view(key) == "spam_words" ? s.comment_spam_words : s.comment_hold_words;
    for (const std::string& w : words) {
      r.check(!util::trim(w).empty() && w.size() <= 200, "comments", key,
              "every word must be 1 to 200 characters, not blank");
    }
  }
  r.check(rate >= 0 && rate <= 100000, "comments", "rate_per_minute",
          "must be between 0 (no limit) and 100000");
  r.check(pending >= 0 && pending <= 1000000, "comments", "pending_per_hour",
          "must be between 0 (no bound) and 1000000");
  r.check(form_ttl >= 1 && form_ttl <= 600, "comments", "form_page_ttl",
          "must be between 1 and 600 seconds");
  r.check(token_hours >= 1 && token_hours <= 720, "comments", "token_lifetime_hours",
          "must be between 1 and 720");
  r.read("server", "trusted_proxies", s.trusted_proxies);
  r.read("server", "client_address_header", s.client_address_header);
  for (std::string& proxy : s.trusted_proxies) {
    proxy = std::string(util::trim(proxy));
    r.check(is_ip_address(proxy), "server", "trusted_proxies",
            "\"" + proxy + "\" is not an IPv4 or IPv6 address (names and ranges are not taken)");
  }
  for (std::string_view known : kClientAddressHeaders) {
    if (util::to_lower(s.client_address_header) == util::to_lower(known)) {
      s.client_address_header = std::string(known);
    }
  }
  r.check(std::find(std::begin(kClientAddressHeaders), std::end(kClientAddressHeaders),
                    s.client_address_header) != std::end(kClientAddressHeaders),
          "server", "client_address_header", "must be \"X-Forwarded-For\" or \"X-Real-IP\"");
  r.check(!s.database.empty(), "storage", "database", "must not be empty");
  r.check(cache_mb >= 1 && cache_mb <= 65536, "cache", "size_mb", "must be between 1 and 65536");
  if (!r.error().empty()) return util::fail(ErrorCode::kInvalidArgument, r.error());

  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
  s.posts_per_page = static_cast<int>(per_page);
  s.cache_megabytes = static_cast<std::size_t>(cache_mb);
  s.comments_per_page = static_cast<int>(comments_per_page);
  s.comment_thread_depth = static_cast<int>(thread_depth);
  s.comments_close_after_days = static_cast<int>(close_after_days);
  s.comment_min_fill_seconds = static_cast<int>(min_fill);
  s.comment_max_links = static_cast<int>(max_links);
  s.comment_rate_per_minute = static_cast<int>(rate);
  s.pending_per_hour = static_cast<int>(pending);
  s.form_page_ttl_seconds = static_cast<int>(form_ttl);
  s.form_token_hours = static_cast<int>(token_hours);
  for (auto* words : {&s.comment_spam_words, &s.comment_hold_words}) {
    for (std::string& w : *words) w = std::string(util::trim(w));
  }
  return s;
}

util::Result<SiteSettings> load_site_settings(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return util::fail(ErrorCode::kNotFound, path.string() + " does not exist");
  }
  auto text = util::read_file(path);
  if (!text) return util::fail(text.error());
  return parse_site_settings(*text, path.string());
}

std::string render_site_toml(const SiteSettings& s) {
  std::string out;
  out += "# Settings of this reelpress site. Edit and save: a running server reloads them.\n\n";
  out += "[site]\n";
  out += "title = " + toml_string(s.title) + "\n";
  out += "tagline = " + toml_string(s.tagline) + "\n";
  out += "# The address readers use; links in feeds, sitemaps and exports start with it.\n";
  out += "base_url = " + toml_string(s.base_url) + "\n";
  out += "# Footer: \"Produced by {producer} (c){current year} {copyright_holder}.\"\n";
  out += "producer = " + toml_string(s.producer) + "\n";
  out += "copyright_holder = " + toml_string(s.copyright_holder) + "\n";
  out += "language = " + toml_string(s.language) + "\n";
  out += "# WordPress permalink syntax; the trailing %post_id% decides which entry a URL names.\n";
  out += "permalink = " + toml_string(s.permalink) + "\n";
  out += "posts_per_page = " + std::to_string(s.posts_per_page) + "\n\n";
  out += "[archive]\n";
  out += "# When enabled, every page shows the banner and every form and write is switched off.\n";
  out += "enabled = " + std::string(s.archived ? "true" : "false") + "\n";
  out += "banner = " + toml_string(s.banner) + "\n\n";
  out += "[comments]\n";
  out += "# Comments and organization suggestions from readers; archive mode closes both.\n";
  out += "enabled = " + std::string(s.comments_enabled ? "true" : "false") + "\n";
  out += "per_page = " + std::to_string(s.comments_per_page) + "\n";
  out += "thread_depth = " + std::to_string(s.comment_thread_depth) + "\n";
  out += "# Days after publication when an entry stops taking comments; 0: never.\n";
  out += "close_after_days = " + std::to_string(s.comments_close_after_days) + "\n";
  out += "# Publish at once when the same name and email already have an approved comment.\n";
  out += "trust_returning = " + std::string(s.comments_trust_returning ? "true" : "false") + "\n";
  out += "# Spam defence, with no third party: a form sent sooner than this after it was shown\n";
  out += "# is refused; more links than max_links hold a comment for moderation; a spam word\n";
  out += "# files it as spam, a hold word holds it; each client may post rate_per_minute times.\n";
  out += "min_fill_seconds = " + std::to_string(s.comment_min_fill_seconds) + "\n";
  out += "max_links = " + std::to_string(s.comment_max_links) + "\n";
  out += "spam_words = " + toml_list(s.comment_spam_words) + "\n";
  out += "hold_words = " + toml_list(s.comment_hold_words) + "\n";
  out += "rate_per_minute = " + std::to_string(s.comment_rate_per_minute) + "\n";
  out += "# At most this many submissions a hour wait for moderation (or land in spam), from\n";
  out += "# all readers together; more are refused until the hour has room again. 0: no bound.\n";
  out += "pending_per_hour = " + std::to_string(s.pending_per_hour) + "\n";
  out += "# Seconds a cached page keeps its form; hours a form stays valid once shown.\n";
  out += "form_page_ttl = " + std::to_string(s.form_page_ttl_seconds) + "\n";
  out += "token_lifetime_hours = " + std::to_string(s.form_token_hours) + "\n\n";
  out += "[server]\n";
  out += "# Behind a reverse proxy, its address(es) and the header naming the reader's address,\n";
  out += "# so that per-reader limits count readers, not the proxy (read when serve starts):\n";
  out += "# trusted_proxies = [\"192.0.2.10\"]\n";
  out += "# client_address_header = \"X-Forwarded-For\"  # or \"X-Real-IP\"\n";
  if (!s.trusted_proxies.empty()) {
    out += "trusted_proxies = " + toml_list(s.trusted_proxies) + "\n";
    out += "client_address_header = " + toml_string(s.client_address_header) + "\n";
  }
  out += "\n";
  out += "[storage]\n";
  out += "database = " + toml_string(s.database) + "\n\n";
  out += "[cache]\n";
  out += "# Memory for rendered pages, in megabytes; least recently used pages leave first.\n";
  out += "size_mb = " + std::to_string(s.cache_megabytes) + "\n";
  return out;
}

util::Status set_values(const std::filesystem::path& path,
                        const std::vector<SettingValue>& values) {
  auto read = util::read_file(path);
  if (!read) return util::fail(read.error());
  const std::string text = std::move(*read);
  // Validate first: never rewrite a file we could not read back.
  if (auto parsed = parse_site_settings(text, path.string()); !parsed) {
    return util::fail(parsed.error());
  }

  std::vector<std::string> lines;
  for (std::string_view line : util::split(text, '\n')) lines.emplace_back(line);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();

  const auto is_table_header = [](std::string_view line) {
    line = util::trim(line);
    return !line.empty() && line.front() == '[';
  };
  const auto key_of = [](std::string_view line) {
    line = util::trim(line);
    const std::size_t eq = line.find('=');
    return eq == std::string_view::npos ? std::string_view() : util::trim(line.substr(0, eq));
  };
  // A value that goes on past its line (a multi-line string or array) cannot be replaced
  // line by line.
  const auto spans_lines = [](std::string_view line) {
    const std::string_view value = util::trim(line.substr(line.find('=') + 1));
    return value.starts_with("\"\"\"") || value.starts_with("'''") ||
           (value.starts_with('[') && value.find(']') == std::string_view::npos);
  };

  for (const SettingValue& v : values) {
    const std::string line = v.key + " = " + v.toml;
    std::size_t start = lines.size();
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (util::trim(lines[i]) == "[" + v.table + "]") start = i;
    }
    if (start == lines.size()) {
      lines.emplace_back("");
      lines.push_back("[" + v.table + "]");
      lines.push_back(line);
      continue;
    }
    std::size_t end = start + 1;
    while (end < lines.size() && !is_table_header(lines[end])) ++end;
    bool written = false;
    for (std::size_t i = start + 1; i < end && !written; ++i) {
      if (key_of(lines[i]) != v.key) continue;
      if (spans_lines(lines[i])) {
        return util::fail(ErrorCode::kInvalidArgument,
                          path.string() + ": [" + v.table + "] " + v.key +
                              " spans several lines; edit it in the file");
      }
      lines[i] = line;
      written = true;
    }
    if (!written) lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(start + 1), line);
  }
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  if (auto parsed = parse_site_settings(out, path.string()); !parsed) {
    return util::fail(ErrorCode::kInvalidArgument, parsed.error().message);
  }
  return util::write_file_atomically(path, out);
}

util::Status set_archive_state(const std::filesystem::path& path, bool archived,
                               std::optional<std::string> banner) {
  if (banner && util::trim(*banner).empty()) {
    return util::fail(ErrorCode::kInvalidArgument, "the banner must not be empty");
  }
  std::vector<SettingValue> values = {{"archive", "enabled", archived ? "true" : "false"}};
  if (banner) values.push_back({"archive", "banner", toml_string(*banner)});
  return set_values(path, values);
}

}  // namespace reelpress::config
