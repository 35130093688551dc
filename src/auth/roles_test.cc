#include "auth/roles.h"

#include <gtest/gtest.h>

namespace reelpress::auth {
namespace {

using content::EntryStatus;
using content::Role;

content::User user(content::Id id, Role role) {
  content::User u;
  u.id = id;
  u.role = role;
  return u;
}

content::Entry entry_by(std::optional<content::Id> author, EntryStatus status) {
  content::Entry e;
  e.author_id = author;
  e.status = status;
  return e;
}

TEST(Roles, EachRoleHasWordPressCapabilities) {
  EXPECT_TRUE(can(Role::kAdministrator, Capability::kManageSettings));
  EXPECT_FALSE(can(Role::kEditor, Capability::kManageSettings));
  EXPECT_TRUE(can(Role::kEditor, Capability::kEditOthers));
  EXPECT_TRUE(can(Role::kEditor, Capability::kModerate));
  EXPECT_TRUE(can(Role::kAuthor, Capability::kPublish));
  EXPECT_TRUE(can(Role::kAuthor, Capability::kUploadMedia));
  EXPECT_FALSE(can(Role::kAuthor, Capability::kModerate));
  EXPECT_FALSE(can(Role::kAuthor, Capability::kEditOthers));
  EXPECT_TRUE(can(Role::kContributor, Capability::kWriteEntries));
  EXPECT_FALSE(can(Role::kContributor, Capability::kPublish));
  EXPECT_FALSE(can(Role::kContributor, Capability::kUploadMedia));
  EXPECT_TRUE(can(Role::kModerator, Capability::kModerate));
  EXPECT_FALSE(can(Role::kModerator, Capability::kWriteEntries));
}

TEST(Roles, AuthorsEditTheirOwnEntriesOnly) {
  EXPECT_TRUE(may_edit(user(7, Role::kAuthor), entry_by(7, EntryStatus::kPublished)));
  EXPECT_FALSE(may_edit(user(7, Role::kAuthor), entry_by(8, EntryStatus::kDraft)));
  EXPECT_FALSE(may_edit(user(7, Role::kAuthor), entry_by(std::nullopt, EntryStatus::kDraft)));
  EXPECT_TRUE(may_edit(user(7, Role::kEditor), entry_by(8, EntryStatus::kPublished)));
}

TEST(Roles, ContributorsLoseAnEntryOnceItIsPublished) {
  EXPECT_TRUE(may_edit(user(7, Role::kContributor), entry_by(7, EntryStatus::kDraft)));
  EXPECT_FALSE(may_edit(user(7, Role::kContributor), entry_by(7, EntryStatus::kPublished)));
  EXPECT_FALSE(may_edit(user(7, Role::kContributor), entry_by(7, EntryStatus::kScheduled)));
}

TEST(Roles, ModeratorsEditNoEntry) {
  EXPECT_FALSE(may_edit(user(7, Role::kModerator), entry_by(7, EntryStatus::kDraft)));
}

}  // namespace
}  // namespace reelpress::auth
