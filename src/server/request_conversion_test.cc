#include "server/request_conversion.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <string>

namespace reelpress::server {
namespace {

// Parses `raw` as one complete request and converts it.
class Converter {
 public:
  util::Status convert(std::string_view raw) {
    RequestParser parser(std::piecewise_construct, std::make_tuple(),
                         std::make_tuple(RequestAllocator(&arena_)));
    parser.eager(true);
    boost::beast::error_code ec;
    size_t used = parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(used, raw.size());
    EXPECT_TRUE(parser.is_done());
    return convert_request(parser.get(), &request);
  }

  site::Request request;

 private:
  HeaderArena arena_{256};  // Small, so large headers exercise the heap fallback.
};

TEST(ConvertRequest, OriginFormTargetIsSplitAndDecoded) {
  Converter c;
  ASSERT_TRUE(
      c.convert("GET /the%20salt-road/4990/?p=4&x=%41 HTTP/1.1\r\nHost: Example.org\r\n\r\n"));
  EXPECT_EQ(c.request.method, site::Method::kGet);
  EXPECT_EQ(c.request.target, "/the%20salt-road/4990/?p=4&x=%41");
  EXPECT_EQ(c.request.path, "/the salt-road/4990/");
  EXPECT_EQ(c.request.query, "p=4&x=%41");
  EXPECT_EQ(c.request.host, "Example.org");
  EXPECT_EQ(c.request.cookie, "");
  EXPECT_EQ(c.request.body, "");
}

TEST(ConvertRequest, AbsoluteFormTakesTheHostFromTheTarget) {
  Converter c;
  ASSERT_TRUE(c.convert("GET http://films.example/a/b?x HTTP/1.1\r\nHost: other\r\n\r\n"));
  EXPECT_EQ(c.request.host, "films.example");
  EXPECT_EQ(c.request.target, "/a/b?x");
  EXPECT_EQ(c.request.path, "/a/b");
  EXPECT_EQ(c.request.query, "x");
  ASSERT_TRUE(c.convert("GET HTTPS://films.example HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(c.request.path, "/");
  EXPECT_EQ(c.request.target, "/");
  ASSERT_TRUE(c.convert("GET http://films.example?q=1 HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(c.request.path, "/");
  EXPECT_EQ(c.request.target, "/?q=1");
}

TEST(ConvertRequest, MethodsCookiesContentTypeAndBody) {
  Converter c;
  ASSERT_TRUE(
      c.convert("POST /comment/ HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\nContent-Type: text/plain\r\n"
                "cookie: b=2\r\nContent-Length: 5\r\n\r\nhello"));
  EXPECT_EQ(c.request.method, site::Method::kPost);
  EXPECT_EQ(c.request.cookie, "a=1; b=2");
  EXPECT_EQ(c.request.content_type, "text/plain");
  EXPECT_EQ(c.request.body, "hello");
  ASSERT_TRUE(c.convert("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(c.request.method, site::Method::kHead);
  EXPECT_EQ(c.request.content_type, "");  // Nothing left over from the previous request.
  EXPECT_EQ(c.request.body, "");
  ASSERT_TRUE(c.convert("PUT / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(c.request.method, site::Method::kOther);
  ASSERT_TRUE(c.convert("BREW / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(c.request.method, site::Method::kOther);
}

TEST(ConvertRequest, Http10MayOmitHost) {
  Converter c;
  ASSERT_TRUE(c.convert("GET / HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(c.request.host, "");
  EXPECT_FALSE(c.convert("GET / HTTP/1.1\r\n\r\n"));
}

TEST(ConvertRequest, RejectsUnservablePaths) {
  Converter c;
  for (std::string target :
       {"*", "a/b", "/%", "/%4", "/%4g", "/a%00b", "/..", "/a/../b", "/a/%2E%2E/b", "/a/.."}) {
    util::Status s = c.convert("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
    ASSERT_FALSE(s) << target;
    EXPECT_EQ(s.error().code, util::ErrorCode::kInvalidArgument);
  }
  for (std::string target : {"/a..b/", "/.../", "/..a", "/a/.", "/%2F", "/a+b"}) {
    EXPECT_TRUE(c.convert("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")) << target;
  }
}

TEST(ConvertRequest, LargeHeadersSpillOutOfTheArena) {
  Converter c;
  std::string raw = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 50; ++i)
    raw += "X-Field-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  raw += "Cookie: last=1\r\n\r\n";
  ASSERT_TRUE(c.convert(raw));
  EXPECT_EQ(c.request.cookie, "last=1");
  ASSERT_TRUE(c.convert("GET /again HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(c.request.path, "/again");
}

TEST(PercentDecode, AppendsDecodedBytes) {
  std::string out = "x";
  EXPECT_TRUE(append_percent_decoded("/caf%c3%A9+", &out));
  EXPECT_EQ(out, "x/caf\xc3\xa9+");
  out.clear();
  EXPECT_FALSE(append_percent_decoded("ab%", &out));
  EXPECT_FALSE(append_percent_decoded("%0", &out));
  EXPECT_FALSE(append_percent_decoded("%00", &out));
}

TEST(ForwardedClientAddress, TakesTheAddressTheProxyAppendedOrSet) {
  auto of = [](const std::string& fields, std::string_view header) {
    HeaderArena arena(4096);
    RequestParser parser(std::piecewise_construct, std::make_tuple(),
                         std::make_tuple(RequestAllocator(&arena)));
    const std::string raw = "GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n";
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
    EXPECT_FALSE(ec) << fields;
    return forwarded_client_address(parser.get(), header);
  };
  EXPECT_EQ(of("X-Forwarded-For: 203.0.113.9\r\n", "X-Forwarded-For"), "203.0.113.9");
  EXPECT_EQ(of("X-Forwarded-For: 1.2.3.4,203.0.113.9 \r\n", "X-Forwarded-For"), "203.0.113.9");
  EXPECT_EQ(of("x-forwarded-for: 1.2.3.4\r\nX-Forwarded-For: 2001:DB8::1\r\n", "X-Forwarded-For"),
            "2001:db8::1");
  EXPECT_EQ(of("X-Real-IP: 203.0.113.9\r\n", "X-Real-IP"), "203.0.113.9");
  // What the client could have claimed is never taken, nor anything but an address.
  EXPECT_EQ(of("X-Forwarded-For: 203.0.113.9, \r\n", "X-Forwarded-For"), "");
  EXPECT_EQ(of("X-Forwarded-For: 203.0.113.9:443\r\n", "X-Forwarded-For"), "");
  EXPECT_EQ(of("X-Forwarded-For: evil.example\r\n", "X-Forwarded-For"), "");
  EXPECT_EQ(of("X-Real-IP: 1.2.3.4, 5.6.7.8\r\n", "X-Real-IP"), "");
  EXPECT_EQ(of("X-Real-IP: 203.0.113.9\r\n", "X-Forwarded-For"), "");
  EXPECT_EQ(of("", "X-Real-IP"), "");
}

// The status check_framing gives a request's header (`head`, up to and without the empty
// line), parsed as a session parses it: the header alone.
int framing_of(const std::string& head) {
  HeaderArena arena(4096);
  RequestParser parser(std::piecewise_construct, std::make_tuple(),
                       std::make_tuple(RequestAllocator(&arena)));
  parser.eager(false);
  const std::string raw = head + "\r\n\r\n";
  boost::beast::error_code ec;
  const size_t used = parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  if (ec) return -1;  // Beast refused it itself (the session answers 400).
  EXPECT_TRUE(parser.is_header_done());
  return check_framing(parser, std::string_view(raw).substr(0, used));
}

TEST(CheckFraming, WellFramedRequestsPass) {
  EXPECT_EQ(framing_of("GET / HTTP/1.1\r\nHost: a"), 0);
  EXPECT_EQ(framing_of("GET / HTTP/1.0"), 0);  // HTTP/1.0 needs no Host.
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4"), 0);
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked"), 0);
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED"), 0);
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked"), 0);
  EXPECT_EQ(framing_of("GET / HTTP/1.1\r\nHost: a\r\nX-Spaced: one two\tthree"), 0);
}

TEST(CheckFraming, ATransferEncodingNotEndingInChunkedIs400) {
  for (const char* coding : {"identity", "gzip", "xchunked", "chunked, identity", "chunked;x=1",
                             "chunked, chunked", "", ","}) {
    EXPECT_EQ(framing_of(std::string("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ") + coding),
              400)
        << coding;
  }
  // Over two lines, the last line's last coding counts.
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                       "Transfer-Encoding: identity"),
            -1);  // Beast: a second line after chunked.
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n"
                       "Transfer-Encoding: chunked"),
            501);
}

TEST(CheckFraming, TransferEncodingWithContentLengthOrOnHttp10Is400) {
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n"
                       "Content-Length: 0"),
            400);
  EXPECT_EQ(framing_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked"), 400);
  // Beast refuses these orders itself.
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n"
                       "Transfer-Encoding: chunked"),
            -1);
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                       "Content-Length: 0"),
            -1);
}

TEST(CheckFraming, CodingsTheServerDoesNotDecodeAre501) {
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked"), 501);
}

TEST(CheckFraming, ObsoleteLineFoldingIs400) {
  EXPECT_EQ(framing_of("GET / HTTP/1.1\r\nHost: a\r\nX-Note: one\r\n two"), 400);
  EXPECT_EQ(framing_of("GET / HTTP/1.1\r\nHost: a\r\nX-Note: one\r\n\ttwo"), 400);
  EXPECT_EQ(framing_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked"), 400);
}

TEST(CheckFraming, HostMustBeThereOnceOnHttp11) {
  EXPECT_EQ(framing_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b"), 400);
  EXPECT_EQ(framing_of("GET / HTTP/1.0\r\nHost: a\r\nHost: a"), 400);
  EXPECT_EQ(framing_of("GET / HTTP/1.1"), 400);
  EXPECT_EQ(framing_of("GET http://a/ HTTP/1.1"), 400);
}

}  // namespace
}  // namespace reelpress::server
