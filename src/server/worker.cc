#include "server/worker.h"

#include <array>
#include <boost/asio/post.hpp>
#include <utility>

namespace reelpress::server {

Worker::Worker(SessionContext& context, int threads)
    : io_context_(threads < 1 ? 1 : threads),
      context_(context),
      work_(boost::asio::make_work_guard(io_context_)),
      grace_timer_(io_context_),
      sweep_timer_(io_context_) {}

void Worker::request_stop() {
  boost::asio::post(io_context_, [this] { begin_stop(); });
}

void Worker::begin_stop() {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  stopping_ = true;
  work_.reset();
  // Cutting only shuts sockets down; sessions remove themselves when their coroutine resumes.
  for (Connection* connection : connections_) {
    if (connection->idle()) connection->cut();
  }
  if (connections_.empty()) return;
  grace_timer_.expires_after(context_.options.shutdown_grace);
  grace_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // Cancelled: every connection closed in time.
    std::lock_guard relock(mutex_);
    for (Connection* connection : connections_) connection->cut();
  });
}

void Worker::add(Connection* connection) {
  std::lock_guard lock(mutex_);
  connection->slot_ = connections_.size();
  connections_.push_back(connection);
  if (!sweeping_) {
    sweeping_ = true;
    arm_sweep();
  }
}

void Worker::arm_sweep() {
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) {
      sweep();
      return;
    }
    std::lock_guard lock(mutex_);
    sweeping_ = false;
  });
}

void Worker::sweep() {
  std::lock_guard lock(mutex_);
  const Connection::Clock::rep now = Connection::Clock::now().time_since_epoch().count();
  for (Connection* connection : connections_) {
    if (connection->deadline_.load(std::memory_order_relaxed) <= now &&
        !connection->timed_out_.exchange(true, std::memory_order_relaxed)) {
      connection->cut();
    }
  }
  if (connections_.empty()) {
    // Nothing to watch: no wake-ups on an idle server. add() starts sweeping again.
    sweeping_ = false;
    return;
  }
  arm_sweep();
}

void Worker::remove(Connection* connection) {
  std::lock_guard lock(mutex_);
  // Swap with the last so removal is O(1); order does not matter.
  Connection* last = connections_.back();
  connections_[connection->slot_] = last;
  last->slot_ = connection->slot_;
  connections_.pop_back();
  if (stopping_ && connections_.empty()) {
    // Let run() return now rather than when these timers would have fired.
    grace_timer_.cancel();
    sweep_timer_.cancel();
  }
}

void Worker::hand_back(std::function<void()> step) {
  bool first = false;
  {
    std::lock_guard lock(handed_back_mutex_);
    first = handed_back_.empty();
    handed_back_.push_back(std::move(step));
  }
  // The posted run keeps the loop running until it has taken every step.
  if (first) boost::asio::post(io_context_, [this] { run_handed_back(); });
}

void Worker::run_handed_back() {
  std::array<std::function<void()>, kStepsPerTurn> turn;
  std::size_t taken = 0;
  bool more = false;
  {
    std::lock_guard lock(handed_back_mutex_);
    while (taken < kStepsPerTurn && next_handed_back_ < handed_back_.size()) {
      turn[taken++] = std::move(handed_back_[next_handed_back_++]);
    }
    more = next_handed_back_ < handed_back_.size();
    if (!more) {
      // Emptied, its room kept for the next steps; the next hand_back() posts a run.
      handed_back_.clear();
      next_handed_back_ = 0;
    }
  }
  for (std::size_t i = 0; i < taken; ++i) turn[i]();
  // Behind whatever the loop has ready by now; no other run is posted while steps are left.
  if (more) boost::asio::post(io_context_, [this] { run_handed_back(); });
}

}  // namespace reelpress::server
