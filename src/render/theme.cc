#include "render/theme.h"

#include <optional>
#include <vector>

#include "render/html_escape.h"
#include "util/embedded_file.h"
#include "util/files.h"
#include "util/hash.h"
#include "util/text.h"

namespace reelpress::embedded {
const std::vector<util::EmbeddedFile>& default_theme_files();
const std::vector<util::EmbeddedFile>& admin_theme_files();
}  // namespace reelpress::embedded

namespace reelpress::render {
namespace {

constexpr std::string_view kTemplateDir = "templates/";
constexpr std::string_view kTemplateExt = ".mustache";
constexpr std::string_view kAssetDir = "assets/";

std::string short_hash(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t h = util::hash64(bytes);
  std::string out;
  for (int i = 0; i < 10; ++i) {
    out += kHex[h & 15];
    h >>= 4;
  }
  return out;
}

// Files of a theme folder, as (relative path, bytes).
util::Status add_file(std::map<std::string, std::string>& templates,
                      std::map<std::string, Asset, std::less<>>& assets, std::string_view path,
                      std::string bytes) {
  if (path.starts_with(kTemplateDir) && path.ends_with(kTemplateExt)) {
    std::string name(
        path.substr(kTemplateDir.size(), path.size() - kTemplateDir.size() - kTemplateExt.size()));
    if (!util::is_valid_utf8(bytes)) {
      return util::fail(util::ErrorCode::kInvalidArgument,
                        "theme template " + std::string(path) + " is not valid UTF-8");
    }
    templates[name] = std::move(bytes);
  } else if (path.starts_with(kAssetDir)) {
    std::string name(path.substr(kAssetDir.size()));
    Asset asset;
    asset.content_type = std::string(content_type_for(name));
    asset.version = short_hash(bytes);
    asset.bytes = std::move(bytes);
    assets[name] = std::move(asset);
  }
  return {};
}

// The names in "{{> name}}" tags of `source`. nullopt when the template changes its delimiters
// ("{{=<% %>=}}"), after which tags cannot be found by looking for "{{".
std::optional<std::vector<std::string>> partial_tags(const std::string& source) {
  if (source.find("{{=") != std::string::npos) return std::nullopt;
  std::vector<std::string> names;
  for (std::size_t at = source.find("{{>"); at != std::string::npos;
       at = source.find("{{>", at + 3)) {
    const std::size_t end = source.find("}}", at);
    if (end == std::string::npos) break;
    names.emplace_back(util::trim(std::string_view(source).substr(at + 3, end - at - 3)));
  }
  return names;
}

std::map<std::string, std::string> partials_used(
    const std::string& name, const std::map<std::string, std::string>& templates) {
  std::map<std::string, std::string> used;
  std::vector<std::string> pending = {name};
  while (!pending.empty()) {
    const std::string next = std::move(pending.back());
    pending.pop_back();
    const auto it = templates.find(next);
    if (it == templates.end()) continue;
    auto tags = partial_tags(it->second);
    if (!tags) return templates;  // Delimiters changed: give every template, as before.
    for (std::string& tag : *tags) {
      const auto partial = templates.find(tag);
      if (partial != templates.end() && used.emplace(tag, partial->second).second) {
        pending.push_back(std::move(tag));
      }
    }
  }
  return used;
}

}  // namespace

const std::vector<std::string>& Theme::required_templates() {
  static const std::vector<std::string> names = {"header", "footer",  "home", "film",
                                                 "entry",  "listing", "error"};
  return names;
}

util::Result<std::shared_ptr<const Theme>> Theme::load(const std::filesystem::path& override_dir) {
  return build(embedded::default_theme_files(), override_dir, required_templates());
}

util::Result<std::shared_ptr<const Theme>> Theme::load_admin() {
  static const std::vector<std::string> required = {"sign_in", "dashboard", "message"};
  return build(embedded::admin_theme_files(), {}, required);
}

util::Result<std::shared_ptr<const Theme>> Theme::build(
    const std::vector<util::EmbeddedFile>& files, const std::filesystem::path& override_dir,
    const std::vector<std::string>& required) {
  // mstch's own escaping also encodes '/' and '=', which makes every URL in a page harder to
  // read and larger; escaping & < > " ' is what HTML needs in text and quoted attributes.
  static const bool escape_set = [] {
    mstch::config::escape = [](const std::string& s) { return escape_html(s); };
    return true;
  }();
  (void)escape_set;
  auto theme = std::make_shared<Theme>();
  for (const util::EmbeddedFile& file : files) {
    if (auto s = add_file(theme->templates_, theme->assets_, file.path, std::string(file.bytes));
        !s) {
      return util::fail(s.error());
    }
  }
  std::error_code ec;
  if (!override_dir.empty() && std::filesystem::is_directory(override_dir, ec)) {
    for (auto it = std::filesystem::recursive_directory_iterator(override_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const std::string rel = std::filesystem::relative(it->path(), override_dir).generic_string();
      auto bytes = util::read_file(it->path());
      if (!bytes) return util::fail(bytes.error());
      if (auto s = add_file(theme->templates_, theme->assets_, rel, std::move(*bytes)); !s) {
        return util::fail(s.error());
      }
    }
    if (ec) {
      return util::fail(util::ErrorCode::kIo,
                        "cannot read theme folder " + override_dir.string() + ": " + ec.message());
    }
  }
  for (const std::string& name : required) {
    if (!theme->templates_.contains(name)) {
      return util::fail(util::ErrorCode::kInvalidArgument,
                        "theme has no templates/" + name + ".mustache");
    }
  }
  for (const auto& [name, source] : theme->templates_) {
    theme->partials_[name] = partials_used(name, theme->templates_);
    if (auto parsed = MustacheTemplate::parse(source)) {
      theme->compiled_.emplace(name, std::move(*parsed));
    }
  }
  for (const auto& [name, partials] : theme->partials_) {
    bool all = theme->compiled_.contains(name);
    for (const auto& [partial, source] : partials) all = all && theme->compiled_.contains(partial);
    theme->all_compiled_[name] = all;
  }
  return std::shared_ptr<const Theme>(std::move(theme));
}

util::Result<std::string> Theme::render(std::string_view name, const mstch::node& view) const {
  const auto it = templates_.find(std::string(name));
  if (it == templates_.end()) {
    return util::fail(util::ErrorCode::kNotFound, "no template " + std::string(name));
  }
  if (all_compiled_.at(it->first)) {
    return compiled_.at(it->first).render(view, [this](const std::string& partial) {
      const auto found = compiled_.find(partial);
      return found == compiled_.end() ? nullptr : &found->second;
    });
  }
  return mstch::render(it->second, view, partials_.at(it->first));
}

const Asset* Theme::asset(std::string_view path) const {
  const auto it = assets_.find(path);
  return it == assets_.end() ? nullptr : &it->second;
}

std::string_view content_type_for(std::string_view filename) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".css", "text/css; charset=utf-8"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".pdf", "application/pdf"},
      {".mp3", "audio/mpeg"},
      {".mp4", "video/mp4"},
      {".json", "application/json"},
      {".xml", "application/xml"},
  };
  const std::string lower = util::to_lower(filename);
  for (const auto& [ext, type] : kTypes) {
    if (lower.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

}  // namespace reelpress::render
