#include "auth/roles.h"

namespace reelpress::auth {

using content::Role;

bool can(Role role, Capability capability) {
  switch (role) {
    case Role::kAdministrator: return true;
    case Role::kEditor: return capability != Capability::kManageSettings;
    case Role::kAuthor:
      return capability == Capability::kWriteEntries || capability == Capability::kPublish ||
             capability == Capability::kUploadMedia;
    case Role::kContributor: return capability == Capability::kWriteEntries;
    case Role::kModerator: return capability == Capability::kModerate;
  }
  return false;
}

bool may_edit(const content::User& user, const content::Entry& entry) {
  if (can(user.role, Capability::kEditOthers)) return true;
  if (!can(user.role, Capability::kWriteEntries)) return false;
  if (entry.author_id != user.id) return false;
  // A contributor's entry leaves their hands once it is published or scheduled.
  if (!can(user.role, Capability::kPublish)) {
    return entry.status == content::EntryStatus::kDraft;
  }
  return true;
}

}  // namespace reelpress::auth
