#include "site/admin/revisions.h"

#include <nlohmann/json.hpp>

#include "util/civil_time.h"
#include "util/text.h"

namespace reelpress::site::admin {

using nlohmann::json;
using util::ErrorCode;
using util::fail;

namespace {

json ids(const std::vector<content::Id>& values) { return json(values); }

json optional_id(const std::optional<content::Id>& id) { return id ? json(*id) : json(nullptr); }

}  // namespace

std::string entry_record(const content::Entry& e) {
  json sections = json::array();
  for (const content::Section& s : e.sections) {
    sections.push_back({{"heading", s.heading}, {"body", s.body}});
  }
  json record = {
      {"slug", e.slug},
      {"title", e.title},
      {"kicker", e.kicker},
      {"kind", content::to_string(e.kind)},
      {"status", content::to_string(e.status)},
      {"password", e.password},
      {"body_format", content::to_string(e.body_format)},
      {"body", e.body},
      {"excerpt", e.excerpt},
      {"published_at", e.published_at},
      {"modified_at", e.modified_at},
      {"author_id", optional_id(e.author_id)},
      {"film_id", optional_id(e.film_id)},
      {"parent_id", optional_id(e.parent_id)},
      {"menu_order", e.menu_order},
      {"sticky", e.sticky},
      {"comments_open", e.comments_open},
      {"pings_open", e.pings_open},
      {"category_ids", ids(e.category_ids)},
      {"tag_ids", ids(e.tag_ids)},
      {"sections", std::move(sections)},
      {"organization_ids", ids(e.organization_ids)},
  };
  return record.dump();
}

util::Result<content::Entry> entry_from_record(std::string_view record) {
  json j = json::parse(record, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return fail(ErrorCode::kCorrupt, "a revision is not a JSON object");
  content::Entry e;
  try {
    auto text = [&](const char* name, std::string& out) {
      if (j.contains(name)) out = j.at(name).get<std::string>();
    };
    auto optional = [&](const char* name, std::optional<content::Id>& out) {
      if (j.contains(name) && !j.at(name).is_null()) out = j.at(name).get<content::Id>();
    };
    text("slug", e.slug);
    text("title", e.title);
    text("kicker", e.kicker);
    text("password", e.password);
    text("body", e.body);
    text("excerpt", e.excerpt);
    if (auto kind = content::parse_entry_kind(j.value("kind", ""))) e.kind = *kind;
    if (auto status = content::parse_entry_status(j.value("status", ""))) e.status = *status;
    if (auto format = content::parse_body_format(j.value("body_format", ""))) {
      e.body_format = *format;
    }
    e.published_at = j.value("published_at", util::UnixTime{0});
    e.modified_at = j.value("modified_at", util::UnixTime{0});
    optional("author_id", e.author_id);
    optional("film_id", e.film_id);
    optional("parent_id", e.parent_id);
    e.menu_order = j.value("menu_order", 0);
    e.sticky = j.value("sticky", false);
    e.comments_open = j.value("comments_open", true);
    e.pings_open = j.value("pings_open", false);
    if (j.contains("category_ids"))
      e.category_ids = j.at("category_ids").get<std::vector<content::Id>>();
    if (j.contains("tag_ids")) e.tag_ids = j.at("tag_ids").get<std::vector<content::Id>>();
    if (j.contains("organization_ids")) {
      e.organization_ids = j.at("organization_ids").get<std::vector<content::Id>>();
    }
    if (j.contains("sections")) {
      for (const json& s : j.at("sections")) {
        content::Section section;
        section.heading = s.value("heading", "");
        section.body = s.value("body", "");
        e.sections.push_back(std::move(section));
      }
    }
  } catch (const json::exception& ex) {
    return fail(ErrorCode::kCorrupt,
                std::string("a revision has a field of the wrong type: ") + ex.what());
  }
  return e;
}

std::vector<std::string> entry_text(const content::Entry& e) {
  std::vector<std::string> lines = {
      "Title: " + e.title,
      "Slug: " + e.slug,
      "Kicker: " + e.kicker,
      "Kind: " + std::string(content::to_string(e.kind)),
      "Status: " + std::string(content::to_string(e.status)),
      "Publish at: " + util::format_iso_time(e.published_at),
      "Excerpt: " + e.excerpt,
      "",
  };
  auto add_text = [&](std::string_view text) {
    for (std::string_view line : util::split(text, '\n')) {
      if (line.ends_with('\r')) line.remove_suffix(1);
      lines.emplace_back(line);
    }
  };
  add_text(e.body);
  for (const content::Section& s : e.sections) {
    lines.push_back("");
    lines.push_back("## " + s.heading);
    add_text(s.body);
  }
  return lines;
}

std::vector<DiffLine> line_diff(const std::vector<std::string>& before,
                                const std::vector<std::string>& after) {
  constexpr std::size_t kMaxLines = 4000;
  std::vector<DiffLine> out;
  // Common head and tail first: most edits touch a few lines in the middle.
  std::size_t head = 0;
  while (head < before.size() && head < after.size() && before[head] == after[head]) ++head;
  std::size_t tail = 0;
  while (tail < before.size() - head && tail < after.size() - head &&
         before[before.size() - 1 - tail] == after[after.size() - 1 - tail]) {
    ++tail;
  }
  for (std::size_t i = 0; i < head; ++i) out.push_back({DiffLine::Kind::kKept, before[i]});
  const std::size_t n = before.size() - head - tail;
  const std::size_t m = after.size() - head - tail;
  if (n > kMaxLines || m > kMaxLines) {
    for (std::size_t i = 0; i < n; ++i) out.push_back({DiffLine::Kind::kRemoved, before[head + i]});
    for (std::size_t j = 0; j < m; ++j) out.push_back({DiffLine::Kind::kAdded, after[head + j]});
  } else {
    // lcs[i][j]: the longest common subsequence of before[head+i..] and after[head+j..].
    std::vector<std::vector<std::uint16_t>> lcs(n + 1, std::vector<std::uint16_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        lcs[i][j] = before[head + i] == after[head + j]
                        ? static_cast<std::uint16_t>(lcs[i + 1][j + 1] + 1)
                        : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && before[head + i] == after[head + j]) {
        out.push_back({DiffLine::Kind::kKept, before[head + i]});
        ++i, ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.push_back({DiffLine::Kind::kRemoved, before[head + i]});
        ++i;
      } else {
        out.push_back({DiffLine::Kind::kAdded, after[head + j]});
        ++j;
      }
    }
  }
  for (std::size_t k = before.size() - tail; k < before.size(); ++k) {
    out.push_back({DiffLine::Kind::kKept, before[k]});
  }
  return out;
}

}  // namespace reelpress::site::admin
