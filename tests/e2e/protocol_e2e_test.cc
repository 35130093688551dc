// How the real binary reads requests from hostile clients: framing that a proxy in front could
// read otherwise (RFC 9112), and bodies announced by clients nobody signed in.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "e2e_support.h"

namespace reelpress::e2e {
namespace {

class ProtocolEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    make_demo_site(site_);
    server_ = std::make_unique<Server>(site_);
  }

  TempDir dir_;
  std::filesystem::path site_ = dir_.path() / "site";
  std::unique_ptr<Server> server_;
};

// A request whose framing a front proxy and we could read differently, with a second request
// in what we would otherwise have taken for the next one.
struct Smuggling {
  std::string name;
  std::string head;  // Request line and fields, without the empty line.
  std::string body;  // What follows the empty line before the smuggled request.
  int status = 400;
};

TEST_F(ProtocolEndToEnd, AmbiguousFramingIs400AndTheSmuggledRequestNeverAnswered) {
  const std::string post = "POST /comments/ HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  const std::vector<Smuggling> cases = {
      {"identity", post + "Transfer-Encoding: identity", ""},
      {"gzip alone", post + "Transfer-Encoding: gzip", ""},
      {"xchunked", post + "Transfer-Encoding: xchunked", ""},
      {"chunked then identity", post + "Transfer-Encoding: chunked, identity", ""},
      {"chunked twice", post + "Transfer-Encoding: chunked, chunked", "0\r\n\r\n"},
      {"chunked with a parameter", post + "Transfer-Encoding: chunked;x=1", "0\r\n\r\n"},
      {"two lines, chunked first", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip",
       "0\r\n\r\n"},
      {"coding then length", post + "Transfer-Encoding: identity\r\nContent-Length: 0", ""},
      {"length then chunked", post + "Content-Length: 5\r\nTransfer-Encoding: chunked",
       "0\r\n\r\n"},
      {"chunked then length", post + "Transfer-Encoding: chunked\r\nContent-Length: 5",
       "0\r\n\r\n"},
      {"HTTP/1.0 chunked",
       "POST /comments/ HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
       "Transfer-Encoding: chunked",
       "0\r\n\r\n"},
      {"folded coding", post + "Transfer-Encoding:\r\n chunked", "0\r\n\r\n"},
      {"folded field", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: one\r\n\ttwo", ""},
      {"two hosts", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example", ""},
      {"no host", "GET / HTTP/1.1\r\nX-Note: none", ""},
      {"gzip then chunked", post + "Transfer-Encoding: gzip, chunked", "0\r\n\r\n", 501},
  };
  for (const Smuggling& c : cases) {
    Connection conn(server_->port());
    conn.send_raw(c.head + "\r\n\r\n" + c.body + "GET /smuggled-" + std::to_string(&c - &cases[0]) +
                  "/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    auto r = conn.read_response(false, std::chrono::seconds(5));
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->status, c.status) << c.name;
    EXPECT_EQ(r->header("connection"), "close") << c.name;
    // Closed with nothing more: the smuggled request got no answer.
    EXPECT_TRUE(conn.closed_within(std::chrono::seconds(3))) << c.name;
  }
  EXPECT_EQ(server_->log().find("/smuggled-"), std::string::npos) << server_->log();
  // A well-framed chunked post is still read (whatever the handler makes of it), and the
  // connection goes on.
  Connection conn(server_->port());
  conn.send_raw(post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" +
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto r = conn.read_response();
  ASSERT_TRUE(r);
  EXPECT_NE(r->header("connection"), "close");
  auto next = conn.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ProtocolEndToEnd, AnonymousClientsAnnouncingLargeUploadsAreRefusedUnreadAndCostNothing) {
  // Let the server settle (its page cache and threads) before measuring.
  ASSERT_EQ(get(server_->port(), "/").status, 200);
  const long before = resident_kib(server_->pid());
  ASSERT_GT(before, 0);
  // Twenty clients, none signed in, each announcing 32 MiB (what a signed-in upload may send)
  // and sending the first 2 MiB of it at once.
  constexpr int kClients = 20;
  const std::string part(2 << 20, 'x');
  std::atomic<int> refused = 0, unanswered = 0;
  // Kept open until memory is measured: a server that buffered their bodies frees them when
  // they leave.
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < kClients; ++i) {
    connections.push_back(std::make_unique<Connection>(server_->port()));
  }
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      Connection& conn = *connections[static_cast<std::size_t>(i)];
      try {
        conn.send_raw(
            "POST /admin/media/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
            "boundary=b\r\nContent-Length: " +
            std::to_string(32 << 20) + "\r\n\r\n" + part);
      } catch (const std::exception&) {
        // The server refused and closed before taking it all: what it should do.
      }
      auto r = conn.read_response(false, std::chrono::seconds(5));
      if (!r) {
        ++unanswered;
      } else if (r->status == 413) {
        ++refused;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(unanswered.load(), 0);
  EXPECT_EQ(refused.load(), kClients);
  const long after = resident_kib(server_->pid());
  EXPECT_LT(after - before, 8 * 1024) << before << " KiB before, " << after << " KiB after";
  connections.clear();

  // A client that asks before sending (Expect: 100-continue) is refused at once, not invited.
  Connection asking(server_->port());
  asking.send_raw(
      "POST /admin/media/ HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
      "Content-Length: 5000000\r\n\r\n");
  auto r = asking.read_response(false, std::chrono::seconds(5));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  // So is a chunked body over the forms' limit, anywhere.
  Connection chunked(server_->port());
  try {
    chunked.send_raw(
        "POST /admin/media/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
        std::string("200000\r\n") + std::string(0x200000, 'x') + "\r\n");
  } catch (const std::exception&) {
    // Refused and closed before the last of it.
  }
  r = chunked.read_response(false, std::chrono::seconds(5));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

}  // namespace
}  // namespace reelpress::e2e
