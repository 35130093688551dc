// Feeds raw bytes to everything the server does with a request before the handler sees it:
// Beast's parser (over the same header arena and limits as a session, fed in pieces as a
// socket would, the header alone first), the framing check (check_framing), convert_request,
// and the response head built from the request's Accept-Encoding, If-None-Match and
// If-Modified-Since. Pipelined requests in one input are all parsed. The dictionary holds the
// framings smugglers try.
// Run: ./fuzz_http_request -dict=fuzz/http.dict -max_total_time=60 corpus/
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/header_arena.h"
#include "server/request_conversion.h"
#include "server/response_head.h"

namespace {

namespace http = boost::beast::http;
using namespace reelpress;

const std::shared_ptr<const site::Body>& sample_body() {
  static const auto body = site::make_body(std::string(600, 'x'), 1310500800, true);
  return body;
}

std::string_view field(const server::RequestMessage& message, http::field name) {
  auto it = message.find(name);
  return it == message.end() ? std::string_view() : std::string_view(it->value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte says how many bytes each simulated read delivers (1..256), so requests
  // get split at every possible place across reads.
  const size_t chunk = static_cast<size_t>(data[0]) + 1;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  server::HeaderArena arena(4096);
  site::Request request;
  std::string head;
  for (int requests = 0; requests < 16 && !input.empty(); ++requests) {
    server::RequestParser parser(std::piecewise_construct, std::make_tuple(),
                                 std::make_tuple(server::RequestAllocator(&arena)));
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(false);
    boost::beast::error_code ec;
    size_t available = std::min(chunk, input.size());
    bool checked = false;
    while (!parser.is_done()) {
      size_t used = parser.put(boost::asio::buffer(input.data(), available), ec);
      if (!checked && parser.is_header_done()) {
        checked = true;
        // As in the session: refused framing closes the connection, nothing more is read.
        if (server::check_framing(parser, input.substr(0, used)) != 0) return 0;
        parser.eager(true);
      }
      input.remove_prefix(used);
      available -= used;
      if (ec == http::error::need_more) ec = {};
      if (ec) return 0;  // The session answers 400/413/431 and closes.
      if (used == 0) {
        if (available == input.size()) {
          // Every byte offered and the request is still open: the client went away.
          parser.put_eof(ec);
          if (ec || !parser.is_done()) return 0;
          break;
        }
        available = std::min(available + chunk, input.size());
      }
    }
    const server::RequestMessage& message = parser.get();
    if (!server::convert_request(message, &request)) continue;

    site::Response response;
    response.body = sample_body();
    response.headers = {{"Cache-Control", "max-age=60"}};
    server::RequestFacts facts;
    facts.accept_encoding = field(message, http::field::accept_encoding);
    facts.if_none_match = field(message, http::field::if_none_match);
    facts.if_modified_since = field(message, http::field::if_modified_since);
    facts.head = request.method == site::Method::kHead;
    facts.keep_alive = message.keep_alive();
    server::write_response_head(response, facts, "Tue, 12 Jul 2011 20:00:00 GMT", &head);
  }
  return 0;
}
