#include "archive/warc_export.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <map>
#include <set>

#include "archive/media_file.h"
#include "util/files.h"
#include "util/scoped_temp_dir.h"
#include "util/sha1.h"

namespace reelpress::archive {
namespace {

// A site of four URLs: a page that links a second page, a picture and an old address that
// redirects to the second page.
class TinySite final : public site::Handler {
 public:
  site::Response handle(const site::Request& request) override {
    site::Response response;
    auto body = std::make_shared<site::Body>();
    if (request.path == "/") {
      body->identity =
          "<title>Home</title><a href=\"/a/\">a</a><img src=\"/files/x.png\"><a "
          "href=\"/old/\">old</a>";
    } else if (request.path == "/a/") {
      body->identity = "<title>A</title>page a";
    } else if (request.path == "/files/x.png") {
      response.content_type = "image/png";
      body->identity = std::string("\x89PNG\r\n\x1a\n\0\0", 10);
    } else if (request.path == "/old/") {
      response.status = 301;
      response.headers.emplace_back("Location", "/a/");
      return response;
    } else {
      response.status = 404;
      return response;
    }
    body->etag = "\"e\"";
    response.body = std::move(body);
    return response;
  }
  site::Response error_page(int status) override { return site::Response{status}; }
};

// The gzip members of a file, each inflated.
std::vector<std::string> members(const std::string& file) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < file.size()) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(file.data() + at));
    z.avail_in = static_cast<uInt>(file.size() - at);
    std::string member;
    int rc = Z_OK;
    while (rc == Z_OK) {
      char buffer[4096];
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      rc = inflate(&z, Z_NO_FLUSH);
      member.append(buffer, sizeof buffer - z.avail_out);
    }
    EXPECT_EQ(rc, Z_STREAM_END);
    at += z.total_in;
    inflateEnd(&z);
    out.push_back(member);
    if (rc != Z_STREAM_END) break;
  }
  return out;
}

struct Record {
  std::map<std::string, std::string> fields;
  std::string block;
};

Record parse(const std::string& text) {
  Record record;
  EXPECT_TRUE(text.starts_with("WARC/1.1\r\n")) << text;
  const std::size_t end = text.find("\r\n\r\n");
  std::size_t at = 10;
  while (at < end) {
    const std::size_t eol = text.find("\r\n", at);
    const std::size_t colon = text.find(": ", at);
    record.fields[text.substr(at, colon - at)] = text.substr(colon + 2, eol - colon - 2);
    at = eol + 2;
  }
  const std::size_t length = std::stoul(record.fields["Content-Length"]);
  record.block = text.substr(end + 4, length);
  EXPECT_EQ(text.substr(end + 4 + length), "\r\n\r\n");
  return record;
}

std::string sha1_label(std::string_view bytes) { return "sha1:" + util::base32(util::sha1(bytes)); }

TEST(ExportWarc, RecordsEveryUrlAsTheServerSendsItWithDigests) {
  util::ScopedTempDir dir;
  TinySite site;
  WarcExportOptions options;
  options.out = dir.path() / "site.warc.gz";
  options.base_url = "http://www.example.org";
  options.software = "reelpress test";
  options.description = "Tiny";
  options.date = 1700000000;
  auto summary = export_warc(site, {"/"}, options);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.pages, 2u);
  EXPECT_EQ(summary->counts.files, 1u);
  EXPECT_EQ(summary->counts.redirects, 1u);
  EXPECT_EQ(summary->records, 9u);  // warcinfo, then a response and a request for each URL.
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "site.warc.gz.part"));

  auto bytes = util::read_file(options.out);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(summary->file_bytes, bytes->size());
  std::vector<Record> records;
  for (const std::string& member : members(*bytes)) records.push_back(parse(member));
  ASSERT_EQ(records.size(), 9u);

  EXPECT_EQ(records[0].fields["WARC-Type"], "warcinfo");
  EXPECT_EQ(records[0].fields["WARC-Date"], "2023-11-14T22:13:20Z");
  EXPECT_NE(records[0].block.find("software: reelpress test\r\n"), std::string::npos);
  EXPECT_EQ(records[0].fields["WARC-Block-Digest"], sha1_label(records[0].block));
  std::map<std::string, std::string> responses;  // Target URI -> block.
  std::set<std::string> ids;
  for (std::size_t i = 1; i < records.size(); i += 2) {
    Record& response = records[i];
    Record& request = records[i + 1];
    EXPECT_EQ(response.fields["WARC-Type"], "response");
    EXPECT_EQ(request.fields["WARC-Type"], "request");
    EXPECT_EQ(request.fields["WARC-Concurrent-To"], response.fields["WARC-Record-ID"]);
    EXPECT_EQ(response.fields["WARC-Warcinfo-ID"], records[0].fields["WARC-Record-ID"]);
    EXPECT_EQ(response.fields["WARC-Block-Digest"], sha1_label(response.block));
    EXPECT_EQ(request.fields["WARC-Block-Digest"], sha1_label(request.block));
    const std::string payload = response.block.substr(response.block.find("\r\n\r\n") + 4);
    EXPECT_EQ(response.fields["WARC-Payload-Digest"], sha1_label(payload));
    EXPECT_EQ(response.fields.count("WARC-IP-Address"), 0u);
    ids.insert(response.fields["WARC-Record-ID"]);
    ids.insert(request.fields["WARC-Record-ID"]);
    responses[response.fields["WARC-Target-URI"]] = response.block;
  }
  EXPECT_EQ(ids.size(), 8u);
  const std::string& home = responses["http://www.example.org/"];
  EXPECT_TRUE(home.starts_with("HTTP/1.1 200 OK\r\n")) << home;
  EXPECT_TRUE(home.ends_with("<a href=\"/old/\">old</a>"));
  EXPECT_NE(home.find("Content-Length: 85\r\n"), std::string::npos) << home;  // The body.
  const std::string& old = responses["http://www.example.org/old/"];
  EXPECT_TRUE(old.starts_with("HTTP/1.1 301 Moved Permanently\r\n")) << old;
  EXPECT_NE(old.find("Location: /a/\r\n"), std::string::npos);
  EXPECT_NE(responses["http://www.example.org/files/x.png"].find("Content-Type: image/png"),
            std::string::npos);
}

TEST(ExportWarc, RecordsMediaFilesFromTheirFilesWithDigests) {
  util::ScopedTempDir dir;
  TinySite site;  // Its own /files/x.png is never asked for: the file is read instead.
  std::string png(3 * kPieceBytes + 7, '\0');
  for (std::size_t i = 0; i < png.size(); ++i) png[i] = static_cast<char>(i * 13);
  std::filesystem::create_directories(dir.path() / "media");
  ASSERT_TRUE(util::write_file_atomically(dir.path() / "media/x.png", png));
  WarcExportOptions options;
  options.out = dir.path() / "site.warc.gz";
  options.base_url = "http://www.example.org";
  options.media_root = dir.path() / "media";
  options.date = 1700000000;
  auto summary = export_warc(site, {"/"}, options);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->counts.files, 1u);
  auto bytes = util::read_file(options.out);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(summary->file_bytes, bytes->size());
  const std::vector<std::string> records = members(*bytes);
  ASSERT_EQ(records.size(), 9u);
  int found = 0;
  for (const std::string& text : records) {
    Record record = parse(text);
    if (record.fields["WARC-Target-URI"] != "http://www.example.org/files/x.png" ||
        record.fields["WARC-Type"] != "response") {
      continue;
    }
    ++found;
    EXPECT_EQ(record.fields["WARC-Block-Digest"], sha1_label(record.block));
    EXPECT_EQ(record.fields["WARC-Payload-Digest"], sha1_label(png));
    const std::size_t head_end = record.block.find("\r\n\r\n");
    const std::string head = record.block.substr(0, head_end + 4);
    EXPECT_EQ(record.block.substr(head_end + 4), png);
    EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
    EXPECT_NE(head.find("\r\nContent-Length: " + std::to_string(png.size()) + "\r\n"),
              std::string::npos)
        << head;
    EXPECT_NE(head.find("\r\nContent-Type: image/png\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos);
    EXPECT_NE(head.find("\r\nLast-Modified: "), std::string::npos);
    EXPECT_NE(head.find("\r\nAccept-Ranges: bytes\r\n"), std::string::npos);
    EXPECT_EQ(head.find("ETag"), std::string::npos) << head;
  }
  EXPECT_EQ(found, 1);
}

TEST(ExportWarc, AFullDiskLeavesNoFile) {
  util::ScopedTempDir dir;
  TinySite site;
  WarcExportOptions options;
  options.out = dir.path() / "site.warc.gz";
  std::filesystem::create_symlink("/dev/full", dir.path() / "site.warc.gz.part");
  auto summary = export_warc(site, {"/"}, options);
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().code, util::ErrorCode::kNoSpace);
  EXPECT_NE(summary.error().message.find("No space left on device"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(options.out));
  EXPECT_FALSE(std::filesystem::is_symlink(dir.path() / "site.warc.gz.part"));
}

}  // namespace
}  // namespace reelpress::archive
