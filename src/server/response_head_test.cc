#include "server/response_head.h"

#include <gtest/gtest.h>

#include <string>

namespace reelpress::server {
namespace {

constexpr std::string_view kDate = "Tue, 12 Jul 2011 20:00:00 GMT";

site::Body compressed_body() {
  site::Body body;
  body.identity = "identity bytes";
  body.gzip = "gz";
  body.brotli = "br";
  body.etag = "\"abc\"";
  body.last_modified = 1310500800;
  return body;
}

TEST(ChooseEncoding, PrefersBrotliThenGzipAndRespectsQZero) {
  site::Body body = compressed_body();
  EXPECT_EQ(choose_encoding(body, ""), Encoding::kIdentity);
  EXPECT_EQ(choose_encoding(body, "gzip, deflate, br"), Encoding::kBrotli);
  EXPECT_EQ(choose_encoding(body, "gzip"), Encoding::kGzip);
  EXPECT_EQ(choose_encoding(body, "GZIP;Q=0.8"), Encoding::kGzip);
  EXPECT_EQ(choose_encoding(body, "x-gzip"), Encoding::kGzip);
  EXPECT_EQ(choose_encoding(body, "br;q=0, gzip"), Encoding::kGzip);
  EXPECT_EQ(choose_encoding(body, "br; q=0.000, gzip ; q = 0"), Encoding::kIdentity);
  EXPECT_EQ(choose_encoding(body, "br;q=0.001"), Encoding::kBrotli);
  EXPECT_EQ(choose_encoding(body, "*"), Encoding::kBrotli);
  EXPECT_EQ(choose_encoding(body, "*, br;q=0"), Encoding::kGzip);
  EXPECT_EQ(choose_encoding(body, "*;q=0"), Encoding::kIdentity);
  EXPECT_EQ(choose_encoding(body, "identity"), Encoding::kIdentity);
  EXPECT_EQ(choose_encoding(body, "brotli, gzipx"), Encoding::kIdentity);
  body.brotli.clear();
  EXPECT_EQ(choose_encoding(body, "br, gzip"), Encoding::kGzip);
  body.gzip.clear();
  EXPECT_EQ(choose_encoding(body, "br, gzip"), Encoding::kIdentity);
}

TEST(IfNoneMatch, WeakComparisonOverEveryRepresentation) {
  site::Body body = compressed_body();
  EXPECT_TRUE(if_none_match_matches(body, "\"abc\""));
  EXPECT_TRUE(if_none_match_matches(body, "W/\"abc\""));
  EXPECT_TRUE(if_none_match_matches(body, "\"x\", \"abc-gz\""));
  EXPECT_TRUE(if_none_match_matches(body, "\"a,b\",W/\"abc-br\""));
  EXPECT_TRUE(if_none_match_matches(body, " * "));
  EXPECT_FALSE(if_none_match_matches(body, "\"abcd\""));
  EXPECT_FALSE(if_none_match_matches(body, "\"abc-zz\""));
  EXPECT_FALSE(if_none_match_matches(body, "abc"));
  EXPECT_FALSE(if_none_match_matches(body, "\"unterminated"));
  body.gzip.clear();
  EXPECT_FALSE(if_none_match_matches(body, "\"abc-gz\""));
  EXPECT_EQ(representation_etag(body, Encoding::kBrotli), "\"abc-br\"");
  EXPECT_EQ(representation_etag(body, Encoding::kIdentity), "\"abc\"");
}

TEST(ResponseHead, WritesEveryHeaderOfAFullResponse) {
  site::Response response;
  response.body = std::make_shared<site::Body>(compressed_body());
  response.cache_control = "max-age=60";
  RequestFacts facts;
  facts.accept_encoding = "gzip";
  std::string head;
  int status = 0;
  std::string_view payload = write_response_head(response, facts, kDate, &head, &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(payload, "gz");
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\n"
            "Date: Tue, 12 Jul 2011 20:00:00 GMT\r\n"
            "Server: reelpress\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            "Content-Length: 2\r\n"
            "ETag: \"abc-gz\"\r\n"
            "Last-Modified: Tue, 12 Jul 2011 20:00:00 GMT\r\n"
            "Vary: Accept-Encoding\r\n"
            "Content-Encoding: gzip\r\n"
            "Cache-Control: max-age=60\r\n"
            "Content-Security-Policy: frame-ancestors 'self'\r\n"
            "\r\n");
  // The payload is a view of the shared body, not a copy.
  EXPECT_EQ(payload.data(), response.body->gzip.data());
}

TEST(ResponseHead, HeadKeepsTheHeadersAndDropsThePayload) {
  site::Response response;
  response.body = std::make_shared<site::Body>(compressed_body());
  RequestFacts facts;
  facts.head = true;
  std::string head;
  EXPECT_EQ(write_response_head(response, facts, kDate, &head), "");
  EXPECT_NE(head.find("Content-Length: 14\r\n"), std::string::npos);
}

TEST(ResponseHead, NotModifiedOnlyFor200GetOrHead) {
  site::Response response;
  response.body = std::make_shared<site::Body>(compressed_body());
  RequestFacts facts;
  facts.if_none_match = "\"abc\"";
  std::string head;
  int status = 0;
  EXPECT_EQ(write_response_head(response, facts, kDate, &head, &status), "");
  EXPECT_EQ(status, 304);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_EQ(head.find("Content-Encoding"), std::string::npos);
  EXPECT_NE(head.find("ETag: \"abc\"\r\n"), std::string::npos);

  facts.get_or_head = false;
  write_response_head(response, facts, kDate, &head, &status);
  EXPECT_EQ(status, 200);

  facts.get_or_head = true;
  response.status = 404;
  write_response_head(response, facts, kDate, &head, &status);
  EXPECT_EQ(status, 404);

  response.status = 200;
  facts.if_none_match = "";
  facts.if_modified_since = "Tue, 12 Jul 2011 19:59:59 GMT";
  write_response_head(response, facts, kDate, &head, &status);
  EXPECT_EQ(status, 200);
  facts.if_modified_since = "not a date";
  write_response_head(response, facts, kDate, &head, &status);
  EXPECT_EQ(status, 200);
  facts.if_modified_since = "Tue, 12 Jul 2011 20:00:00 GMT";
  write_response_head(response, facts, kDate, &head, &status);
  EXPECT_EQ(status, 304);
}

TEST(ResponseHead, ConnectionHeaderFollowsKeepAlive) {
  site::Response response;
  RequestFacts facts;
  std::string head;
  write_response_head(response, facts, kDate, &head);
  EXPECT_EQ(head.find("Connection"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 0\r\n"), std::string::npos);
  facts.keep_alive = false;
  write_response_head(response, facts, kDate, &head);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  facts.keep_alive = true;
  facts.http10 = true;
  write_response_head(response, facts, kDate, &head);
  EXPECT_NE(head.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(ResponseHead, DropsHeadersThatWouldBreakFraming) {
  site::Response response;
  response.status = 303;
  response.headers = {{"Location", "/thanks/"},
                      {"Transfer-Encoding", "chunked"},
                      {"connection", "keep-alive"},
                      {"Set-Cookie", "a=1\r\nX-Evil: 1"},
                      {"Bad Name", "x"},
                      {"", "x"},
                      {"Set-Cookie", "session=abc; HttpOnly"}};
  std::string head;
  write_response_head(response, RequestFacts{}, kDate, &head);
  EXPECT_EQ(head,
            "HTTP/1.1 303 See Other\r\n"
            "Date: Tue, 12 Jul 2011 20:00:00 GMT\r\n"
            "Server: reelpress\r\n"
            "Content-Length: 0\r\n"
            "Content-Security-Policy: frame-ancestors 'self'\r\n"
            "Location: /thanks/\r\n"
            "Set-Cookie: session=abc; HttpOnly\r\n"
            "\r\n");
}

TEST(ResponseHead, NoContentStatusesHaveNoLengthOrPayload) {
  site::Response response;
  response.status = 204;
  response.body = std::make_shared<site::Body>(compressed_body());
  std::string head;
  EXPECT_EQ(write_response_head(response, RequestFacts{}, kDate, &head), "");
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  response.status = 42;  // Nonsense from a handler becomes 500.
  int status = 0;
  write_response_head(response, RequestFacts{}, kDate, &head, &status);
  EXPECT_EQ(status, 500);
  EXPECT_EQ(head.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u);
}

TEST(ParseRange, ReadsOneRangeAndIgnoresWhatItMayIgnore) {
  ByteRange r;
  EXPECT_EQ(parse_range("bytes=0-99", 1000, &r), RangeAnswer::kPartial);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 99u);
  EXPECT_EQ(parse_range("bytes=990-", 1000, &r), RangeAnswer::kPartial);
  EXPECT_EQ(r.first, 990u);
  EXPECT_EQ(r.last, 999u);
  EXPECT_EQ(parse_range("Bytes=10-5000", 1000, &r), RangeAnswer::kPartial);
  EXPECT_EQ(r.last, 999u);  // Clipped to the body.
  EXPECT_EQ(parse_range("bytes=-10", 1000, &r), RangeAnswer::kPartial);
  EXPECT_EQ(r.first, 990u);
  EXPECT_EQ(parse_range("bytes=-5000", 1000, &r), RangeAnswer::kPartial);
  EXPECT_EQ(r.first, 0u);

  EXPECT_EQ(parse_range("bytes=1000-", 1000, &r), RangeAnswer::kUnsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 1000, &r), RangeAnswer::kUnsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-0", 0, &r), RangeAnswer::kUnsatisfiable);

  // Malformed, several ranges, or another unit: the whole body, as RFC 9110 allows.
  for (const char* header : {"bytes=5-1", "bytes=0-1,5-9", "items=0-1", "bytes=", "bytes=-",
                             "bytes=a-b", "bytes=1-2x", "bytes=99999999999999999999-"}) {
    EXPECT_EQ(parse_range(header, 1000, &r), RangeAnswer::kWhole) << header;
  }
}

site::Response media_response() {
  site::Response response;
  auto body = std::make_shared<site::Body>();
  body->identity = "0123456789";
  body->etag = "\"e1\"";
  body->last_modified = 1310500800;
  response.body = body;
  response.content_type = "video/mp4";
  response.byte_ranges = true;
  return response;
}

TEST(ResponseHead, AnswersARangeOfAMediaFileWith206AndAView) {
  const site::Response response = media_response();
  RequestFacts facts;
  facts.range = "bytes=2-4";
  std::string head;
  int status = 0;
  std::string_view payload = write_response_head(response, facts, kDate, &head, &status);
  EXPECT_EQ(status, 206);
  EXPECT_EQ(payload, "234");
  EXPECT_EQ(payload.data(), response.body->identity.data() + 2);  // Not a copy.
  EXPECT_NE(head.find("HTTP/1.1 206 Partial Content\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Range: bytes 2-4/10\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 3\r\n"), std::string::npos);
  EXPECT_NE(head.find("Accept-Ranges: bytes\r\n"), std::string::npos);

  facts.range = "bytes=10-";
  EXPECT_EQ(write_response_head(response, facts, kDate, &head, &status), "");
  EXPECT_EQ(status, 416);
  EXPECT_NE(head.find("Content-Range: bytes */10\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 0\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Type"), std::string::npos);
}

TEST(ResponseHead, IfRangeSendsTheRangeOnlyForTheSameFile) {
  const site::Response response = media_response();
  RequestFacts facts;
  facts.range = "bytes=0-0";
  std::string head;
  int status = 0;
  facts.if_range = "\"e1\"";
  EXPECT_EQ(write_response_head(response, facts, kDate, &head, &status), "0");
  EXPECT_EQ(status, 206);
  facts.if_range = "Tue, 12 Jul 2011 20:00:00 GMT";
  write_response_head(response, facts, kDate, &head, &status);
  EXPECT_EQ(status, 206);
  // Another version, a weak tag or another date: the whole file.
  for (const char* other : {"\"e2\"", "W/\"e1\"", "Tue, 12 Jul 2011 20:00:01 GMT"}) {
    facts.if_range = other;
    EXPECT_EQ(write_response_head(response, facts, kDate, &head, &status), "0123456789");
    EXPECT_EQ(status, 200) << other;
  }
}

TEST(ResponseHead, PagesIgnoreRangeAndValidatorsComeFirst) {
  site::Response page;
  page.body = std::make_shared<site::Body>(compressed_body());
  RequestFacts facts;
  facts.range = "bytes=0-1";
  std::string head;
  int status = 0;
  EXPECT_EQ(write_response_head(page, facts, kDate, &head, &status), "identity bytes");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(head.find("Accept-Ranges"), std::string::npos);

  const site::Response media = media_response();
  facts.if_none_match = "\"e1\"";
  write_response_head(media, facts, kDate, &head, &status);
  EXPECT_EQ(status, 304);
}

}  // namespace
}  // namespace reelpress::server
