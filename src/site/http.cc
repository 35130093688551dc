#include "site/http.h"

#include "util/compress.h"
#include "util/hash.h"
#include "util/wait_for.h"

namespace reelpress::site {
namespace {

// Below this, gzip and brotli framing eats most of the gain and a TCP segment carries the
// page anyway, so the extra bytes in memory buy nothing.
constexpr size_t kMinCompressSize = 256;

// Brotli's quality for pages (0..11). Compression happens on every cache miss, and quality 9
// made it cost more than rendering.
constexpr int kBrotliQuality = 5;

}  // namespace

std::shared_ptr<const Body> make_body(std::string identity, util::UnixTime last_modified,
                                      bool compress) {
  auto body = std::make_shared<Body>();
  body->etag = "\"" + util::to_hex(util::hash64(identity)) + "\"";
  body->last_modified = last_modified;
  if (compress && identity.size() >= kMinCompressSize) {
    // A form that is not smaller (already compressed media, random data) is dropped: the
    // server then sends identity, which costs the client no decoding.
    std::string gz = util::gzip_compress(identity);
    if (gz.size() < identity.size()) body->gzip = std::move(gz);
    // Quality 5, as servers use for dynamic content (bench/render_bench.sh, with the
    // compressed forms: 111 pages/s at quality 9, 652 at 5).
    std::string br = util::brotli_compress(identity, kBrotliQuality);
    if (br.size() < identity.size()) body->brotli = std::move(br);
  }
  body->identity = std::move(identity);
  return body;
}

Response wait_for_reply(const std::function<void(Reply)>& start) {
  return util::wait_for<Response>(start);
}

int status_for(util::ErrorCode code) {
  using util::ErrorCode;
  switch (code) {
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNoSpace:
    case ErrorCode::kIo:
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kCorrupt:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

}  // namespace reelpress::site
