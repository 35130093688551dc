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

}  // namespace
}  // namespace reelpress::server
