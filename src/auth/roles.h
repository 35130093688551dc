// What each role may do, with WordPress's meaning, plus a moderator who handles comments
// only. Every admin action asks here on the server, whatever the pages showed.
//
//   administrator  everything, including settings, the archive switch and accounts;
//   editor         every entry (any author), publishing, categories, tags, films,
//                  organizations, redirects, media, comments;
//   author         their own entries, publishing them, media;
//   contributor    their own drafts: writes, cannot publish or upload, and cannot edit an
//                  entry once it is published;
//   moderator      the comment and suggestion queue, nothing else.
//
// Example:
//   if (!can(user.role, Capability::kModerate)) refuse with 403;
//   if (!may_edit(user, entry)) refuse with 403;
#pragma once

#include "content/model.h"

namespace reelpress::auth {

enum class Capability {
  kWriteEntries,  // Create entries and edit one's own.
  kPublish,       // Publish or schedule the entries one may edit.
  kEditOthers,    // Edit (and publish) anyone's entries.
  kUploadMedia,
  kModerate,        // Comments and suggested organizations.
  kManageContent,   // Categories, tags, films, organizations, redirects.
  kManageSettings,  // Site settings, the archive switch.
};

bool can(content::Role role, Capability capability);

// Whether `user` may open and save `entry` (an existing one; a new one needs kWriteEntries).
bool may_edit(const content::User& user, const content::Entry& entry);

}  // namespace reelpress::auth
