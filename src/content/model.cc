#include "content/model.h"

#include <array>
#include <utility>

namespace reelpress::content {
namespace {

template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<EntryKind, 9> kKindNames{{
    {EntryKind::kIntroduction, "introduction"},
    {EntryKind::kVideo, "video"},
    {EntryKind::kTranscript, "transcript"},
    {EntryKind::kMap, "map"},
    {EntryKind::kResources, "resources"},
    {EntryKind::kOrganizations, "organizations"},
    {EntryKind::kLessonPlan, "lesson-plan"},
    {EntryKind::kArticle, "article"},
    {EntryKind::kPage, "page"},
}};
constexpr Names<EntryStatus, 5> kStatusNames{{
    {EntryStatus::kDraft, "draft"},
    {EntryStatus::kScheduled, "scheduled"},
    {EntryStatus::kPublished, "published"},
    {EntryStatus::kPrivate, "private"},
    {EntryStatus::kTrash, "trash"},
}};
constexpr Names<BodyFormat, 2> kFormatNames{{
    {BodyFormat::kMarkdown, "markdown"},
    {BodyFormat::kHtml, "html"},
}};
constexpr Names<ModerationStatus, 4> kModerationNames{{
    {ModerationStatus::kPending, "pending"},
    {ModerationStatus::kApproved, "approved"},
    {ModerationStatus::kSpam, "spam"},
    {ModerationStatus::kTrash, "trash"},
}};
constexpr Names<Role, 5> kRoleNames{{
    {Role::kAdministrator, "administrator"},
    {Role::kEditor, "editor"},
    {Role::kAuthor, "author"},
    {Role::kContributor, "contributor"},
    {Role::kModerator, "moderator"},
}};

template <typename E, std::size_t N>
std::string_view name_of(const Names<E, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const Names<E, N>& names, std::string_view name) {
  for (const auto& [v, n] : names) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(EntryKind v) { return name_of(kKindNames, v); }
std::string_view to_string(EntryStatus v) { return name_of(kStatusNames, v); }
std::string_view to_string(BodyFormat v) { return name_of(kFormatNames, v); }
std::string_view to_string(ModerationStatus v) { return name_of(kModerationNames, v); }
std::string_view to_string(Role v) { return name_of(kRoleNames, v); }

std::optional<EntryKind> parse_entry_kind(std::string_view s) { return value_of(kKindNames, s); }
std::optional<EntryStatus> parse_entry_status(std::string_view s) {
  return value_of(kStatusNames, s);
}
std::optional<BodyFormat> parse_body_format(std::string_view s) {
  return value_of(kFormatNames, s);
}
std::optional<ModerationStatus> parse_moderation_status(std::string_view s) {
  return value_of(kModerationNames, s);
}
std::optional<Role> parse_role(std::string_view s) { return value_of(kRoleNames, s); }

const std::vector<EntryKind>& all_entry_kinds() {
  static const std::vector<EntryKind> kinds = [] {
    std::vector<EntryKind> out;
    for (const auto& [v, name] : kKindNames) out.push_back(v);
    return out;
  }();
  return kinds;
}

}  // namespace reelpress::content
