#include "server/request_conversion.h"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>

namespace reelpress::server {
namespace http = boost::beast::http;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool has_dot_dot_segment(std::string_view path) {
  for (size_t pos = path.find(".."); pos != std::string_view::npos;
       pos = path.find("..", pos + 1)) {
    bool starts_segment = pos > 0 && path[pos - 1] == '/';
    bool ends_segment = pos + 2 == path.size() || path[pos + 2] == '/';
    if (starts_segment && ends_segment) return true;
  }
  return false;
}

site::Method to_method(http::verb verb) {
  switch (verb) {
    case http::verb::get: return site::Method::kGet;
    case http::verb::head: return site::Method::kHead;
    case http::verb::post: return site::Method::kPost;
    default: return site::Method::kOther;
  }
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

int check_framing(const RequestParser& parser, std::string_view raw_header) {
  const RequestMessage& message = parser.get();
  // obs-fold: a line of the header that starts with white space continues the one before.
  for (size_t at = raw_header.find("\r\n"); at != std::string_view::npos;
       at = raw_header.find("\r\n", at + 2)) {
    if (at + 2 < raw_header.size() && (raw_header[at + 2] == ' ' || raw_header[at + 2] == '\t')) {
      return 400;
    }
  }
  const size_t hosts = message.count(http::field::host);
  if (hosts > 1 || (hosts == 0 && message.version() >= 11)) return 400;

  auto [te, te_end] = message.equal_range(http::field::transfer_encoding);
  if (te == te_end) return 0;
  if (message.version() < 11) return 400;
  if (message.find(http::field::content_length) != message.end()) return 400;
  // The codings of every Transfer-Encoding line, in order (a list may span lines).
  size_t codings = 0, chunked = 0;
  bool last_is_chunked = false;
  for (; te != te_end; ++te) {
    std::string_view list = te->value();
    while (true) {
      const size_t comma = list.find(',');
      const std::string_view coding = trim_ows(list.substr(0, comma));
      if (!coding.empty()) {
        ++codings;
        last_is_chunked = boost::beast::iequals(coding, "chunked");
        if (last_is_chunked) ++chunked;
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  // Beast must read the body as chunked too, or it and we would disagree on where it ends.
  if (!last_is_chunked || chunked > 1 || !parser.chunked()) return 400;
  if (codings > 1) return 501;
  return 0;
}

std::string forwarded_client_address(const RequestMessage& message, std::string_view header) {
  std::string_view value;
  bool found = false;
  for (auto [it, end] = message.equal_range(header); it != end; ++it) {
    value = it->value();
    found = true;
  }
  if (!found) return {};
  if (boost::beast::iequals(header, "X-Forwarded-For")) {
    const size_t comma = value.rfind(',');
    if (comma != std::string_view::npos) value.remove_prefix(comma + 1);
  }
  value = trim_ows(value);
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(std::string(value), ec);
  if (ec) return {};
  return address.to_string();
}

bool append_percent_decoded(std::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return false;
    out->push_back(c);
  }
  return true;
}

util::Status convert_request(const RequestMessage& message, site::Request* out) {
  out->method = to_method(message.method());
  std::string_view target = message.target();
  std::string_view authority;
  bool absolute_form = false;
  if (starts_with_ignoring_case(target, "http://") ||
      starts_with_ignoring_case(target, "https://")) {
    // Absolute-form (RFC 9112 3.2.2): what a client talking to a proxy sends; servers must
    // accept it and take the host from it.
    target.remove_prefix(target.find("//") + 2);
    size_t path_start = target.find_first_of("/?");
    authority = target.substr(0, path_start);
    target = path_start == std::string_view::npos ? std::string_view() : target.substr(path_start);
    absolute_form = true;
  }
  size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  if (absolute_form && raw_path.empty()) raw_path = "/";
  if (raw_path.empty() || raw_path[0] != '/') {
    return util::fail(util::ErrorCode::kInvalidArgument, "request target is not a path");
  }
  out->target.clear();
  if (absolute_form && (target.empty() || target[0] != '/')) out->target.push_back('/');
  out->target.append(target);
  out->query.assign(question == std::string_view::npos ? std::string_view()
                                                       : target.substr(question + 1));
  out->path.clear();
  if (!append_percent_decoded(raw_path, &out->path)) {
    return util::fail(util::ErrorCode::kInvalidArgument,
                      "request path has a malformed percent escape or a NUL byte");
  }
  if (has_dot_dot_segment(out->path)) {
    return util::fail(util::ErrorCode::kInvalidArgument, "request path has a '..' segment");
  }

  auto host = message.find(http::field::host);
  if (absolute_form) {
    out->host.assign(authority);
  } else if (host != message.end()) {
    out->host.assign(host->value());
  } else if (message.version() >= 11) {
    return util::fail(util::ErrorCode::kInvalidArgument, "HTTP/1.1 request without Host");
  } else {
    out->host.clear();
  }

  out->cookie.clear();
  for (auto [it, end] = message.equal_range(http::field::cookie); it != end; ++it) {
    if (!out->cookie.empty()) out->cookie.append("; ");
    out->cookie.append(it->value());
  }
  auto content_type = message.find(http::field::content_type);
  if (content_type != message.end()) {
    out->content_type.assign(content_type->value());
  } else {
    out->content_type.clear();
  }
  out->body.assign(message.body());
  return {};
}

}  // namespace reelpress::server
