#include "site/pages.h"

#include <algorithm>
#include <unordered_map>

#include "render/markdown.h"
#include "site/form_fields.h"
#include "util/civil_time.h"
#include "util/text.h"

namespace reelpress::site {
namespace {

using content::Entry;
using content::EntryKind;
using util::ErrorCode;

constexpr std::size_t kDescriptionChars = 160;
constexpr std::size_t kExcerptChars = 280;

std::string kind_label(EntryKind kind) {
  switch (kind) {
    case EntryKind::kIntroduction: return "Introduction";
    case EntryKind::kOrganizations: return "Organizations";
    case EntryKind::kVideo: return "Full episode";
    case EntryKind::kTranscript: return "Interview";
    case EntryKind::kMap: return "Map";
    case EntryKind::kResources: return "Resources";
    case EntryKind::kLessonPlan: return "Lesson plan";
    case EntryKind::kArticle: return "Article";
    case EntryKind::kPage: return "Page";
  }
  return "Page";
}

std::string air_date_label(const std::string& iso) {
  const auto t = util::parse_iso_time(iso);
  return t ? util::format_long_date(*t) : iso;
}

mstch::map site_view(const PageContext& ctx, const render::Theme& theme) {
  const config::SiteSettings& s = ctx.settings;
  mstch::array nav;
  for (const NavItem& item : ctx.snapshot.nav()) {
    nav.push_back(
        mstch::map{{"title", item.title}, {"url", item.url}, {"current", item.url == ctx.path}});
  }
  const std::vector<std::string_view> banner_lines = util::split(s.banner, '\n');
  mstch::array detail;
  for (std::size_t i = 1; i < banner_lines.size(); ++i) {
    if (!util::trim(banner_lines[i]).empty()) detail.push_back(std::string(banner_lines[i]));
  }
  std::string stylesheet = "/theme/style.css";
  if (const render::Asset* css = theme.asset("style.css")) stylesheet += "?v=" + css->version;
  return mstch::map{
      {"title", s.title},
      {"tagline", s.tagline},
      {"language", s.language},
      {"producer", s.producer},
      {"copyright_holder", s.copyright_holder},
      {"year", std::to_string(ctx.year)},
      {"archived", s.archived},
      {"banner_headline", std::string(banner_lines.empty() ? "" : banner_lines[0])},
      {"banner_detail", detail},
      {"nav", nav},
      {"stylesheet", stylesheet},
  };
}

// The view every template starts from: the site, the page title, the canonical URL.
mstch::map page_view(const PageContext& ctx, const render::Theme& theme, std::string title,
                     std::string body_class) {
  return mstch::map{
      {"site", site_view(ctx, theme)},
      {"page_title", std::move(title)},
      {"canonical_url", ctx.settings.base_url + ctx.path},
      {"body_class", std::move(body_class)},
  };
}

std::string excerpt_of(const Entry& e, std::size_t max_chars) {
  if (!e.password.empty()) return "";
  if (!util::trim(e.excerpt).empty()) return std::string(util::trim(e.excerpt));
  std::string source = e.body_html;
  for (const content::Section& s : e.sections) {
    if (source.size() > max_chars * 4) break;
    source += s.body_html;
  }
  return render::html_to_text(source, max_chars);
}

mstch::map entry_summary_view(const Entry& e, const Snapshot& snapshot, int comment_count) {
  return mstch::map{
      {"title", e.title},
      {"kicker", e.kicker},
      {"kind", std::string(content::to_string(e.kind))},
      {"url", snapshot.entry_path(e)},
      {"date", util::format_long_date(e.published_at)},
      {"date_iso", util::format_iso_time(e.published_at)},
      {"excerpt", excerpt_of(e, kExcerptChars)},
      {"comment_count", comment_count},
      {"comment_count_label",
       std::to_string(comment_count) + (comment_count == 1 ? " comment" : " comments")},
  };
}

std::vector<content::Id> ids_of(const std::vector<Entry>& entries) {
  std::vector<content::Id> ids;
  ids.reserve(entries.size());
  for (const Entry& e : entries) ids.push_back(e.id);
  return ids;
}

util::Result<mstch::array> summaries(store::Store& store, const Snapshot& snapshot,
                                     const std::vector<Entry>& entries) {
  mstch::array out;
  for (const Entry& e : entries) {
    auto count = store.approved_comment_count(e.id);
    if (!count) return util::fail(count.error());
    out.push_back(entry_summary_view(e, snapshot, *count));
  }
  return out;
}

// Pagination links for page `current` of `total` under `base`; an empty node for one page.
mstch::node pagination_view(const std::string& base, int current, int total) {
  if (total <= 1) return false;
  mstch::map p{{"current", current}, {"total", total}};
  if (current > 1) p["newer_url"] = paged_path(base, current - 1);
  if (current < total) p["older_url"] = paged_path(base, current + 1);
  return p;
}

int page_count(int total, int per_page) { return std::max(1, (total + per_page - 1) / per_page); }

mstch::array press_quotes_view(const content::Film& film) {
  mstch::array quotes;
  for (const content::PressQuote& q : film.press_quotes) {
    quotes.push_back(mstch::map{{"text", q.text}, {"source", q.source}});
  }
  return quotes;
}

// Approved comments as a tree for one page of top-level threads.
struct CommentTree {
  mstch::array threads;
  int top_level_total = 0;
};

// How comments are shown: thread depth, and whether each gets a "Reply" link.
struct ThreadStyle {
  int max_depth = 5;
  bool replies_open = false;
};

CommentTree comment_tree(const std::vector<content::Comment>& comments, int page, int per_page,
                         const ThreadStyle& style) {
  std::unordered_map<content::Id, const content::Comment*> by_id;
  for (const auto& c : comments) by_id[c.id] = &c;
  // Each comment's displayed parent: its parent, or the nearest ancestor within the depth
  // limit; a reply whose parent is not shown (pending, spam) is shown as a top-level comment.
  std::unordered_map<content::Id, std::vector<const content::Comment*>> children;
  std::vector<const content::Comment*> roots;
  for (const auto& c : comments) {
    std::vector<content::Id> chain;
    for (auto p = c.parent_id; p && by_id.contains(*p) && chain.size() < 1000;
         p = by_id[*p]->parent_id) {
      chain.push_back(*p);
    }
    if (chain.empty()) {
      roots.push_back(&c);
      continue;
    }
    // chain[0] is the parent, chain.back() the root. Depth of c = chain.size() + 1. With a
    // depth of 1 every comment is shown at the top level.
    const std::size_t max_parent_depth = static_cast<std::size_t>(style.max_depth - 1);
    if (max_parent_depth == 0) {
      roots.push_back(&c);
      continue;
    }
    const std::size_t skip = chain.size() > max_parent_depth ? chain.size() - max_parent_depth : 0;
    children[chain[skip]].push_back(&c);
  }

  const std::function<mstch::map(const content::Comment&, int)> view =
      [&](const content::Comment& c, int depth) {
        mstch::array replies;
        if (const auto it = children.find(c.id); it != children.end()) {
          for (const content::Comment* r : it->second) replies.push_back(view(*r, depth + 1));
        }
        const bool has_replies = !replies.empty();
        // Every comment sets reply_url, even to nothing: Mustache would otherwise find the
        // enclosing comment's link for a reply that may not have one.
        const bool can_reply = style.replies_open && depth < style.max_depth;
        return mstch::map{
            {"id", std::to_string(c.id)},
            {"reply_url",
             can_reply ? "?replytocom=" + std::to_string(c.id) + "#respond" : std::string()},
            {"author", c.author_name.empty() ? std::string("Anonymous") : c.author_name},
            {"author_url", c.author_url},
            {"date", util::format_long_date(c.created_at)},
            {"date_iso", util::format_iso_time(c.created_at)},
            {"body_html", c.body_html},
            {"has_replies", has_replies},
            {"replies", std::move(replies)},
        };
      };

  CommentTree tree;
  tree.top_level_total = static_cast<int>(roots.size());
  const std::size_t begin = static_cast<std::size_t>((page - 1) * per_page);
  for (std::size_t i = begin; i < roots.size() && i < begin + per_page; ++i) {
    tree.threads.push_back(view(*roots[i], 1));
  }
  return tree;
}

mstch::array term_list(const std::vector<mstch::map>& items) {
  mstch::array out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    mstch::map item = items[i];
    item["last"] = i + 1 == items.size();
    out.push_back(std::move(item));
  }
  return out;
}

// The comment form's view (templates/comment_form.mustache). Every key is set, so that
// Mustache never finds a value of the enclosing page instead.
mstch::map comment_form_view(const FormDraft& d, const std::string& reply_to_name,
                             const std::string& cancel_url) {
  return mstch::map{
      {"entry_id", std::to_string(d.entry_id)},
      {"parent_id", d.parent_id ? std::to_string(*d.parent_id) : std::string("0")},
      {"token", d.token},
      {"name", d.author_name},
      {"email", d.author_email},
      {"text", d.text},
      {"reply_to_name", reply_to_name},
      {"cancel_url", cancel_url},
      {"max_name", static_cast<int>(form::kMaxAuthorChars)},
      {"max_email", static_cast<int>(form::kMaxEmailChars)},
      {"max_text", static_cast<int>(form::kMaxCommentChars)},
  };
}

// The suggestion form's view (templates/organization_form.mustache); every key is set.
mstch::map organization_form_view(const FormDraft& d, const std::string& notice, bool open) {
  return mstch::map{
      {"open", open},
      {"notice", notice},
      {"entry_id", std::to_string(d.entry_id)},
      {"token", d.token},
      {"org_name", d.org_name},
      {"org_url", d.org_url},
      {"org_description", d.org_description},
      {"org_region", d.org_region},
      {"max_org_name", static_cast<int>(form::kMaxOrgNameChars)},
      {"max_org_url", static_cast<int>(form::kMaxOrgUrlChars)},
      {"max_org_description", static_cast<int>(form::kMaxOrgDescriptionChars)},
      {"max_org_region", static_cast<int>(form::kMaxOrgRegionChars)},
  };
}

// Lines in a read-only textarea: enough to show short text whole, capped for long text.
int rows_for(const std::string& text) {
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  return std::clamp(lines + static_cast<int>(text.size() / 80), 2, 20);
}

}  // namespace

bool accepts_submissions(const content::Entry& entry, const config::SiteSettings& settings,
                         util::UnixTime now) {
  if (entry.status != content::EntryStatus::kPublished || !entry.password.empty()) return false;
  if (!entry.comments_open || !settings.comments_enabled || settings.archived || settings.offline) {
    return false;
  }
  if (settings.comments_close_after_days > 0 &&
      now - entry.published_at >= std::int64_t{settings.comments_close_after_days} * 86400) {
    return false;
  }
  return true;
}

std::pair<std::string, std::string> error_text(int status) {
  switch (status) {
    case 400: return {"Bad request", "The request could not be understood."};
    case 403: return {"Not allowed", "This action is not available on this site."};
    case 404:
      return {"Page not found",
              "There is no page at this address. It may have moved, or the link may be mistyped."};
    case 405: return {"Method not allowed", "This address does not accept that kind of request."};
    case 408: return {"Request timeout", "The request took too long to arrive."};
    case 413: return {"Too large", "What was sent is larger than this site accepts."};
    case 429: return {"Too many requests", "Please wait a little and try again."};
    case 431:
      return {"Headers too large", "The request's headers are larger than this site accepts."};
    default:
      return {"Something went wrong", "The page could not be shown. Please try again later."};
  }
}

util::Result<RenderedPage> Pages::home(const PageContext& ctx, int page) const {
  store::EntryQuery q;
  q.sticky_first = true;
  q.limit = ctx.settings.posts_per_page;
  q.offset = (page - 1) * q.limit;
  auto list = store_.list_entries(q);
  if (!list) return util::fail(list.error());
  const int pages = page_count(list->total, q.limit);
  if (page > pages) return util::fail(ErrorCode::kNotFound, "no page " + std::to_string(page));

  mstch::map view =
      page_view(ctx, *theme_, page == 1 ? "" : "Page " + std::to_string(page), "home");
  if (page == 1) view["page_title"] = std::string();
  mstch::array films;
  for (const content::Film& f : ctx.snapshot.films()) {
    films.push_back(mstch::map{
        {"title", f.title},
        {"url", ctx.snapshot.film_url(f)},
        {"synopsis", f.synopsis},
        {"air_date", f.air_date.empty() ? std::string() : air_date_label(f.air_date)},
        {"air_date_iso", f.air_date},
        {"runtime", f.runtime_minutes},
    });
  }
  view["show_films"] = page == 1 && !films.empty();
  view["films"] = std::move(films);
  auto entries = summaries(store_, ctx.snapshot, list->entries);
  if (!entries) return util::fail(entries.error());
  view["entries"] = std::move(*entries);
  view["pagination"] = pagination_view("/", page, pages);
  view["meta_description"] = ctx.settings.tagline;
  auto html = theme_->render("home", view);
  if (!html) return util::fail(html.error());
  return RenderedPage{.html = std::move(*html),
                      .comments_of = ids_of(list->entries),
                      .entries_shown = ids_of(list->entries)};
}

util::Result<RenderedPage> Pages::listing(const PageContext& ctx, const ListingRoute& r) const {
  store::EntryQuery q;
  q.limit = ctx.settings.posts_per_page;
  q.offset = (r.page - 1) * q.limit;
  std::string kind, title, description;
  switch (r.kind) {
    case ListingRoute::Kind::kCategory: {
      std::string path;
      for (const std::string& s : r.slugs) path += (path.empty() ? "" : "/") + s;
      const content::Category* c = ctx.snapshot.category_by_path(path);
      if (!c) return util::fail(ErrorCode::kNotFound, "no category " + path);
      q.category_id = c->id;
      kind = "Category";
      title = c->name;
      description = c->description;
      break;
    }
    case ListingRoute::Kind::kTag: {
      auto tag = store_.tag_by_slug(r.slugs.at(0));
      if (!tag) return util::fail(tag.error());
      q.tag_id = tag->id;
      kind = "Tag";
      title = tag->name;
      break;
    }
    case ListingRoute::Kind::kDate: {
      util::CivilTime from{r.year, r.month ? r.month : 1, r.day ? r.day : 1, 0, 0, 0};
      util::CivilTime until = from;
      if (r.day) {
        until.day += 1;  // from_civil normalises day overflow through the day count.
      } else if (r.month) {
        until.month = r.month == 12 ? 1 : r.month + 1;
        until.year = r.month == 12 ? r.year + 1 : r.year;
      } else {
        until.year += 1;
      }
      q.published_from = util::from_civil(from);
      q.published_until = util::from_civil(until);
      kind = "Archive";
      title = r.day     ? util::format_long_date(*q.published_from)
              : r.month ? std::string(util::month_name(r.month)) + " " + std::to_string(r.year)
                        : std::to_string(r.year);
      break;
    }
  }
  auto list = store_.list_entries(q);
  if (!list) return util::fail(list.error());
  if (r.kind == ListingRoute::Kind::kDate && list->total == 0) {
    return util::fail(ErrorCode::kNotFound, "nothing published in " + title);
  }
  const int pages = page_count(list->total, q.limit);
  if (r.page > pages) return util::fail(ErrorCode::kNotFound, "no page " + std::to_string(r.page));

  mstch::map view = page_view(ctx, *theme_, title, "listing");
  view["listing"] = mstch::map{{"kind", kind}, {"title", title}, {"description", description}};
  auto entries = summaries(store_, ctx.snapshot, list->entries);
  if (!entries) return util::fail(entries.error());
  view["entries"] = std::move(*entries);
  view["pagination"] = pagination_view(listing_base_path(r), r.page, pages);
  view["meta_description"] = description;
  auto html = theme_->render("listing", view);
  if (!html) return util::fail(html.error());
  std::vector<content::Id> categories_shown;
  if (q.category_id) categories_shown.push_back(*q.category_id);
  return RenderedPage{.html = std::move(*html),
                      .comments_of = ids_of(list->entries),
                      .categories_shown = std::move(categories_shown),
                      .entries_shown = ids_of(list->entries)};
}

util::Result<RenderedPage> Pages::film(const PageContext& ctx, const content::Film& film) const {
  store::EntryQuery q;
  q.film_id = film.id;
  q.kinds = content::all_entry_kinds();
  q.oldest_first = true;
  q.limit = 200;
  auto list = store_.list_entries(q);
  if (!list) return util::fail(list.error());
  // Companion pages in the order a reader wants them: introduction first, then by kind.
  std::stable_sort(list->entries.begin(), list->entries.end(), [](const Entry& a, const Entry& b) {
    const auto& order = content::all_entry_kinds();
    return std::find(order.begin(), order.end(), a.kind) <
           std::find(order.begin(), order.end(), b.kind);
  });
  mstch::array entries;
  for (const Entry& e : list->entries) {
    entries.push_back(mstch::map{{"title", e.title},
                                 {"url", ctx.snapshot.entry_path(e)},
                                 {"kind", std::string(content::to_string(e.kind))},
                                 {"kind_label", kind_label(e.kind)}});
  }
  mstch::array credits;
  for (std::string_view line : util::split(film.credits, '\n')) {
    if (!util::trim(line).empty()) credits.push_back(std::string(util::trim(line)));
  }
  mstch::map view = page_view(ctx, *theme_, film.title, "film");
  const bool has_entries = !entries.empty(), has_credits = !credits.empty();
  view["film"] = mstch::map{
      {"title", film.title},
      {"synopsis", film.synopsis},
      {"air_date", film.air_date.empty() ? std::string() : air_date_label(film.air_date)},
      {"air_date_iso", film.air_date},
      {"runtime", film.runtime_minutes},
      {"has_press_quotes", !film.press_quotes.empty()},
      {"press_quotes", press_quotes_view(film)},
      {"has_entries", has_entries},
      {"entries", std::move(entries)},
      {"has_credits", has_credits},
      {"credits", std::move(credits)},
  };
  view["meta_description"] =
      film.synopsis.substr(0, std::min<std::size_t>(film.synopsis.size(), 300));
  auto html = theme_->render("film", view);
  if (!html) return util::fail(html.error());
  return RenderedPage{.html = std::move(*html), .entries_shown = ids_of(list->entries)};
}

util::Result<RenderedPage> Pages::entry(const PageContext& ctx, const Entry& e, int comment_page,
                                        const ReaderView& reader) const {
  util::UnixTime last_modified = std::max(e.modified_at, e.published_at);
  const bool is_page = e.kind == EntryKind::kPage;
  const bool is_protected = !e.password.empty();

  mstch::map entry{
      {"title", e.title},
      {"kicker", e.kicker},
      {"kind", std::string(content::to_string(e.kind))},
      {"is_page", is_page},
      {"protected", is_protected},
      {"date", util::format_long_date(e.published_at)},
      {"date_iso", util::format_iso_time(e.published_at)},
      {"body_html", e.body_html},
  };
  if (e.author_id) {
    if (const content::User* u = ctx.snapshot.user(*e.author_id)) entry["author"] = u->display_name;
  }
  if (e.film_id) {
    if (const content::Film* f = ctx.snapshot.film(*e.film_id)) {
      entry["film_url"] = ctx.snapshot.film_url(*f);
      if (e.kind == EntryKind::kIntroduction) {
        entry["has_press_quotes"] = !f->press_quotes.empty();
        entry["press_quotes"] = press_quotes_view(*f);
      }
    }
  }
  mstch::array sections;
  for (const content::Section& s : e.sections) {
    sections.push_back(mstch::map{{"heading", s.heading}, {"body_html", s.body_html}});
  }
  entry["sections"] = std::move(sections);

  if (!e.organization_ids.empty() || e.kind == EntryKind::kOrganizations) {
    // An entry not saved yet (an admin preview, id 0) has no stored relations.
    auto orgs = e.id == 0 ? util::Result<std::vector<content::Organization>>()
                          : store_.organizations_for_entry(e.id);
    if (!orgs) return util::fail(orgs.error());
    mstch::array list;
    for (const content::Organization& o : *orgs) {
      const bool url_ok = o.url.starts_with("https://") || o.url.starts_with("http://");
      list.push_back(mstch::map{{"name", o.name},
                                {"url", url_ok ? o.url : std::string()},
                                {"description", o.description},
                                {"region", o.region},
                                {"focus", o.focus},
                                {"region_or_focus", !o.region.empty() || !o.focus.empty()},
                                {"both", !o.region.empty() && !o.focus.empty()}});
    }
    entry["has_organizations"] = !list.empty();
    entry["organizations"] = std::move(list);
  }

  std::vector<content::Id> entries_shown = {e.id};
  if (is_page) {
    auto children = e.id == 0 ? util::Result<std::vector<Entry>>()
                              : store_.child_pages(e.id, content::EntryStatus::kPublished);
    if (!children) return util::fail(children.error());
    mstch::array list;
    for (const Entry& c : *children) {
      list.push_back(mstch::map{{"title", c.title}, {"url", ctx.snapshot.entry_path(c)}});
      entries_shown.push_back(c.id);
    }
    entry["has_children"] = !list.empty();
    entry["children"] = std::move(list);
  }

  std::vector<mstch::map> categories, tags;
  for (content::Id id : e.category_ids) {
    if (const content::Category* c = ctx.snapshot.category(id)) {
      categories.push_back(mstch::map{{"name", c->name}, {"url", ctx.snapshot.category_url(id)}});
    }
  }
  for (content::Id id : e.tag_ids) {
    if (const content::Tag* t = ctx.snapshot.tag(id)) {
      tags.push_back(mstch::map{{"name", t->name}, {"url", ctx.snapshot.tag_url(id)}});
    }
  }
  entry["has_categories"] = !categories.empty();
  entry["has_tags"] = !tags.empty();
  entry["has_terms"] = !categories.empty() || !tags.empty();
  entry["categories"] = term_list(categories);
  entry["tags"] = term_list(tags);

  mstch::map view =
      page_view(ctx, *theme_, e.title, "entry kind-" + std::string(content::to_string(e.kind)));
  view["meta_description"] = excerpt_of(e, kDescriptionChars);

  // Comments: shown whenever there are approved ones, whatever the comment policy; the
  // policy only decides whether new ones are taken, and so whether the forms are shown.
  auto comments = e.id == 0 ? util::Result<std::vector<content::Comment>>()
                            : store_.comments_for_entry(e.id, content::ModerationStatus::kApproved);
  if (!comments) return util::fail(comments.error());
  for (const auto& c : *comments) last_modified = std::max(last_modified, c.created_at);
  const bool open = accepts_submissions(e, ctx.settings, ctx.now);
  const bool forms = open && ctx.tokens != nullptr;
  bool has_form = false;

  if (e.kind == EntryKind::kOrganizations && !is_protected && (forms || reader.suggestion_notice)) {
    FormDraft draft;
    draft.kind = FormKind::kOrganization;
    draft.entry_id = e.id;
    if (forms) draft.token = ctx.tokens->issue(FormKind::kOrganization, e.id, ctx.now);
    has_form = forms;
    view["suggest"] = organization_form_view(
        draft,
        reader.suggestion_notice
            ? "Thank you: your suggestion is awaiting moderation and will appear in the list "
              "once it has been checked."
            : "",
        forms);
  }

  if (!is_protected && (!comments->empty() || open || !reader.comment_notice.empty())) {
    const int per_page = ctx.settings.comments_per_page;
    const int page = comment_page == 0 ? 1 : comment_page;
    CommentTree tree = comment_tree(*comments, page, per_page,
                                    ThreadStyle{ctx.settings.comment_thread_depth, forms});
    // Pages of threads as shown: a reply whose parent is not shown, and every comment when
    // threads are off, starts a thread of its own.
    const int pages = page_count(tree.top_level_total, per_page);
    if (page > pages)
      return util::fail(ErrorCode::kNotFound, "no comment page " + std::to_string(page));
    const std::size_t n = comments->size();
    std::string heading = n == 0   ? "Comments"
                          : n == 1 ? "1 Comment"
                                   : std::to_string(n) + " Comments";
    std::string closed_note;
    if (!open) {
      closed_note = ctx.settings.archived  ? "Comments are closed: this site is archived."
                    : ctx.settings.offline ? "This is an offline copy: comments cannot be sent "
                                             "from it."
                                           : "Comments are closed.";
    }
    const std::string entry_path = ctx.snapshot.entry_path(e);
    mstch::node pagination = false;
    if (pages > 1) {
      mstch::map p{{"current", page}, {"total", pages}};
      const auto page_url = [&](int n_page) {
        return n_page == 1 ? entry_path
                           : entry_path + "comment-page-" + std::to_string(n_page) + "/";
      };
      if (page > 1) p["newer_url"] = page_url(page - 1);
      if (page < pages) p["older_url"] = page_url(page + 1);
      pagination = p;
    }
    std::string notice;
    if (reader.comment_notice == "pending") {
      notice =
          "Thank you: your comment is awaiting moderation and will appear once a moderator "
          "has read it.";
    } else if (reader.comment_notice == "published") {
      notice = "Thank you: your comment is published.";
    }
    mstch::node form = false;
    if (forms) {
      FormDraft draft;
      draft.entry_id = e.id;
      draft.token = ctx.tokens->issue(FormKind::kComment, e.id, ctx.now);
      std::string reply_to_name;
      if (reader.reply_to && ctx.settings.comment_thread_depth > 1) {
        for (const content::Comment& c : *comments) {
          if (c.id != *reader.reply_to) continue;
          draft.parent_id = c.id;
          reply_to_name = c.author_name.empty() ? std::string("Anonymous") : c.author_name;
        }
      }
      form = comment_form_view(draft, reply_to_name, entry_path + "#respond");
      has_form = true;
    }
    view["comments"] = mstch::map{
        {"heading", heading},
        {"has_comments", !tree.threads.empty()},
        {"thread", std::move(tree.threads)},
        {"closed_note", closed_note},
        {"pagination", pagination},
        {"notice", notice},
        {"form", form},
    };
  } else if (comment_page > 1) {
    return util::fail(ErrorCode::kNotFound, "no comment page " + std::to_string(comment_page));
  }
  view["entry"] = std::move(entry);
  auto html = theme_->render("entry", view);
  if (!html) return util::fail(html.error());
  return RenderedPage{.html = std::move(*html),
                      .last_modified = last_modified,
                      .has_form = has_form,
                      .comments_of = {e.id},
                      .categories_shown = e.category_ids,
                      .entries_shown = std::move(entries_shown)};
}

util::Result<std::string> Pages::submission_problem(const PageContext& ctx,
                                                    const SubmissionProblem& problem) const {
  mstch::map view = page_view(ctx, *theme_, problem.title, "submission-problem");
  view["canonical_url"] = std::string();
  view["noindex"] = true;
  const FormDraft& d = problem.draft;
  const bool comment = d.kind == FormKind::kComment;
  mstch::node comment_form = false, organization_form = false, kept = false;
  if (problem.show_form && comment) {
    comment_form = comment_form_view(d, "", problem.entry_url + "#respond");
  } else if (problem.show_form) {
    organization_form = organization_form_view(d, "", true);
  } else {
    mstch::array fields;
    const auto keep = [&](const char* id, const char* label, const std::string& value) {
      if (value.empty()) return;
      fields.push_back(mstch::map{{"id", std::string(id)},
                                  {"label", std::string(label)},
                                  {"value", value},
                                  {"rows", rows_for(value)}});
    };
    if (comment) {
      keep("author", "Name", d.author_name);
      keep("email", "Email", d.author_email);
      keep("comment", "Comment", d.text);
    } else {
      keep("org-name", "Name of the organization", d.org_name);
      keep("org-url", "Website", d.org_url);
      keep("org-description", "What it does", d.org_description);
      keep("org-region", "Region", d.org_region);
    }
    if (!fields.empty()) kept = mstch::map{{"fields", std::move(fields)}};
  }
  mstch::array messages;
  for (const std::string& m : problem.messages) messages.push_back(m);
  view["problem"] = mstch::map{
      {"title", problem.title},
      {"has_messages", !messages.empty()},
      {"messages", std::move(messages)},
      {"comment_form", comment_form},
      {"organization_form", organization_form},
      {"kept", kept},
      {"entry_title", problem.entry_title},
      {"entry_url", problem.entry_url},
  };
  return theme_->render("submission", view);
}

util::Result<std::string> Pages::error(const PageContext& ctx, int status) const {
  const auto [title, message] = error_text(status);
  mstch::map view = page_view(ctx, *theme_, title, "error");
  view["canonical_url"] = std::string();
  view["noindex"] = true;
  view["error"] = mstch::map{{"title", title}, {"message", message}, {"status", status}};
  return theme_->render("error", view);
}

}  // namespace reelpress::site
