#include "server/worker.h"

#include <boost/asio/post.hpp>

namespace reelpress::server {

// A concurrency hint of 1 tells Asio that one thread runs this context, so its scheduler
// skips the work it does to wake other threads; locking stays on because the acceptor's
// thread hands sockets to this context and stop() posts to it.
Worker::Worker(SessionContext& context)
    : io_context_(1),
      context_(context),
      work_(boost::asio::make_work_guard(io_context_)),
      grace_timer_(io_context_),
      sweep_timer_(io_context_) {}

void Worker::request_stop() {
  boost::asio::post(io_context_, [this] { begin_stop(); });
}

void Worker::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  work_.reset();
  // close_if_idle() may remove nothing synchronously (sessions remove themselves when their
  // coroutine resumes), but iterate over a copy all the same so the contract stays simple.
  std::vector<Connection*> connections = connections_;
  for (Connection* connection : connections) connection->close_if_idle();
  if (connections_.empty()) return;
  grace_timer_.expires_after(context_.options.shutdown_grace);
  grace_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // Cancelled: every connection closed in time.
    std::vector<Connection*> left = connections_;
    for (Connection* connection : left) connection->close();
  });
}

void Worker::add(Connection* connection) {
  connection->slot_ = connections_.size();
  connections_.push_back(connection);
  if (!sweeping_) {
    sweeping_ = true;
    sweep();
  }
}

void Worker::sweep() {
  // Closing only cancels the connection's operations; sessions remove themselves later,
  // from their own coroutine, so connections_ does not change during this loop.
  const auto now = Connection::Clock::now();
  for (Connection* connection : connections_) {
    if (connection->deadline_ <= now && !connection->timed_out_) {
      connection->timed_out_ = true;
      connection->close();
    }
  }
  if (connections_.empty()) {
    // Nothing to watch: no wake-ups on an idle server. add() starts sweeping again.
    sweeping_ = false;
    return;
  }
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) {
      sweeping_ = false;
      return;
    }
    sweep();
  });
}

void Worker::remove(Connection* connection) {
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

}  // namespace reelpress::server
