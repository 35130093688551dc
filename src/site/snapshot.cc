#include "site/snapshot.h"

#include "util/civil_time.h"
#include "util/text.h"

namespace reelpress::site {

util::Result<std::shared_ptr<const Snapshot>> Snapshot::load(store::Store& store,
                                                             const config::SiteSettings& settings) {
  auto pattern = content::PermalinkPattern::parse(settings.permalink);
  if (!pattern) return util::fail(pattern.error());
  std::shared_ptr<Snapshot> s(new Snapshot(std::move(*pattern)));

  // Read the counter first: a write racing with the loads below makes the snapshot look
  // older than it is, so it is reloaded again; never the other way round.
  auto counter = store.change_counter();
  if (!counter) return util::fail(counter.error());
  s->change_counter_ = *counter;

  auto categories = store.categories();
  if (!categories) return util::fail(categories.error());
  for (auto& c : *categories) s->categories_.emplace(c.id, c);
  for (const auto& [id, c] : s->categories_) {
    std::vector<std::string> chain;
    const content::Category* at = &c;
    // Walk to the root; the depth bound guards against a cycle in bad data.
    for (int depth = 0; at && depth < 64; ++depth) {
      chain.push_back(at->slug);
      at = at->parent_id ? s->category(*at->parent_id) : nullptr;
    }
    std::string path;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (!path.empty()) path += '/';
      path += *it;
    }
    s->category_paths_[id] = path;
    s->category_by_path_[path] = id;
  }

  auto tags = store.tags();
  if (!tags) return util::fail(tags.error());
  for (auto& t : *tags) s->tags_.emplace(t.id, t);

  auto films = store.films();
  if (!films) return util::fail(films.error());
  s->films_ = std::move(*films);
  for (std::size_t i = 0; i < s->films_.size(); ++i) {
    s->film_index_[s->films_[i].id] = i;
    s->film_by_slug_[s->films_[i].slug] = i;
  }

  auto users = store.users();
  if (!users) return util::fail(users.error());
  for (auto& u : *users) s->users_.emplace(u.id, u);

  // Page paths, breadth first from the top so that parents' paths exist first. A published
  // page keeps its full path when a parent is a draft or private, as WordPress built it, so
  // every status is walked; only published top-level pages go in the navigation.
  std::vector<std::pair<std::optional<Id>, std::string>> queue = {{std::nullopt, ""}};
  for (std::size_t i = 0; i < queue.size() && i < 100000; ++i) {
    for (content::EntryStatus status :
         {content::EntryStatus::kPublished, content::EntryStatus::kDraft,
          content::EntryStatus::kPrivate, content::EntryStatus::kScheduled}) {
      auto children = store.child_pages(queue[i].first, status);
      if (!children) {
        // A parent that no longer exists has no children to walk.
        if (children.error().code == util::ErrorCode::kNotFound) continue;
        return util::fail(children.error());
      }
      for (const content::Entry& page : *children) {
        if (s->page_paths_.contains(page.id)) continue;
        std::string path = queue[i].second + "/" + util::percent_encode_path(page.slug);
        s->page_paths_[page.id] = path + (s->trailing_slash() ? "/" : "");
        if (!queue[i].first && status == content::EntryStatus::kPublished) {
          s->nav_.push_back({page.title, s->page_paths_[page.id]});
        }
        queue.emplace_back(page.id, path);
      }
    }
  }
  return std::shared_ptr<const Snapshot>(std::move(s));
}

const content::Category* Snapshot::category(Id id) const {
  const auto it = categories_.find(id);
  return it == categories_.end() ? nullptr : &it->second;
}

const content::Category* Snapshot::category_by_path(const std::string& path) const {
  const auto it = category_by_path_.find(path);
  return it == category_by_path_.end() ? nullptr : category(it->second);
}

std::string Snapshot::category_path(Id id) const {
  const auto it = category_paths_.find(id);
  return it == category_paths_.end() ? std::string() : it->second;
}

const content::Tag* Snapshot::tag(Id id) const {
  const auto it = tags_.find(id);
  return it == tags_.end() ? nullptr : &it->second;
}

const content::Film* Snapshot::film(Id id) const {
  const auto it = film_index_.find(id);
  return it == film_index_.end() ? nullptr : &films_[it->second];
}

const content::Film* Snapshot::film_by_slug(const std::string& slug) const {
  const auto it = film_by_slug_.find(slug);
  return it == film_by_slug_.end() ? nullptr : &films_[it->second];
}

const content::User* Snapshot::user(Id id) const {
  const auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

std::string Snapshot::entry_path(const content::Entry& entry) const {
  if (entry.kind == content::EntryKind::kPage) {
    if (const auto it = page_paths_.find(entry.id); it != page_paths_.end()) return it->second;
    // A page that is not published (or whose parent is not): its own slug alone.
    return content::page_path({entry.slug}, trailing_slash());
  }
  const util::CivilTime t = util::to_civil(entry.published_at);
  content::PermalinkFields f;
  f.id = entry.id;
  f.slug = entry.slug;
  if (!entry.category_ids.empty()) f.category_path = category_path(entry.category_ids.front());
  if (entry.author_id) {
    if (const content::User* u = user(*entry.author_id)) f.author = u->login;
  }
  f.year = t.year;
  f.month = t.month;
  f.day = t.day;
  f.hour = t.hour;
  f.minute = t.minute;
  f.second = t.second;
  return permalink_.build(f);
}

std::string Snapshot::category_url(Id id) const {
  return "/category/" + util::percent_encode_path(category_path(id)) + "/";
}

std::string Snapshot::tag_url(Id id) const {
  const content::Tag* t = tag(id);
  return t ? "/tag/" + util::percent_encode_path(t->slug) + "/" : "/";
}

std::string Snapshot::film_url(const content::Film& film) const {
  return "/films/" + util::percent_encode_path(film.slug) + "/";
}

}  // namespace reelpress::site
