// The HTTP/1.1 server: listens on one address, parses requests, hands them to a
// site::Handler, and writes its responses (choosing gzip/brotli forms, answering 304s, keeping
// connections alive, enforcing limits and timeouts). The only part of reelpress that knows
// about Boost.Beast/Asio; this header includes neither.
//
// Example:
//   server::HttpServer server(handler, {.host = "127.0.0.1", .port = 0});
//   if (util::Status s = server.start(); !s) return fail(s.error());
//   std::cout << "listening on http://" << server.endpoint() << "/\n";
//   server.run_until_signal();  // Until SIGINT or SIGTERM; then a graceful stop.
//
// Threading model: options.threads threads run one event loop (an asio::io_context), and
// whichever is free runs a connection's next step. A session has one operation pending at a
// time, so its steps never run at once and it needs no strand; other threads end a
// connection only through the kernel (shutdown(2) of its socket, see worker.h). We used to
// pin each connection to one thread's own loop, as nginx pins it to a worker process, which
// needs no lock at all; but when the machine's cores are shared (a TLS proxy, a load
// generator on the same host), the kernel at times leaves a thread waiting a whole scheduler
// tick with answers due, and every connection pinned to it waits as long (p99 4.3 ms against
// 0.8 ms with a single thread). With one shared loop the other threads serve them, and a
// handler that blocks (a cache miss that renders) holds up only its own connection. One
// SO_REUSEPORT listener per thread was rejected too: it lets a second server bind the same
// port silently and drops queued connections when a listener closes.
//
// File bodies (large media, sent with sendfile(2)) go out on a loop of their own, run by
// options.file_threads threads: a download drained as fast as the network goes keeps that
// loop busy, and the pages, which wait on the other, do not queue behind it. The session
// sleeps meanwhile, as it does for a form post on the form pool.
//
// Per request on a keep-alive connection the server makes two socket operations (one read,
// one gathered write of head and payload) and no timer operation: a request that arrived
// whole is parsed from the buffer without another read, and timeouts are deadlines that a
// sweep checks four times a second.
//
// Graceful stop: stop() closes the listening socket and idle keep-alive connections at
// once; requests in flight finish (their response says "Connection: close") within
// options.shutdown_grace, after which remaining connections are cut; then run() returns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "server/server_options.h"
#include "site/http.h"
#include "util/result.h"

namespace reelpress::server {

class HttpServer {
 public:
  // `handler` is not owned and must outlive the server; it is called from every worker
  // thread at once.
  HttpServer(site::Handler& handler, ServerOptions options);
  // Stops the server. Must not run while run() is still executing on another thread: call
  // stop() and wait for run() to return first.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, and ignores SIGPIPE in the whole process from then on (see
  // session.cc: files are sent with sendfile). Fails with kIo and a message such as
  // "cannot listen on 127.0.0.1:8080: address already in use", or kInvalidArgument when
  // called twice. Connections queue in the kernel until run().
  [[nodiscard]] util::Status start();

  // The bound address as "127.0.0.1:8080" or "[::1]:8080" (with the real port when
  // options.port was 0). Empty before start() succeeded.
  std::string endpoint() const;
  // The bound port; 0 before start() succeeded.
  uint16_t port() const;

  // Serves on options.threads threads (the calling one among them) until stop() completes.
  // Call once, after start() succeeded; returns at once otherwise.
  void run();

  // Installs SIGINT and SIGTERM handlers that call stop(), then run()s. For the command line.
  void run_until_signal();

  // Begins a graceful stop and returns at once; run() returns when it is done. Thread-safe
  // and idempotent; may be called before run(). Not async-signal-safe: from a signal, call
  // it through an asio::signal_set (as run_until_signal does) or a self-pipe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace reelpress::server
