#include "cli/demo_content.h"

#include <map>
#include <nlohmann/json.hpp>

#include "render/body.h"
#include "render/html_sanitizer.h"
#include "render/markdown.h"
#include "util/civil_time.h"
#include "util/embedded_file.h"

namespace reelpress::embedded {
const std::vector<util::EmbeddedFile>& demo_files();
}  // namespace reelpress::embedded

namespace reelpress::cli {
namespace {

using nlohmann::json;
using util::ErrorCode;

std::string_view demo_json() {
  for (const auto& f : embedded::demo_files()) {
    if (f.path == "demo.json") return f.bytes;
  }
  return {};
}

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

util::Result<util::UnixTime> time_of(const json& j, const char* key) {
  const auto t = util::parse_iso_time(str(j, key));
  if (!t) {
    return util::fail(ErrorCode::kInvalidArgument,
                      std::string("\"") + key + "\" is not an ISO date: \"" + str(j, key) + "\"");
  }
  return *t;
}

// Loads one document; every lookup by key or slug must resolve, or the whole load fails.
class Loader {
 public:
  Loader(store::Store& store, const util::Clock& clock) : store_(store), clock_(clock) {}

  util::Status load(const json& doc) {
    for (const json& u : doc.value("users", json::array())) {
      content::User user;
      user.login = str(u, "login");
      user.display_name = str(u, "display_name");
      user.role = content::parse_role(str(u, "role")).value_or(content::Role::kAuthor);
      user.created_at = clock_.now();
      auto id = store_.save_user(user);
      if (!id) return util::fail(id.error());
      users_[user.login] = *id;
    }
    for (const json& c : doc.value("categories", json::array())) {
      const std::string path = str(c, "path");
      content::Category cat;
      const std::size_t slash = path.rfind('/');
      cat.slug = path.substr(slash == std::string::npos ? 0 : slash + 1);
      cat.name = str(c, "name");
      cat.description = str(c, "description");
      if (slash != std::string::npos) {
        const auto parent = categories_.find(path.substr(0, slash));
        if (parent == categories_.end()) return missing("category", path.substr(0, slash));
        cat.parent_id = parent->second;
      }
      auto id = store_.save_category(cat);
      if (!id) return util::fail(id.error());
      categories_[path] = *id;
    }
    for (const json& t : doc.value("tags", json::array())) {
      auto id = store_.save_tag(content::Tag{0, str(t, "slug"), str(t, "name")});
      if (!id) return util::fail(id.error());
      tags_[str(t, "slug")] = *id;
    }
    int position = 0;
    for (const json& f : doc.value("films", json::array())) {
      content::Film film;
      film.slug = str(f, "slug");
      film.title = str(f, "title");
      film.air_date = str(f, "air_date");
      film.runtime_minutes = f.value("runtime_minutes", 0);
      film.synopsis = str(f, "synopsis");
      film.credits = str(f, "credits");
      film.position = ++position;
      for (const json& q : f.value("press_quotes", json::array())) {
        film.press_quotes.push_back({str(q, "text"), str(q, "source")});
      }
      auto id = store_.save_film(film);
      if (!id) return util::fail(id.error());
      films_[film.slug] = *id;
    }
    for (const json& o : doc.value("organizations", json::array())) {
      content::Organization org;
      org.name = str(o, "name");
      org.description = str(o, "description");
      org.url = str(o, "url");
      org.region = str(o, "region");
      org.focus = str(o, "focus");
      org.status = content::ModerationStatus::kApproved;
      org.created_at = clock_.now();
      auto id = store_.save_organization(org);
      if (!id) return util::fail(id.error());
      organizations_[str(o, "key")] = *id;
    }
    const json entries = doc.value("entries", json::array());
    for (const json& e : entries) pages_[str(e, "slug")] = e.value("id", 0);
    for (const json& e : entries) {
      if (auto s = load_entry(e); !s) {
        return util::fail(s.error().code, "entry " + str(e, "slug") + ": " + s.error().message);
      }
    }
    return {};
  }

 private:
  static util::Status missing(const char* what, const std::string& key) {
    return util::fail(ErrorCode::kInvalidArgument,
                      std::string("unknown ") + what + " \"" + key + "\"");
  }

  util::Status load_entry(const json& e) {
    content::Entry entry;
    entry.id = e.value("id", 0);
    entry.slug = str(e, "slug");
    entry.title = str(e, "title");
    entry.kicker = str(e, "kicker");
    const auto kind = content::parse_entry_kind(str(e, "kind"));
    if (!kind) return missing("kind", str(e, "kind"));
    entry.kind = *kind;
    entry.status = content::EntryStatus::kPublished;
    entry.body_format = content::BodyFormat::kMarkdown;
    entry.body = str(e, "body");
    auto published = time_of(e, "published");
    if (!published) return util::fail(published.error());
    entry.published_at = entry.modified_at = *published;
    entry.sticky = e.value("sticky", false);
    if (const std::string author = str(e, "author"); !author.empty()) {
      if (!users_.contains(author)) return missing("author", author);
      entry.author_id = users_[author];
    }
    if (const std::string film = str(e, "film"); !film.empty()) {
      if (!films_.contains(film)) return missing("film", film);
      entry.film_id = films_[film];
    }
    if (const std::string parent = str(e, "parent"); !parent.empty()) {
      if (!pages_.contains(parent)) return missing("parent page", parent);
      entry.parent_id = pages_[parent];
    }
    for (const json& c : e.value("categories", json::array())) {
      const std::string path = c.get<std::string>();
      if (!categories_.contains(path)) return missing("category", path);
      entry.category_ids.push_back(categories_[path]);
    }
    for (const json& t : e.value("tags", json::array())) {
      const std::string slug = t.get<std::string>();
      if (!tags_.contains(slug)) return missing("tag", slug);
      entry.tag_ids.push_back(tags_[slug]);
    }
    for (const json& o : e.value("organizations", json::array())) {
      const std::string key = o.get<std::string>();
      if (!organizations_.contains(key)) return missing("organization", key);
      entry.organization_ids.push_back(organizations_[key]);
    }
    for (const json& s : e.value("sections", json::array())) {
      entry.sections.push_back({str(s, "heading"), str(s, "body"), ""});
    }
    REELPRESS_RETURN_IF_ERROR(render::render_bodies(entry));
    auto id = store_.save_entry(entry);
    if (!id) return util::fail(id.error());

    std::map<int, content::Id> comment_ids;
    for (const json& c : e.value("comments", json::array())) {
      content::Comment comment;
      comment.id = c.value("id", 0);
      comment.entry_id = *id;
      comment.author_name = str(c, "author");
      comment.author_email = str(c, "email");
      comment.body_html = render::sanitize_html(render::plain_text_to_html(str(c, "body")),
                                                {.policy = render::SanitizerPolicy::kComment});
      const auto status = content::parse_moderation_status(str(c, "status"));
      if (!status) return missing("comment status", str(c, "status"));
      comment.status = *status;
      auto created = time_of(c, "date");
      if (!created) return util::fail(created.error());
      comment.created_at = *created;
      if (const int parent = c.value("parent", 0); parent != 0) comment.parent_id = parent;
      auto cid = store_.save_comment(comment);
      if (!cid) return util::fail(cid.error());
    }
    return {};
  }

  store::Store& store_;
  const util::Clock& clock_;
  std::map<std::string, content::Id> users_, categories_, tags_, films_, organizations_, pages_;
};

}  // namespace

util::Result<config::SiteSettings> demo_settings() {
  const json doc = json::parse(demo_json(), nullptr, false);
  if (doc.is_discarded()) return util::fail(ErrorCode::kCorrupt, "the built-in demo is not JSON");
  config::SiteSettings s;
  const json site = doc.value("site", json::object());
  s.title = str(site, "title");
  s.tagline = str(site, "tagline");
  s.producer = str(site, "producer");
  s.copyright_holder = str(site, "copyright_holder");
  return s;
}

util::Status load_content_json(store::Store& store, std::string_view text,
                               const util::Clock& clock) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return util::fail(ErrorCode::kInvalidArgument, "content is not a JSON object");
  }
  return store.transaction([&]() -> util::Status {
    try {
      return Loader(store, clock).load(doc);
    } catch (const json::exception& e) {
      return util::fail(ErrorCode::kInvalidArgument, std::string("content: ") + e.what());
    }
  });
}

util::Status load_demo_content(store::Store& store, const util::Clock& clock) {
  return load_content_json(store, demo_json(), clock);
}

}  // namespace reelpress::cli
