// Maps a request path to what it names, before anything is loaded: the routing table of the
// public site. Pure and cheap; the handler then loads the content and decides 200, 301 or 404.
//
// URLs behave as on WordPress: /category/a/b/, /tag/x/, /YYYY/MM/ date archives, /page/N/
// of any listing, /comment-page-N/ of an entry, and everything else is a candidate entry
// path (a permalink, a page path, or an old path with a redirect).
//
// Example:
//   route("/category/episodes/asia/page/2/")
//       -> ListingRoute{kind = kCategory, slugs = {"episodes", "asia"}, page = 2}
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace reelpress::site {

struct HomeRoute {
  int page = 1;
  bool explicit_page = false;  // "/page/1/" was written out: 301 to "/".
};

struct ListingRoute {
  enum class Kind { kCategory, kTag, kDate } kind = Kind::kCategory;
  std::vector<std::string> slugs;    // Category path segments, or the one tag slug.
  int year = 0, month = 0, day = 0;  // Date archives; month/day 0 when absent.
  int page = 1;
  bool explicit_page = false;
};

struct FilmRoute {
  std::string slug;
};

struct AssetRoute {
  std::string name;  // Relative to the theme's assets/ ("style.css").
};

struct MediaRoute {
  std::string path;  // Relative to the site's media/ folder ("2011/07/a.jpg").
};

// Anything else: resolved against permalinks, page paths and redirects, in that order.
struct EntryRoute {
  std::string path;      // The path without the /comment-page-N/ suffix.
  int comment_page = 0;  // 0: no comment page named.
};

struct NotFoundRoute {};

using Route = std::variant<HomeRoute, ListingRoute, FilmRoute, AssetRoute, MediaRoute, EntryRoute,
                           NotFoundRoute>;

// path is the decoded request path (always starting with '/').
Route route(const std::string& path);

// The base path of a listing ("/category/a/b/", "/tag/x/", "/2011/07/") and of its page N.
std::string listing_base_path(const ListingRoute& listing);
std::string paged_path(const std::string& base, int page);  // Page 1 is the base itself.

}  // namespace reelpress::site
