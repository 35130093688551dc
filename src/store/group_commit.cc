#include "store/group_commit.h"

#include <exception>
#include <string>
#include <vector>

namespace reelpress::store {

Status GroupCommit::run(const std::function<Status()>& work) {
  Pending mine{&work, {}, false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leading_) {
      finished_.wait(lock);
      continue;
    }
    // Nobody is committing: lead a batch of what waits now (this call's work among it, as
    // a leader only leaves after its own work is done).
    leading_ = true;
    std::vector<Pending*> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    Status committed;
    try {
      committed = store_.transaction([&]() -> Status {
        for (Pending* p : batch) p->result = store_.transaction(*p->work);
        return {};
      });
    } catch (const std::exception& e) {
      // The store rolled back; every caller learns it, and the next batch gets a leader.
      committed =
          util::fail(util::ErrorCode::kInternal, std::string("a write failed: ") + e.what());
    }
    lock.lock();
    for (Pending* p : batch) {
      if (!committed) p->result = committed;
      p->done = true;
    }
    ++commits_;
    runs_ += batch.size();
    leading_ = false;
    finished_.notify_all();
  }
  return mine.result;
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
