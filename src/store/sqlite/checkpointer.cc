#include "store/sqlite/checkpointer.h"

#include <sqlite3.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <utility>

#include "util/thread_name.h"

namespace reelpress::store::sqlite {
namespace {

// Between two background checkpoints at least this long, so that a log that cannot be
// emptied (a reader holding an old snapshot) is not checkpointed after every commit.
constexpr auto kPause = std::chrono::milliseconds(50);

}  // namespace

Checkpointer::Checkpointer(std::string path, int pages)
    : path_(std::move(path)), pages_(pages < 1 ? 1 : pages), thread_([this] { loop(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Checkpointer::watch(Connection& writer) {
  sqlite3_wal_hook(writer.handle(), &Checkpointer::on_commit, this);
}

int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (pages < checkpointer->pages_) return SQLITE_OK;
  if (pages >= 4 * checkpointer->pages_) {
    // The thread has fallen behind: this writer checkpoints, as SQLite would have.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    std::lock_guard lock(checkpointer->mutex_);
    ++checkpointer->inline_;
    return SQLITE_OK;
  }
  bool wake = false;
  {
    std::lock_guard lock(checkpointer->mutex_);
    wake = !checkpointer->due_;
    checkpointer->due_ = true;
  }
  if (wake) checkpointer->wake_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::loop() {
  util::name_this_thread("rp-checkpoint");
  std::unique_ptr<Connection> connection;  // Opened at the first checkpoint; closed here.
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || due_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    if (!connection) {
      auto opened = Connection::open(path_, Connection::Kind::kFile);
      if (opened) {
        connection = std::move(*opened);
      } else {
        std::cerr << "reelpress: cannot open " << path_
                  << " to checkpoint it: " << opened.error().describe() << "\n";
      }
    }
    if (connection) {
      // SQLITE_BUSY (another process checkpointing) or an I/O error: the log stays as it is,
      // the next commit past the limit asks again, and the writers' own checkpoint bounds it.
      const int rc = sqlite3_wal_checkpoint_v2(connection->handle(), "main",
                                               SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        std::cerr << "reelpress: cannot checkpoint " << path_ << ": " << sqlite3_errstr(rc) << "\n";
      }
    }
    lock.lock();
    ++background_;
    wake_.wait_for(lock, kPause, [&] { return stopping_; });
  }
}

std::size_t Checkpointer::background_checkpoints() const {
  std::lock_guard lock(mutex_);
  return background_;
}

std::size_t Checkpointer::writer_checkpoints() const {
  std::lock_guard lock(mutex_);
  return inline_;
}

}  // namespace reelpress::store::sqlite
