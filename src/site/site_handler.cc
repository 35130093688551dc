#include "site/site_handler.h"

#include <algorithm>
#include <iostream>
#include <limits>

#include "site/form_fields.h"
#include "util/civil_time.h"
#include "util/text.h"

namespace reelpress::site {
namespace {

using util::ErrorCode;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Canonical paths are percent-encoded; request paths arrive decoded.
std::string decoded(const std::string& path) { return util::percent_decode(path).value_or(path); }

// The value browsers get with a page that carries a form: check back before showing it
// again, so a form is not posted with a token older than the page in the cache.
constexpr std::string_view kFormPageCacheControl = "no-cache";

// Numbers every State any handler installs, so that a thread's remembered one is never
// mistaken for another's (see current_state).
std::atomic<std::uint64_t> next_state_version{0};

bool is_form_page(const Response& r) { return r.cache_control == kFormPageCacheControl; }

bool is_comment_action(const std::string& path) {
  return path == form::kCommentAction || path == form::kWordPressCommentAction;
}

bool is_form_action(const std::string& path) {
  return is_comment_action(path) || path == form::kSuggestionAction;
}

// What the query adds to an entry page for this reader alone (see ReaderView).
ReaderView reader_view(std::string_view query) {
  ReaderView reader;
  if (query.empty()) return reader;
  if (auto reply = util::form_value(query, "replytocom")) {
    if (auto id = util::parse_non_negative(*reply)) reader.reply_to = *id;
  }
  if (auto notice = util::form_value(query, "comment")) {
    if (*notice == "pending" || *notice == "published") reader.comment_notice = *notice;
  }
  if (auto notice = util::form_value(query, "suggestion")) {
    reader.suggestion_notice = *notice == "pending";
  }
  return reader;
}

std::string with_comment_page(const std::string& canonical, int comment_page) {
  if (comment_page <= 1) return canonical;
  std::string out = canonical;
  if (out.back() != '/') out += '/';
  out += "comment-page-" + std::to_string(comment_page);
  if (canonical.back() == '/') out += '/';
  return out;
}

}  // namespace

SiteHandler::SiteHandler(store::Store& store, std::shared_ptr<const render::Theme> theme,
                         const util::Clock& clock, Options options, std::size_t cache_bytes,
                         std::string_view form_key)
    : store_(store),
      theme_(theme),
      clock_(clock),
      options_(options),
      pages_(store, std::move(theme)),
      tokens_(form_key),
      limiter_(clock),
      submissions_(store, pages_, tokens_, limiter_),
      cache_(cache_bytes),
      media_(options_.media_root, cache_bytes / 4) {}

util::Result<std::unique_ptr<SiteHandler>> SiteHandler::create(
    store::Store& store, std::shared_ptr<const render::Theme> theme, config::SiteSettings settings,
    const util::Clock& clock, Options options) {
  auto form_key = store.site_secret("form-signing-key", FormTokens::kKeyBytes);
  if (!form_key) return util::fail(form_key.error());
  std::unique_ptr<SiteHandler> handler(new SiteHandler(store, std::move(theme), clock, options,
                                                       settings.cache_megabytes << 20, *form_key));
  if (auto s = handler->reload(std::make_shared<const config::SiteSettings>(std::move(settings)));
      !s) {
    return util::fail(s.error());
  }
  return handler;
}

util::Status SiteHandler::reload(std::shared_ptr<const config::SiteSettings> settings) {
  // The change log first: a write between the two reads is then seen again at the next
  // poll (one drop too many), never missed (a snapshot older than what it accounts for).
  auto log = store_.changes_since(std::numeric_limits<std::int64_t>::max());
  if (!log) return util::fail(log.error());
  auto snapshot = Snapshot::load(store_, *settings);
  if (!snapshot) return util::fail(snapshot.error());
  auto next = std::make_shared<State>();
  next->settings = std::move(settings);
  next->snapshot = std::move(*snapshot);
  next->year = util::to_civil(clock_.now()).year;
  next->counter = log->counter;
  next->change_seq = log->last_seq;
  {
    std::lock_guard lock(state_mutex_);
    next->epoch = ++next_epoch_;
    state_ = std::move(next);
    state_version_.store(next_state_version.fetch_add(1) + 1, std::memory_order_release);
  }
  cache_.clear();
  return {};
}

bool SiteHandler::drop_pages_precisely(const State& current, const store::Store::ChangeLog& log) {
  // Precise only when every counter step since `current` is a logged change it knows.
  if (log.counter < current.counter ||
      static_cast<std::size_t>(log.counter - current.counter) != log.changes.size()) {
    return false;
  }
  std::vector<std::int64_t> comments, categories, entries;
  for (const auto& [seq, key] : log.changes) {
    std::vector<std::int64_t>* into = nullptr;
    std::string_view rest = key;
    for (auto [prefix, list] : {std::pair{std::string_view("comments:"), &comments},
                                std::pair{std::string_view("category:"), &categories},
                                std::pair{std::string_view("entry:"), &entries}}) {
      if (rest.starts_with(prefix)) {
        rest.remove_prefix(prefix.size());
        into = list;
        break;
      }
    }
    const auto id = into ? util::parse_non_negative(rest) : std::nullopt;
    if (!id) return false;
    into->push_back(*id);
  }
  // A category's name is in the snapshot: the pages that do not show it stay valid with the
  // new one, as nothing else changed. An entry logged by id holds nothing the snapshot keeps
  // (a new title of a top-level page, which the navigation shows, is logged as "*").
  std::shared_ptr<const Snapshot> snapshot = current.snapshot;
  if (!categories.empty()) {
    auto loaded = Snapshot::load(store_, *current.settings);
    if (!loaded) return false;
    snapshot = std::move(*loaded);
  }
  {
    std::lock_guard lock(dropped_mutex_);
    for (std::int64_t id : comments) comments_dropped_at_[id] = log.last_seq;
    for (std::int64_t id : categories) category_dropped_at_[id] = log.last_seq;
    for (std::int64_t id : entries) entry_dropped_at_[id] = log.last_seq;
  }
  {
    std::lock_guard lock(state_mutex_);
    auto next = std::make_shared<State>(*state_);
    next->snapshot = std::move(snapshot);
    next->counter = log.counter;
    next->change_seq = log.last_seq;
    state_ = std::move(next);
    state_version_.store(next_state_version.fetch_add(1) + 1, std::memory_order_release);
  }
  auto shows = [](const std::vector<std::int64_t>& page, const std::vector<std::int64_t>& ids) {
    for (std::int64_t id : page) {
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) return true;
    }
    return false;
  };
  cache_.erase_if([&](const CachedResponse& page) {
    return shows(page.comments_of, comments) || shows(page.categories_shown, categories) ||
           shows(page.entries_shown, entries);
  });
  return true;
}

bool SiteHandler::dropped_since(const Response& page, std::int64_t seq) {
  if (page.comments_of.empty() && page.categories_shown.empty() && page.entries_shown.empty()) {
    return false;
  }
  std::lock_guard lock(dropped_mutex_);
  for (const auto& [ids, dropped] : {std::pair{&page.comments_of, &comments_dropped_at_},
                                     std::pair{&page.categories_shown, &category_dropped_at_},
                                     std::pair{&page.entries_shown, &entry_dropped_at_}}) {
    for (std::int64_t id : *ids) {
      const auto it = dropped->find(id);
      if (it != dropped->end() && it->second > seq) return true;
    }
  }
  return false;
}

const SiteHandler::State& SiteHandler::current_state() { return *seen_state(); }

const std::shared_ptr<const SiteHandler::State>& SiteHandler::seen_state() {
  // Each thread keeps the state it saw last and takes the lock only when it was replaced:
  // a request costs no lock and no reference count. Versions are unique in the process, so
  // a slot filled by another handler never matches this one's.
  struct Seen {
    std::uint64_t version = 0;
    std::shared_ptr<const State> state;
  };
  thread_local Seen seen;
  const std::uint64_t version = state_version_.load(std::memory_order_acquire);
  if (seen.version != version || !seen.state) {
    std::lock_guard lock(state_mutex_);
    seen.state = state_;
    seen.version = state_version_.load(std::memory_order_relaxed);
  }
  return seen.state;
}

util::Status SiteHandler::set_settings(config::SiteSettings settings) {
  return reload(std::make_shared<const config::SiteSettings>(std::move(settings)));
}

void SiteHandler::invalidate() {
  std::shared_ptr<const State> current;
  {
    std::lock_guard lock(state_mutex_);
    current = state_;
  }
  if (auto s = reload(current->settings); !s) {
    std::cerr << "reelpress: cannot reload content: " << s.error().describe() << "\n";
    cache_.clear();
  }
}

void SiteHandler::notice_write() { next_poll_ms_.store(0, std::memory_order_relaxed); }

std::string SiteHandler::canonical_path(const content::Entry& entry) {
  // Through state(): after a write (notice_write), the snapshot must know new page paths.
  auto st = state();
  return (st ? **st : current_state()).snapshot->entry_path(entry);
}

std::shared_ptr<const Snapshot> SiteHandler::snapshot() {
  auto st = state();
  return (st ? **st : current_state()).snapshot;
}

std::shared_ptr<const config::SiteSettings> SiteHandler::settings() {
  return current_state().settings;
}

Response SiteHandler::preview(const content::Entry& entry) {
  auto st = state();
  if (!st) return error_page(500);
  const State& state = **st;
  PageContext ctx = context(state, state.snapshot->entry_path(entry));
  ctx.tokens = nullptr;
  Response r = page(200, pages_.entry(ctx, entry, 0), state);
  r.cache_control = "no-store";
  r.comments_of.clear();
  r.categories_shown.clear();
  r.entries_shown.clear();
  return r;
}

util::Result<const SiteHandler::State*> SiteHandler::state() {
  const State* current = &current_state();
  const std::int64_t now = steady_ms();
  std::int64_t due = next_poll_ms_.load(std::memory_order_relaxed);
  if (now < due ||
      !next_poll_ms_.compare_exchange_strong(due, now + options_.poll_interval.count())) {
    return current;
  }
  auto log = store_.changes_since(current->change_seq);
  if (!log) return util::fail(log.error());
  const bool same_year = util::to_civil(clock_.now()).year == current->year;
  if (log->counter == current->counter && same_year) return current;
  // A comment approved (or unpublished), a category renamed, an entry edited: only the pages
  // that show them go.
  if (same_year && drop_pages_precisely(*current, *log)) return &current_state();
  if (auto s = reload(current->settings); !s) return util::fail(s.error());
  return &current_state();
}

Response SiteHandler::handle(const Request& request) {
  if (replies_later(request)) {
    return wait_for_reply([&](Reply reply) { handle_async(request, std::move(reply)); });
  }
  auto st = state();
  if (!st) {
    std::cerr << "reelpress: cannot read the site: " << st.error().describe() << "\n";
    return error_page(500);
  }
  if ((request.method != Method::kGet && request.method != Method::kHead) ||
      is_form_action(request.path)) {
    Response r = error_response(**st, 405);
    r.headers.emplace_back("Allow", is_form_action(request.path) ? "POST" : "GET, HEAD");
    return r;
  }
  return respond(request, **st);
}

bool SiteHandler::replies_later(const Request& request) const {
  return request.method == Method::kPost && is_form_action(request.path);
}

void SiteHandler::handle_async(const Request& request, Reply reply) {
  if (!replies_later(request)) {
    reply(handle(request));
    return;
  }
  if (auto st = state(); !st) {
    std::cerr << "reelpress: cannot read the site: " << st.error().describe() << "\n";
    reply(error_page(500));
    return;
  }
  // The state the submission is checked against (the one state() just settled on) stays
  // alive until it is answered.
  std::shared_ptr<const State> keep = seen_state();
  const PageContext ctx = context(*keep, "");
  if (is_comment_action(request.path)) {
    submissions_.comment(request, ctx, keep, std::move(reply));
  } else {
    submissions_.organization(request, ctx, keep, std::move(reply));
  }
}

Response SiteHandler::error_page(int status) {
  std::shared_ptr<const State> current;
  {
    std::lock_guard lock(state_mutex_);
    current = state_;
  }
  return error_response(*current, status);
}

PageContext SiteHandler::context(const State& state, const std::string& path) const {
  return PageContext{.settings = *state.settings,
                     .snapshot = *state.snapshot,
                     .year = state.year,
                     .path = path,
                     .now = clock_.now(),
                     .tokens = &tokens_,
                     .change_counter = state.counter};
}

bool SiteHandler::visible(const content::Entry& entry) const {
  return entry.status == content::EntryStatus::kPublished;
}

Response SiteHandler::respond(const Request& request, const State& state) {
  const std::string& path = request.path;

  // WordPress's query-string permalinks: /?p=ID, /?page_id=ID answer with the canonical URL.
  if (path == "/" && !request.query.empty()) {
    auto id = util::form_value(request.query, "p");
    if (!id) id = util::form_value(request.query, "page_id");
    if (id) {
      const auto n = util::parse_non_negative(*id);
      if (!n) return error_response(state, 404);
      auto entry = store_.entry_by_id(*n);
      if (!entry || !visible(*entry)) return error_response(state, 404);
      return redirect(state, state.snapshot->entry_path(*entry));
    }
  }

  // A page for one reader (a reply form, a notice after posting) is neither looked up nor kept.
  // Only entries have such pages: elsewhere the query changes nothing and the cache serves.
  ReaderView reader = reader_view(request.query);
  if (!reader.empty() && !std::holds_alternative<EntryRoute>(route(path))) reader = ReaderView();
  const bool personal = !reader.empty() || !options_.cache_pages;

  // A page rendered from an older snapshot is stale even if it was cached after the drop.
  if (!personal) {
    if (auto hit = cache_.find(path);
        hit && hit->epoch == state.epoch && (!hit->form_page || steady_ms() < hit->expires_ms)) {
      Response r;
      r.status = hit->status;
      r.content_type = hit->content_type;
      r.body = hit->body;
      if (hit->form_page) r.cache_control = kFormPageCacheControl;
      return r;
    }
  }
  Response out = dispatch(path, state, reader);
  const bool form_page = is_form_page(out);
  if (!personal && out.status == 200 && out.body && out.headers.empty() &&
      (out.cache_control.empty() || form_page) && !dropped_since(out, state.change_seq)) {
    const std::size_t bytes =
        out.body->identity.size() + out.body->gzip.size() + out.body->brotli.size();
    const std::int64_t expires_ms =
        form_page ? steady_ms() + std::int64_t{state.settings->form_page_ttl_seconds} * 1000 : 0;
    cache_.insert(path,
                  std::make_shared<CachedResponse>(CachedResponse{
                      out.status, out.content_type, out.body, state.epoch, out.comments_of,
                      out.categories_shown, out.entries_shown, form_page, expires_ms}),
                  bytes);
  }
  return out;
}

Response SiteHandler::dispatch(const std::string& path, const State& state,
                               const ReaderView& reader) {
  const Route r = route(path);
  const bool slash = !path.empty() && path.back() == '/';
  if (const auto* home = std::get_if<HomeRoute>(&r)) {
    if (home->explicit_page && home->page == 1) return redirect(state, "/");
    const std::string canonical = paged_path("/", home->page);
    if (path != canonical) return redirect(state, canonical);
    return page(200, pages_.home(context(state, canonical), home->page), state);
  }
  if (const auto* listing = std::get_if<ListingRoute>(&r)) {
    const std::string base = listing_base_path(*listing);
    const std::string canonical = paged_path(base, listing->page);
    if (listing->explicit_page && listing->page == 1) return redirect(state, base);
    if (decoded(canonical) != path) return redirect(state, canonical);
    auto rendered = pages_.listing(context(state, canonical), *listing);
    if (!rendered && rendered.error().code == ErrorCode::kNotFound) return not_found(state, path);
    return page(200, std::move(rendered), state);
  }
  if (const auto* film = std::get_if<FilmRoute>(&r)) {
    const content::Film* f = state.snapshot->film_by_slug(film->slug);
    if (!f) return not_found(state, path);
    const std::string canonical = state.snapshot->film_url(*f);
    if (!slash) return redirect(state, canonical);
    return page(200, pages_.film(context(state, canonical), *f), state);
  }
  if (const auto* a = std::get_if<AssetRoute>(&r)) return asset(a->name);
  if (const auto* m = std::get_if<MediaRoute>(&r)) {
    if (options_.media_root.empty()) return error_response(state, 404);
    if (auto file = media_.serve(m->path)) return std::move(*file);
    return error_response(state, 404);
  }
  if (const auto* e = std::get_if<EntryRoute>(&r)) {
    return resolve_entry(state, e->path, e->comment_page, reader);
  }
  return error_response(state, 404);
}

Response SiteHandler::resolve_entry(const State& state, const std::string& path, int comment_page,
                                    const ReaderView& reader) {
  const Snapshot& snap = *state.snapshot;
  const std::string requested = with_comment_page(path, comment_page);

  // Serves the entry when the path names it exactly (under any of its categories), and
  // redirects to its canonical URL when the path names it some other way.
  const auto answer = [&](const content::Entry& entry, bool exact) -> Response {
    const std::string canonical = with_comment_page(snap.entry_path(entry), comment_page);
    if (!exact && decoded(canonical) != requested) return redirect(state, canonical);
    return render_entry(state, entry, comment_page, reader);
  };

  if (const auto m = snap.permalink().match(path)) {
    std::optional<content::Entry> found;
    if (m->id) {
      if (auto e = store_.entry_by_id(*m->id);
          e && visible(*e) && e->kind != content::EntryKind::kPage) {
        found = std::move(*e);
      }
    } else if (m->slug) {
      if (auto list = store_.entries_by_slug(*m->slug)) {
        for (auto& e : *list) {
          if (visible(e) && e.kind != content::EntryKind::kPage) {
            found = std::move(e);
            break;
          }
        }
      }
    }
    if (found) {
      // Another of the entry's categories, with the right slug and form, is as good as the
      // primary one: WordPress answered each of them.
      bool exact = false;
      const bool slash_ok = (path.back() == '/') == snap.trailing_slash();
      if (slash_ok && m->slug && decoded(util::percent_encode_path(found->slug)) == *m->slug &&
          m->category_path) {
        for (content::Id id : found->category_ids) {
          if (snap.category_path(id) == *m->category_path) exact = true;
        }
      }
      return answer(*found, exact);
    }
  }

  // A page, at /parent/child/.
  std::string_view trimmed(path);
  if (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
  const std::string slug(trimmed.substr(trimmed.rfind('/') + 1));
  if (!slug.empty()) {
    if (auto list = store_.entries_by_slug(slug)) {
      std::vector<content::Entry> pages;
      for (auto& e : *list) {
        if (visible(e) && e.kind == content::EntryKind::kPage) pages.push_back(std::move(e));
      }
      for (const auto& p : pages) {
        if (decoded(snap.entry_path(p)) == path) return answer(p, true);
      }
      if (pages.size() == 1) return answer(pages.front(), false);
    }
  }

  return not_found(state, path);
}

Response SiteHandler::not_found(const State& state, const std::string& path) {
  // An old address kept as a redirect: an entry's, a film's or a listing's old slug, or one
  // an editor added.
  for (const std::string& candidate :
       {path, path.back() == '/' ? path.substr(0, path.size() - 1) : path + "/"}) {
    auto r = store_.redirect_from(candidate);
    if (!r) continue;
    if (r->entry_id) {
      auto e = store_.entry_by_id(*r->entry_id);
      if (e && visible(*e)) return redirect(state, state.snapshot->entry_path(*e));
      return error_response(state, 404);
    }
    if (!r->to_path.empty()) return redirect(state, r->to_path);
  }
  return error_response(state, 404);
}

Response SiteHandler::render_entry(const State& state, const content::Entry& entry,
                                   int comment_page, const ReaderView& reader) {
  const std::string canonical = state.snapshot->entry_path(entry);
  return page(200, pages_.entry(context(state, canonical), entry, comment_page, reader), state);
}

Response SiteHandler::redirect(const State&, const std::string& location, int status) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Location", location);
  return r;
}

Response SiteHandler::page(int status, util::Result<RenderedPage> rendered, const State& state) {
  if (!rendered) {
    if (rendered.error().code == ErrorCode::kNotFound) return error_response(state, 404);
    std::cerr << "reelpress: cannot render a page: " << rendered.error().describe() << "\n";
    return error_response(state, 500);
  }
  Response r;
  r.status = status;
  r.body = make_body(std::move(rendered->html), rendered->last_modified, options_.compress);
  if (rendered->has_form) r.cache_control = kFormPageCacheControl;
  r.comments_of = std::move(rendered->comments_of);
  r.categories_shown = std::move(rendered->categories_shown);
  r.entries_shown = std::move(rendered->entries_shown);
  return r;
}

Response SiteHandler::error_response(const State& state, int status) {
  const std::string key = "\x01error:" + std::to_string(status);
  std::shared_ptr<const Body> body;
  if (auto hit = cache_.find(key)) {
    body = hit->body;
  } else {
    auto html = pages_.error(context(state, ""), status);
    if (!html) {
      std::cerr << "reelpress: cannot render the error page: " << html.error().describe() << "\n";
      body = make_body("<!DOCTYPE html><title>Error</title><p>" + error_text(status).first + "</p>",
                       0, false);
    } else {
      body = make_body(std::move(*html), 0, options_.compress);
      const std::size_t bytes = body->identity.size() + body->gzip.size() + body->brotli.size();
      cache_.insert(key, std::make_shared<CachedResponse>(CachedResponse{status, "", body, 0, {}}),
                    bytes);
    }
  }
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response SiteHandler::asset(const std::string& name) {
  const std::string key = "\x01asset:" + name;
  Response r;
  if (auto hit = cache_.find(key)) {
    r.content_type = hit->content_type;
    r.body = hit->body;
  } else {
    const render::Asset* a = theme_->asset(name);
    if (!a) return error_page(404);
    r.content_type = a->content_type;
    r.body = make_body(a->bytes, 0, options_.compress && a->content_type.starts_with("text/"));
    const std::size_t bytes = r.body->identity.size() + r.body->gzip.size() + r.body->brotli.size();
    cache_.insert(
        key, std::make_shared<CachedResponse>(CachedResponse{200, r.content_type, r.body, 0, {}}),
        bytes);
  }
  // Stylesheet URLs carry a version, so browsers may keep them for long.
  r.cache_control = "public, max-age=86400";
  return r;
}

}  // namespace reelpress::site
