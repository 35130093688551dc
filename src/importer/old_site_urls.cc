#include "importer/old_site_urls.h"

#include <algorithm>

#include "util/text.h"

namespace reelpress::importer {
namespace {

// The origin part of a URL ("http://example.org:8081"), lower-cased, or "" if it has none.
std::string origin_of(std::string_view url) {
  url = util::trim(url);
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::string scheme = util::to_lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return {};
  const std::size_t host_start = scheme_end + 3;
  std::size_t host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  if (host_end == host_start) return {};
  return scheme + "://" + util::to_lower(url.substr(host_start, host_end - host_start));
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return util::starts_with_ignoring_case(text, prefix);
}

}  // namespace

OldSiteUrls::OldSiteUrls(const std::vector<std::string>& base_urls) {
  for (const std::string& url : base_urls) {
    const std::string origin = origin_of(url);
    if (origin.empty()) continue;
    const std::string host = origin.substr(origin.find("://") + 3);
    for (const char* scheme : {"http://", "https://"}) {
      std::string o = scheme + host;
      if (std::find(origins_.begin(), origins_.end(), o) == origins_.end()) {
        origins_.push_back(std::move(o));
      }
    }
  }
}

std::optional<std::string> OldSiteUrls::to_local(std::string_view url) const {
  url = util::trim(url);
  if (url.starts_with("/") && !url.starts_with("//")) return std::string(url);
  for (const std::string& origin : origins_) {
    if (!starts_with_ignoring_case(url, origin)) continue;
    const std::string_view rest = url.substr(origin.size());
    if (rest.empty()) return std::string("/");
    if (rest.front() == '/') return std::string(rest);
    if (rest.front() == '?' || rest.front() == '#') return "/" + std::string(rest);
  }
  return std::nullopt;
}

std::string OldSiteUrls::localize_attributes(std::string_view html) const {
  if (origins_.empty()) return std::string(html);
  std::string out;
  out.reserve(html.size());
  std::size_t copied = 0;
  // Each "=" followed by an optional quote and an old origin starts a value to rewrite.
  for (std::size_t eq = html.find('='); eq != std::string_view::npos; eq = html.find('=', eq + 1)) {
    std::size_t v = eq + 1;
    while (v < html.size() && (html[v] == ' ' || html[v] == '\t' || html[v] == '\n')) ++v;
    if (v < html.size() && (html[v] == '"' || html[v] == '\'')) ++v;
    if (v >= html.size() || (html[v] != 'h' && html[v] != 'H')) continue;
    const std::string_view value = html.substr(v);
    for (const std::string& origin : origins_) {
      if (!starts_with_ignoring_case(value, origin)) continue;
      const std::size_t after = v + origin.size();
      const char next = after < html.size() ? html[after] : '\0';
      if (next == '/' || next == '?' || next == '#') {
        out.append(html.substr(copied, v - copied));
        if (next != '/') out += '/';
        copied = after;
      } else if (next == '"' || next == '\'' || next == ' ' || next == '>') {
        out.append(html.substr(copied, v - copied));
        out += '/';
        copied = after;
      }
      break;
    }
  }
  out.append(html.substr(copied));
  return out;
}

}  // namespace reelpress::importer
