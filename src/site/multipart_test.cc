#include "site/multipart.h"

#include <gtest/gtest.h>

#include <string>

namespace reelpress::site {
namespace {

constexpr std::string_view kType = "multipart/form-data; boundary=----rp7MA4YWxkTrZu0gW";

// What Firefox and Chromium send for a form with a text field and a file input.
std::string browser_body() {
  return "------rp7MA4YWxkTrZu0gW\r\n"
         "Content-Disposition: form-data; name=\"alt\"\r\n"
         "\r\n"
         "Salt caravan at dawn\r\n"
         "------rp7MA4YWxkTrZu0gW\r\n"
         "Content-Disposition: form-data; name=\"file\"; filename=\"salt road.jpg\"\r\n"
         "Content-Type: image/jpeg\r\n"
         "\r\n"
         "\xff\xd8\xff\xe0 binary\r\n\r\n--not-a-boundary\r\n"
         "------rp7MA4YWxkTrZu0gW--\r\n";
}

std::string one_part(std::string_view headers, std::string_view data = "x") {
  return "--b\r\n" + std::string(headers) + "\r\n\r\n" + std::string(data) + "\r\n--b--\r\n";
}

void expect_refused(std::string_view type, const std::string& body, std::string_view problem) {
  auto parts = parse_multipart(type, body);
  ASSERT_FALSE(parts) << "parsed " << parts->size() << " parts";
  EXPECT_EQ(parts.error().code, util::ErrorCode::kInvalidArgument);
  EXPECT_NE(parts.error().message.find(problem), std::string::npos) << parts.error().message;
  EXPECT_TRUE(parts.error().message.starts_with("multipart body: ")) << parts.error().message;
}

TEST(Multipart, ParsesWhatBrowsersSend) {
  const std::string body = browser_body();
  auto parts = parse_multipart(kType, body);
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "alt");
  EXPECT_FALSE((*parts)[0].filename);
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
  EXPECT_EQ((*parts)[0].data, "Salt caravan at dawn");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "salt road.jpg");
  EXPECT_EQ((*parts)[1].content_type, "image/jpeg");
  EXPECT_EQ((*parts)[1].data, "\xff\xd8\xff\xe0 binary\r\n\r\n--not-a-boundary");
  // The data is a view into the body, not a copy.
  EXPECT_GE((*parts)[1].data.data(), body.data());
  EXPECT_LE((*parts)[1].data.data() + (*parts)[1].data.size(), body.data() + body.size());
}

TEST(Multipart, EmptyFileInputHasAnEmptyFilename) {
  auto parts =
      parse_multipart("multipart/form-data; boundary=b",
                      one_part("Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                               "Content-Type: application/octet-stream",
                               ""));
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[0].data, "");
}

TEST(Multipart, QuotedBoundaryAndCaseInsensitiveNames) {
  auto parts = parse_multipart("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c\"",
                               "--a b:c\r\ncontent-disposition: Form-Data; NAME=title\r\n\r\n"
                               "Salt\r\n--a b:c--");
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "title");
  EXPECT_EQ((*parts)[0].data, "Salt");
}

TEST(Multipart, PreambleEpilogueAndTransportPaddingAreIgnored) {
  auto parts = parse_multipart("multipart/form-data; boundary=b",
                               "This is a preamble.\r\n--b \t\r\n"
                               "Content-Disposition: form-data; name=a\r\n\r\n1\r\n--b--"
                               "\r\nan epilogue");
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, "1");
}

TEST(Multipart, NoPartsAtAll) {
  auto parts = parse_multipart("multipart/form-data; boundary=b", "--b--\r\n");
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_TRUE(parts->empty());
}

TEST(Multipart, FilenameKeepsOnlyTheLastPathComponent) {
  EXPECT_EQ(clean_client_filename("../../etc/passwd.jpg"), "passwd.jpg");
  EXPECT_EQ(clean_client_filename("C:\\Users\\ana\\still.jpg"), "still.jpg");
  EXPECT_EQ(clean_client_filename("/var/www/..\\x.png"), "x.png");
  EXPECT_EQ(clean_client_filename(std::string_view("evil.jpg\0.html", 14)), "evil.jpg.html");
  EXPECT_EQ(clean_client_filename("a\x7f\x01"
                                  "b"),
            "ab");
  EXPECT_EQ(clean_client_filename(".."), "");
  EXPECT_EQ(clean_client_filename("dir/.."), "");
  EXPECT_EQ(clean_client_filename("dir/"), "");
  EXPECT_EQ(clean_client_filename("caf\xc3\xa9.jpg"), "caf\xc3\xa9.jpg");

  auto parts = parse_multipart(
      "multipart/form-data; boundary=b",
      one_part("Content-Disposition: form-data; name=f; filename=\"../../etc/passwd\"; "
               "filename*=UTF-8''..%2F..%2Fevil.html"));
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ((*parts)[0].filename, "passwd");
}

TEST(Multipart, BackslashesInFilenamesAreLiteral) {
  auto parts = parse_multipart(
      "multipart/form-data; boundary=b",
      one_part("Content-Disposition: form-data; name=f; filename=\"C:\\dir\\a.jpg\""));
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ((*parts)[0].filename, "a.jpg");
}

TEST(Multipart, RefusesContentTypesWithoutAGoodBoundary) {
  const std::string body = one_part("Content-Disposition: form-data; name=a");
  expect_refused("application/x-www-form-urlencoded", body, "not multipart/form-data");
  expect_refused("multipart/mixed; boundary=b", body, "not multipart/form-data");
  expect_refused("multipart/form-data", body, "no boundary");
  expect_refused("multipart/form-data; boundary=", body, "malformed");
  expect_refused("multipart/form-data; boundary=\"\"", body, "no boundary");
  expect_refused("multipart/form-data; boundary=" + std::string(71, 'x'), body, "longer than 70");
  expect_refused("multipart/form-data; boundary=\"ends with space \"", body, "not allow");
  expect_refused("multipart/form-data; boundary=\"a<b\"", body, "not allow");
  expect_refused("multipart/form-data; boundary=b; boundary=c", body, "two boundaries");
  expect_refused("multipart/form-data; boundary=\"b", body, "malformed");
  EXPECT_TRUE(parse_multipart("multipart/form-data; boundary=" + std::string(70, 'b'),
                              "--" + std::string(70, 'b') + "--"));
}

TEST(Multipart, RefusesBodiesCutShort) {
  constexpr std::string_view type = "multipart/form-data; boundary=b";
  expect_refused(type, "", "no boundary delimiter");
  expect_refused(type, "no delimiter at all", "no boundary delimiter");
  expect_refused(type, "--b", "no final boundary delimiter");
  expect_refused(type, "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue",
                 "no final boundary delimiter");
  expect_refused(type, "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue\r\n--b",
                 "no final boundary delimiter");
  expect_refused(type, "--b\r\nContent-Disposition: form-data; name=a", "cut short");
  expect_refused(type, "--b\r\nContent-Disposition: form-data; name=a\r\n", "cut short");
}

TEST(Multipart, RefusesHeaderLinesWithoutCrlf) {
  constexpr std::string_view type = "multipart/form-data; boundary=b";
  expect_refused(type, "--b\r\nContent-Disposition: form-data; name=a\n\r\n1\r\n--b--",
                 "does not end in CRLF");
  expect_refused(type, "--b\r\nContent-Type: text/plain\rX: y\r\n\r\n1\r\n--b--",
                 "does not end in CRLF");
  expect_refused(type, "--b\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--",
                 "not followed by CRLF");
  expect_refused(type, "--bb\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--",
                 "not followed by CRLF");
}

TEST(Multipart, RefusesMalformedPartHeaders) {
  constexpr std::string_view type = "multipart/form-data; boundary=b";
  expect_refused(type, one_part("Content-Type: text/plain"), "no Content-Disposition");
  expect_refused(type, "--b\r\n\r\n1\r\n--b--", "no Content-Disposition");
  expect_refused(type, one_part("Content-Disposition: attachment; name=a"), "not form-data");
  expect_refused(type, one_part("Content-Disposition: form-data"), "no name");
  expect_refused(type, one_part("Content-Disposition: form-data; name=\"\""), "no name");
  expect_refused(type, one_part("Content-Disposition: form-data; name=\"a"), "malformed");
  expect_refused(type, one_part("Content-Disposition: form-data; name=a; name=b"), "two names");
  expect_refused(type, one_part("Content-Disposition: form-data; name=a; filename=x; filename=y"),
                 "two filenames");
  expect_refused(type,
                 one_part("Content-Disposition: form-data; name=a\r\n"
                          "Content-Disposition: form-data; name=b"),
                 "two Content-Disposition");
  expect_refused(type,
                 one_part("Content-Disposition: form-data; name=a\r\n"
                          "Content-Type: text/plain\r\nContent-Type: text/html"),
                 "two Content-Type");
  expect_refused(type, one_part("Content-Disposition: form-data; name=a\r\n filename=x"), "folded");
  expect_refused(type, one_part("Content-Disposition: form-data; name=a\r\nno colon"), "no name");
  expect_refused(type, one_part("Content-Disposition: form-data; name=a\r\nBad Name: x"),
                 "header name is malformed");
  expect_refused(type,
                 one_part("Content-Disposition: form-data; name=a\r\n"
                          "Content-Transfer-Encoding: base64"),
                 "Content-Transfer-Encoding");
  EXPECT_TRUE(parse_multipart(type, one_part("Content-Disposition: form-data; name=a\r\n"
                                             "Content-Transfer-Encoding: binary\r\n"
                                             "X-Other: ignored")));
}

TEST(Multipart, RefusesTooManyParts) {
  std::string body;
  for (int i = 0; i < 4; ++i) body += "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n";
  body += "--b--";
  EXPECT_TRUE(parse_multipart("multipart/form-data; boundary=b", body, {.max_parts = 4}));
  auto parts = parse_multipart("multipart/form-data; boundary=b", body, {.max_parts = 3});
  ASSERT_FALSE(parts);
  EXPECT_NE(parts.error().message.find("more than 3 parts"), std::string::npos);
}

TEST(Multipart, RefusesOverlongPartHeaders) {
  const std::string headers =
      "Content-Disposition: form-data; name=a\r\nX-Pad: " + std::string(100, 'p');
  const std::string body = one_part(headers);
  // The header block with its blank line is headers + 4 bytes.
  EXPECT_TRUE(parse_multipart("multipart/form-data; boundary=b", body,
                              {.max_header_bytes = headers.size() + 4}));
  auto parts = parse_multipart("multipart/form-data; boundary=b", body,
                               {.max_header_bytes = headers.size() + 3});
  ASSERT_FALSE(parts);
  EXPECT_NE(parts.error().message.find("header is longer than"), std::string::npos);
  // A header line that never ends is refused at the limit, not searched to the end.
  auto endless =
      parse_multipart("multipart/form-data; boundary=b", "--b\r\nX: " + std::string(20000, 'x'));
  ASSERT_FALSE(endless);
  EXPECT_NE(endless.error().message.find("header is longer than"), std::string::npos);
}

}  // namespace
}  // namespace reelpress::site
