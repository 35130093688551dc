#include "server/session.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <cerrno>
#include <chrono>
#include <exception>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "server/http_date.h"
#include "server/request_conversion.h"
#include "server/response_head.h"

namespace reelpress::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Executor = asio::io_context::executor_type;
template <class T>
using Awaitable = asio::awaitable<T, Executor>;

// Every co_await below: no exception on errors (they are expected: clients vanish), the
// error lands in `ec` instead.
auto await_into(beast::error_code& ec) {
  return asio::redirect_error(asio::use_awaitable_t<Executor>(), ec);
}

// Room for the header fields of a typical browser request; larger ones spill to the heap.
constexpr size_t kArenaBytes = 4096;
// The most one read takes in one go; pipelined requests that arrive together are parsed
// from the same buffer.
constexpr size_t kReadBytes = 16 * 1024;
// After an error response, how long and how much we keep reading (and dropping) what the
// client still sends, so closing does not reset the connection before it read our answer.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr size_t kLingerBytes = 256 * 1024;
// Buffers that grew past this for one large request are given back afterwards, so an idle
// keep-alive connection holds little memory.
constexpr size_t kKeepCapacity = 64 * 1024;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// When a client refused with 503 (the form threads or the upload places all taken) may try
// again.
constexpr std::string_view kRetryAfterSeconds = "10";

// The most of a file one sendfile(2) call sends before the transfer lets the other work of
// its loop have a turn. A reader that drains as fast as the loopback (or a fast network)
// never fills its socket's buffer, so without a bound one large download would hold its
// thread until the end, and every other download on that thread (every page, when files are
// sent on the page loop) would wait.
constexpr size_t kFilePiece = 256 * 1024;

// The status to answer a request that could not be read, or 0 to drop the connection
// without a word (the client left, timed out, or the server is stopping).
int status_for_read_error(const beast::error_code& ec) {
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return 400;  // Malformed request line, field, length or chunk.
  }
  return 0;
}

std::string_view field(const RequestMessage& message, http::field name) {
  auto it = message.find(name);
  return it == message.end() ? std::string_view() : std::string_view(it->value());
}

// A socket's descriptor on the files loop. The same executor type as the sessions' sockets,
// so that one coroutine type serves both loops.
using FileSocket = asio::posix::basic_stream_descriptor<Executor>;

// What pump_file sends: `head`, then `length` bytes of file `in` from `offset`.
struct FileSpan {
  std::string_view head;
  int in;
  off_t offset;
  uint64_t length;
};

// How many of the file's bytes went out, and why not all did.
struct FileSent {
  uint64_t bytes = 0;
  beast::error_code error;
};

// Writes `span` to `out` (the session's socket, or a duplicate of its descriptor on the
// files loop): the head, then the file straight from the file to the socket (sendfile(2): no
// copy in this process), a piece at a time, waiting on `out`'s loop for room. The write
// deadline of `connection` moves on with every piece, so a slow reader that keeps reading
// gets the whole file and one that stops is cut (its socket shut down, which fails the next
// call here) write_timeout later.
template <class Out>
Awaitable<FileSent> pump_file(Out& out, const FileSpan& span, Connection& connection,
                              std::chrono::seconds write_timeout) {
  FileSent result;
  beast::error_code& ec = result.error;
  const int fd = out.native_handle();
  // The head with MSG_MORE, so that the kernel sends it with the file's first bytes rather
  // than in a segment of its own (the socket has TCP_NODELAY).
  for (std::string_view head = span.head; !head.empty();) {
    const ssize_t n = ::send(fd, head.data(), head.size(), MSG_MORE | MSG_NOSIGNAL);
    if (n >= 0) {
      head.remove_prefix(static_cast<size_t>(n));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      co_await out.async_wait(Out::wait_write, await_into(ec));
      if (ec) co_return result;
    } else if (errno != EINTR) {
      ec = beast::error_code(errno, beast::system_category());
      co_return result;
    }
  }
  off_t position = span.offset;
  while (result.bytes < span.length) {
    const size_t piece =
        static_cast<size_t>(std::min<uint64_t>(span.length - result.bytes, kFilePiece));
    const ssize_t n = ::sendfile(fd, span.in, &position, piece);
    if (n > 0) {
      result.bytes += static_cast<uint64_t>(n);
      connection.set_deadline(Clock::now() + write_timeout);
      // The other transfers' (or on the page loop, connections') turn (see kFilePiece); this
      // coroutine is queued behind them.
      co_await asio::post(out.get_executor(), asio::use_awaitable_t<Executor>());
    } else if (n == 0) {
      // The file shrank since it was opened: the length announced cannot be kept, and only
      // closing the connection tells the client its copy is incomplete.
      ec = http::error::partial_message;
      break;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      co_await out.async_wait(Out::wait_write, await_into(ec));
      if (ec) break;
    } else if (errno != EINTR) {
      ec = beast::error_code(errno, beast::system_category());
      break;
    }
  }
  co_return result;
}

// pump_file on the files loop, owning `out` there: the duplicate is closed on that loop when
// the transfer ends, and with it if the loop goes down first. (On the heap: Asio 1.18's
// descriptors of a given executor type cannot be moved.)
Awaitable<FileSent> send_file_from(std::unique_ptr<FileSocket> out, FileSpan span,
                                   Connection& connection, std::chrono::seconds write_timeout) {
  co_return co_await pump_file(*out, span, connection, write_timeout);
}

class Session final : public Connection {
 public:
  Session(Worker& worker, Socket socket)
      : worker_(worker), context_(worker.context()), socket_(std::move(socket)) {
    worker_.add(this);
    head_.reserve(1024);
  }
  ~Session() override {
    release_upload_place();
    worker_.remove(this);
  }

  Awaitable<void> run();

  void cut() override { ::shutdown(socket_.native_handle(), SHUT_RDWR); }

 private:
  // Reads more bytes into buffer_. A timeout shows as beast::error::timeout.
  Awaitable<size_t> read_some(beast::error_code& ec);
  // Parses the request that has begun in buffer_ into parser_, reading more as needed, all
  // within request_timeout of `started` (upload_timeout for a large body). True when a whole
  // request is there; otherwise `*refusal` is the status to answer it with, or 0 and `ec`
  // says why not.
  Awaitable<bool> read_request(Clock::time_point started, beast::error_code& ec, int* refusal);
  // Decides, once parser_ holds the header (`raw_header` as received) and before any body
  // byte is taken, whether the body may be read and under which limit: 0 when it may (the
  // limit and deadline are set), else the status to refuse the request with.
  int admit_body(std::string_view raw_header, Clock::time_point started);
  bool is_trusted_proxy(const asio::ip::address& peer) const;
  // Takes one of the server's places for a large body; false when all are taken.
  bool take_upload_place();
  void release_upload_place();
  // Answers the request in parser_. True when the connection stays open.
  Awaitable<bool> respond(Clock::time_point started);
  // The handler's answer to request_ when it replies later, from another thread (a reader's
  // form post waiting for the store's writer): this coroutine sleeps meanwhile, the worker
  // serves its other connections, and the answer is posted back to it.
  Awaitable<site::Response> reply_later(const RequestMessage& message);
  // Writes `response` (head, then payload straight from the shared body or its file) and logs
  // it with the payload's bytes sent.
  Awaitable<bool> send(const site::Response& response, const RequestFacts& facts,
                       std::string_view method, std::string_view target, Clock::time_point started);
  // Writes head_, then `payload`'s span of `file` (see pump_file), on the files loop when the
  // server has one. Returns how many of the file's bytes were sent; `ec` says why not all were.
  Awaitable<uint64_t> send_file(const site::FileBody& file, const Payload& payload,
                                beast::error_code& ec);
  // A duplicate of the socket's descriptor on the files loop, which it owns: the transfer
  // there waits for room on it, and closing it leaves the socket to the session.
  std::unique_ptr<FileSocket> duplicate_for_files(beast::error_code& ec);
  Awaitable<void> shut_down(bool linger);
  site::Response error_response(int status);
  // error_response, with Retry-After on a 503.
  site::Response refusal_response(int status);

  Worker& worker_;
  SessionContext& context_;
  Socket socket_;
  // Reused for every request on the connection: bytes past the current request (pipelining)
  // stay in it for the next one.
  beast::flat_buffer buffer_;
  HeaderArena arena_{kArenaBytes};       // Declared before parser_: outlives it.
  std::optional<RequestParser> parser_;  // Rebuilt per request (Beast parsers cannot reset).
  site::Request request_;                // Reused so its strings keep their capacity.
  std::string head_;                     // Reused response head.
  std::string peer_address_;             // The client's address, once a post needed it.
  bool peer_is_proxy_ = false;           // Whether peer_address_ is a trusted proxy's.
  bool holds_upload_place_ = false;      // Whether this request counts in uploads_in_progress.
};

Awaitable<void> Session::run() {
  const ServerOptions& options = context_.options;
  bool first = true;
  bool linger = false;
  try {
    while (true) {
      if (buffer_.size() == 0) {
        if (worker_.stopping()) break;
        // A new connection gets request_timeout to start talking; a kept-alive one gets
        // keep_alive_timeout between requests.
        set_deadline(Clock::now() + (first ? options.request_timeout : options.keep_alive_timeout));
        beast::error_code ec;
        set_idle(true);
        co_await read_some(ec);
        set_idle(false);
        if (ec) break;
      }
      first = false;
      Clock::time_point started = Clock::now();
      beast::error_code ec;
      int refusal = 0;
      if (!co_await read_request(started, ec, &refusal)) {
        if (ec == beast::error::timeout) {
          context_.access_log.record("-", "-", 408, 0, Clock::now() - started);
        }
        if (int status = refusal != 0 ? refusal : status_for_read_error(ec); status != 0) {
          RequestFacts facts;
          facts.keep_alive = false;
          facts.get_or_head = false;
          std::string_view method = "-", target = "-";
          if (parser_->is_header_done()) {
            method = parser_->get().method_string();
            target = parser_->get().target();
          }
          co_await send(refusal_response(status), facts, method, target, started);
          linger = true;
        }
        break;
      }
      // The request is in: from here its handling has no deadline (the client gets the
      // answer however long the work takes), and writing the answer gets write_timeout.
      set_deadline(Clock::time_point::max());
      const bool keep_alive = co_await respond(started);
      release_upload_place();
      if (!keep_alive) break;
    }
  } catch (const std::exception& e) {
    // Only allocation failures can land here; the connection is lost, the server is not.
    std::cerr << "reelpress: connection dropped: " << e.what() << '\n';
  }
  co_await shut_down(linger);
}

Awaitable<size_t> Session::read_some(beast::error_code& ec) {
  size_t n = co_await socket_.async_read_some(buffer_.prepare(kReadBytes), await_into(ec));
  if (ec && timed_out()) ec = beast::error::timeout;
  if (!ec) buffer_.commit(n);
  co_return n;
}

Awaitable<bool> Session::read_request(Clock::time_point started, beast::error_code& ec,
                                      int* refusal) {
  const ServerOptions& options = context_.options;
  // The whole request, header and body, must arrive within one request_timeout.
  set_deadline(started + options.request_timeout);
  parser_.emplace(std::piecewise_construct, std::make_tuple(),
                  std::make_tuple(RequestAllocator(&arena_)));
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(options.header_limit, std::numeric_limits<std::uint32_t>::max())));
  // The header is parsed alone first, under the largest limit any body may have; then its
  // framing is checked and the body's own limit applied (admit_body) before any body byte is
  // taken.
  parser_->body_limit(std::max(options.body_limit, options.upload_body_limit));
  parser_->eager(false);
  bool admitted = false;
  bool continue_sent = false;
  // Parse what is buffered first, and read only when the parser needs more: a request that
  // arrived whole (nearly all do) costs no further I/O operation. This is Beast's
  // http::async_read loop, without a composed operation per request.
  while (true) {
    if (buffer_.size() != 0) {
      size_t used = parser_->put(buffer_.data(), ec);
      if (!admitted && parser_->is_header_done()) {
        admitted = true;
        // Beast parses a header only once its end is buffered, in one put() from the
        // buffer's start, which (not eager) stops right after it: these are its bytes.
        const std::string_view raw_header(static_cast<const char*>(buffer_.data().data()), used);
        if (int status = admit_body(raw_header, started); status != 0) {
          *refusal = status;
          ec = {};
          co_return false;
        }
        parser_->eager(true);  // The body's bytes all at once from now on.
      }
      buffer_.consume(used);
      if (ec && ec != http::error::need_more) co_return false;
      if (parser_->is_done()) co_return true;
      bool progressed = !ec && used != 0;
      ec = {};
      if (progressed) continue;
    }
    if (!continue_sent && admitted && parser_->get().version() >= 11 &&
        beast::iequals(field(parser_->get(), http::field::expect), "100-continue")) {
      // The client waits for this before sending the body (curl does for bodies over 1 KiB).
      // Sent only once the body is admitted: a refused one is never asked for.
      continue_sent = true;
      co_await asio::async_write(socket_, asio::const_buffer(kContinue.data(), kContinue.size()),
                                 await_into(ec));
      if (ec) co_return false;
    }
    co_await read_some(ec);
    if (ec == asio::error::eof) {
      // The client closed mid-request (a request cannot be delimited by the end of the
      // connection, so this is always an incomplete one).
      ec = http::error::partial_message;
      co_return false;
    }
    if (ec) co_return false;
  }
}

int Session::admit_body(std::string_view raw_header, Clock::time_point started) {
  const ServerOptions& options = context_.options;
  if (int status = check_framing(*parser_, raw_header); status != 0) return status;
  if (parser_->is_done()) return 0;  // No body.
  const auto length = parser_->content_length();
  if (length && *length <= options.body_limit) {
    parser_->body_limit(options.body_limit);
    return 0;
  }
  // More than a form may send, or chunked (no length known yet): only a sender the handler
  // names from the header alone (a signed-in editor's upload) may send more. Asked of the
  // handler only here, so that an ordinary request costs it nothing.
  bool large = false;
  if (options.upload_body_limit > options.body_limit &&
      convert_request(parser_->get(), &request_)) {
    try {
      large = context_.handler.accepts_large_body(request_);
    } catch (const std::exception& e) {
      std::cerr << "reelpress: handler failed on the header of " << parser_->get().method_string()
                << ' ' << parser_->get().target() << ": " << e.what() << '\n';
    }
  }
  if (!large) {
    if (length) return 413;
    parser_->body_limit(options.body_limit);  // Counts a chunked body down from here.
    return 0;
  }
  if (length && *length > options.upload_body_limit) return 413;
  if (!take_upload_place()) return 503;
  parser_->body_limit(options.upload_body_limit);
  set_deadline(started + options.upload_timeout);
  return 0;
}

bool Session::is_trusted_proxy(const asio::ip::address& peer) const {
  // A server listening on "::" sees IPv4 peers as mapped addresses (::ffff:127.0.0.1).
  const asio::ip::address address =
      peer.is_v6() && peer.to_v6().is_v4_mapped()
          ? asio::ip::address(asio::ip::make_address_v4(asio::ip::v4_mapped, peer.to_v6()))
          : peer;
  const auto& proxies = context_.trusted_proxies;
  return std::find(proxies.begin(), proxies.end(), address) != proxies.end();
}

bool Session::take_upload_place() {
  std::atomic<int>& in_progress = context_.uploads_in_progress;
  int now = in_progress.load(std::memory_order_relaxed);
  do {
    if (now >= context_.options.uploads_at_once) return false;
  } while (!in_progress.compare_exchange_weak(now, now + 1, std::memory_order_relaxed));
  holds_upload_place_ = true;
  return true;
}

void Session::release_upload_place() {
  if (!holds_upload_place_) return;
  holds_upload_place_ = false;
  context_.uploads_in_progress.fetch_sub(1, std::memory_order_relaxed);
}

Awaitable<bool> Session::respond(Clock::time_point started) {
  const RequestMessage& message = parser_->get();
  site::Response response;
  if (util::Status converted = convert_request(message, &request_); !converted) {
    response = error_response(400);
  } else {
    // The reader forms' rate limit needs the client's address. It stays in memory, with
    // the connection, and is never logged (site/http.h); reads do not pay for it. A
    // connection's peer does not change: the kernel is asked at its first post only.
    request_.client_address.clear();
    if (request_.method == site::Method::kPost) {
      if (peer_address_.empty()) {
        beast::error_code ec;
        const tcp::endpoint remote = socket_.remote_endpoint(ec);
        if (!ec) {
          peer_address_ = remote.address().to_string();
          peer_is_proxy_ = is_trusted_proxy(remote.address());
        }
      }
      // Behind a trusted proxy the client is whom it names (ServerOptions::trusted_proxies).
      if (peer_is_proxy_) {
        request_.client_address =
            forwarded_client_address(message, context_.options.client_address_header);
      }
      if (request_.client_address.empty()) request_.client_address = peer_address_;
    }
    auto handle = [this, &message]() -> site::Response {
      try {
        return context_.handler.handle(request_);
      } catch (const std::exception& e) {
        std::cerr << "reelpress: handler failed on " << message.method_string() << ' '
                  << message.target() << ": " << e.what() << '\n';
      } catch (...) {
        std::cerr << "reelpress: handler failed on " << message.method_string() << ' '
                  << message.target() << '\n';
      }
      return error_response(500);
    };
    if (request_.method == site::Method::kPost && context_.handler.replies_later(request_)) {
      response = co_await reply_later(message);
    } else if (request_.method == site::Method::kPost && context_.form_pool != nullptr) {
      // A post that may block (an admin's sign-in, an upload) runs on the form pool, so it
      // does not hold up this worker's other connections, which go on reading cached pages.
      // This coroutine sleeps meanwhile and nothing else touches request_ or message.
      // A post that waited for a thread longer than form_wait_timeout is answered 503 without
      // running: its client hears back at once, and the queue drains when it is long.
      using PoolExecutor = asio::thread_pool::executor_type;
      const Clock::time_point queued = Clock::now();
      response = co_await asio::co_spawn(
          context_.form_pool->get_executor(),
          [this, &handle, queued]() -> asio::awaitable<site::Response, PoolExecutor> {
            if (Clock::now() - queued > context_.options.form_wait_timeout) {
              co_return refusal_response(503);
            }
            co_return handle();
          },
          asio::use_awaitable_t<Executor>());
    } else {
      response = handle();
    }
  }
  RequestFacts facts;
  facts.accept_encoding = field(message, http::field::accept_encoding);
  facts.if_none_match = field(message, http::field::if_none_match);
  facts.if_modified_since = field(message, http::field::if_modified_since);
  facts.range = field(message, http::field::range);
  facts.if_range = field(message, http::field::if_range);
  facts.head = message.method() == http::verb::head;
  facts.get_or_head = facts.head || message.method() == http::verb::get;
  facts.keep_alive = message.keep_alive() && !worker_.stopping() &&
                     !context_.stop_requested.load(std::memory_order_relaxed);
  facts.http10 = message.version() < 11;
  bool sent = co_await send(response, facts, message.method_string(), message.target(), started);
  if (request_.body.capacity() > kKeepCapacity) request_.body = std::string();
  if (buffer_.size() == 0 && buffer_.capacity() > kKeepCapacity) buffer_.shrink_to_fit();
  bool keep_alive = sent && facts.keep_alive;
  co_return keep_alive;
}

Awaitable<site::Response> Session::reply_later(const RequestMessage& message) {
  auto initiate = [this, &message](auto resume) {
    using Resume = decltype(resume);
    // Shared by the reply and the catch below, so that exactly one answer resumes the
    // coroutine; the work guard keeps the worker's loop running until it has.
    // (A constructor, not an aggregate: clang 14, which builds the fuzzers, cannot make an
    // aggregate from parentheses.)
    struct Waiting {
      Waiting(Resume r, asio::executor_work_guard<Executor> w)
          : resume(std::move(r)), work(std::move(w)) {}
      Resume resume;
      asio::executor_work_guard<Executor> work;
      std::atomic<bool> answered{false};
    };
    auto waiting =
        std::make_shared<Waiting>(std::move(resume), asio::make_work_guard(worker_.io_context()));
    auto reply = [&worker = worker_, waiting](site::Response r) {
      if (waiting->answered.exchange(true)) return;
      worker.hand_back([waiting, r = std::move(r)]() mutable {
        std::move(waiting->resume)(std::move(r));
        waiting->work.reset();
      });
    };
    try {
      context_.handler.handle_async(request_, reply);
    } catch (const std::exception& e) {
      std::cerr << "reelpress: handler failed on " << message.method_string() << ' '
                << message.target() << ": " << e.what() << '\n';
      reply(error_response(500));
    }
  };
  asio::use_awaitable_t<Executor> token;
  co_return co_await asio::async_initiate<decltype(token), void(site::Response)>(initiate, token);
}

Awaitable<bool> Session::send(const site::Response& response, const RequestFacts& facts,
                              std::string_view method, std::string_view target,
                              Clock::time_point started) {
  int status = 0;
  const Payload payload = write_head(response, facts, http_date_now(), &head_, &status);
  set_deadline(Clock::now() + context_.options.write_timeout);
  beast::error_code ec;
  if (payload.file_length != 0) {
    const uint64_t sent = co_await send_file(*response.file, payload, ec);
    context_.access_log.record(method, target, status, sent, Clock::now() - started);
    co_return !ec;
  }
  // One gathered write: the head from our buffer, the payload straight from the shared
  // Body, which `response` keeps alive until the write completes. No page byte is copied.
  std::array<asio::const_buffer, 2> buffers = {
      asio::const_buffer(head_.data(), head_.size()),
      asio::const_buffer(payload.bytes.data(), payload.bytes.size())};
  co_await asio::async_write(socket_, buffers, await_into(ec));
  context_.access_log.record(method, target, status, ec ? 0 : payload.bytes.size(),
                             Clock::now() - started);
  co_return !ec;
}

Awaitable<uint64_t> Session::send_file(const site::FileBody& file, const Payload& payload,
                                       beast::error_code& ec) {
  // Asio keeps its sockets non-blocking underneath; saying so lets us call the kernel directly
  // and wait for room through a loop when it says EAGAIN. The flag belongs to the socket, so
  // a duplicate of its descriptor has it too.
  if (!socket_.native_non_blocking()) {
    socket_.native_non_blocking(true, ec);
    if (ec) co_return 0;
  }
  const FileSpan span{head_, file.fd(), static_cast<off_t>(payload.file_offset),
                      payload.file_length};
  FileSent sent;
  if (context_.files == nullptr) {
    sent = co_await pump_file(socket_, span, *this, context_.options.write_timeout);
  } else if (std::unique_ptr<FileSocket> out = duplicate_for_files(ec); out) {
    // This coroutine sleeps meanwhile, as for a form post; the connection stays registered
    // with the worker, whose sweep cuts it (shutdown(2) of the socket, which the duplicate
    // shares) when the write deadline passes or the server stops.
    sent = co_await asio::co_spawn(
        context_.files->get_executor(),
        send_file_from(std::move(out), span, *this, context_.options.write_timeout),
        asio::use_awaitable_t<Executor>());
  }
  if (sent.error) ec = sent.error;
  if (ec && timed_out()) ec = beast::error::timeout;
  co_return sent.bytes;
}

std::unique_ptr<FileSocket> Session::duplicate_for_files(beast::error_code& ec) {
  const int fd = ::fcntl(socket_.native_handle(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    ec = beast::error_code(errno, beast::system_category());
    return nullptr;
  }
  auto out = std::make_unique<FileSocket>(context_.files->get_executor());
  out->assign(fd, ec);
  if (ec) {
    ::close(fd);
    return nullptr;
  }
  return out;
}

Awaitable<void> Session::shut_down(bool linger) {
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (linger && !ec) {
    // The client may still be sending the request we refused; reading it for a moment lets
    // our response reach it instead of being lost to a connection reset.
    set_deadline(Clock::now() + kLingerTime);
    for (size_t total = 0; total < kLingerBytes && !ec;) {
      buffer_.clear();
      total += co_await read_some(ec);
    }
  }
  // The socket closes with the session, once the worker has forgotten it (~Session).
}

site::Response Session::error_response(int status) {
  try {
    site::Response response = context_.handler.error_page(status);
    response.status = status;
    return response;
  } catch (...) {
    // The themed page failed too; a plain one still tells the client what happened.
  }
  site::Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = site::make_body(
      std::to_string(status) + " " + std::string(reason_phrase(status)) + "\n", 0, false);
  return response;
}

site::Response Session::refusal_response(int status) {
  site::Response response = error_response(status);
  if (status == 503) response.headers.emplace_back("Retry-After", std::string(kRetryAfterSeconds));
  return response;
}

Awaitable<void> serve(Worker& worker, Socket socket) {
  Session session(worker, std::move(socket));
  co_await session.run();
}

}  // namespace

void start_session(Worker& worker, Socket socket) {
  asio::co_spawn(worker.io_context().get_executor(), serve(worker, std::move(socket)),
                 asio::detached);
}

}  // namespace reelpress::server
