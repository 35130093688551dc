#include "server/response_head.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>

#include "server/http_date.h"

namespace reelpress::server {
namespace {

constexpr std::string_view kWhitespace = " \t";

std::string_view trim(std::string_view s) {
  size_t begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kWhitespace);
  return s.substr(begin, end - begin + 1);
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// "0", "0.", "0.0", "0.00", "0.000" are the only spellings of a zero qvalue (RFC 9110 12.4.2).
bool is_zero_qvalue(std::string_view q) {
  if (q.empty() || q[0] != '0') return false;
  if (q.size() == 1) return true;
  if (q[1] != '.') return false;
  return q.find_first_not_of('0', 2) == std::string_view::npos;
}

// -1: coding not named; 0: refused (q=0); 1: accepted.
struct Acceptance {
  int br = -1;
  int gzip = -1;
  int star = -1;
};

Acceptance parse_accept_encoding(std::string_view header) {
  Acceptance result;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t semi = element.find(';');
    std::string_view coding = trim(element.substr(0, semi));
    int accepted = 1;
    while (semi != std::string_view::npos) {
      element.remove_prefix(semi + 1);
      semi = element.find(';');
      std::string_view param = trim(element.substr(0, semi));
      if (param.size() >= 2 && lower(param[0]) == 'q' && trim(param.substr(1)).starts_with('=')) {
        std::string_view value = trim(trim(param.substr(1)).substr(1));
        accepted = is_zero_qvalue(value) ? 0 : 1;
      }
    }
    if (iequals(coding, "br")) {
      result.br = accepted;
    } else if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      result.gzip = accepted;
    } else if (coding == "*") {
      result.star = accepted;
    }
  }
  return result;
}

bool accepts(int named, int star) { return named >= 0 ? named > 0 : star > 0; }

std::string_view strip_weak(std::string_view tag) {
  return tag.starts_with("W/") ? tag.substr(2) : tag;
}

// True when `tag` (opaque, quoted) is `etag` with `suffix` added inside the quotes.
bool is_suffixed(std::string_view tag, std::string_view etag, std::string_view suffix) {
  return etag.size() >= 2 && tag.size() == etag.size() + suffix.size() &&
         tag.substr(0, etag.size() - 1) == etag.substr(0, etag.size() - 1) &&
         tag.substr(etag.size() - 1, suffix.size()) == suffix && tag.back() == '"';
}

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

// Field values may hold anything but the bytes that would end or split the field.
bool is_safe_value(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Headers whose value only the server can know; a handler's copy would contradict it.
bool is_server_owned(std::string_view name, bool has_body) {
  static constexpr std::array<std::string_view, 10> kAlways = {
      "content-length", "transfer-encoding", "connection", "keep-alive", "date",
      "server",         "content-encoding",  "upgrade",    "trailer",    "te"};
  for (std::string_view owned : kAlways) {
    if (iequals(name, owned)) return true;
  }
  return has_body &&
         (iequals(name, "etag") || iequals(name, "last-modified") || iequals(name, "content-type"));
}

void append_field(std::string* head, std::string_view name, std::string_view value) {
  head->append(name);
  head->append(": ");
  head->append(value);
  head->append("\r\n");
}

void append_number(std::string* head, uint64_t value) {
  char digits[20];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  head->append(digits, end);
}

void append_etag(std::string* head, const site::Body& body, Encoding encoding) {
  std::string_view etag = body.etag;
  if (encoding == Encoding::kIdentity || etag.size() < 2 || etag.back() != '"') {
    head->append(etag);
    return;
  }
  head->append(etag.substr(0, etag.size() - 1));
  head->append(encoding == Encoding::kBrotli ? "-br\"" : "-gz\"");
}

// If-Range (RFC 9110 13.1.5): the range is sent only if the client's copy is this one, named
// by its strong ETag or by exactly its Last-Modified date.
bool if_range_matches(const site::Body& body, std::string_view value) {
  if (value.starts_with("W/")) return false;
  if (value.starts_with("\"")) return !body.etag.empty() && value == body.etag;
  auto date = parse_http_date(value);
  return date && body.last_modified != 0 && *date == body.last_modified;
}

}  // namespace

Encoding choose_encoding(const site::Body& body, std::string_view accept_encoding) {
  if (accept_encoding.empty() || (body.brotli.empty() && body.gzip.empty())) {
    return Encoding::kIdentity;
  }
  Acceptance a = parse_accept_encoding(accept_encoding);
  if (!body.brotli.empty() && accepts(a.br, a.star)) return Encoding::kBrotli;
  if (!body.gzip.empty() && accepts(a.gzip, a.star)) return Encoding::kGzip;
  return Encoding::kIdentity;
}

bool if_none_match_matches(const site::Body& body, std::string_view header) {
  header = trim(header);
  if (header == "*") return true;
  std::string_view etag = strip_weak(body.etag);
  if (etag.empty()) return false;
  while (true) {
    size_t start = header.find_first_not_of(" \t,");
    if (start == std::string_view::npos) return false;
    header.remove_prefix(start);
    std::string_view rest = strip_weak(header);
    // An entity-tag may hold commas, so the list is split on quotes, not on commas.
    if (rest.empty() || rest[0] != '"') return false;
    size_t close = rest.find('"', 1);
    if (close == std::string_view::npos) return false;
    std::string_view tag = rest.substr(0, close + 1);
    if (tag == etag || (!body.gzip.empty() && is_suffixed(tag, etag, "-gz")) ||
        (!body.brotli.empty() && is_suffixed(tag, etag, "-br"))) {
      return true;
    }
    header = rest.substr(close + 1);
  }
}

std::string representation_etag(const site::Body& body, Encoding encoding) {
  std::string out;
  append_etag(&out, body, encoding);
  return out;
}

RangeAnswer parse_range(std::string_view header, uint64_t size, ByteRange* range) {
  header = trim(header);
  if (header.size() < 6 || !iequals(header.substr(0, 6), "bytes=")) return RangeAnswer::kWhole;
  const std::string_view spec = trim(header.substr(6));
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
    return RangeAnswer::kWhole;
  }
  // Digits only, and a value that fits: anything else makes the header malformed.
  auto number = [](std::string_view digits, uint64_t* value) {
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *value);
    return ec == std::errc() && end == digits.data() + digits.size();
  };
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  if (first_text.empty()) {  // "-N": the last N bytes.
    uint64_t suffix = 0;
    if (!number(last_text, &suffix)) return RangeAnswer::kWhole;
    if (suffix == 0 || size == 0) return RangeAnswer::kUnsatisfiable;
    range->first = size - std::min(suffix, size);
    range->last = size - 1;
    return RangeAnswer::kPartial;
  }
  uint64_t first = 0;
  uint64_t last = UINT64_MAX;
  if (!number(first_text, &first)) return RangeAnswer::kWhole;
  if (!last_text.empty() && (!number(last_text, &last) || last < first)) {
    return RangeAnswer::kWhole;
  }
  if (first >= size) return RangeAnswer::kUnsatisfiable;
  range->first = first;
  range->last = std::min(last, size - 1);
  return RangeAnswer::kPartial;
}

std::string_view write_response_head(const site::Response& response, const RequestFacts& facts,
                                     std::string_view date, std::string* head, int* status_out) {
  head->clear();
  int status = response.status;
  if (status < 100 || status > 599) status = 500;
  const site::Body* body = response.body.get();
  Encoding encoding = Encoding::kIdentity;
  std::string_view payload;
  if (body != nullptr) {
    encoding = choose_encoding(*body, facts.accept_encoding);
    payload = encoding == Encoding::kBrotli ? std::string_view(body->brotli)
              : encoding == Encoding::kGzip ? std::string_view(body->gzip)
                                            : std::string_view(body->identity);
    if (status == 200 && facts.get_or_head) {
      // If-None-Match, when present, decides alone (RFC 9110 13.2.2).
      bool not_modified = false;
      if (!facts.if_none_match.empty()) {
        not_modified = if_none_match_matches(*body, facts.if_none_match);
      } else if (!facts.if_modified_since.empty() && body->last_modified != 0) {
        auto since = parse_http_date(trim(facts.if_modified_since));
        not_modified = since && body->last_modified <= *since;
      }
      if (not_modified) status = 304;
    }
  }
  // A Range is answered after the validators, and only with the identity form it counts in.
  std::string content_range;
  if (status == 200 && facts.get_or_head && response.byte_ranges && body != nullptr &&
      encoding == Encoding::kIdentity && !facts.range.empty() &&
      (facts.if_range.empty() || if_range_matches(*body, trim(facts.if_range)))) {
    ByteRange range;
    switch (parse_range(facts.range, payload.size(), &range)) {
      case RangeAnswer::kWhole: break;
      case RangeAnswer::kPartial:
        content_range = "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) +
                        "/" + std::to_string(payload.size());
        payload = payload.substr(range.first, range.last - range.first + 1);
        status = 206;
        break;
      case RangeAnswer::kUnsatisfiable:
        content_range = "bytes */" + std::to_string(payload.size());
        payload = {};
        status = 416;
        break;
    }
  }
  // 1xx, 204 and 304 never carry content, so they get no Content-Length either.
  const bool no_content = status < 200 || status == 204 || status == 304;

  head->append("HTTP/1.1 ");
  append_number(head, static_cast<uint64_t>(status));
  head->push_back(' ');
  head->append(reason_phrase(status));
  head->append("\r\n");
  append_field(head, "Date", date);
  head->append("Server: reelpress\r\n");
  if (body != nullptr && !no_content && status != 416 && !response.content_type.empty() &&
      is_safe_value(response.content_type)) {
    append_field(head, "Content-Type", response.content_type);
  }
  if (!no_content) {
    head->append("Content-Length: ");
    append_number(head, payload.size());
    head->append("\r\n");
  }
  if (body != nullptr) {
    if (!body->etag.empty() && is_safe_value(body->etag)) {
      head->append("ETag: ");
      append_etag(head, *body, encoding);
      head->append("\r\n");
    }
    if (body->last_modified != 0) {
      char text[kHttpDateLength];
      format_http_date(body->last_modified, text);
      append_field(head, "Last-Modified", std::string_view(text, sizeof text));
    }
    if (response.byte_ranges) head->append("Accept-Ranges: bytes\r\n");
    if (!content_range.empty()) append_field(head, "Content-Range", content_range);
    // Caches must key on Accept-Encoding whenever the answer could have differed by it.
    if (!body->gzip.empty() || !body->brotli.empty()) {
      head->append("Vary: Accept-Encoding\r\n");
    }
    if (!no_content && encoding != Encoding::kIdentity) {
      head->append(encoding == Encoding::kBrotli ? "Content-Encoding: br\r\n"
                                                 : "Content-Encoding: gzip\r\n");
    }
  }
  if (!facts.keep_alive) {
    head->append("Connection: close\r\n");
  } else if (facts.http10) {
    head->append("Connection: keep-alive\r\n");
  }
  if (!response.cache_control.empty() && is_safe_value(response.cache_control)) {
    append_field(head, "Cache-Control", response.cache_control);
  }
  if (!response.content_security_policy.empty() &&
      is_safe_value(response.content_security_policy)) {
    append_field(head, "Content-Security-Policy", response.content_security_policy);
  }
  for (const auto& [name, value] : response.headers) {
    if (is_token(name) && is_safe_value(value) && !is_server_owned(name, body != nullptr)) {
      append_field(head, name, value);
    }
  }
  head->append("\r\n");
  if (status_out != nullptr) *status_out = status;
  if (facts.head || no_content) return {};
  return payload;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
  }
  return "";
}

}  // namespace reelpress::server
