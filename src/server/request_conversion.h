// The Beast request types the server parses into, and their conversion to site::Request.
// Kept apart from the session so the fuzz target (fuzz/fuzz_http_request.cc) runs exactly the
// code that sees untrusted bytes: Beast's parser plus convert_request.
//
// Example:
//   HeaderArena arena(4096);
//   RequestParser parser(std::piecewise_construct, std::make_tuple(),
//                        std::make_tuple(RequestAllocator(&arena)));
//   ... feed bytes until parser.is_done() ...
//   site::Request request;
//   if (util::Status s = convert_request(parser.get(), &request); !s) reply_400(s.error());
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "server/header_arena.h"
#include "site/http.h"
#include "util/result.h"

namespace reelpress::server {

using RequestAllocator = HeaderArena::Allocator<char>;
using RequestParser =
    boost::beast::http::request_parser<boost::beast::http::string_body, RequestAllocator>;
using RequestMessage = RequestParser::value_type;

// Fills *out from a complete parsed request, reusing out's string capacity (so a
// connection's Request allocates nothing once warm). Fails with kInvalidArgument, leaving
// *out partly written, when:
//   - the target is not origin-form ("/path?query") or absolute-form ("http://host/path");
//   - the path holds a malformed percent escape, or decodes to a NUL byte;
//   - the decoded path has a ".." segment (nothing legitimate sends one, and it would let a
//     careless file handler climb out of its folder);
//   - an HTTP/1.1 request has no Host (RFC 9112 3.2 requires 400).
// Methods other than GET, HEAD and POST become Method::kOther; the handler answers 405.
// Absolute-form targets are rewritten to origin-form in out->target and their authority
// replaces Host. Several Cookie fields are joined with "; ". Thread-safe.
util::Status convert_request(const RequestMessage& message, site::Request* out);

// Checks how a request whose header `parser` has just parsed is framed, before any of its
// body is read: the status to refuse it with and close the connection, or 0 when it may go
// on. `raw_header` is the header's bytes as received (request line to the empty line), which
// the parser no longer shows once it unfolded them. Beast 1.74 takes a Transfer-Encoding whose
// last coding is not `chunked` for "no body" (the body would then be read as the next
// request, a smuggling vector behind a proxy that reads it otherwise), and reads a body by
// Content-Length when a Transfer-Encoding other than chunked came first. RFC 9112 asks for:
//   400  a Transfer-Encoding whose final coding is not `chunked`, or that names `chunked`
//        twice (6.1); Transfer-Encoding and Content-Length together (6.1, 6.3); a
//        Transfer-Encoding on HTTP/1.0 (6.1: its framing is faulty); a field folded over
//        lines, obs-fold (5.2); more than one Host, or none on HTTP/1.1 (3.2);
//   501  a coding other than `chunked` before the final `chunked` (gzip, deflate): the server
//        decodes none (6.1: a coding it does not understand).
// Thread-safe.
int check_framing(const RequestParser& parser, std::string_view raw_header);

// The client address a trusted reverse proxy names in `message`, in canonical text form
// ("203.0.113.7", "2001:db8::1"), or empty when it names none. `header` is the field the
// proxy sets: for X-Forwarded-For, the last address of its last line (what the proxy
// appended; addresses before it came from the client and prove nothing); for any other
// field (X-Real-IP), its last line's value. Anything that is not a bare IPv4 or IPv6 address
// gives empty. Thread-safe.
std::string forwarded_client_address(const RequestMessage& message, std::string_view header);

// Percent-decodes `text` and appends it to *out. False on a malformed escape or a decoded NUL;
// *out then holds a prefix of the result. '+' stays '+' (paths are not form-encoded).
bool append_percent_decoded(std::string_view text, std::string* out);

}  // namespace reelpress::server
