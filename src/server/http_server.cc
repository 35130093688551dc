#include "server/http_server.h"

#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <optional>
#include <thread>
#include <vector>

#include "server/access_log.h"
#include "server/session.h"
#include "server/worker.h"
#include "util/thread_name.h"

namespace reelpress::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// How long the acceptor pauses when the process is out of file descriptors, instead of
// spinning on a listening socket that stays readable.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

std::string format_endpoint(const std::string& host, uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// "Address already in use" -> "address already in use", to read well after a colon.
std::string lower_first(std::string message) {
  if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z') message[0] += 'a' - 'A';
  return message;
}

}  // namespace

struct HttpServer::Impl {
  Impl(site::Handler& h, ServerOptions o)
      : handler(h), options(std::move(o)), access_log(options.access_log) {}

  util::Status start();
  // Opens, binds and listens; on failure nothing is left open on `io_context`.
  util::Status listen(asio::io_context& io_context);
  void run();
  void stop();
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> flush_loop();

  site::Handler& handler;
  const ServerOptions options;
  AccessLog access_log;
  SessionContext context{handler, options, access_log};
  std::unique_ptr<Worker> worker;
  // After worker: destroyed (stopped and joined) first, so that no form handler still runs
  // on a session's request when the worker's sessions go.
  std::optional<asio::thread_pool> form_pool;
  // The listening socket, the log's flush timer and the signals are touched only through
  // this strand once run() began: any server thread may run their handlers.
  std::optional<asio::strand<asio::io_context::executor_type>> control;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> flush_timer;
  std::optional<asio::signal_set> signals;
  tcp::endpoint bound;
  bool ran = false;
};

util::Status HttpServer::Impl::start() {
  if (worker) return util::fail(util::ErrorCode::kInvalidArgument, "already started");
  context.trusted_proxies.clear();
  for (const std::string& proxy : options.trusted_proxies) {
    boost::system::error_code ec;
    context.trusted_proxies.push_back(asio::ip::make_address(proxy, ec));
    if (ec) {
      return util::fail(util::ErrorCode::kInvalidArgument,
                        "trusted proxy \"" + proxy + "\" is not an IP address");
    }
  }
  worker = std::make_unique<Worker>(context, std::max(1, options.threads));
  if (options.form_threads > 0) {
    form_pool.emplace(static_cast<std::size_t>(options.form_threads));
    context.form_pool = &*form_pool;
  }
  asio::io_context& loop = worker->io_context();
  if (util::Status listening = listen(loop); !listening) {
    worker.reset();
    return listening;
  }
  control.emplace(asio::make_strand(loop));
  asio::co_spawn(*control, accept_loop(), asio::detached);
  if (access_log.enabled()) {
    flush_timer.emplace(loop);
    asio::co_spawn(*control, flush_loop(), asio::detached);
  }
  return {};
}

util::Status HttpServer::Impl::listen(asio::io_context& io_context) {
  auto cannot = [&](const std::string& why) {
    return util::fail(
        util::ErrorCode::kIo,
        "cannot listen on " + format_endpoint(options.host, options.port) + ": " + why);
  };
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options.port);
  } else {
    tcp::resolver resolver(io_context);
    auto results =
        resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) return cannot("cannot resolve host: " + lower_first(ec.message()));
    endpoint = results.begin()->endpoint();
  }
  tcp::acceptor a(io_context);
  a.open(endpoint.protocol(), ec);
  // SO_REUSEADDR lets a restarted server bind while old connections sit in TIME_WAIT; on
  // Linux it does not let two servers listen on one port.
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) bound = a.local_endpoint(ec);
  if (ec) return cannot(lower_first(ec.message()));
  acceptor.emplace(std::move(a));
  return {};
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  asio::steady_timer backoff(acceptor->get_executor());
  while (true) {
    boost::system::error_code ec;
    Socket socket = co_await acceptor->async_accept(worker->io_context(),
                                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      // Out of descriptors or buffers: wait for connections to close, then go on.
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!acceptor->is_open()) co_return;
      continue;
    }
    // Responses go out in one write; Nagle's algorithm would only delay the next one.
    socket.set_option(tcp::no_delay(true), ec);
    start_session(*worker, std::move(socket));
  }
}

asio::awaitable<void> HttpServer::Impl::flush_loop() {
  // Lines reach the log file within a second even when traffic stops.
  while (true) {
    flush_timer->expires_after(std::chrono::seconds(1));
    boost::system::error_code ec;
    co_await flush_timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    access_log.flush();
    if (ec) co_return;
  }
}

void HttpServer::Impl::run() {
  if (!worker || ran) return;
  ran = true;
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, options.threads); ++i) {
    threads.emplace_back([this] {
      util::name_this_thread("rp-loop");
      worker->run();
    });
  }
  worker->run();
  for (std::thread& t : threads) t.join();
  access_log.flush();
}

void HttpServer::Impl::stop() {
  if (!worker || context.stop_requested.exchange(true)) return;
  asio::post(*control, [this] {
    boost::system::error_code ec;
    acceptor->close(ec);
    if (flush_timer) flush_timer->cancel();
    if (signals) signals->cancel(ec);
  });
  worker->request_stop();
}

HttpServer::HttpServer(site::Handler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

HttpServer::~HttpServer() = default;

util::Status HttpServer::start() { return impl_->start(); }

std::string HttpServer::endpoint() const {
  if (!impl_->worker) return {};
  return format_endpoint(impl_->bound.address().to_string(), impl_->bound.port());
}

uint16_t HttpServer::port() const { return impl_->worker ? impl_->bound.port() : 0; }

void HttpServer::run() { impl_->run(); }

void HttpServer::run_until_signal() {
  if (!impl_->worker) return;
  impl_->signals.emplace(impl_->worker->io_context(), SIGINT, SIGTERM);
  impl_->signals->async_wait(
      asio::bind_executor(*impl_->control, [this](boost::system::error_code ec, int) {
        if (!ec) stop();
      }));
  run();
  impl_->signals.reset();
}

void HttpServer::stop() { impl_->stop(); }

}  // namespace reelpress::server
