// `reelpress comments DIR ACTION [ID]`: the moderation queue from the command line. Comments
// and suggested organizations share one queue; an id names which:
//
//   c12   comment 12        o7   suggested organization 7        12   comment 12
//
// Actions:
//   list              pending first, then the rest newest first (--status, --limit narrow it):
//                     type, id, status, entry, date, author or name, excerpt
//   show ID           everything about one submission, email included (never shown on pages)
//   approve ID        publish it (cached pages update at once, also in a running server)
//   spam ID           file it as spam (hidden)
//   trash ID          move it to the trash (hidden)
//   edit ID           change what a reader wrote, keeping its status: for a comment --text
//                     and --author; for a suggestion --name, --url, --region and
//                     --description. "-" as a value reads it from standard input.
//
// Works while `reelpress serve` runs on the same site: both use the database, and the server
// notices an approval through the store's change counter within a fraction of a second.
//
// Example:
//   $ reelpress comments my-site list
//   TYPE        ID   STATUS   ENTRY  DATE                  AUTHOR  TEXT
//   comment     c12  pending  102    2011-07-12T13:00:00Z  Maria   I walked that road in 1998...
//   $ reelpress comments my-site approve c12
//   Approved comment c12 on entry 102.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace reelpress::cli {

struct CommentsOptions {
  std::string dir;
  std::string action;          // list, show, approve, spam, trash, edit
  std::string id;              // c12, o7 or 12; empty for list
  std::string status = "all";  // list: pending, approved, spam, trash or all
  int limit = 50;              // list: at most this many; 0: no limit
  // edit: the new values; nullopt leaves a field as it is.
  std::optional<std::string> text, author, name, url, region, description;
};

// Adds the `comments` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_comments_command(CLI::App& app, CommentsOptions& options);

// Runs it. Returns the exit status: 0 done; 2 when DIR is not a site, the id is malformed or
// names nothing, an action lacks its id, or an edit is empty, too long or not UTF-8
// ("reelpress: ..." on stderr); 1 for a failure
// while working (the database busy for too long).
int run_comments(const CommentsOptions& options);

}  // namespace reelpress::cli
