// wait_for: turns a call that answers through a callback, on whichever thread, into one that
// blocks until the answer is there (GroupCommit::run, a blocking handle() of a handler whose
// answers come later).
//
// Example:
//   util::Status s = util::wait_for<util::Status>(
//       [&](std::function<void(util::Status)> deliver) { queue.submit(work, deliver); });
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

namespace reelpress::util {

// Calls start(deliver) and returns the value passed to deliver, which must be called exactly
// once, during start or later from any thread.
template <typename T>
T wait_for(const std::function<void(std::function<void(T)>)>& start) {
  std::mutex mutex;
  std::condition_variable delivered;
  std::optional<T> value;
  start([&](T v) {
    // Notified under the lock: the waiter cannot return, and take these locals with it,
    // before this is done with them.
    std::lock_guard lock(mutex);
    value = std::move(v);
    delivered.notify_one();
  });
  std::unique_lock lock(mutex);
  delivered.wait(lock, [&] { return value.has_value(); });
  return std::move(*value);
}

}  // namespace reelpress::util
