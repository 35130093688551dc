// The small, often-read tables of a site (categories, tags, films, authors, top-level pages),
// loaded together and shared read-only by every request, with the URL rules that need them.
//
// A Snapshot is loaded at one change_counter value of the store; the handler loads a new one
// when a write may have changed what it holds (any change the store's change log cannot name,
// and a category's new name), and keeps it across the others (approved comments, entries'
// own fields), so its counter may lag the store's. Thread-safety: immutable once built.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/site_config.h"
#include "content/model.h"
#include "content/permalink.h"
#include "store/store.h"

namespace reelpress::site {

using content::Id;

struct NavItem {
  std::string title;
  std::string url;
};

class Snapshot {
 public:
  static util::Result<std::shared_ptr<const Snapshot>> load(store::Store& store,
                                                            const config::SiteSettings& settings);

  const content::Category* category(Id id) const;
  const content::Category* category_by_path(const std::string& path) const;  // "a/b"
  std::string category_path(Id id) const;  // "episodes/asia"; empty for an unknown id.
  const content::Tag* tag(Id id) const;
  const content::Film* film(Id id) const;
  const content::Film* film_by_slug(const std::string& slug) const;
  const std::vector<content::Film>& films() const { return films_; }
  const content::User* user(Id id) const;
  const std::vector<NavItem>& nav() const { return nav_; }

  // Canonical paths (absolute, percent-encoded, no host).
  std::string entry_path(const content::Entry& entry) const;
  std::string category_url(Id id) const;
  std::string tag_url(Id id) const;
  std::string film_url(const content::Film& film) const;

  // Path of a page from its ancestors; needs them loaded (pages are few and shallow).
  const content::PermalinkPattern& permalink() const { return permalink_; }
  bool trailing_slash() const { return permalink_.ends_with_slash(); }

  std::int64_t change_counter() const { return change_counter_; }

 private:
  explicit Snapshot(content::PermalinkPattern permalink) : permalink_(std::move(permalink)) {}

  content::PermalinkPattern permalink_;
  std::int64_t change_counter_ = 0;
  std::unordered_map<Id, content::Category> categories_;
  std::unordered_map<Id, std::string> category_paths_;
  std::unordered_map<std::string, Id> category_by_path_;
  std::unordered_map<Id, content::Tag> tags_;
  std::vector<content::Film> films_;
  std::unordered_map<Id, std::size_t> film_index_;
  std::unordered_map<std::string, std::size_t> film_by_slug_;
  std::unordered_map<Id, content::User> users_;
  // Page paths: id -> path, for every published page (pages are few).
  std::unordered_map<Id, std::string> page_paths_;
  std::vector<NavItem> nav_;
};

}  // namespace reelpress::site
