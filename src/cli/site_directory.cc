#include "cli/site_directory.h"

#include "store/sqlite/sqlite_store.h"
#include "util/files.h"

namespace reelpress::cli {

util::Result<OpenSite> open_site(const std::filesystem::path& dir) {
  SiteDirectory site{dir};
  auto settings = config::load_site_settings(site.settings_path());
  if (!settings) {
    if (settings.error().code == util::ErrorCode::kNotFound) {
      return util::fail(util::ErrorCode::kNotFound,
                        dir.string() +
                            " is not a reelpress site (no site.toml); create one with "
                            "`reelpress init " +
                            dir.string() + "`");
    }
    return util::fail(settings.error());
  }
  auto store = store::sqlite::SqliteStore::open(site.database_path(*settings).string());
  if (!store) return util::fail(store.error());
  return OpenSite{site, std::move(*settings), std::move(*store)};
}

util::Result<OpenSite> create_site(const std::filesystem::path& dir,
                                   const config::SiteSettings& settings) {
  SiteDirectory site{dir};
  std::error_code ec;
  if (std::filesystem::exists(site.settings_path(), ec) ||
      std::filesystem::exists(site.database_path(settings), ec)) {
    return util::fail(util::ErrorCode::kAlreadyExists,
                      dir.string() + " already holds a site; not overwriting it");
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return util::fail(util::ErrorCode::kIo, "cannot create " + dir.string() + ": " + ec.message());
  }
  std::filesystem::create_directories(site.media_path(), ec);
  if (auto s =
          util::write_file_atomically(site.settings_path(), config::render_site_toml(settings));
      !s) {
    return util::fail(s.error());
  }
  auto store = store::sqlite::SqliteStore::open(site.database_path(settings).string());
  if (!store) return util::fail(store.error());
  return OpenSite{site, settings, std::move(*store)};
}

}  // namespace reelpress::cli
