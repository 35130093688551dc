#include "store/group_commit.h"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include "util/thread_name.h"
#include "util/wait_for.h"

namespace reelpress::store {

GroupCommit::GroupCommit(Store& store, Options options)
    : store_(store),
      max_batch_(options.max_batch == 0 ? 1 : options.max_batch),
      gather_(options.gather),
      writer_([this] { write_loop(); }) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

void GroupCommit::submit(Work work, Done done) {
  const Clock::time_point now = Clock::now();
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    // A gap across the taking of a batch is not counted: clients that each wait for their
    // answer send nothing while their batch is committed, and counting that pause would make
    // the writer wait for more after every burst of theirs, when none can come.
    if (last_arrival_ >= batch_taken_) {
      const Clock::duration gap = std::min<Clock::duration>(now - last_arrival_, gather_);
      mean_gap_ = (mean_gap_ * 7 + gap) / 8;
    }
    last_arrival_ = now;
    queue_.push_back(Pending{std::move(work), std::move(done), now});
    // The writer sleeps on an empty queue, or gathers until the batch is full.
    wake = queue_.size() == 1 || queue_.size() == max_batch_;
  }
  if (wake) wake_.notify_one();
}

Status GroupCommit::run(Work work) {
  return util::wait_for<Status>([&](Done done) { submit(std::move(work), std::move(done)); });
}

void GroupCommit::write_loop() {
  util::name_this_thread("rp-group-commit");
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // Stopping, and everything queued is committed.
    if (!stopping_ && gather_.count() > 0 && queue_.size() < max_batch_ &&
        (gathering_ || queue_.size() > 1)) {
      const Clock::time_point window_end = queue_.front().arrived + gather_;
      while (!stopping_ && queue_.size() < max_batch_) {
        const Clock::time_point until = std::min(window_end, last_arrival_ + kDueGaps * mean_gap_);
        if (Clock::now() >= until) break;
        wake_.wait_until(lock, until);
      }
    }
    std::vector<Pending> batch;
    batch.reserve(std::min(queue_.size(), max_batch_));
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    gathering_ = batch.size() > 1;
    batch_taken_ = Clock::now();
    lock.unlock();
    std::vector<Status> outcomes = commit(batch);
    lock.lock();
    ++commits_;
    runs_ += batch.size();
    lock.unlock();
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(outcomes[i]));
    lock.lock();
  }
}

std::vector<Status> GroupCommit::commit(std::vector<Pending>& batch) {
  std::vector<Status> outcomes(batch.size());
  Status committed;
  try {
    committed = store_.transaction([&]() -> Status {
      for (std::size_t i = 0; i < batch.size(); ++i)
        outcomes[i] = store_.transaction(batch[i].work);
      return {};
    });
  } catch (const std::exception& e) {
    // The store rolled back; every piece learns it, and the next batch goes on.
    committed = util::fail(util::ErrorCode::kInternal, std::string("a write failed: ") + e.what());
  }
  if (!committed) {
    for (Status& outcome : outcomes) outcome = committed;
  }
  return outcomes;
}

std::size_t GroupCommit::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t GroupCommit::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

std::size_t GroupCommit::runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
}

}  // namespace reelpress::store
