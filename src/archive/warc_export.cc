#include "archive/warc_export.h"

#include <random>

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

}  // namespace

std::string warc_record(const Fields& fields, std::string_view head, std::string_view payload) {
  util::Sha1 block;
  block.update(head);
  block.update(payload);
  std::string record = "WARC/1.1\r\n";
  for (const auto& [name, value] : fields) record += name + ": " + value + "\r\n";
  record += "WARC-Block-Digest: sha1:" + util::base32(block.finish()) + "\r\n";
  record += "Content-Length: " + std::to_string(head.size() + payload.size()) + "\r\n\r\n";
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

  std::string head;
  const util::Status crawled = crawl_for_export(
      handler, seeds, options.base_url, options.progress, summary.counts,
      [&](const ExportedUrl& exported) -> util::Status {
        const CrawledUrl& url = exported.url;
        const std::string uri = options.base_url + url.target;
        // The response as the server sends it to a reader who asks for no compression.
        server::RequestFacts facts;
        const std::string_view payload =
            server::write_response_head(url.response, facts, http_date, &head);
        const std::string response_id = ids.next();
        REELPRESS_RETURN_IF_ERROR(write({{"WARC-Type", "response"},
                                         {"WARC-Record-ID", response_id},
                                         {"WARC-Warcinfo-ID", warcinfo_id},
                                         {"WARC-Date", date},
                                         {"WARC-Target-URI", uri},
                                         {"Content-Type", "application/http;msgtype=response"},
                                         {"WARC-Payload-Digest", sha1_label(payload)}},
                                        head, payload));
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
