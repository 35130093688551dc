// OldSiteUrls: the addresses the WordPress site answered at (its <link>, <wp:base_site_url>
// and <wp:base_blog_url>), so that links and media that pointed at the old site can point at
// this one instead. An imported page then loads its images from its own origin, wherever the
// site is served from, and never from the old host.
//
// Example:
//   OldSiteUrls urls({"http://example.org"});
//   urls.to_local("https://example.org/files/2009/07/a.jpg") == "/files/2009/07/a.jpg"
//   urls.to_local("http://other.example/x.mp3") == std::nullopt
//   urls.localize_attributes(R"(<img src="http://example.org/files/a.jpg">)")
//       == R"(<img src="/files/a.jpg">)"
//
// Immutable after construction; thread-safe to share.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reelpress::importer {

class OldSiteUrls {
 public:
  OldSiteUrls() = default;
  // Each base URL is "scheme://host[:port][/path]"; its origin counts under both http and
  // https (sites moved to https keep old http links in their posts). Empty or malformed
  // ones are ignored.
  explicit OldSiteUrls(const std::vector<std::string>& base_urls);

  // A root-relative path ("/files/a.jpg") for a URL of the old site or one that is already
  // root-relative; std::nullopt for anything else (another origin, "//host/x", "mailto:").
  std::optional<std::string> to_local(std::string_view url) const;

  // Rewrites attribute values (src, href, poster, ...: any value right after '=') that start
  // with an old origin to root-relative paths. Text outside attributes is left alone.
  std::string localize_attributes(std::string_view html) const;

  const std::vector<std::string>& origins() const { return origins_; }

 private:
  std::vector<std::string> origins_;  // "http://example.org", lower case, no trailing '/'.
};

}  // namespace reelpress::importer
