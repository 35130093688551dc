// Settings of the HTTP server. Parsing them from site.toml or the command line is the
// caller's business (src/cli/); the server only reads this struct.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace reelpress::server {

// The event loop's threads when none are asked for: one fewer than the cores this process
// may run on (its CPU affinity, as `taskset` or a container's cpuset leave it), at least one.
// The core left over is for everything else the site needs at the same moment: the store's
// writer thread, the kernel's network work, a TLS proxy in front. A loop thread per core
// shares every core with them, and the shared loop then pays for waking its idle threads far
// more than the extra thread serves (docs/architecture.md, "The server").
int default_threads();

struct ServerOptions {
  // Address to listen on: an IPv4 or IPv6 literal ("127.0.0.1", "::1", "0.0.0.0") or a
  // host name resolved once at start() ("localhost").
  std::string host = "127.0.0.1";
  // 0 asks the kernel for a free port; HttpServer::port() tells which after start().
  uint16_t port = 8080;
  // Threads running the server's event loop. 0 or less means one.
  int threads = default_threads();
  // Threads that run the POST handlers that may block (the admin's: sign-in, uploads), so that
  // the workers keep serving reads meanwhile. Posts the handler answers later
  // (site::Handler::replies_later: the reader forms) do not use them. 0: POSTs run on the
  // workers.
  int form_threads = 4;
  // Request line plus header fields; larger requests get 431 and the connection is closed.
  size_t header_limit = 16 * 1024;
  // Request body (forms); larger bodies get 413 and the connection is closed, the body unread.
  size_t body_limit = 1024 * 1024;
  // Requests whose sender the handler lets send a large body (site::Handler::accepts_large_body:
  // the admin's media form, for a signed-in editor who may upload), decided from the header
  // before any body byte is read, may send up to upload_body_limit within upload_timeout;
  // everyone else keeps body_limit and request_timeout. At most uploads_at_once such bodies
  // are read at a time across the server; one more gets 503 with Retry-After, unread.
  size_t upload_body_limit = 32 * 1024 * 1024;
  std::chrono::seconds upload_timeout{300};
  int uploads_at_once = 4;
  // The whole request (header and body) must arrive within this time of its first byte, and
  // a new connection must start its first request within it; otherwise the connection is
  // dropped. It covers reading only: the handler's time does not count. Bounds slow-loris clients.
  // Like the other timeouts, enforced by a sweep every 250 ms, so it fires up to that much late.
  std::chrono::seconds request_timeout{10};
  // How long a post may wait for a form thread (form_threads): one that waited longer is
  // answered 503 with Retry-After without running, so a client is never left without an
  // answer however long the queue. Once a handler has started, its answer is always sent:
  // the request's deadlines cover reading it and writing the answer, not handling it.
  std::chrono::milliseconds form_wait_timeout{10000};
  // How long a keep-alive connection may sit idle between requests.
  std::chrono::seconds keep_alive_timeout{30};
  // How long writing one response may take before the client is deemed gone.
  std::chrono::seconds write_timeout{30};
  // On stop(), how long in-flight requests get to finish before their connections are cut.
  std::chrono::milliseconds shutdown_grace{2000};
  // Reverse proxies in front of the server, as IP literals ("127.0.0.1", "::1"). A post whose
  // connection comes from one gets, as its client address (site::Request::client_address, for
  // the per-client limits), the address the proxy names in client_address_header instead of
  // the proxy's own: "X-Forwarded-For" (the right-most address of its last line, the one the
  // proxy appended; those before it are whatever the client claimed) or "X-Real-IP". A
  // header that is missing or names no address leaves the proxy's. From any other peer the
  // header is ignored. start() fails on an entry that is not an address.
  std::vector<std::string> trusted_proxies;
  std::string client_address_header = "X-Forwarded-For";
  // One line per request (see access_log.h); null disables the log. Not owned; must outlive
  // the server. Written from every worker thread under the server's own lock, so nobody else
  // may write to it while the server runs.
  std::ostream* access_log = nullptr;
};

}  // namespace reelpress::server
