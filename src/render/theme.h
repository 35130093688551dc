// A theme: Mustache templates and static assets (CSS, images). The default theme is compiled
// into the binary (themes/default/); a site's theme/ folder overrides any file of it by name,
// so a designer can change one template without copying the rest.
//
// Templates are logic-less Mustache (rendered by mstch). Every template can include every
// other as a partial ({{> header}}). Views are mstch nodes built by the site layer.
//
// Example:
//   auto theme = Theme::load("my-site/theme");
//   auto html = (*theme)->render("entry", view);   // templates/entry.mustache
//   const Asset* css = (*theme)->asset("style.css");  // assets/style.css
//
// Thread-safety: a loaded Theme is immutable; render() and asset() may be called from any
// thread at once.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mstch/mstch.hpp>
#include <string>
#include <string_view>

#include "render/mustache.h"
#include "util/embedded_file.h"
#include "util/result.h"

namespace reelpress::render {

struct Asset {
  std::string bytes;
  std::string content_type;  // "text/css; charset=utf-8"
  std::string version;       // Short hash of bytes, for cache-busting URLs (?v=...).
};

class Theme {
 public:
  // Loads the built-in default theme, then overlays every file found under override_dir
  // (templates/*.mustache, assets/*) if that folder exists. Fails with kInvalidArgument when
  // an override template is not valid UTF-8 or a required template is missing, with kIo when
  // a file cannot be read.
  static util::Result<std::shared_ptr<const Theme>> load(const std::filesystem::path& override_dir);

  // The admin's own theme (themes/admin/), compiled in; sites do not override it, so the
  // admin looks and works the same everywhere.
  static util::Result<std::shared_ptr<const Theme>> load_admin();

  // Renders templates/{name}.mustache; kNotFound when there is no such template.
  util::Result<std::string> render(std::string_view name, const mstch::node& view) const;

  // The asset at a path relative to assets/ ("style.css"); nullptr when there is none.
  const Asset* asset(std::string_view path) const;

  // Names of the templates every theme must provide.
  static const std::vector<std::string>& required_templates();

 private:
  static util::Result<std::shared_ptr<const Theme>> build(
      const std::vector<util::EmbeddedFile>& files, const std::filesystem::path& override_dir,
      const std::vector<std::string>& required);

  std::map<std::string, std::string> templates_;  // Name -> source.
  // Name -> the partials it uses, directly or through other partials. mstch parses every
  // partial it is given on every render, so each template gets only its own.
  std::map<std::string, std::map<std::string, std::string>> partials_;
  // Name -> the template parsed once (render/mustache.h). A template that this cannot parse
  // (set-delimiter tags), or that uses one that it cannot, renders through mstch instead.
  std::map<std::string, MustacheTemplate, std::less<>> compiled_;
  std::map<std::string, bool, std::less<>> all_compiled_;  // Itself and all its partials.
  std::map<std::string, Asset, std::less<>> assets_;
};

// The Content-Type for a file name by its extension; "application/octet-stream" if unknown.
std::string_view content_type_for(std::string_view filename);

}  // namespace reelpress::render
