// The public pages: home, film, entry, listings and error pages, rendered through the theme.
// Each function loads what its page needs from the store and returns the finished HTML;
// choosing the status code and caching are the handler's business (site_handler.h).
//
// Thread-safety: a Pages object is immutable after construction and its functions may run
// on every server thread at once.
#pragma once

#include <memory>
#include <string>

#include "config/site_config.h"
#include "render/theme.h"
#include "site/router.h"
#include "site/snapshot.h"
#include "store/store.h"

namespace reelpress::site {

// What every page render needs to know about the moment it renders in.
struct PageContext {
  const config::SiteSettings& settings;
  const Snapshot& snapshot;
  int year = 1970;   // For the footer: the current year.
  std::string path;  // The canonical path of the page being rendered.
};

struct RenderedPage {
  std::string html;
  util::UnixTime last_modified = 0;  // 0: unknown.
};

class Pages {
 public:
  Pages(store::Store& store, std::shared_ptr<const render::Theme> theme)
      : store_(store), theme_(std::move(theme)) {}

  // kNotFound when the page number is past the last page.
  util::Result<RenderedPage> home(const PageContext& ctx, int page) const;
  // kNotFound for an unknown category, tag or an empty date archive, or a page past the end.
  util::Result<RenderedPage> listing(const PageContext& ctx, const ListingRoute& listing) const;
  util::Result<RenderedPage> film(const PageContext& ctx, const content::Film& film) const;
  // comment_page 0 means the default (last) page. kNotFound past the last comment page.
  util::Result<RenderedPage> entry(const PageContext& ctx, const content::Entry& entry,
                                   int comment_page) const;
  // A short themed page for an error status (404, 400, 403, 405, 413, 429, 500...).
  util::Result<std::string> error(const PageContext& ctx, int status) const;

  // Comments shown per page of top-level threads, as WordPress's "break comments into pages".
  static constexpr int kCommentsPerPage = 50;
  // Replies nest at most this deep; deeper replies attach to the deepest allowed ancestor.
  static constexpr int kMaxThreadDepth = 5;

 private:
  store::Store& store_;
  std::shared_ptr<const render::Theme> theme_;
};

// The short title and sentence an error page shows for a status.
std::pair<std::string, std::string> error_text(int status);

}  // namespace reelpress::site
