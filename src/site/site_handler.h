// SiteHandler: the public site as an HTTP handler. Routes a request, answers redirects
// (?p=ID, wrong slugs, missing trailing slashes, stored redirects), serves theme assets, and
// renders pages through Pages, keeping rendered pages in a cache. POSTs to the reader forms
// (form_fields.h) go to Submissions.
//
// Pages with a form carry a signed token issued when they were rendered (form_token.h): the
// cache keeps them at most [comments] form_page_ttl seconds, and they are sent with
// "Cache-Control: no-cache" so browsers check back rather than post a stale token. A request
// whose query names a reply or a notice (?replytocom=, ?comment=, ?suggestion=) is rendered
// for that reader and never cached.
//
// Freshness: every write through this process, and every write by another process (a
// `reelpress comments approve` while the server runs), moves the store's change counter; the
// handler compares it at most every `poll_interval`. When every step since is a change the
// store's log names (Store::ChangeLog: an entry's approved comments, a category's name, an
// entry's own fields), it drops only the cached pages that show what changed: each page keeps
// the entries whose comments it shows, the categories it names and the entries it shows
// (Response). Any other change (a new entry, a publication, a new slug, categories or tags of
// an entry, films, tags, users, organizations) reloads the snapshot and drops every page.
// Settings changes come in through set_settings() and drop every page too.
//
// Thread-safety: handle() and error_page() may be called from every server thread at once;
// set_settings() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cache/lru_cache.h"
#include "config/site_config.h"
#include "render/theme.h"
#include "site/form_token.h"
#include "site/http.h"
#include "site/media_files.h"
#include "site/pages.h"
#include "site/rate_limiter.h"
#include "site/snapshot.h"
#include "site/submissions.h"
#include "store/store.h"
#include "util/clock.h"

namespace reelpress::site {

class SiteHandler final : public Handler {
 public:
  struct Options {
    std::chrono::milliseconds poll_interval{100};
    // The site's media folder, served at /files/ and /wp-content/uploads/; empty: none.
    std::filesystem::path media_root;
    // Make the gzip and brotli forms of pages (for clients); exports, which write the bytes
    // once, turn it off.
    bool compress = true;
    // Keep rendered pages for the next request. Exports, which render each page once, and
    // the render benchmark turn it off.
    bool cache_pages = true;
  };

  // Fails when the settings' permalink pattern is invalid or the store cannot be read. The
  // form-signing key is read from (or, the first time, made in) the store.
  static util::Result<std::unique_ptr<SiteHandler>> create(
      store::Store& store, std::shared_ptr<const render::Theme> theme,
      config::SiteSettings settings, const util::Clock& clock, Options options);

  Response handle(const Request& request) override;
  // Reader form posts: checked on the calling thread, then committed by the store's writer
  // thread (store/group_commit.h), which replies.
  bool replies_later(const Request& request) const override;
  void handle_async(const Request& request, Reply reply) override;
  Response error_page(int status) override;

  // Applies new settings (site.toml was edited): the next request renders with them.
  util::Status set_settings(config::SiteSettings settings);

  // Drops every cached page now (after a write by this process).
  void invalidate();

  // For the admin (site/admin/), which writes through the same store:
  // Makes the next request compare the store's change counter at once, so a write by this
  // process shows on the very next page while only the pages it touched are dropped.
  void notice_write();
  // The path the entry has on the site now (or would have, were it published).
  std::string canonical_path(const content::Entry& entry);
  // The settings in force.
  std::shared_ptr<const config::SiteSettings> settings();
  // The snapshot in force, after comparing the store's counter (as a request would).
  std::shared_ptr<const Snapshot> snapshot();
  // The entry's page as readers would see it if it were published, without forms and never
  // cached: the preview of a draft or of edits not yet saved (entry.body_html and the
  // sections' HTML must be rendered).
  Response preview(const content::Entry& entry);

 private:
  // What a request renders against; replaced whole, never changed in place.
  struct State {
    std::shared_ptr<const config::SiteSettings> settings;
    std::shared_ptr<const Snapshot> snapshot;
    int year = 0;
    std::int64_t counter = 0;     // The store's change counter this state accounts for.
    std::int64_t change_seq = 0;  // The newest change-log row applied (Store::ChangeLog).
    std::int64_t epoch = 0;       // Of the cache: a reload starts a new one.
  };
  struct CachedResponse {
    int status;
    std::string_view content_type;  // Literal or the theme's (see Response).
    std::shared_ptr<const Body> body;
    std::int64_t epoch;                     // State::epoch when rendered; another epoch is stale.
    std::vector<std::int64_t> comments_of;  // See Response::comments_of.
    std::vector<std::int64_t> categories_shown;  // See Response::categories_shown.
    std::vector<std::int64_t> entries_shown;     // See Response::entries_shown.
    bool form_page = false;                      // Carries a form token: stale after expires_ms.
    std::int64_t expires_ms = 0;                 // Steady clock.
  };

  SiteHandler(store::Store& store, std::shared_ptr<const render::Theme> theme,
              const util::Clock& clock, Options options, std::size_t cache_bytes,
              std::string_view form_key);

  // The current state, reloading the snapshot when the store changed or the year turned.
  // Valid until this thread's next call.
  util::Result<const State*> state();
  const State& current_state();
  // The same state as current_state(), as this thread holds it.
  const std::shared_ptr<const State>& seen_state();
  util::Status reload(std::shared_ptr<const config::SiteSettings> settings);
  // Applies `log` when it holds nothing but comment changes, categories' new names or
  // descriptions and entry edits since `current`: drops the pages that show those entries'
  // comments, those categories (with a new snapshot for them) or those entries, and moves the
  // state on. False when anything else changed too (the caller then reloads everything).
  bool drop_pages_precisely(const State& current, const store::Store::ChangeLog& log);
  // Whether a page with these keys (see Response), rendered at change-log row `seq`, was
  // dropped since (then it must not be cached).
  bool dropped_since(const Response& page, std::int64_t seq);

  Response respond(const Request& request, const State& state);
  Response dispatch(const std::string& path, const State& state, const ReaderView& reader);
  Response resolve_entry(const State& state, const std::string& path, int comment_page,
                         const ReaderView& reader);
  Response render_entry(const State& state, const content::Entry& entry, int comment_page,
                        const ReaderView& reader);
  Response redirect(const State& state, const std::string& location, int status = 301);
  // 404, unless a stored redirect (Store::redirect_from) names where `path` went.
  Response not_found(const State& state, const std::string& path);
  Response page(int status, util::Result<RenderedPage> rendered, const State& state);
  Response error_response(const State& state, int status);
  Response asset(const std::string& name);
  PageContext context(const State& state, const std::string& path) const;
  bool visible(const content::Entry& entry) const;

  store::Store& store_;
  std::shared_ptr<const render::Theme> theme_;
  const util::Clock& clock_;
  const Options options_;
  Pages pages_;
  const FormTokens tokens_;
  RateLimiter limiter_;
  Submissions submissions_;

  std::mutex state_mutex_;  // Guards state_ replacement; never held while rendering.
  std::shared_ptr<const State> state_;
  std::atomic<std::uint64_t> state_version_{0};  // Of state_; changes with it, under the mutex.
  std::atomic<std::int64_t> next_poll_ms_{0};
  cache::LruCache<CachedResponse> cache_;
  // Entry id -> the change-log row that last dropped the pages showing its comments: a page
  // rendered before that row (from an older state) and cached after the drop would be stale,
  // so it is not kept.
  std::mutex dropped_mutex_;
  std::unordered_map<std::int64_t, std::int64_t> comments_dropped_at_;
  std::unordered_map<std::int64_t, std::int64_t> category_dropped_at_;  // The same, by category.
  std::unordered_map<std::int64_t, std::int64_t> entry_dropped_at_;     // And by entry edited.
  std::int64_t next_epoch_ = 0;                                         // Under state_mutex_.
  const MediaFiles media_;  // Its own cache: a quarter of the page cache's budget.
};

}  // namespace reelpress::site
