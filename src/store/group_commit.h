// GroupCommit: many small write transactions from many threads, committed together by one
// writer thread.
//
// A reader's comment is one small transaction, and what a commit costs is mostly fixed: the
// write lock, appending the touched pages to the journal (a comment touches six: its row,
// three indexes, the id sequence and the recent replay digests), the system calls. Work
// handed to submit() queues for the GroupCommit's own writer thread, which runs what waits
// inside one store transaction, each piece in a savepoint of its own (a nested
// Store::transaction), and commits once for all of them. Ten comments in one commit append
// those six pages once, not ten times.
//
// The gather window: when posts come together (two or more waited for the writer, or the
// last batch had more than one), the writer waits for others to join the batch: while the
// next is due (no longer since the last arrival than kDueGaps times the recent average gap
// between arrivals), at most `gather` after the first, and until max_batch wait. A window
// that gathers nothing ends the waiting. So a lone post, or a client that sends the next
// only once this one is answered, is committed at once, and so is a burst that has ended:
// they would wait for nothing.
//
// Contract, for each submit(work, done):
//   - `work` runs exactly once, on the writer thread, inside a transaction; it must touch the
//     store only, and only through the Store interface, so that its writes go into the shared
//     transaction.
//   - A failure of `work` (its returned error) undoes only its own writes and is what `done`
//     gets; the others in the batch commit.
//   - `done` runs on the writer thread once the shared transaction has committed (the writes
//     are then as durable as any commit of the store) or failed (then nothing of `work` is
//     kept and the commit's error is passed). It should be quick (hand the outcome on to
//     another thread): the next batch waits for it. It must not throw.
// run(work) is submit() and a wait for its outcome.
//
// Example:
//   GroupCommit commits(store);
//   commits.submit([&store, c]() -> util::Status { return store.save_comment(c).status(); },
//                  [reply](util::Status saved) { reply(saved); });
//
// Thread-safe. The destructor commits what is queued, then stops the writer; no call may
// start once it has begun.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.h"

namespace reelpress::store {

class GroupCommit {
 public:
  using Work = std::function<Status()>;
  using Done = std::function<void(Status)>;

  struct Options {
    std::size_t max_batch = 64;  // 0 counts as 1.
    // How long a busy writer waits for a batch to fill; zero: never waits.
    std::chrono::microseconds gather{5000};
  };

  explicit GroupCommit(Store& store) : GroupCommit(store, Options()) {}
  GroupCommit(Store& store, Options options);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  void submit(Work work, Done done);
  // Submits `work` and returns its outcome once committed.
  Status run(Work work);

  // Batches committed and pieces of work run so far (for tests and the benchmark).
  std::size_t commits() const;
  std::size_t runs() const;
  // Pieces of work queued that no batch has taken yet.
  std::size_t waiting() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    Work work;
    Done done;
    Clock::time_point arrived;
  };

  // How many average gaps without an arrival end a gathering. Steady posts come in clumps
  // (clients' timers tick in milliseconds, a socket's reads are taken together), so a gap
  // of two or three times the average is common inside a steady stream: with 2, the writer
  // took it for the end and committed half-empty batches (4 posts at 2,000/s and a 5 ms
  // window, against 12 with 8), and woke once per gap to check (a fifth of its CPU).
  static constexpr int kDueGaps = 8;

  void write_loop();
  // Runs the batch in one transaction; each piece's outcome, in order.
  std::vector<Status> commit(std::vector<Pending>& batch);

  Store& store_;
  const std::size_t max_batch_;
  const Clock::duration gather_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // Work queued, a batch filled, or stopping.
  std::deque<Pending> queue_;
  bool gathering_ = false;  // The last batch had company: the next waits for some too.
  Clock::time_point last_arrival_{};
  Clock::time_point batch_taken_{};  // When the writer last took a batch from the queue.
  // The average gap between arrivals, weighted to the recent ones (1/8 per arrival); a gap
  // counts as `gather` at most, so a quiet hour does not outweigh a busy second, and a gap
  // across the taking of a batch does not count (see submit()).
  Clock::duration mean_gap_{};
  bool stopping_ = false;
  std::size_t commits_ = 0;
  std::size_t runs_ = 0;
  std::thread writer_;  // Last: started once everything above is ready.
};

}  // namespace reelpress::store
