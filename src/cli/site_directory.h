// A site directory on disk (site.toml, content.db, media/, theme/) and what the commands
// open from it. Commands report these errors to the user and exit; nothing here prints.
#pragma once

#include <filesystem>
#include <memory>

#include "config/site_config.h"
#include "store/store.h"
#include "util/result.h"

namespace reelpress::cli {

struct SiteDirectory {
  std::filesystem::path root;
  std::filesystem::path settings_path() const { return root / "site.toml"; }
  std::filesystem::path theme_path() const { return root / "theme"; }
  std::filesystem::path media_path() const { return root / "media"; }
  std::filesystem::path database_path(const config::SiteSettings& s) const {
    return root / s.database;
  }
};

struct OpenSite {
  SiteDirectory dir;
  config::SiteSettings settings;
  std::unique_ptr<store::Store> store;
};

// Loads site.toml and opens (and migrates) the database. kNotFound, with a message that says
// how to create a site, when DIR holds no site.toml.
util::Result<OpenSite> open_site(const std::filesystem::path& dir);

// Creates DIR (if needed), site.toml from settings, and an empty migrated database. Refuses
// with kAlreadyExists when DIR already holds a site.toml or a database.
util::Result<OpenSite> create_site(const std::filesystem::path& dir,
                                   const config::SiteSettings& settings);

}  // namespace reelpress::cli
