// OrderedPipeline: runs the slow, pure part of each piece of work (rendering HTML through the
// sanitizer) on worker threads, and its commit (writing to the Store) on the calling thread in
// the order the work was submitted. The import is then as fast as the parser and the store
// allow on one core while the other cores render, and the store still sees one thread inside
// one transaction, in file order, as if nothing ran in parallel.
//
// Memory stays bounded: at most `max_pending` pieces (and about `max_pending_bytes` of them)
// are in flight; submit() waits (helping with the work itself) when that is reached.
//
// Example:
//   OrderedPipeline pipeline(/*workers=*/2);
//   auto entry = std::make_shared<Entry>(...);
//   auto s = pipeline.submit(
//       [entry] { entry->body_html = render(entry->body); },          // any worker thread
//       [entry, &store]() -> Status { return store.save(*entry); },   // this thread, in order
//       entry->body.size());
//   if (!s) return s;  // A commit failed: nothing more is committed.
//   s = pipeline.drain();
//
// Contract: work() must not touch what the calling thread changes meanwhile (it gets its own
// copies); commit() runs on the thread that calls submit()/drain(), never concurrently with
// another commit. After a commit fails, submit() and drain() return that error and commit
// nothing more; pending work is abandoned (finished or skipped) at destruction. With 0
// workers, work runs inline in submit(): a single-threaded mode for tests and tiny machines.
// An exception from work() becomes a kInternal error from its commit.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "util/result.h"

namespace reelpress::importer {

class OrderedPipeline {
 public:
  explicit OrderedPipeline(unsigned workers, std::size_t max_pending = 256,
                           std::size_t max_pending_bytes = 64u << 20);
  ~OrderedPipeline();
  OrderedPipeline(const OrderedPipeline&) = delete;
  OrderedPipeline& operator=(const OrderedPipeline&) = delete;

  // Queues work; commits every finished piece at the front of the line. `bytes` is what the
  // piece holds, for the memory bound.
  util::Status submit(std::function<void()> work, std::function<util::Status()> commit,
                      std::size_t bytes = 0);

  // Waits for every piece and commits it.
  util::Status drain();

 private:
  struct Piece {
    std::function<void()> work;
    std::function<util::Status()> commit;
    std::size_t bytes = 0;
    bool started = false;                  // Guarded by mutex_.
    bool done = false;                     // Guarded by mutex_.
    std::unique_ptr<util::Error> failure;  // Set by whoever ran work() if it threw.
  };

  void worker_loop();
  // Runs a piece's work and marks it done. Called without mutex_ held.
  void run(Piece& piece);
  // Commits finished pieces at the front; with `wait`, also waits for (or does) the front's
  // work until at most `keep` pieces remain.
  util::Status commit_ready(std::size_t keep_pieces, std::size_t keep_bytes);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable work_ready_;          // Workers wait for work here.
  std::condition_variable piece_done_;          // The committing thread waits here.
  std::deque<std::shared_ptr<Piece>> queue_;    // Not started yet (mutex_).
  std::deque<std::shared_ptr<Piece>> pending_;  // Not committed yet (committing thread only).
  std::size_t pending_bytes_ = 0;
  bool stopping_ = false;
  std::unique_ptr<util::Error> failed_;  // The first commit error (committing thread only).
  std::size_t max_pending_;
  std::size_t max_pending_bytes_;
};

}  // namespace reelpress::importer
