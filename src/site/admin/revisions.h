// Revisions of entries: how a saved entry is written into a content::Revision, read back for
// a restore, and compared line by line with the entry as it is now.
//
// The record is JSON holding every field an editor can change (not the id, not the rendered
// HTML, which is made again from the source on restore), so a revision stays readable by
// later versions that add fields: a field missing from an old record keeps its default.
//
// Example:
//   store.save_revision({.entry_id = e.id, .title = e.title, .data = entry_record(e)});
//   auto old = entry_from_record(revision.data);           // kCorrupt if not a record
//   auto lines = line_diff(entry_text(*old), entry_text(now));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/model.h"
#include "util/result.h"

namespace reelpress::site::admin {

std::string entry_record(const content::Entry& entry);

// The entry a record holds, with id 0 and no rendered HTML. kCorrupt when `record` is not
// JSON of the expected shape.
util::Result<content::Entry> entry_from_record(std::string_view record);

// The entry as lines of text for comparing: a few "Name: value" lines, then the body, then
// each section.
std::vector<std::string> entry_text(const content::Entry& entry);

struct DiffLine {
  enum class Kind { kKept, kRemoved, kAdded } kind = Kind::kKept;
  std::string text;
};

// The lines of `before` and `after` in order, each marked kept, removed (only in before) or
// added (only in after), along a longest common subsequence. Inputs of more than 4,000 lines
// each are compared as wholes (all removed, then all added) to bound the cost.
std::vector<DiffLine> line_diff(const std::vector<std::string>& before,
                                const std::vector<std::string>& after);

}  // namespace reelpress::site::admin
