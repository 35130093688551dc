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

// Percent-decodes `text` and appends it to *out. False on a malformed escape or a decoded NUL;
// *out then holds a prefix of the result. '+' stays '+' (paths are not form-encoded).
bool append_percent_decoded(std::string_view text, std::string* out);

}  // namespace reelpress::server
