// The SQLite schema as an ordered list of migrations, and the code that brings a database up
// to date. `PRAGMA user_version` holds the version a database is at (0: empty, never
// migrated); `PRAGMA application_id` marks the file as reelpress's.
//
// Rules for whoever adds a step: append, never edit a released step (databases in the field
// ran it as it was); one step is one transaction, so it is all or nothing; write DDL only, no
// values from outside. Foreign keys are on while steps run, so a step that rebuilds a table
// must follow SQLite's "twelve-step" procedure with `PRAGMA defer_foreign_keys = ON`.
//
// Example:
//   if (auto migrated = migrate(connection); !migrated) return migrated;
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "store/sqlite/connection.h"

namespace reelpress::store::sqlite {

struct Migration {
  int version;               // The user_version once applied: 1, 2, ... without gaps.
  std::string_view summary;  // What it does, for logs and errors.
  std::string_view sql;      // One or more statements; runs inside the step's transaction.
};

// "rlps": written by the first migration, so another program's SQLite file is told apart.
inline constexpr std::int32_t kApplicationId = 0x726c7073;

// Every migration, oldest first.
std::span<const Migration> migrations();

// The version a database has once every migration ran.
int latest_schema_version();

// Applies the missing migrations up to `target`, each in its own write transaction, and
// checks that the file is one this binary can use. Safe against another process migrating the
// same file at the same time: each step re-reads the version after taking the write lock.
// `name` names the database in messages ("content.db").
// Errors: kCorrupt when the database is newer than this binary, is another program's SQLite
// file, or is not a database at all; kIo when it cannot be read or written; kUnavailable when
// another writer holds the lock longer than the busy timeout.
Status migrate(Connection& connection, std::string_view name, int target = latest_schema_version());

// The database's current user_version.
Result<int> schema_version(Connection& connection);

}  // namespace reelpress::store::sqlite
