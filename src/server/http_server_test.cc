// End-to-end tests of the server over real loopback sockets: an HttpServer on a free port
// with a fake handler, spoken to in raw HTTP, so framing, keep-alive and timeouts are tested
// as a client sees them.
#include "server/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "util/compress.h"

namespace reelpress::server {
namespace {

using namespace std::chrono_literals;

constexpr util::UnixTime kModified = 1310500800;  // Tue, 12 Jul 2011 20:00:00 GMT

std::string big_page() {
  std::string page = "<!doctype html><title>The Salt Road</title>\n";
  for (int i = 0; i < 300; ++i)
    page += "<p>Companion page paragraph " + std::to_string(i) + "</p>\n";
  return page;
}

class FakeHandler : public site::Handler {
 public:
  FakeHandler() : big_(site::make_body(big_page(), kModified, true)) {}

  site::Response handle(const site::Request& request) override {
    calls_++;
    site::Response response;
    if (request.path == "/big") {
      response.body = big_;
    } else if (request.path == "/throw") {
      throw std::runtime_error("template exploded");
    } else if (request.path == "/hold") {
      // Blocks (as a form post waiting for the database writer would) until release().
      std::unique_lock lock(hold_mutex_);
      held_ = true;
      hold_changed_.notify_all();
      hold_changed_.wait(lock, [this] { return released_; });
      response.body = site::make_body("held " + request.body, 0, false);
    } else if (request.path == "/slow") {
      std::this_thread::sleep_for(400ms);
      response.body = site::make_body("slow done", 0, false);
    } else if (request.path == "/who") {
      response.body = site::make_body("client=" + request.client_address, 0, false);
    } else if (request.path == "/slower-than-the-timeout") {
      std::this_thread::sleep_for(1600ms);
      response.body = site::make_body("done at last", 0, false);
    } else if (request.path == "/redirect") {
      response.status = 301;
      response.headers = {
          {"Location", "/big"}, {"X-Bad\r\nInjected", "1"}, {"Content-Length", "7"}};
    } else if (request.path == "/no-content") {
      response.status = 204;
    } else {
      std::string method = request.method == site::Method::kGet    ? "GET"
                           : request.method == site::Method::kHead ? "HEAD"
                           : request.method == site::Method::kPost ? "POST"
                                                                   : "OTHER";
      response.content_type = "text/plain";
      response.body =
          site::make_body("method=" + method + " path=" + request.path + " query=" + request.query +
                              " host=" + request.host + " cookie=" + request.cookie +
                              " type=" + request.content_type + " body=" + request.body,
                          0, false);
    }
    return response;
  }

  // POST /later is answered from the test's thread (as a form post is from the store's
  // writer): handle_async() keeps the reply for reply_later(). POST /later-throw throws.
  bool replies_later(const site::Request& request) const override {
    return request.path.starts_with("/later");
  }
  void handle_async(const site::Request& request, site::Reply reply) override {
    if (request.path == "/later-throw") throw std::runtime_error("could not queue the write");
    std::lock_guard lock(hold_mutex_);
    later_.emplace_back(request.body, std::move(reply));
    hold_changed_.notify_all();
  }
  // Waits until `count` requests to /later wait for their replies; false after 5 s.
  bool wait_until_later() { return wait_until_later_count(1); }
  bool wait_until_later_count(std::size_t count) {
    std::unique_lock lock(hold_mutex_);
    return hold_changed_.wait_for(lock, 5s, [&] { return later_.size() >= count; });
  }
  // Replies to every waiting /later request, in the order they came, one after the other
  // from the calling thread (as the store's writer answers a batch of comments).
  void reply_later() {
    std::vector<std::pair<std::string, site::Reply>> waiting;
    {
      std::lock_guard lock(hold_mutex_);
      waiting.swap(later_);
    }
    for (auto& [body, reply] : waiting) {
      site::Response response;
      response.body = site::make_body("later " + body, 0, false);
      reply(std::move(response));
    }
  }

  // Uploads to /upload/ may be large when the cookie says so (as a signed-in editor's).
  bool accepts_large_body(const site::Request& header) override {
    large_asked_++;
    return header.path.starts_with("/upload/") && header.cookie == "may=upload";
  }
  int large_asked() const { return large_asked_; }

  site::Response error_page(int status) override {
    site::Response response;
    response.status = status;
    response.body =
        site::make_body("<h1>themed error " + std::to_string(status) + "</h1>", 0, false);
    return response;
  }

  const std::shared_ptr<const site::Body>& big() const { return big_; }
  int calls() const { return calls_; }

  // Waits until a request to /hold is blocked in the handler; false after 5 s.
  bool wait_until_held() {
    std::unique_lock lock(hold_mutex_);
    return hold_changed_.wait_for(lock, 5s, [this] { return held_; });
  }
  void release() {
    std::lock_guard lock(hold_mutex_);
    released_ = true;
    hold_changed_.notify_all();
  }

 private:
  std::mutex hold_mutex_;
  std::condition_variable hold_changed_;
  bool held_ = false;
  bool released_ = false;
  std::vector<std::pair<std::string, site::Reply>> later_;  // Bodies and their replies.
  std::shared_ptr<const site::Body> big_;
  std::atomic<int> calls_{0};
  std::atomic<int> large_asked_{0};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // Lower-case names.
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  bool has(const std::string& name) const { return headers.count(name) != 0; }
};

// A raw HTTP/1.1 client on a blocking socket with a receive timeout, so a broken server
// fails a test instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }

  bool connected() const { return connected_; }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Reads one response; for a response to HEAD pass head = true (no body follows).
  std::optional<HttpResponse> read(bool head = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    HttpResponse response;
    std::istringstream lines(buffer_.substr(0, end));
    std::string line;
    std::getline(lines, line);
    if (line.rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
    response.status = std::stoi(line.substr(9, 3));
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      if (response.headers.count(name)) value = response.headers[name] + ", " + value;
      response.headers[name] = value;
    }
    buffer_.erase(0, end + 4);
    size_t length =
        response.has("content-length") && !head ? std::stoul(response.header("content-length")) : 0;
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  std::optional<HttpResponse> get(const std::string& target, const std::string& extra = "") {
    send("GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n");
    return read();
  }

  // True when the server closed the connection (EOF or reset) within `timeout`, with no
  // more bytes sent.
  bool closed_by_server(std::chrono::milliseconds timeout = 3000ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
    char c;
    return ::recv(fd_, &c, 1, 0) <= 0;
  }

  // Bytes still buffered from the server (nothing should be, after a HEAD response).
  const std::string& pending() const { return buffer_; }

 private:
  bool fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

ServerOptions test_options() {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.request_timeout = 1s;
  options.keep_alive_timeout = 5s;
  options.shutdown_grace = 1500ms;
  return options;
}

// An HttpServer running on its own thread for the length of a test.
class RunningServer {
 public:
  explicit RunningServer(ServerOptions options = test_options())
      : server_(handler_, std::move(options)) {
    util::Status started = server_.start();
    EXPECT_TRUE(started) << started.error().describe();
    thread_ = std::thread([this] { server_.run(); });
  }
  ~RunningServer() { stop(); }

  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  uint16_t port() const { return server_.port(); }
  HttpServer& server() { return server_; }
  FakeHandler& handler() { return handler_; }

 private:
  FakeHandler handler_;
  HttpServer server_;
  std::thread thread_;
};

// Sends `poster` a POST of "hello" to `path`, and waits until the handler holds it
// (`pending`: wait_until_held or wait_until_later).
void send_pending_post(Client& poster, FakeHandler& handler, const std::string& path,
                       bool (FakeHandler::*pending)()) {
  poster.send("POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_TRUE((handler.*pending)());
}

// Reads on a connection of their own, each answered while a post is still pending.
void expect_reads_answered_meanwhile(uint16_t port) {
  Client reader(port);
  for (int i = 0; i < 3; ++i) {
    auto page = reader.get("/big");
    ASSERT_TRUE(page) << "a read waited for the pending post";
    EXPECT_EQ(page->status, 200);
  }
}

// The pending post's answer reaches `poster` with `body`, and the connection goes on as
// usual afterwards.
void expect_post_answered(Client& poster, const std::string& body) {
  auto posted = poster.read();
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 200);
  EXPECT_EQ(posted->body, body);
  auto next = poster.get("/big");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

// One worker thread, and a form post that blocks in its handler: the worker still answers
// reads, because posts run on the form pool.
TEST(HttpServer, ABlockedFormPostDoesNotHoldUpReadsOnItsWorker) {
  ServerOptions options = test_options();
  options.threads = 1;
  options.form_threads = 1;
  RunningServer s(options);
  Client poster(s.port());
  send_pending_post(poster, s.handler(), "/hold", &FakeHandler::wait_until_held);

  expect_reads_answered_meanwhile(s.port());
  s.handler().release();
  expect_post_answered(poster, "held hello");
}

// Two threads, and a request whose handler blocks: every other connection is answered by the
// other thread meanwhile, whichever connection came before or after it. (When connections
// were dealt to per-thread loops in turn, the third one shared the blocked thread's loop
// and waited with it.)
TEST(HttpServer, AHandlerThatBlocksHoldsUpOnlyItsOwnConnection) {
  ServerOptions options = test_options();
  options.threads = 2;
  options.form_threads = 0;
  RunningServer s(options);
  Client blocked(s.port());
  std::vector<std::unique_ptr<Client>> others;
  for (int i = 0; i < 4; ++i) others.push_back(std::make_unique<Client>(s.port()));
  ASSERT_TRUE(blocked.get("/fine"));  // Every connection is accepted and served once.
  for (auto& other : others) ASSERT_TRUE(other->get("/fine"));
  send_pending_post(blocked, s.handler(), "/hold", &FakeHandler::wait_until_held);
  for (auto& other : others) {
    auto page = other->get("/big");
    ASSERT_TRUE(page) << "a connection waited for another's blocked handler";
    EXPECT_EQ(page->status, 200);
  }
  s.handler().release();
  expect_post_answered(blocked, "held hello");
}

// No form pool and one worker: a post whose handler replies later, from another thread,
// leaves the worker free for reads meanwhile, and its answer reaches its connection.
TEST(HttpServer, APostAnsweredLaterFromAnotherThreadDoesNotHoldUpItsWorker) {
  ServerOptions options = test_options();
  options.threads = 1;
  options.form_threads = 0;
  RunningServer s(options);
  Client poster(s.port());
  send_pending_post(poster, s.handler(), "/later", &FakeHandler::wait_until_later);

  expect_reads_answered_meanwhile(s.port());
  std::thread replier([&] { s.handler().reply_later(); });
  replier.join();
  expect_post_answered(poster, "later hello");
}

// Answers given together from another thread (a batch of comments committed at once) are
// handed to the loop together; each reaches its own connection, and every connection goes
// on serving.
TEST(HttpServer, ABatchOfAnswersFromAnotherThreadEachReachTheirOwnPost) {
  ServerOptions options = test_options();
  options.threads = 2;
  RunningServer s(options);
  constexpr int kPosts = 16;
  std::vector<std::unique_ptr<Client>> posters;
  for (int i = 0; i < kPosts; ++i) {
    posters.push_back(std::make_unique<Client>(s.port()));
    const std::string body = "post " + std::to_string(i);
    posters.back()->send("POST /later HTTP/1.1\r\nHost: test\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  ASSERT_TRUE(s.handler().wait_until_later_count(kPosts));
  std::thread replier([&] { s.handler().reply_later(); });
  replier.join();
  for (int i = 0; i < kPosts; ++i) {
    SCOPED_TRACE(i);
    expect_post_answered(*posters[i], "later post " + std::to_string(i));
  }
}

// Stops a one-worker server while a post to `path` is pending, and ends the post with
// `answer` 200 ms later from another thread: stopping must neither crash nor leave the
// handler on a freed request, nor resume the session after its worker is gone.
void stop_while_post_pending(const std::string& path, bool (FakeHandler::*pending)(),
                             void (FakeHandler::*answer)()) {
  ServerOptions options = test_options();
  options.threads = 1;
  RunningServer s(options);
  Client poster(s.port());
  send_pending_post(poster, s.handler(), path, pending);
  std::thread answerer([&] {
    std::this_thread::sleep_for(200ms);
    (s.handler().*answer)();
  });
  s.stop();
  answerer.join();
}

TEST(HttpServer, StopWhileAPostWaitsForItsReplyWaitsForIt) {
  stop_while_post_pending("/later", &FakeHandler::wait_until_later, &FakeHandler::reply_later);
}

TEST(HttpServer, StopWhileAFormPostIsRunningWaitsForIt) {
  stop_while_post_pending("/hold", &FakeHandler::wait_until_held, &FakeHandler::release);
}

TEST(HttpServer, EndpointNamesTheBoundPort) {
  RunningServer s;
  ASSERT_NE(s.port(), 0);
  EXPECT_EQ(s.server().endpoint(), "127.0.0.1:" + std::to_string(s.port()));
}

TEST(HttpServer, StartFailsClearlyWhenThePortIsTaken) {
  RunningServer first;
  FakeHandler handler;
  ServerOptions options = test_options();
  options.port = first.port();
  HttpServer second(handler, options);
  util::Status started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                                         ": address already in use");
  EXPECT_EQ(second.endpoint(), "");
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
  RunningServer s;
  Client c(s.port());
  ASSERT_TRUE(c.connected());
  auto first = c.get("/one");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body.rfind("method=GET path=/one", 0), 0u) << first->body;
  EXPECT_FALSE(first->has("connection"));
  EXPECT_EQ(first->header("server"), "reelpress");
  EXPECT_EQ(first->header("date").size(), 29u);
  EXPECT_EQ(first->header("content-type"), "text/plain");
  auto second = c.get("/two");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body.rfind("method=GET path=/two", 0), 0u);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  RunningServer s;
  Client c(s.port());
  c.send(
      "GET /a HTTP/1.1\r\nHost: test\r\n\r\n"
      "GET /b HTTP/1.1\r\nHost: test\r\n\r\n"
      "GET /c HTTP/1.1\r\nHost: test\r\n\r\n");
  for (std::string path : {"/a", "/b", "/c"}) {
    auto r = c.read();
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->body.rfind("method=GET path=" + path + " ", 0), 0u) << r->body;
  }
}

TEST(HttpServer, ConnectionCloseIsHonoured) {
  RunningServer s;
  Client c(s.port());
  auto r = c.get("/x", "Connection: close\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, Http10ClosesUnlessAskedToKeepAlive) {
  RunningServer s;
  {
    Client c(s.port());
    c.send("GET /old HTTP/1.0\r\n\r\n");
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(c.closed_by_server());
  }
  Client c(s.port());
  c.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "keep-alive");
  c.send("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(c.read());
}

TEST(HttpServer, HeadSendsTheHeadersOfGetWithoutTheBody) {
  RunningServer s;
  Client c(s.port());
  auto get = c.get("/big");
  ASSERT_TRUE(get);
  c.send("HEAD /big HTTP/1.1\r\nHost: test\r\n\r\n");
  auto head = c.read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), std::to_string(s.handler().big()->identity.size()));
  EXPECT_EQ(head->header("content-length"), get->header("content-length"));
  EXPECT_EQ(head->header("etag"), get->header("etag"));
  // No body followed: the next response starts right away.
  auto after = c.get("/next");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body.rfind("method=GET path=/next", 0), 0u);
}

TEST(HttpServer, IfNoneMatchGives304) {
  RunningServer s;
  Client c(s.port());
  auto full = c.get("/big");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 200);
  std::string etag = full->header("etag");
  EXPECT_EQ(etag, s.handler().big()->etag);
  EXPECT_EQ(full->header("last-modified"), "Tue, 12 Jul 2011 20:00:00 GMT");

  auto not_modified = c.get("/big", "If-None-Match: \"other\", W/" + etag + "\r\n");
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_EQ(not_modified->body, "");
  EXPECT_FALSE(not_modified->has("content-length"));
  EXPECT_EQ(not_modified->header("etag"), etag);

  // The gzip form's tag matches too, and the 304 names the representation chosen now.
  std::string gz_tag = etag.substr(0, etag.size() - 1) + "-gz\"";
  auto by_gz_tag = c.get("/big", "Accept-Encoding: gzip\r\nIf-None-Match: " + gz_tag + "\r\n");
  ASSERT_TRUE(by_gz_tag);
  EXPECT_EQ(by_gz_tag->status, 304);
  EXPECT_EQ(by_gz_tag->header("etag"), gz_tag);

  auto star = c.get("/big", "If-None-Match: *\r\n");
  ASSERT_TRUE(star);
  EXPECT_EQ(star->status, 304);

  auto changed = c.get("/big", "If-None-Match: \"stale\"\r\n");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_EQ(changed->body, s.handler().big()->identity);
}

TEST(HttpServer, IfModifiedSinceGives304) {
  RunningServer s;
  Client c(s.port());
  auto same = c.get("/big", "If-Modified-Since: Tue, 12 Jul 2011 20:00:00 GMT\r\n");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 304);
  auto later = c.get("/big", "If-Modified-Since: Wednesday, 13-Jul-11 08:00:00 GMT\r\n");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 304);
  auto earlier = c.get("/big", "If-Modified-Since: Mon, 11 Jul 2011 20:00:00 GMT\r\n");
  ASSERT_TRUE(earlier);
  EXPECT_EQ(earlier->status, 200);
  // If-None-Match decides alone when both are present.
  auto both = c.get(
      "/big", "If-None-Match: \"stale\"\r\nIf-Modified-Since: Tue, 12 Jul 2011 20:00:00 GMT\r\n");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 200);
  // Not for POST.
  c.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nIf-None-Match: *\r\n\r\n");
  auto post = c.read();
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200);
}

TEST(HttpServer, AcceptEncodingChoosesBrotliThenGzip) {
  RunningServer s;
  Client c(s.port());
  const site::Body& big = *s.handler().big();

  auto gz = c.get("/big", "Accept-Encoding: gzip, deflate\r\n");
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->header("content-encoding"), "gzip");
  EXPECT_EQ(gz->header("vary"), "Accept-Encoding");
  EXPECT_EQ(gz->header("etag"), big.etag.substr(0, big.etag.size() - 1) + "-gz\"");
  auto decoded = util::gzip_decompress(gz->body);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, big.identity);

  auto br = c.get("/big", "Accept-Encoding: gzip, deflate, br\r\n");
  ASSERT_TRUE(br);
  EXPECT_EQ(br->header("content-encoding"), "br");
  EXPECT_EQ(br->header("etag"), big.etag.substr(0, big.etag.size() - 1) + "-br\"");
  EXPECT_EQ(util::brotli_decompress(br->body).value(), big.identity);

  auto refused = c.get("/big", "Accept-Encoding: br;q=0, gzip;q=0.5\r\n");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->header("content-encoding"), "gzip");

  auto identity = c.get("/big");
  ASSERT_TRUE(identity);
  EXPECT_FALSE(identity->has("content-encoding"));
  EXPECT_EQ(identity->header("vary"), "Accept-Encoding");
  EXPECT_EQ(identity->body, big.identity);
  EXPECT_EQ(identity->header("etag"), big.etag);
}

TEST(HttpServer, RequestIsConvertedForTheHandler) {
  RunningServer s;
  Client c(s.port());
  c.send(
      "POST /caf%C3%A9/a+b?x=1&y=%20 HTTP/1.1\r\nHost: example.org\r\nCookie: a=1\r\n"
      "Cookie: b=2\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 9\r\n\r\nname=Ana&");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body,
            "method=POST path=/caf\xC3\xA9/a+b query=x=1&y=%20 host=example.org cookie=a=1; b=2 "
            "type=application/x-www-form-urlencoded body=name=Ana&");
  c.send("DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n");
  r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.rfind("method=OTHER", 0), 0u);
}

TEST(HttpServer, ExpectContinueGetsAnInterimResponse) {
  RunningServer s;
  Client c(s.port());
  c.send("POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read(/*head=*/true);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  c.send("a=bc");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("body=a=bc"), std::string::npos);
}

TEST(HttpServer, HandlerHeadersAreFilteredAndBodylessResponsesFramed) {
  RunningServer s;
  Client c(s.port());
  auto r = c.get("/redirect");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 301);
  EXPECT_EQ(r->header("location"), "/big");
  EXPECT_EQ(r->header("content-length"), "0");  // Ours, not the handler's "7".
  EXPECT_FALSE(r->has("x-bad"));
  auto none = c.get("/no-content");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 204);
  EXPECT_FALSE(none->has("content-length"));
  ASSERT_TRUE(c.get("/still-alive"));
}

TEST(HttpServer, HeaderTooLargeGets431AndClose) {
  ServerOptions options = test_options();
  options.header_limit = 4096;
  RunningServer s(options);
  Client c(s.port());
  c.send("GET / HTTP/1.1\r\nHost: t\r\nX-Filler: " + std::string(8000, 'a') + "\r\n\r\n");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->body, "<h1>themed error 431</h1>");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, BodyTooLargeGets413AndClose) {
  ServerOptions options = test_options();
  options.body_limit = 1024;
  RunningServer s(options);
  Client c(s.port());
  c.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n" +
         std::string(3000, 'x'));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, "<h1>themed error 413</h1>");
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(s.handler().calls(), 0);
}

TEST(HttpServer, OnlyWhomTheHandlerNamesMaySendABodyLargerThanAFormsAndNoLargerThanAnUpload) {
  ServerOptions options = test_options();
  options.body_limit = 1024;
  options.upload_body_limit = 8192;
  RunningServer s(options);
  const std::string upload = "POST /upload/ HTTP/1.1\r\nHost: t\r\nCookie: may=upload\r\n";
  {
    Client c(s.port());  // Larger than a form may be, within the upload limit.
    c.send(upload + "Content-Length: 5000\r\n\r\n" + std::string(5000, 'x'));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  {
    Client c(s.port());  // The same body to the same path without the cookie: unread.
    c.send("POST /upload/ HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_TRUE(c.closed_by_server());
  }
  for (const std::string& framing : {std::string("Content-Length: 9000\r\n\r\n"),
                                     std::string("Transfer-Encoding: chunked\r\n\r\n2328\r\n")}) {
    Client c(s.port());  // Over the upload limit, announced or chunked.
    c.send(upload + framing + std::string(9000, 'x'));
    auto r = c.read();
    ASSERT_TRUE(r) << framing;
    EXPECT_EQ(r->status, 413) << framing;
  }
  {
    Client c(s.port());  // A chunked form over the form limit.
    c.send("POST /form HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" +
           std::string(2000, 'x') + "\r\n0\r\n\r\n");
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  // Bodies within a form's limit never make the server ask.
  const int asked = s.handler().large_asked();
  Client c(s.port());
  c.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\na=b");
  ASSERT_TRUE(c.read());
  EXPECT_EQ(s.handler().large_asked(), asked);
}

TEST(HttpServer, ARefusedBodyIsNeverInvitedWithAContinue) {
  ServerOptions options = test_options();
  options.body_limit = 1024;
  RunningServer s(options);
  Client c(s.port());
  c.send(
      "POST /upload/ HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
      "Content-Length: 5000\r\n\r\n");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST(HttpServer, OnlyUploadsAtOnceLargeBodiesAreReadAtATime) {
  ServerOptions options = test_options();
  options.body_limit = 1024;
  options.upload_body_limit = 1 << 20;
  options.uploads_at_once = 2;
  RunningServer s(options);
  const std::string head =
      "POST /upload/ HTTP/1.1\r\nHost: t\r\nCookie: may=upload\r\nExpect: 100-continue\r\n"
      "Content-Length: 5000\r\n\r\n";
  auto first = std::make_unique<Client>(s.port());
  Client second(s.port());
  for (Client* c : {first.get(), &second}) {
    c->send(head);
    auto go_on = c->read(/*head=*/true);
    ASSERT_TRUE(go_on);
    EXPECT_EQ(go_on->status, 100);
  }
  Client third(s.port());
  third.send(head);
  auto busy = third.read();
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->body, "<h1>themed error 503</h1>");
  EXPECT_FALSE(busy->header("retry-after").empty());
  EXPECT_TRUE(third.closed_by_server());
  // The second finishes its upload and the first gives up: both places are free again.
  second.send(std::string(5000, 'x'));
  auto done = second.read();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  first.reset();
  bool free = false;
  for (int i = 0; i < 50 && !free; ++i) {
    std::this_thread::sleep_for(20ms);  // The first's session notices its client left.
    Client again(s.port());
    again.send(head);
    auto r = again.read(/*head=*/true);
    Client another(s.port());
    another.send(head);
    auto r2 = another.read(/*head=*/true);
    free = r && r->status == 100 && r2 && r2->status == 100;
  }
  EXPECT_TRUE(free);
}

TEST(HttpServer, APostHandledPastTheRequestTimeoutIsAnswered) {
  RunningServer s;  // request_timeout = 1 s
  Client c(s.port());
  c.send("POST /slower-than-the-timeout HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
  auto r = c.read();
  ASSERT_TRUE(r) << "the connection was cut while its handler worked";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "done at last");
  ASSERT_TRUE(c.get("/after"));  // And the connection goes on.
}

TEST(HttpServer, APostThatWaitedTooLongForAFormThreadIs503WithoutRunning) {
  ServerOptions options = test_options();
  options.form_threads = 1;
  options.form_wait_timeout = 300ms;
  RunningServer s(options);
  Client holder(s.port());
  send_pending_post(holder, s.handler(), "/hold", &FakeHandler::wait_until_held);
  Client waiting(s.port());
  waiting.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
  std::this_thread::sleep_for(600ms);  // Past form_wait_timeout, which a real clock measures.
  const int calls = s.handler().calls();
  s.handler().release();
  expect_post_answered(holder, "held hello");
  auto r = waiting.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "<h1>themed error 503</h1>");
  EXPECT_FALSE(r->header("retry-after").empty());
  EXPECT_EQ(s.handler().calls(), calls + 1);  // The next /big; the post never ran.
  // The connection stays usable.
  auto next = waiting.get("/big");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

// The client address a POST to /who reaches the handler with, sent with `extra` fields.
std::string client_of_post(uint16_t port, const std::string& extra) {
  Client c(port);
  c.send("POST /who HTTP/1.1\r\nHost: t\r\n" + extra + "Content-Length: 0\r\n\r\n");
  auto r = c.read();
  return r ? r->body : "no answer";
}

TEST(HttpServer, BehindATrustedProxyTheClientIsWhomItNames) {
  ServerOptions options = test_options();
  options.trusted_proxies = {"::1", "127.0.0.1"};
  RunningServer proxied(options);
  const uint16_t port = proxied.port();
  EXPECT_EQ(client_of_post(port, "X-Forwarded-For: 198.51.100.7, 203.0.113.9\r\n"),
            "client=203.0.113.9");
  EXPECT_EQ(client_of_post(port, "X-Forwarded-For: 10.1.1.1\r\nX-Forwarded-For: 2001:db8::7\r\n"),
            "client=2001:db8::7");
  // Nothing usable named: the proxy's own address.
  EXPECT_EQ(client_of_post(port, ""), "client=127.0.0.1");
  EXPECT_EQ(client_of_post(port, "X-Forwarded-For: 203.0.113.9, unknown\r\n"), "client=127.0.0.1");
  EXPECT_EQ(client_of_post(port, "X-Real-IP: 203.0.113.9\r\n"), "client=127.0.0.1");

  options.client_address_header = "X-Real-IP";
  RunningServer real_ip(options);
  EXPECT_EQ(client_of_post(real_ip.port(), "X-Real-IP: 203.0.113.9\r\n"), "client=203.0.113.9");
  EXPECT_EQ(client_of_post(real_ip.port(), "X-Forwarded-For: 203.0.113.9\r\n"), "client=127.0.0.1");

  // From a peer that is not a trusted proxy the header is the client's word: ignored.
  options.trusted_proxies = {"192.0.2.1"};
  RunningServer direct(options);
  EXPECT_EQ(client_of_post(direct.port(), "X-Real-IP: 203.0.113.9\r\n"), "client=127.0.0.1");
}

TEST(HttpServer, StartFailsOnATrustedProxyThatIsNotAnAddress) {
  FakeHandler handler;
  ServerOptions options = test_options();
  options.trusted_proxies = {"proxy.example"};
  HttpServer server(handler, options);
  util::Status started = server.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("\"proxy.example\""), std::string::npos);
}

TEST(HttpServer, MalformedRequestsGet400) {
  RunningServer s;
  for (std::string bad : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost: t\r\nBad Field: x\r\n\r\n",
                          "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"}) {
    Client c(s.port());
    c.send(bad);
    auto r = c.read();
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->body, "<h1>themed error 400</h1>");
    EXPECT_TRUE(c.closed_by_server()) << bad;
  }
  // Well-framed requests whose target cannot be served get 400 and keep the connection.
  Client c(s.port());
  for (std::string target : {"/a%zz", "/nul%00", "/a/../etc/passwd", "/%2e%2e/x", "*"}) {
    auto r = c.get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 400) << target;
  }
  c.send("GET / HTTP/1.1\r\n\r\n");  // HTTP/1.1 without Host.
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(s.handler().calls(), 0);
}

TEST(HttpServer, HandlerThrowingGives500AndServingGoesOn) {
  RunningServer s;
  Client c(s.port());
  auto r = c.get("/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "<h1>themed error 500</h1>");
  // So does a post the handler would answer later, when it throws before handing it on.
  c.send("POST /later-throw HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\nhi");
  r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "<h1>themed error 500</h1>");
  auto next = c.get("/fine");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  Client other(s.port());
  ASSERT_TRUE(other.get("/fine"));
}

TEST(HttpServer, HalfSentRequestIsDroppedWhileOthersAreServed) {
  RunningServer s;  // request_timeout = 1 s
  Client slow(s.port());
  slow.send("GET /slowloris HTTP/1.1\r\nHost: t\r\n");
  auto start = std::chrono::steady_clock::now();
  Client quick(s.port());
  auto r = quick.get("/quick");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  EXPECT_TRUE(slow.closed_by_server(3000ms));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 2500ms);
  ASSERT_TRUE(quick.get("/still-served"));
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosedAfterTimeout) {
  ServerOptions options = test_options();
  options.keep_alive_timeout = 1s;
  RunningServer s(options);
  Client c(s.port());
  ASSERT_TRUE(c.get("/once"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_server(3000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
}

TEST(HttpServer, AccessLogHasOneLinePerRequestAndNoAddress) {
  std::ostringstream log;
  ServerOptions options = test_options();
  options.access_log = &log;
  {
    RunningServer s(options);
    Client c(s.port());
    ASSERT_TRUE(c.get("/logged?q=1"));
    c.send("HEAD /big HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_TRUE(c.read(/*head=*/true));
    ASSERT_TRUE(c.get("/caf\xff\"x"));
    s.stop();
  }
  std::istringstream lines(log.str());
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  ASSERT_EQ(all.size(), 3u) << log.str();
  EXPECT_NE(all[0].find(" GET /logged?q=1 200 "), std::string::npos) << all[0];
  EXPECT_EQ(all[0][10], 'T');
  EXPECT_EQ(all[0].substr(0, 2), "20");
  EXPECT_NE(all[0].find("Z GET"), std::string::npos);
  EXPECT_EQ(all[0].substr(all[0].size() - 2), "ms");
  EXPECT_NE(all[1].find(" HEAD /big 200 0 "), std::string::npos) << all[1];
  // Bytes outside printable ASCII cannot smuggle anything into the log.
  EXPECT_NE(all[2].find(" GET /caf\\xff\"x 200 "), std::string::npos) << all[2];
  EXPECT_EQ(log.str().find("127.0.0.1"), std::string::npos);
}

TEST(HttpServer, GracefulStopFinishesInFlightAndClosesIdle) {
  auto s = std::make_unique<RunningServer>();
  Client idle(s->port());
  ASSERT_TRUE(idle.get("/warm"));
  Client busy(s->port());
  busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  std::this_thread::sleep_for(100ms);  // Let the handler start.
  auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] { s->stop(); });
  auto r = busy.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow done");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(idle.closed_by_server(1000ms));
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  // Nothing listens any more.
  Client late(s->port());
  EXPECT_FALSE(late.connected() && late.get("/late"));
}

TEST(HttpServer, RunUntilSignalStopsOnSigint) {
  FakeHandler handler;
  HttpServer server(handler, test_options());
  ASSERT_TRUE(server.start());
  std::thread runner([&] { server.run_until_signal(); });
  {
    // A served request proves run() began, so the signal handler is in place.
    Client c(server.port());
    EXPECT_TRUE(c.get("/up"));
  }
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  runner.join();  // Hangs (and the suite times out) if SIGINT did not stop the server.
  Client late(server.port());
  EXPECT_FALSE(late.connected());
}

TEST(HttpServer, StopCutsRequestsThatOutlastTheGrace) {
  ServerOptions options = test_options();
  options.shutdown_grace = 200ms;
  RunningServer s(options);
  Client partial(s.port());
  partial.send("GET /never-finished HTTP/1.1\r\n");
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  s.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 800ms);
  EXPECT_TRUE(partial.closed_by_server(500ms));
}

}  // namespace
}  // namespace reelpress::server
