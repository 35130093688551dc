// GroupCommit: many small write transactions from many threads, committed together.
//
// A reader's comment is one small transaction, and what a commit costs is mostly fixed: the
// write lock, appending the touched pages to the journal, the system calls. When posts come
// from several threads at once, each waiting for the store's single writer, GroupCommit runs
// the waiting ones inside one store transaction, each in a savepoint of its own (a nested
// Store::transaction), and commits once for all of them.
//
// Contract, for each run(work):
//   - `work` runs exactly once, on some thread that called run() (the batch's leader), inside
//     a transaction; it must touch the store only, and only through the Store interface, so
//     that its writes go into the shared transaction.
//   - A failure of `work` (its returned error) undoes only its own writes and is returned by
//     its run(); the others in the batch commit.
//   - run() returns once the shared transaction has committed (the writes are then as durable
//     as any commit of the store) or failed (then nothing of `work` is kept and the commit's
//     error is returned).
// A call with nobody else waiting is a transaction of its own, as Store::transaction would be.
//
// Example:
//   GroupCommit commits(store);
//   util::Status s = commits.run([&]() -> util::Status { return store.save_comment(c).status(); });
//
// Thread-safe; the GroupCommit must outlive every run() call.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "store/store.h"

namespace reelpress::store {

class GroupCommit {
 public:
  explicit GroupCommit(Store& store, std::size_t max_batch = 64)
      : store_(store), max_batch_(max_batch == 0 ? 1 : max_batch) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  Status run(const std::function<Status()>& work);

  // Batches committed and pieces of work run so far (for tests and the benchmark).
  std::size_t commits() const;
  std::size_t runs() const;
  // Calls waiting for a batch to take them.
  std::size_t waiting() const;

 private:
  struct Pending {
    const std::function<Status()>* work;
    Status result;
    bool done = false;
  };

  Store& store_;
  const std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable finished_;
  std::deque<Pending*> queue_;
  bool leading_ = false;  // A thread is running a batch.
  std::size_t commits_ = 0;
  std::size_t runs_ = 0;
};

}  // namespace reelpress::store
