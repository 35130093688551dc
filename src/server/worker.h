// One worker: an event loop run by one thread, and the connections that live on it.
// Internal to the server (http_server.cc and session.cc); not for other layers.
//
// Every connection stays on the worker that accepted it for its whole life, so nothing a
// connection touches needs a lock or a strand (see http_server.h for why).
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <optional>
#include <vector>

#include "server/access_log.h"
#include "server/server_options.h"
#include "site/http.h"

namespace reelpress::server {

// What every session needs, shared by all workers; outlives them.
struct SessionContext {
  site::Handler& handler;
  const ServerOptions& options;
  AccessLog& access_log;
  // Where POST handlers that may block run (ServerOptions::form_threads); null: on the
  // worker itself.
  boost::asio::thread_pool* form_pool = nullptr;
  // Set by HttpServer::stop() on the calling thread, before the workers hear of it, so a
  // response being prepared right then already says "Connection: close".
  std::atomic<bool> stop_requested{false};
};

// A live connection, as the worker sees it: something with a deadline that can be closed.
// Implemented by the session.
class Connection {
 public:
  using Clock = std::chrono::steady_clock;

  // Closes the connection if it waits for a next request; otherwise leaves it to finish the
  // request in flight (the session sees Worker::stopping() and then closes).
  virtual void close_if_idle() = 0;
  // Closes the connection whatever it is doing; its pending operations complete with
  // operation_aborted.
  virtual void close() = 0;

  // The worker close()s the connection soon after `deadline` passes (within
  // Worker::kSweepInterval) and timed_out() turns true. Setting a deadline is a store, not a
  // timer operation, so a session can move it for every phase of every request for free.
  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }
  bool timed_out() const { return timed_out_; }

 protected:
  virtual ~Connection() = default;

 private:
  friend class Worker;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
  size_t slot_ = 0;  // Index in Worker::connections_.
};

// All members but io_context(), context() and request_stop() must be called on the worker's
// own thread (from a handler or coroutine running on io_context()).
class Worker {
 public:
  explicit Worker(SessionContext& context);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  boost::asio::io_context& io_context() { return io_context_; }
  SessionContext& context() const { return context_; }

  // Runs the event loop on the calling thread until the worker has stopped and every
  // connection on it has closed.
  void run() { io_context_.run(); }

  // Thread-safe: asks the worker to stop (see begin_stop).
  void request_stop();

  // True once stopping started: sessions finish their current request and close.
  bool stopping() const { return stopping_; }

  // Registers a new connection (its deadline starts the sweep) and forgets a closed one.
  void add(Connection* connection);
  void remove(Connection* connection);

  // How often deadlines are checked, hence how late a timeout may fire.
  static constexpr auto kSweepInterval = std::chrono::milliseconds(250);

 private:
  // Closes idle connections at once, gives busy ones options.shutdown_grace to finish, then
  // closes whatever is left; lets run() return once no connection is left.
  void begin_stop();
  // Closes every connection whose deadline has passed; runs every kSweepInterval while
  // there are connections. One timer per worker instead of one per connection and
  // operation: a timer armed and cancelled around every read and write costs two heap
  // updates and a handler dispatch each time, and most never fire.
  void sweep();

  boost::asio::io_context io_context_;
  SessionContext& context_;
  // Keeps run() going while no connection exists; dropped when stopping.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::steady_timer grace_timer_;
  boost::asio::steady_timer sweep_timer_;
  bool sweeping_ = false;
  std::vector<Connection*> connections_;
  bool stopping_ = false;
};

}  // namespace reelpress::server
