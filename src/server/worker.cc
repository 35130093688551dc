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
      grace_timer_(io_context_) {}

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
}

void Worker::remove(Connection* connection) {
  // Swap with the last so removal is O(1); order does not matter.
  Connection* last = connections_.back();
  connections_[connection->slot_] = last;
  last->slot_ = connection->slot_;
  connections_.pop_back();
  if (stopping_ && connections_.empty()) grace_timer_.cancel();
}

}  // namespace reelpress::server
