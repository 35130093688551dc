// The server's event loop, run by every server thread, and the connections that live on it.
// Internal to the server (http_server.cc and session.cc); not for other layers.
//
// Any thread may run a connection's next step (see http_server.h for why). A session has one
// operation pending at a time, so its own steps never overlap; what other threads do to a
// connection (end it at its deadline or at stop) goes through the kernel, by shutting its
// socket down, never through the session's objects.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "server/access_log.h"
#include "server/server_options.h"
#include "site/http.h"

namespace reelpress::server {

// What every session needs; outlives the worker.
struct SessionContext {
  site::Handler& handler;
  const ServerOptions& options;
  AccessLog& access_log;
  // Where POST handlers that may block run (ServerOptions::form_threads); null: on the
  // worker itself.
  boost::asio::thread_pool* form_pool = nullptr;
  // ServerOptions::trusted_proxies, parsed by start() before any connection.
  std::vector<boost::asio::ip::address> trusted_proxies;
  // Large bodies being read or handled now, across the server (ServerOptions::uploads_at_once).
  std::atomic<int> uploads_in_progress{0};
  // Set by HttpServer::stop() on the calling thread, before the workers hear of it, so a
  // response being prepared right then already says "Connection: close".
  std::atomic<bool> stop_requested{false};
};

// A live connection, as the worker sees it: something with a deadline that can be cut.
// Implemented by the session.
class Connection {
 public:
  using Clock = std::chrono::steady_clock;

  // Shuts the connection's socket down (shutdown(2), safe from any thread while the
  // connection is registered with the worker): what the session waits for fails, and the
  // session ends and closes the socket itself.
  virtual void cut() = 0;
  // Whether the connection waits for the first byte of a next request.
  bool idle() const { return idle_.load(std::memory_order_relaxed); }
  void set_idle(bool idle) { idle_.store(idle, std::memory_order_relaxed); }

  // The worker cuts the connection soon after `deadline` passes (within
  // Worker::kSweepInterval) and timed_out() turns true. Setting a deadline is a relaxed
  // store, not a timer operation, so a session can move it for every phase of every request
  // for free.
  void set_deadline(Clock::time_point deadline) {
    deadline_.store(deadline.time_since_epoch().count(), std::memory_order_relaxed);
  }
  bool timed_out() const { return timed_out_.load(std::memory_order_relaxed); }

 protected:
  virtual ~Connection() = default;

 private:
  friend class Worker;
  std::atomic<Clock::rep> deadline_{Clock::time_point::max().time_since_epoch().count()};
  std::atomic<bool> timed_out_{false};
  std::atomic<bool> idle_{false};
  size_t slot_ = 0;  // Index in Worker::connections_.
};

// add() and remove() may be called from any thread running io_context(); everything else of
// the worker is its own business.
class Worker {
 public:
  // `threads`: how many threads will call run(), Asio's concurrency hint.
  Worker(SessionContext& context, int threads);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  boost::asio::io_context& io_context() { return io_context_; }
  SessionContext& context() const { return context_; }

  // Runs the event loop on the calling thread, with every other thread that calls it, until
  // the worker has stopped and every connection has closed.
  void run() { io_context_.run(); }

  // Thread-safe: asks the worker to stop (see begin_stop).
  void request_stop();

  // True once stopping started: sessions finish their current request and close.
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  // Registers a new connection (its deadline starts the sweep) and forgets a closed one, which
  // must no longer be cut: remove() before closing the socket, whose descriptor may be reused
  // at once.
  void add(Connection* connection);
  void remove(Connection* connection);

  // Runs `step` on the loop soon, from any thread: how another thread hands an answer back
  // to the session waiting for it. Steps handed back while earlier ones still wait for a loop
  // thread join them, and the loop takes them in order, kStepsPerTurn at a time: the store's
  // writer answers a batch of comments with one wake-up of the loop, not one per comment
  // (each costs the loop a thread's sleep and wake-up, on a virtual machine more than the
  // answer's own work). A step must not throw.
  void hand_back(std::function<void()> step);

  // How many handed-back steps a loop thread runs before it lets the loop's other work (the
  // readers' requests) have a turn. A step resumes a session, which sends its answer: a
  // dozen comments committed together would otherwise hold every reader on the thread back
  // for a dozen sends.
  static constexpr std::size_t kStepsPerTurn = 2;

  // How often deadlines are checked, hence how late a timeout may fire.
  static constexpr auto kSweepInterval = std::chrono::milliseconds(250);

 private:
  // Cuts idle connections at once, gives busy ones options.shutdown_grace to finish, then
  // cuts whatever is left; lets run() return once no connection is left.
  void begin_stop();
  // Cuts every connection whose deadline has passed; runs every kSweepInterval while there
  // are connections. One timer for the server instead of one per connection and operation:
  // a timer armed and cancelled around every read and write costs two heap updates and a
  // handler dispatch each time, and most never fire.
  void sweep();
  // Starts the timer of the next sweep; with mutex_ held.
  void arm_sweep();
  // Runs the next kStepsPerTurn steps handed back, and posts itself again if more wait.
  void run_handed_back();

  boost::asio::io_context io_context_;
  SessionContext& context_;
  // Guards everything below: sessions on every thread come and go, and the timers' handlers
  // run on any thread.
  std::mutex mutex_;
  // Keeps run() going while no connection exists; dropped when stopping.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::steady_timer grace_timer_;
  boost::asio::steady_timer sweep_timer_;
  bool sweeping_ = false;
  std::vector<Connection*> connections_;
  std::atomic<bool> stopping_{false};
  // Steps handed back: those from next_handed_back_ on are not taken yet. A run of them is
  // posted when the first arrives, and reposts itself while any are left.
  std::mutex handed_back_mutex_;
  std::vector<std::function<void()>> handed_back_;
  std::size_t next_handed_back_ = 0;
};

}  // namespace reelpress::server
