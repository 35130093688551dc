#include "site/router.h"

#include <cstdio>

#include "util/text.h"

namespace reelpress::site {
namespace {

bool is_digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Takes a trailing ".../page/N" off the segments; returns N (0 if absent, -1 if malformed).
int take_page(std::vector<std::string_view>& segments) {
  if (segments.size() < 2 || segments[segments.size() - 2] != "page") return 0;
  const auto n = util::parse_non_negative(segments.back());
  if (!n || *n < 1 || *n > 1000000) return -1;
  segments.resize(segments.size() - 2);
  return static_cast<int>(*n);
}

}  // namespace

Route route(const std::string& path) {
  if (path.starts_with("/theme/")) return AssetRoute{path.substr(7)};
  if (path.starts_with("/files/")) return MediaRoute{path.substr(7)};
  if (path.starts_with("/wp-content/uploads/")) return MediaRoute{path.substr(20)};

  std::string_view body(path);
  body.remove_prefix(1);
  if (!body.empty() && body.back() == '/') body.remove_suffix(1);
  std::vector<std::string_view> segments;
  if (!body.empty()) segments = util::split(body, '/');
  for (std::string_view s : segments) {
    if (s.empty() || s == "." || s == "..") return NotFoundRoute{};
  }

  // Comment pages of an entry: ".../comment-page-N".
  if (!segments.empty() && segments.back().starts_with("comment-page-")) {
    const auto n = util::parse_non_negative(segments.back().substr(13));
    if (!n || *n < 1 || segments.size() < 2) return NotFoundRoute{};
    std::string entry_path = path.substr(0, path.rfind("/comment-page-") + 1);
    return EntryRoute{entry_path, static_cast<int>(*n)};
  }

  const int page = take_page(segments);
  if (page < 0) return NotFoundRoute{};
  const int effective = page == 0 ? 1 : page;
  const bool explicit_page = page != 0;

  if (segments.empty()) return HomeRoute{effective, explicit_page};

  if (segments[0] == "category" && segments.size() >= 2) {
    ListingRoute r{ListingRoute::Kind::kCategory, {}, 0, 0, 0, effective, explicit_page};
    for (std::size_t i = 1; i < segments.size(); ++i) r.slugs.emplace_back(segments[i]);
    return r;
  }
  if (segments[0] == "tag" && segments.size() == 2) {
    return ListingRoute{
        ListingRoute::Kind::kTag, {std::string(segments[1])}, 0, 0, 0, effective, explicit_page};
  }
  if (segments[0] == "films" && segments.size() == 2 && !explicit_page) {
    return FilmRoute{std::string(segments[1])};
  }
  if (is_digits(segments[0], 4) && segments.size() <= 3) {
    ListingRoute r{ListingRoute::Kind::kDate, {}, 0, 0, 0, effective, explicit_page};
    r.year = static_cast<int>(*util::parse_non_negative(segments[0]));
    bool ok = true;
    if (segments.size() >= 2) {
      ok = is_digits(segments[1], 2);
      if (ok) r.month = static_cast<int>(*util::parse_non_negative(segments[1]));
      ok = ok && r.month >= 1 && r.month <= 12;
    }
    if (ok && segments.size() == 3) {
      ok = is_digits(segments[2], 2);
      if (ok) r.day = static_cast<int>(*util::parse_non_negative(segments[2]));
      ok = ok && r.day >= 1 && r.day <= 31;
    }
    // "/2011/07/some-slug/" is not a date archive; permalinks may start with a year.
    if (ok) return r;
  }
  if (explicit_page) return NotFoundRoute{};
  return EntryRoute{path, 0};
}

std::string listing_base_path(const ListingRoute& listing) {
  switch (listing.kind) {
    case ListingRoute::Kind::kCategory: {
      std::string out = "/category/";
      for (const std::string& s : listing.slugs) out += util::percent_encode_path(s) + "/";
      return out;
    }
    case ListingRoute::Kind::kTag:
      return "/tag/" + util::percent_encode_path(listing.slugs.at(0)) + "/";
    case ListingRoute::Kind::kDate: {
      char buf[32];
      if (listing.day) {
        std::snprintf(buf, sizeof buf, "/%04d/%02d/%02d/", listing.year, listing.month,
                      listing.day);
      } else if (listing.month) {
        std::snprintf(buf, sizeof buf, "/%04d/%02d/", listing.year, listing.month);
      } else {
        std::snprintf(buf, sizeof buf, "/%04d/", listing.year);
      }
      return buf;
    }
  }
  return "/";
}

std::string paged_path(const std::string& base, int page) {
  if (page <= 1) return base;
  return base + "page/" + std::to_string(page) + "/";
}

}  // namespace reelpress::site
