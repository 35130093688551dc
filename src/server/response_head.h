// Turns a site::Response into the bytes of an HTTP/1.1 response head, choosing the
// representation (identity, gzip, brotli) and answering conditional requests. This is where
// the server decides every header it sends; it knows nothing about sockets or Beast, so it is
// tested directly.
//
// Example:
//   RequestFacts facts{.accept_encoding = "gzip, br", .keep_alive = true};
//   std::string head;
//   Payload payload = write_head(response, facts, http_date_now(), &head);
//   // send head, then payload.bytes (a view into response.body, which must stay alive) or
//   // payload.file_length bytes of response.file from payload.file_offset
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "site/http.h"

namespace reelpress::server {

// What of the request shapes the response. Empty views mean "header absent".
struct RequestFacts {
  std::string_view accept_encoding;
  std::string_view if_none_match;
  std::string_view if_modified_since;
  std::string_view range;  // Honoured only for responses with byte_ranges (media files).
  std::string_view if_range;
  bool head = false;        // HEAD: same head as GET, no payload.
  bool get_or_head = true;  // Conditional headers apply to GET and HEAD only.
  bool keep_alive = true;   // Whether the connection stays open after this response.
  bool http10 = false;      // HTTP/1.0 needs an explicit "Connection: keep-alive".
};

enum class Encoding { kIdentity, kGzip, kBrotli };

// Which form of `body` to send for this Accept-Encoding: brotli if the client accepts "br",
// else gzip if it accepts "gzip" (or "x-gzip"), else identity. "q=0" refuses a coding, "*"
// stands for every coding not named. Forms the body does not have are never chosen.
Encoding choose_encoding(const site::Body& body, std::string_view accept_encoding);

// True when If-None-Match `header` matches a representation of `body`: "*", or any listed
// entity-tag equal under weak comparison to the ETag of identity, gzip ("…-gz") or brotli
// ("…-br") forms that exist.
bool if_none_match_matches(const site::Body& body, std::string_view header);

// The ETag sent for a form: body.etag for identity, with "-gz" or "-br" added inside the
// quotes for the compressed forms, so each representation has its own strong validator.
std::string representation_etag(const site::Body& body, Encoding encoding);

// What to send after a response head: bytes of the response's Body, or a span of its file.
// At most one of the two is not empty.
struct Payload {
  std::string_view bytes;    // A view into response.body's chosen form.
  uint64_t file_offset = 0;  // The span of response.file to send, from file_offset on.
  uint64_t file_length = 0;
  uint64_t size() const { return bytes.size() + file_length; }
};

// Writes the status line and header fields of `response` into *head (cleared first; its
// capacity is reused) and returns the payload to send after it: a view into response.body's
// bytes, or for a response with a file (site::FileBody) instead, the span of it to send (the
// whole file or the range asked for). Empty for HEAD, 304, 204, 416 and bodiless responses.
// Answers 304 when the response is a 200 with a body or file and the request's validators
// match. Handler headers that would break framing (Content-Length, Transfer-Encoding,
// Connection, ...) or hold CR, LF or NUL are dropped. `status_out`, when not null, receives
// the status sent. Thread-safe.
Payload write_head(const site::Response& response, const RequestFacts& facts, std::string_view date,
                   std::string* head, int* status_out = nullptr);

// write_head() for callers that send responses with a Body only: the payload's bytes. For a
// response with a file, the head announces the file's bytes, which this does not return.
std::string_view write_response_head(const site::Response& response, const RequestFacts& facts,
                                     std::string_view date, std::string* head,
                                     int* status_out = nullptr);

// A byte range of a body, both ends included (RFC 9110 14.1.2).
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
};
enum class RangeAnswer { kWhole, kPartial, kUnsatisfiable };

// How to answer Range `header` for a body of `size` bytes: kPartial with *range set for one
// satisfiable range ("bytes=0-99", "bytes=100-", "bytes=-100"); kUnsatisfiable (416) when the
// range starts past the end; kWhole (a full 200, as RFC 9110 allows) for anything else:
// several ranges, another unit, or a malformed header.
RangeAnswer parse_range(std::string_view header, uint64_t size, ByteRange* range);

// The reason phrase for a status code ("Not Found"); "" for codes it does not know.
std::string_view reason_phrase(int status);

}  // namespace reelpress::server
