#include "archive/warc_export.h"

#include <zlib.h>

#include <random>
#include <vector>

#include "archive/media_file.h"
#include "server/response_head.h"
#include "util/civil_time.h"
#include "util/compress.h"
#include "util/files.h"
#include "util/sha1.h"

namespace reelpress::archive {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// "<urn:uuid:9f6a...>": a version 4 (random) UUID, as WARC-Record-ID wants.
class RecordIds {
 public:
  std::string next() {
    std::uint64_t high = random_(), low = random_();
    high = (high & ~std::uint64_t{0xF000}) | 0x4000;                         // Version 4.
    low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);  // Variant 1.
    char text[64];
    std::snprintf(text, sizeof text, "<urn:uuid:%08x-%04x-%04x-%04x-%012llx>",
                  static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                  static_cast<unsigned>(high & 0xFFFF), static_cast<unsigned>(low >> 48),
                  static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
    return text;
  }

 private:
  std::mt19937_64 random_{(std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()};
};

std::string sha1_label(std::string_view bytes) { return "sha1:" + util::base32(util::sha1(bytes)); }

// A record's header: the fields in order, then the block's digest and length.
std::string record_header(const Fields& fields, const util::Sha1::Digest& block_digest,
                          std::uint64_t block_length) {
  std::string header = "WARC/1.1\r\n";
  for (const auto& [name, value] : fields) header += name + ": " + value + "\r\n";
  header += "WARC-Block-Digest: sha1:" + util::base32(block_digest) + "\r\n";
  header += "Content-Length: " + std::to_string(block_length) + "\r\n\r\n";
  return header;
}

// One gzip member written to `out` as its bytes come, through a buffer of bounded size.
class GzipMember {
 public:
  explicit GzipMember(util::AtomicFile& out) : out_(out), buffer_(kBufferBytes) {
    // 16 + MAX_WBITS: a gzip wrapper; level 6, zlib's default, as util::gzip_compress uses.
    ok_ = deflateInit2(&z_, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~GzipMember() {
    if (ok_) deflateEnd(&z_);
  }
  GzipMember(const GzipMember&) = delete;
  GzipMember& operator=(const GzipMember&) = delete;

  util::Status add(std::string_view bytes) { return deflate_into_file(bytes, Z_NO_FLUSH); }
  util::Status finish() { return deflate_into_file({}, Z_FINISH); }
  std::uint64_t written() const { return written_; }

 private:
  static constexpr std::size_t kBufferBytes = 256 * 1024;

  util::Status deflate_into_file(std::string_view bytes, int flush) {
    if (!ok_) return util::fail(util::ErrorCode::kInternal, "zlib cannot start a gzip member");
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z_.avail_in = static_cast<uInt>(bytes.size());
    int rc = Z_OK;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
      z_.avail_out = static_cast<uInt>(buffer_.size());
      rc = deflate(&z_, flush);
      const std::size_t made = buffer_.size() - z_.avail_out;
      written_ += made;
      REELPRESS_RETURN_IF_ERROR(out_.write(std::string_view(buffer_.data(), made)));
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return {};
  }

  util::AtomicFile& out_;
  std::vector<char> buffer_;
  z_stream z_{};
  bool ok_ = false;
  std::uint64_t written_ = 0;
};

// The head the server sends for a media file, whose bytes the crawl did not read: made by
// write_response_head from a body of no bytes, whose Content-Length is then the file's. No
// ETag: the server's names the copy on its own disk, nothing a reader of the archive could
// ask for again.
std::string media_head(const CrawledUrl& url, std::string_view http_date) {
  site::Response response = url.response;
  auto body = std::make_shared<site::Body>();
  body->last_modified = url.file->modified;
  response.body = std::move(body);
  std::string head;
  server::write_response_head(response, server::RequestFacts{}, http_date, &head);
  constexpr std::string_view kNoBytes = "\r\nContent-Length: 0\r\n";
  if (const std::size_t at = head.find(kNoBytes); at != std::string::npos) {
    head.replace(at, kNoBytes.size(),
                 "\r\nContent-Length: " + std::to_string(url.file->size) + "\r\n");
  }
  return head;
}

}  // namespace

std::string warc_record(const Fields& fields, std::string_view head, std::string_view payload) {
  util::Sha1 block;
  block.update(head);
  block.update(payload);
  std::string record = record_header(fields, block.finish(), head.size() + payload.size());
  record.reserve(record.size() + head.size() + payload.size() + 4);
  record.append(head);
  record.append(payload);
  record += "\r\n\r\n";
  return util::gzip_compress(record);
}

std::string WarcExportSummary::to_string(const std::filesystem::path& out) const {
  return "Exported " + counts.describe() + " to " + out.string() + " (" + std::to_string(records) +
         " records, " + megabytes(file_bytes) + "); " + counts.describe_broken_links();
}

util::Result<WarcExportSummary> export_warc(site::Handler& handler,
                                            const std::vector<std::string>& seeds,
                                            const WarcExportOptions& options) {
  auto file = util::AtomicFile::create(options.out, util::Sync::kYes);
  if (!file) return util::fail(file.error());
  WarcExportSummary summary;
  RecordIds ids;
  const std::string date = util::format_iso_time(options.date);
  const std::string http_date = util::format_http_date(options.date);
  const std::string host = host_of(options.base_url);

  auto write = [&](const Fields& fields, std::string_view head,
                   std::string_view payload = {}) -> util::Status {
    const std::string record = warc_record(fields, head, payload);
    summary.file_bytes += record.size();
    ++summary.records;
    return file->write(record);
  };

  const std::string filename = options.out.filename().string();
  const std::string warcinfo_id = ids.next();
  const std::string info = "software: " + options.software +
                           "\r\nformat: WARC File Format 1.1\r\n"
                           "conformsTo: "
                           "https://iipc.github.io/warc-specifications/specifications/"
                           "warc-format/warc-1.1/\r\n"
                           "description: " +
                           options.description + "\r\nisPartOf: " + options.base_url + "\r\n";
  REELPRESS_RETURN_IF_ERROR(write({{"WARC-Type", "warcinfo"},
                                   {"WARC-Record-ID", warcinfo_id},
                                   {"WARC-Date", date},
                                   {"WARC-Filename", filename},
                                   {"Content-Type", "application/warc-fields"}},
                                  info));

  // A media file's response record, its block read from the file twice, a piece at a time:
  // once for the digests, which the header holds, and once to write it.
  auto write_file_record = [&](Fields fields, const CrawledUrl& url) -> util::Status {
    const MediaFile& media = *url.file;
    const std::string head = media_head(url, http_date);
    util::Sha1 block, payload;
    block.update(head);
    REELPRESS_RETURN_IF_ERROR(read_in_pieces(media, [&](std::string_view piece) -> util::Status {
      block.update(piece);
      payload.update(piece);
      return {};
    }));
    const util::Sha1::Digest payload_digest = payload.finish();
    fields.emplace_back("WARC-Payload-Digest", "sha1:" + util::base32(payload_digest));
    GzipMember member(*file);
    REELPRESS_RETURN_IF_ERROR(
        member.add(record_header(fields, block.finish(), head.size() + media.size)));
    REELPRESS_RETURN_IF_ERROR(member.add(head));
    util::Sha1 again;
    REELPRESS_RETURN_IF_ERROR(read_in_pieces(media, [&](std::string_view piece) {
      again.update(piece);
      return member.add(piece);
    }));
    if (again.finish() != payload_digest) {
      return util::fail(util::ErrorCode::kIo,
                        "cannot read " + media.path.string() + ": it changed during the export");
    }
    REELPRESS_RETURN_IF_ERROR(member.add("\r\n\r\n"));
    REELPRESS_RETURN_IF_ERROR(member.finish());
    summary.file_bytes += member.written();
    ++summary.records;
    return {};
  };

  std::string head;
  const util::Status crawled = crawl_for_export(
      handler, seeds, options.base_url, options.media_root, options.progress, summary.counts,
      [&](const ExportedUrl& exported) -> util::Status {
        const CrawledUrl& url = exported.url;
        const std::string uri = options.base_url + url.target;
        const std::string response_id = ids.next();
        Fields fields = {{"WARC-Type", "response"},
                         {"WARC-Record-ID", response_id},
                         {"WARC-Warcinfo-ID", warcinfo_id},
                         {"WARC-Date", date},
                         {"WARC-Target-URI", uri},
                         {"Content-Type", "application/http;msgtype=response"}};
        if (url.file) {
          REELPRESS_RETURN_IF_ERROR(write_file_record(std::move(fields), url));
        } else {
          // The response as the server sends it to a reader who asks for no compression.
          const std::string_view payload =
              server::write_response_head(url.response, server::RequestFacts{}, http_date, &head);
          fields.emplace_back("WARC-Payload-Digest", sha1_label(payload));
          REELPRESS_RETURN_IF_ERROR(write(fields, head, payload));
        }
        const std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + host +
                                    "\r\nAccept-Encoding: identity\r\n\r\n";
        return write({{"WARC-Type", "request"},
                      {"WARC-Record-ID", ids.next()},
                      {"WARC-Warcinfo-ID", warcinfo_id},
                      {"WARC-Date", date},
                      {"WARC-Target-URI", uri},
                      {"WARC-Concurrent-To", response_id},
                      {"Content-Type", "application/http;msgtype=request"}},
                     request);
      });
  if (!crawled) return util::fail(crawled.error());
  REELPRESS_RETURN_IF_ERROR(file->commit());
  return summary;
}

}  // namespace reelpress::archive
