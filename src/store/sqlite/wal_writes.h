// One write system call per commit to SQLite's write-ahead log.
//
// SQLite appends a commit to the log frame by frame, and each frame in two writes (its
// 24-byte header, then the page): a commit of ten comments made some 25 pwrite() calls, a
// fifth of what a comment cost the writer thread. This VFS is the default one, except that
// the writes of a log file that continue one another are gathered in memory and written with
// one call when the commit's last frame (the one whose header holds the database size) is
// complete, so a commit is one call.
//
// What others see does not change: a commit is written before SQLite goes on to publish it
// in the log's index (where other connections and processes learn of new frames), and before
// the commit returns, so an acknowledged write survives the process being killed as before.
// A failed write (a full disk) is the failure of the commit's last write, which SQLite then
// rolls back. Any other use of the file (a read, a sync, its size, a truncation, a write
// elsewhere, closing it) first writes what is gathered, so SQLite's order of writes and reads
// is kept. Files other than logs are the default VFS's own, untouched.
//
// Example:
//   sqlite3_open_v2(path, &db, flags, wal_writes_vfs());
//
// Thread-safety: registration is done once, by whichever thread comes first; each file is
// used by its connection's thread, as SQLite requires of every VFS file.
#pragma once

#include <sqlite3.h>

#include <cstdint>

namespace reelpress::store::sqlite {

// The VFS's name (registered on first call, not as the default VFS); nullptr when it cannot
// be registered (then SQLite's default is used).
const char* wal_writes_vfs();

// Registers a VFS like wal_writes_vfs() that gathers the log writes of `under` (for tests,
// which count or fail the writes that reach it). Returns `name`, or nullptr on failure.
const char* register_wal_writes_vfs(const char* name, sqlite3_vfs* under);

}  // namespace reelpress::store::sqlite
