// Checkpointer: copies the write-ahead log back into the database file on a thread of its own,
// so that a commit never waits for a checkpoint.
//
// In WAL mode SQLite checkpoints on the committing connection, once the log holds
// wal_autocheckpoint pages: that commit then also copies every changed page into the database
// and syncs the log and the file, tens of milliseconds during which the writer takes nothing
// else (a comment posted right then waits that long for its answer). watch() hands the
// writer's checkpoints to this object instead: after each commit SQLite reports the log's
// size to it, and past `pages` a thread of its own runs a PASSIVE checkpoint on a connection
// of its own, concurrently with the writer, which goes on appending to the log (WAL allows one
// checkpoint beside one writer). A passive checkpoint never waits for readers or writers: what
// it cannot copy yet, the next one does. Should the log still grow to four times `pages` (the
// thread cannot keep up, or readers hold old snapshots), the writer checkpoints itself, as
// SQLite would, so the log stays bounded.
//
// Durability is unchanged (see sqlite_store.h): a commit is in the log when it returns; the
// checkpoint only moves pages into the database file.
//
// Example:
//   Checkpointer checkpoints(path, 8192);
//   checkpoints.watch(writer_connection);  // Before the connection's first commit.
//
// Thread-safe. The watched connections must be closed, or stop committing, before the
// Checkpointer is destroyed; destruction waits for a running checkpoint.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/connection.h"

namespace reelpress::store::sqlite {

class Checkpointer {
 public:
  Checkpointer(std::string path, int pages);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Takes over `writer`'s checkpoints (its wal_autocheckpoint no longer applies).
  void watch(Connection& writer);

  // Checkpoints run by the thread, and by watched writers themselves (for tests).
  std::size_t background_checkpoints() const;
  std::size_t writer_checkpoints() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void loop();

  const std::string path_;
  const int pages_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::size_t background_ = 0;
  std::size_t inline_ = 0;
  std::thread thread_;  // Last: started once everything above is ready.
};

}  // namespace reelpress::store::sqlite
