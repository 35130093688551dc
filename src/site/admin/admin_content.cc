// The admin's editors of the site's smaller tables: films (with press quotes), categories,
// tags, organizations and redirects. Each is a list and a form; a new slug keeps the old
// address working through a stored redirect.
#include <algorithm>
#include <iostream>
#include <map>

#include "site/admin/admin_call.h"
#include "site/admin/admin_handler.h"
#include "util/civil_time.h"

namespace reelpress::site::admin {

using content::Id;
using content::ModerationStatus;
using util::ErrorCode;

namespace {

constexpr std::size_t kMaxNameChars = 300;
constexpr std::size_t kMaxTextChars = 20000;

std::string trimmed(const ParsedForm& form, std::string_view name) {
  return std::string(util::trim(form.value(name)));
}

// The slug typed, or one made from the name; never empty.
std::string slug_from(const ParsedForm& form, const std::string& name) {
  const std::string typed = trimmed(form, "slug");
  std::string slug = util::slugify(typed.empty() ? name : typed);
  if (util::code_points(slug) > 200) slug.resize(util::offset_after_code_points(slug, 200));
  return slug;
}

std::string saved_notice(const Request& request) {
  return util::form_value(request.query, "saved") == "1" ? "Saved." : "";
}

}  // namespace

SaveProblem save_problem(const util::Error& e, std::string_view what) {
  const std::string thing(what);
  switch (e.code) {
    case ErrorCode::kConflict:
      return {409, "Another " + thing + " has this slug. Choose another slug."};
    case ErrorCode::kNoSpace:
      std::cerr << "reelpress: cannot save a " << thing << ": " << e.describe() << "\n";
      return {503,
              "The server's disk is full: nothing was saved. Save again once the site's "
              "administrator has freed some space."};
    default:
      std::cerr << "reelpress: cannot save a " << thing << ": " << e.describe() << "\n";
      return {status_for(e.code), "The " + thing + " could not be saved. Nothing was changed."};
  }
}

void AdminHandler::keep_old_address(const std::string& old_path, const std::string& new_path) {
  if (old_path.empty() || old_path == new_path) return;
  content::Redirect redirect;
  redirect.from_path = old_path;
  redirect.to_path = new_path;
  if (auto s = store_.save_redirect(redirect); !s) {
    std::cerr << "reelpress: cannot keep the old address " << old_path << ": "
              << s.error().describe() << "\n";
  }
}

Response AdminHandler::content(Call& call, const std::vector<std::string_view>& parts) {
  const std::string_view kind = parts[0];
  if (kind == "redirects") return parts.size() == 1 ? redirects(call) : site_.error_page(404);
  std::optional<Id> id;
  bool is_new = false;
  if (parts.size() == 2) {
    is_new = parts[1] == "new";
    id = parse_id(parts[1]);
    if (!is_new && !id) return site_.error_page(404);
  } else if (parts.size() > 2) {
    return site_.error_page(404);
  }
  if (parts.size() == 1 && call.post()) return site_.error_page(405);
  if (kind == "films") return films(call, id, is_new);
  if (kind == "categories") return categories(call, id, is_new);
  if (kind == "tags") return tags(call, id, is_new);
  return organizations(call, id, is_new);
}

// ---- Films --------------------------------------------------------------------------------

Response AdminHandler::films(Call& call, std::optional<Id> id, bool is_new) {
  if (!id && !is_new) {
    auto list = store_.films();
    if (!list) return message(&call, 500, "The films could not be read", {});
    mstch::array rows;
    for (const content::Film& f : *list) {
      rows.push_back(mstch::map{
          {"cells", mstch::array{cell(f.title, "/admin/films/" + std::to_string(f.id) + "/"),
                                 cell(f.air_date), cell(std::to_string(f.position))}}});
    }
    return page(&call, "records", "Films",
                mstch::map{{"heading", std::string("Films")},
                           {"new_url", std::string("/admin/films/new")},
                           {"new_label", std::string("Add a film")},
                           {"columns", mstch::array{std::string("Title"), std::string("Air date"),
                                                    std::string("Position")}},
                           {"rows", std::move(rows)},
                           {"count", static_cast<int>(list->size())},
                           {"noun", std::string("films")},
                           {"notice", saved_notice(call.request)}});
  }
  content::Film film;
  if (id) {
    auto found = store_.film_by_id(*id);
    if (!found) return site_.error_page(404);
    film = std::move(*found);
  }
  const content::Film before = film;
  std::vector<std::string> errors;
  int error_status = 400;  // A save that failed sets its own.
  if (call.post()) {
    const ParsedForm& f = call.form;
    film.title = trimmed(f, "title");
    if (film.title.empty()) errors.push_back("The title is empty.");
    if (too_long(film.title, kMaxNameChars)) errors.push_back("The title is over 300 characters.");
    film.slug = slug_from(f, film.title);
    film.air_date = trimmed(f, "air_date");
    if (!film.air_date.empty() &&
        (film.air_date.size() != 10 || !util::parse_iso_time(film.air_date))) {
      errors.push_back("The air date is not a date (YYYY-MM-DD).");
    }
    const auto runtime = util::parse_non_negative(
        trimmed(f, "runtime_minutes").empty() ? "0" : trimmed(f, "runtime_minutes"));
    if (!runtime || *runtime > 10000) {
      errors.push_back("The running time is not a number of minutes.");
    } else {
      film.runtime_minutes = static_cast<int>(*runtime);
    }
    const auto position =
        util::parse_non_negative(trimmed(f, "position").empty() ? "0" : trimmed(f, "position"));
    if (!position || *position > 100000) {
      errors.push_back("The position is not a number from 0 up.");
    } else {
      film.position = static_cast<int>(*position);
    }
    film.synopsis = std::string(f.value("synopsis"));
    film.credits = std::string(f.value("credits"));
    if (too_long(film.synopsis, kMaxTextChars) || too_long(film.credits, kMaxTextChars)) {
      errors.push_back("The synopsis and the credits take 20,000 characters each at most.");
    }
    film.poster = trimmed(f, "poster");
    if (!film.poster.empty() && !store_.media_by_path(film.poster)) {
      errors.push_back("The chosen poster is not among the uploaded media.");
    }
    film.press_quotes.clear();
    const auto texts = f.values("quote_text");
    const auto sources = f.values("quote_source");
    for (std::size_t i = 0; i < std::max(texts.size(), sources.size()); ++i) {
      content::PressQuote q;
      if (i < texts.size()) q.text = std::string(util::trim(texts[i]));
      if (i < sources.size()) q.source = std::string(util::trim(sources[i]));
      if (q.text.empty() && q.source.empty()) continue;
      if (q.text.empty()) errors.push_back("A press quote from " + q.source + " has no text.");
      film.press_quotes.push_back(std::move(q));
    }
    if (errors.empty()) {
      const std::string old_path = id ? site_.snapshot()->film_url(before) : "";
      auto saved = store_.save_film(film);
      if (saved) {
        film.id = *saved;
        site_.notice_write();
        keep_old_address(old_path, site_.snapshot()->film_url(film));
        return see_other("/admin/films/" + std::to_string(*saved) + "/?saved=1");
      }
      const SaveProblem problem = save_problem(saved.error(), "film");
      errors.push_back(problem.sentence);
      error_status = problem.status;
    }
  }
  Choices posters = {{"", "None"}};
  if (auto media = store_.recent_media(500)) {
    for (const content::Media& m : *media) {
      if (m.mime_type.starts_with("image/")) posters.emplace_back(m.path, m.path);
    }
  }
  if (!film.poster.empty() && std::none_of(posters.begin(), posters.end(),
                                           [&](const auto& p) { return p.first == film.poster; })) {
    posters.emplace_back(film.poster, film.poster);
  }
  mstch::array quotes;
  int n = 0;
  for (const content::PressQuote& q : film.press_quotes) {
    quotes.push_back(mstch::map{{"n", ++n},
                                {"first_label", std::string("Quote")},
                                {"first_name", std::string("quote_text")},
                                {"first_value", q.text},
                                {"second_label", std::string("Source")},
                                {"second_name", std::string("quote_source")},
                                {"second_value", q.source}});
  }
  for (int extra = 0; extra < 2; ++extra) {
    quotes.push_back(mstch::map{{"n", ++n},
                                {"first_label", std::string("Quote")},
                                {"first_name", std::string("quote_text")},
                                {"first_value", std::string()},
                                {"second_label", std::string("Source")},
                                {"second_name", std::string("quote_source")},
                                {"second_value", std::string()}});
  }
  mstch::array fields{
      input("Title", "title", film.title, "text", "", true),
      input("Slug", "slug", film.slug, "text",
            "The film's page is /films/SLUG/. Left empty, it is made from the title. A new slug "
            "keeps the old address working."),
      input("Air date", "air_date", film.air_date, "date"),
      input("Running time (minutes)", "runtime_minutes", std::to_string(film.runtime_minutes),
            "number"),
      area("Synopsis", "synopsis", film.synopsis, 6, "Plain text, a paragraph or two."),
      area("Credits", "credits", film.credits, 6, "One credit per line: “Director: Ana Ruiz”."),
      select("Poster", "poster", posters, film.poster, "An uploaded image (see Media)."),
      input("Position", "position", std::to_string(film.position), "number",
            "Films are listed on the home page by position, smallest first."),
  };
  const bool saved_now = util::form_value(call.request.query, "saved") == "1";
  return page(
      &call, "record_form", film.id ? film.title : "New film",
      mstch::map{{"heading", film.id ? "Edit “" + film.title + "”" : std::string("New film")},
                 {"action", film.id ? "/admin/films/" + std::to_string(film.id) + "/"
                                    : std::string("/admin/films/new")},
                 {"back_url", std::string("/admin/films/")},
                 {"back_label", std::string("All films")},
                 {"view_url", film.id ? site_.snapshot()->film_url(film) : std::string()},
                 {"fields", std::move(fields)},
                 {"groups",
                  mstch::array{mstch::map{{"legend", std::string("Press quotes")},
                                          {"help", std::string("Shown on the film's page, in this "
                                                               "order. Empty ones are removed.")},
                                          {"rows", std::move(quotes)}}}},
                 {"submit_label", std::string("Save the film")},
                 {"errors", messages(errors)},
                 {"has_errors", !errors.empty()},
                 {"notice", saved_now ? std::string("Saved.") : std::string()}},
      errors.empty() ? 200 : error_status);
}

// ---- Categories ---------------------------------------------------------------------------

Response AdminHandler::categories(Call& call, std::optional<Id> id, bool is_new) {
  auto all = store_.categories();
  if (!all) return message(&call, 500, "The categories could not be read", {});
  std::map<Id, const content::Category*> by_id;
  for (const content::Category& c : *all) by_id[c.id] = &c;
  // Whether `candidate` is `root` or below it: a parent cannot be its own child.
  auto within = [&](Id candidate, Id root) {
    std::optional<Id> at = candidate;
    for (int depth = 0; at && depth < 32; ++depth) {
      if (*at == root) return true;
      auto found = by_id.find(*at);
      at = found == by_id.end() ? std::nullopt : found->second->parent_id;
    }
    return false;
  };
  const auto sorted = category_paths(*all);

  if (!id && !is_new) {
    auto snapshot = site_.snapshot();
    mstch::array rows;
    for (const auto& [path, cid] : sorted) {
      rows.push_back(mstch::map{
          {"cells", mstch::array{cell(path, "/admin/categories/" + std::to_string(cid) + "/"),
                                 cell(snapshot->category_url(cid), snapshot->category_url(cid))}}});
    }
    return page(&call, "records", "Categories",
                mstch::map{{"heading", std::string("Categories")},
                           {"new_url", std::string("/admin/categories/new")},
                           {"new_label", std::string("Add a category")},
                           {"columns", mstch::array{std::string("Name"), std::string("Address")}},
                           {"rows", std::move(rows)},
                           {"count", static_cast<int>(all->size())},
                           {"noun", std::string("categories")}});
  }
  content::Category category;
  if (id) {
    if (!by_id.contains(*id)) return site_.error_page(404);
    category = *by_id[*id];
  }
  std::vector<std::string> errors;
  int error_status = 400;  // A save that failed sets its own.
  if (call.post()) {
    const ParsedForm& f = call.form;
    const std::string old_path = id ? site_.snapshot()->category_url(*id) : "";
    category.name = trimmed(f, "name");
    if (category.name.empty()) errors.push_back("The name is empty.");
    if (too_long(category.name, kMaxNameChars))
      errors.push_back("The name is over 300 characters.");
    category.slug = slug_from(f, category.name);
    category.description = std::string(f.value("description"));
    if (too_long(category.description, kMaxTextChars)) {
      errors.push_back("The description is over 20,000 characters.");
    }
    category.parent_id.reset();
    if (!f.value("parent").empty()) {
      const auto parent = parse_id(f.value("parent"));
      if (!parent || !by_id.contains(*parent)) {
        errors.push_back("The chosen parent does not exist.");
      } else if (id && within(*parent, *id)) {
        errors.push_back("A category cannot sit inside itself or one of its own subcategories.");
      } else {
        category.parent_id = parent;
      }
    }
    if (errors.empty()) {
      auto saved = store_.save_category(category);
      if (saved) {
        site_.notice_write();
        keep_old_address(old_path, site_.snapshot()->category_url(*saved));
        return see_other("/admin/categories/" + std::to_string(*saved) + "/?saved=1");
      }
      const SaveProblem problem = save_problem(saved.error(), "category");
      errors.push_back(problem.sentence);
      error_status = problem.status;
    }
  }
  Choices parents = {{"", "None (top level)"}};
  for (const auto& [path, cid] : sorted) {
    if (id && within(cid, *id)) continue;
    parents.emplace_back(std::to_string(cid), path);
  }
  mstch::array fields{
      input("Name", "name", category.name, "text", "", true),
      input("Slug", "slug", category.slug, "text",
            "Part of the category's address. A new slug keeps the old address working."),
      select("Parent", "parent", parents,
             category.parent_id ? std::to_string(*category.parent_id) : ""),
      area("Description", "description", category.description, 4,
           "Shown at the top of the category's listing."),
  };
  return page(
      &call, "record_form", category.id ? category.name : "New category",
      mstch::map{
          {"heading", category.id ? "Edit “" + category.name + "”" : std::string("New category")},
          {"action", category.id ? "/admin/categories/" + std::to_string(category.id) + "/"
                                 : std::string("/admin/categories/new")},
          {"back_url", std::string("/admin/categories/")},
          {"back_label", std::string("All categories")},
          {"view_url", category.id ? site_.snapshot()->category_url(category.id) : std::string()},
          {"fields", std::move(fields)},
          {"submit_label", std::string("Save the category")},
          {"errors", messages(errors)},
          {"has_errors", !errors.empty()},
          {"notice", saved_notice(call.request)}},
      errors.empty() ? 200 : error_status);
}

// ---- Tags ---------------------------------------------------------------------------------

Response AdminHandler::tags(Call& call, std::optional<Id> id, bool is_new) {
  if (!id && !is_new) {
    auto list = store_.tags();
    if (!list) return message(&call, 500, "The tags could not be read", {});
    auto snapshot = site_.snapshot();
    mstch::array rows;
    for (const content::Tag& t : *list) {
      rows.push_back(mstch::map{
          {"cells", mstch::array{cell(t.name, "/admin/tags/" + std::to_string(t.id) + "/"),
                                 cell(snapshot->tag_url(t.id), snapshot->tag_url(t.id))}}});
    }
    return page(&call, "records", "Tags",
                mstch::map{{"heading", std::string("Tags")},
                           {"new_url", std::string("/admin/tags/new")},
                           {"new_label", std::string("Add a tag")},
                           {"columns", mstch::array{std::string("Name"), std::string("Address")}},
                           {"rows", std::move(rows)},
                           {"count", static_cast<int>(list->size())},
                           {"noun", std::string("tags")}});
  }
  content::Tag tag;
  if (id) {
    auto found = store_.tag_by_id(*id);
    if (!found) return site_.error_page(404);
    tag = std::move(*found);
  }
  std::vector<std::string> errors;
  int error_status = 400;  // A save that failed sets its own.
  if (call.post()) {
    const std::string old_path = id ? site_.snapshot()->tag_url(*id) : "";
    tag.name = trimmed(call.form, "name");
    if (tag.name.empty()) errors.push_back("The name is empty.");
    if (too_long(tag.name, kMaxNameChars)) errors.push_back("The name is over 300 characters.");
    tag.slug = slug_from(call.form, tag.name);
    if (errors.empty()) {
      auto saved = store_.save_tag(tag);
      if (saved) {
        site_.notice_write();
        keep_old_address(old_path, site_.snapshot()->tag_url(*saved));
        return see_other("/admin/tags/" + std::to_string(*saved) + "/?saved=1");
      }
      const SaveProblem problem = save_problem(saved.error(), "tag");
      errors.push_back(problem.sentence);
      error_status = problem.status;
    }
  }
  mstch::array fields{
      input("Name", "name", tag.name, "text", "", true),
      input("Slug", "slug", tag.slug, "text",
            "The tag's listing is /tag/SLUG/. A new slug keeps the old address working."),
  };
  return page(&call, "record_form", tag.id ? tag.name : "New tag",
              mstch::map{{"heading", tag.id ? "Edit “" + tag.name + "”" : std::string("New tag")},
                         {"action", tag.id ? "/admin/tags/" + std::to_string(tag.id) + "/"
                                           : std::string("/admin/tags/new")},
                         {"back_url", std::string("/admin/tags/")},
                         {"back_label", std::string("All tags")},
                         {"view_url", tag.id ? site_.snapshot()->tag_url(tag.id) : std::string()},
                         {"fields", std::move(fields)},
                         {"submit_label", std::string("Save the tag")},
                         {"errors", messages(errors)},
                         {"has_errors", !errors.empty()},
                         {"notice", saved_notice(call.request)}},
              errors.empty() ? 200 : error_status);
}

// ---- Organizations ------------------------------------------------------------------------

Response AdminHandler::organizations(Call& call, std::optional<Id> id, bool is_new) {
  if (!id && !is_new) {
    auto list = store_.organizations_with_status(ModerationStatus::kApproved);
    if (!list) return message(&call, 500, "The organizations could not be read", {});
    mstch::array rows;
    for (const content::Organization& o : *list) {
      rows.push_back(mstch::map{
          {"cells", mstch::array{cell(o.name, "/admin/organizations/" + std::to_string(o.id) + "/"),
                                 cell(o.region), cell(o.focus)}}});
    }
    return page(&call, "records", "Organizations",
                mstch::map{{"heading", std::string("Organizations")},
                           {"intro", std::string("The organizations listed on the site. Readers' "
                                                 "suggestions wait under Suggestions.")},
                           {"new_url", std::string("/admin/organizations/new")},
                           {"new_label", std::string("Add an organization")},
                           {"columns", mstch::array{std::string("Name"), std::string("Region"),
                                                    std::string("Focus")}},
                           {"rows", std::move(rows)},
                           {"count", static_cast<int>(list->size())},
                           {"noun", std::string("organizations")}});
  }
  content::Organization org;
  org.created_at = clock_.now();
  if (id) {
    auto found = store_.organization_by_id(*id);
    if (!found) return site_.error_page(404);
    org = std::move(*found);
  }
  std::vector<std::string> errors;
  int error_status = 400;  // A save that failed sets its own.
  if (call.post()) {
    const ParsedForm& f = call.form;
    org.name = trimmed(f, "name");
    if (org.name.empty()) errors.push_back("The name is empty.");
    if (too_long(org.name, kMaxNameChars)) errors.push_back("The name is over 300 characters.");
    org.url = trimmed(f, "url");
    if (!org.url.empty() && !org.url.starts_with("https://") && !org.url.starts_with("http://")) {
      errors.push_back("The web address must start with https:// or http://.");
    }
    org.region = trimmed(f, "region");
    org.focus = trimmed(f, "focus");
    org.description = std::string(util::trim(f.value("description")));
    if (too_long(org.url, 500) || too_long(org.region, 200) || too_long(org.focus, 200) ||
        too_long(org.description, kMaxTextChars)) {
      errors.push_back("A field is too long.");
    }
    org.status = content::parse_moderation_status(f.value("status")).value_or(org.status);
    if (errors.empty()) {
      auto saved = store_.save_organization(org);
      if (saved) {
        site_.notice_write();
        return see_other("/admin/organizations/" + std::to_string(*saved) + "/?saved=1");
      }
      const SaveProblem problem = save_problem(saved.error(), "organization");
      errors.push_back(problem.sentence);
      error_status = problem.status;
    }
  }
  const Choices statuses = {{"approved", "Listed (approved)"},
                            {"pending", "Waiting for moderation"},
                            {"spam", "Spam"},
                            {"trash", "Trash"}};
  mstch::array fields{
      input("Name", "name", org.name, "text", "", true),
      input("Web address", "url", org.url, "url"),
      input("Region", "region", org.region, "text", "Where it works: “East Africa”."),
      input("Focus", "focus", org.focus, "text", "What it does: “Legal aid”."),
      area("Description", "description", org.description, 5, "Plain text."),
      select("Status", "status", statuses, std::string(content::to_string(org.status))),
  };
  return page(
      &call, "record_form", org.id ? org.name : "New organization",
      mstch::map{{"heading", org.id ? "Edit “" + org.name + "”" : std::string("New organization")},
                 {"action", org.id ? "/admin/organizations/" + std::to_string(org.id) + "/"
                                   : std::string("/admin/organizations/new")},
                 {"back_url", std::string("/admin/organizations/")},
                 {"back_label", std::string("All organizations")},
                 {"fields", std::move(fields)},
                 {"submit_label", std::string("Save the organization")},
                 {"errors", messages(errors)},
                 {"has_errors", !errors.empty()},
                 {"notice", saved_notice(call.request)}},
      errors.empty() ? 200 : error_status);
}

// ---- Redirects ----------------------------------------------------------------------------

Response AdminHandler::redirects(Call& call) {
  std::vector<std::string> errors;
  int error_status = 400;  // A save that failed sets its own.
  std::string from, to;
  if (call.post()) {
    const std::string action(call.form.value("action"));
    if (action == "remove") {
      const std::string key(call.form.value("key"));
      if (auto s = store_.remove_redirect(key); !s && s.error().code != ErrorCode::kNotFound) {
        return message(&call, 500, "The redirect could not be removed", {s.error().message});
      }
      site_.notice_write();
      return see_other("/admin/redirects/?saved=1");
    }
    from = trimmed(call.form, "from");
    to = trimmed(call.form, "to");
    // Paths as a browser asks for them: absolute, without host or query.
    if (!from.starts_with('/') || from.starts_with("//") || from.find('?') != std::string::npos ||
        from.find('#') != std::string::npos || has_control_or_space(from) || too_long(from, 2000)) {
      errors.push_back("The old address must be a path on this site, like /old-page/.");
    } else if (from.starts_with("/admin/")) {
      errors.push_back("The admin's own addresses cannot be redirected.");
    }
    content::Redirect redirect;
    redirect.from_path = from;
    if (has_control_or_space(to)) {
      errors.push_back("The new address cannot hold spaces or control characters.");
    } else if (const auto entry = parse_id(to)) {
      if (!store_.entry_by_id(*entry)) errors.push_back("There is no entry " + to + ".");
      redirect.entry_id = entry;
    } else if ((to.starts_with('/') && !to.starts_with("//")) || to.starts_with("https://") ||
               to.starts_with("http://")) {
      redirect.to_path = to;
    } else {
      errors.push_back(
          "The new address must be a path (/new-page/), a full address, or an "
          "entry's number.");
    }
    if (to == from) errors.push_back("A redirect to itself would never end.");
    if (errors.empty()) {
      if (auto s = store_.save_redirect(redirect); !s) {
        const SaveProblem problem = save_problem(s.error(), "redirect");
        errors.push_back(problem.sentence);
        error_status = problem.status;
      } else {
        site_.notice_write();
        return see_other("/admin/redirects/?saved=1");
      }
    }
  }
  auto list = store_.redirects();
  if (!list) return message(&call, 500, "The redirects could not be read", {});
  auto snapshot = site_.snapshot();
  mstch::array rows;
  for (const content::Redirect& r : *list) {
    std::string target = r.to_path;
    if (r.entry_id) {
      auto entry = store_.entry_by_id(*r.entry_id);
      target = entry ? snapshot->entry_path(*entry) : "(entry " + std::to_string(*r.entry_id) + ")";
    }
    rows.push_back(mstch::map{{"cells", mstch::array{cell(r.from_path), cell(target, target)}},
                              {"delete_value", r.from_path},
                              {"delete_label", r.from_path}});
  }
  mstch::array fields{
      input("Old address", "from", from, "text", "A path on this site: /old-page/.", true),
      input("New address", "to", to, "text",
            "A path (/new-page/), a full address, or an entry's number.", true),
  };
  return page(
      &call, "records", "Redirects",
      mstch::map{{"heading", std::string("Redirects")},
                 {"intro", std::string("Old addresses that answer with a permanent "
                                       "redirect (301), so that links to them keep "
                                       "working.")},
                 {"has_add", true},
                 {"action", std::string("/admin/redirects/")},
                 {"add_label", std::string("Add the redirect")},
                 {"fields", std::move(fields)},
                 {"columns", mstch::array{std::string("Old address"), std::string("Goes to")}},
                 {"deletable", true},
                 {"rows", std::move(rows)},
                 {"count", static_cast<int>(list->size())},
                 {"noun", std::string("redirects")},
                 {"errors", messages(errors)},
                 {"has_errors", !errors.empty()},
                 {"notice", saved_notice(call.request)}},
      errors.empty() ? 200 : error_status);
}

}  // namespace reelpress::site::admin
