// What the admin's request handlers share (admin_handler.cc, admin_content.cc): the request
// being answered and small readers of form values. Internal to site/admin/.
#pragma once

#include <algorithm>
#include <map>
#include <mstch/mstch.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "auth/sessions.h"
#include "site/admin/admin_handler.h"
#include "site/multipart.h"
#include "site/submissions.h"
#include "util/text.h"

namespace reelpress::site::admin {

// One request being answered: the request, the signed-in editor, and the form it posted.
struct AdminHandler::Call {
  const Request& request;
  auth::ActiveSession active;
  ParsedForm form;
  std::string sub;              // The path below /admin ("/entries/12/").
  std::vector<FormPart> files;  // A multipart form's file fields; their data is in the body.
  const content::User& user() const { return active.user; }
  bool can(auth::Capability c) const { return auth::can(active.user.role, c); }
  bool post() const { return request.method == Method::kPost; }
};

// Why a save to the store failed, for the form shown again: the status to answer with
// (site::status_for: 409 for a slug in use, 503 for a full disk) and a sentence for the editor.
// Logs what the editor is not shown.
struct SaveProblem {
  int status = 500;
  std::string sentence;
};
SaveProblem save_problem(const util::Error& e, std::string_view what);

// A positive id written in a form or path; nullopt for anything else.
inline std::optional<content::Id> parse_id(std::string_view text) {
  auto n = util::parse_non_negative(text);
  if (!n || *n == 0) return std::nullopt;
  return static_cast<content::Id>(*n);
}

// Whether `text` has a control character or a space: none may be part of a path that goes into
// a Location header.
inline bool has_control_or_space(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

inline bool too_long(std::string_view text, std::size_t chars) {
  return util::code_points(text) > chars;
}

// The ids chosen in a form's checkboxes, each once, in order. An id that is not a number or
// for which `exists` is false adds `missing` to errors (once) and is left out.
template <typename Exists>
std::vector<content::Id> chosen_ids(const std::vector<std::string_view>& values,
                                    std::vector<std::string>& errors, const std::string& missing,
                                    Exists exists) {
  std::vector<content::Id> ids;
  bool reported = false;
  for (std::string_view value : values) {
    const auto id = parse_id(value);
    if (!id || !exists(*id)) {
      if (!reported) errors.push_back(missing);
      reported = true;
      continue;
    }
    if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
  }
  return ids;
}

// Every category as its path of names ("Episodes › Asia") with its id, sorted by path.
inline std::vector<std::pair<std::string, content::Id>> category_paths(
    const std::vector<content::Category>& categories) {
  std::map<content::Id, const content::Category*> by_id;
  for (const content::Category& c : categories) by_id[c.id] = &c;
  std::vector<std::pair<std::string, content::Id>> out;
  for (const content::Category& c : categories) {
    std::string path = c.name;
    const content::Category* at = &c;
    for (int depth = 0; at->parent_id && depth < 16; ++depth) {
      auto parent = by_id.find(*at->parent_id);
      if (parent == by_id.end()) break;
      at = parent->second;
      path = at->name + " › " + path;
    }
    out.emplace_back(std::move(path), c.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Views of form fields for the record_form and records templates (record_fields.mustache).
// The options of a select: value, label.
using Choices = std::vector<std::pair<std::string, std::string>>;

inline mstch::map input(std::string label, std::string name, std::string value,
                        std::string type = "text", std::string help = "", bool required = false) {
  return mstch::map{{"is_input", true},        {"label", std::move(label)},
                    {"name", std::move(name)}, {"value", std::move(value)},
                    {"type", std::move(type)}, {"help", std::move(help)},
                    {"required", required}};
}

inline mstch::map area(std::string label, std::string name, std::string value, int rows = 4,
                       std::string help = "") {
  return mstch::map{{"is_area", true},
                    {"label", std::move(label)},
                    {"name", std::move(name)},
                    {"value", std::move(value)},
                    {"rows", rows},
                    {"help", std::move(help)}};
}

inline mstch::map select(std::string label, std::string name, const Choices& options,
                         const std::string& selected, std::string help = "") {
  mstch::array list;
  for (const auto& [value, text] : options) {
    list.push_back(mstch::map{{"value", value}, {"label", text}, {"selected", value == selected}});
  }
  return mstch::map{{"is_select", true},
                    {"label", std::move(label)},
                    {"name", std::move(name)},
                    {"options", std::move(list)},
                    {"help", std::move(help)}};
}

inline mstch::map check(std::string label, std::string name, bool checked) {
  return mstch::map{{"is_check", true},
                    {"label", std::move(label)},
                    {"name", std::move(name)},
                    {"checked", checked}};
}

inline mstch::map cell(std::string text, std::string url = "") {
  return mstch::map{{"text", std::move(text)}, {"url", std::move(url)}};
}

inline mstch::array messages(const std::vector<std::string>& errors) {
  mstch::array out;
  for (const std::string& e : errors) out.push_back(e);
  return out;
}

}  // namespace reelpress::site::admin
