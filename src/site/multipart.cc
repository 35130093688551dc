#include "site/multipart.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "util/text.h"

namespace reelpress::site {
namespace {

using util::ErrorCode;

constexpr std::size_t kMaxBoundaryChars = 70;  // RFC 2046 section 5.1.1.
constexpr std::string_view kCrlf = "\r\n";

tl::unexpected<util::Error> malformed(std::string_view problem) {
  return util::fail(ErrorCode::kInvalidArgument, "multipart body: " + std::string(problem));
}

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046's bchars without the space, which may appear inside a boundary but not last.
bool is_bchar_nospace(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=?").find(c) != std::string_view::npos;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  return text;
}

struct Param {
  std::string name;  // Lower-cased.
  std::string value;
};

// The parameters after a header value's first item: "; name=value; name2="quoted"".
// In HTTP headers a quoted string may hold quoted-pairs (`backslash_escapes`); in a part's
// Content-Disposition browsers send backslashes literally, so there they are plain bytes.
// nullopt on a syntax error.
std::optional<std::vector<Param>> parse_params(std::string_view rest, bool backslash_escapes) {
  std::vector<Param> params;
  rest = skip_ows(rest);
  while (!rest.empty()) {
    if (rest.front() != ';') return std::nullopt;
    rest = skip_ows(rest.substr(1));
    if (rest.empty()) break;  // A trailing ';'.
    std::size_t n = 0;
    while (n < rest.size() && is_tchar(rest[n])) ++n;
    if (n == 0 || n == rest.size() || rest[n] != '=') return std::nullopt;
    Param param{util::to_lower(rest.substr(0, n)), {}};
    rest.remove_prefix(n + 1);
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      for (;; ++i) {
        if (i == rest.size()) return std::nullopt;  // No closing quote.
        const char c = rest[i];
        if (c == '"') break;
        if (c == '\\' && backslash_escapes) {
          if (++i == rest.size()) return std::nullopt;
        }
        param.value += rest[i];
      }
      rest.remove_prefix(i + 1);
    } else {
      std::size_t v = 0;
      while (v < rest.size() && is_tchar(rest[v])) ++v;
      if (v == 0) return std::nullopt;
      param.value = std::string(rest.substr(0, v));
      rest.remove_prefix(v);
    }
    params.push_back(std::move(param));
    rest = skip_ows(rest);
  }
  return params;
}

// Splits "type; params" into the lower-cased first item and the rest.
std::pair<std::string, std::string_view> split_value(std::string_view value) {
  const std::size_t semicolon = value.find(';');
  const std::string_view first = util::trim(value.substr(0, std::min(semicolon, value.size())));
  return {util::to_lower(first),
          semicolon == std::string_view::npos ? std::string_view() : value.substr(semicolon)};
}

struct PartHeaders {
  std::optional<std::string> name;
  std::optional<std::string> filename;
  std::optional<std::string> content_type;
  bool has_disposition = false;
};

util::Status read_disposition(std::string_view value, PartHeaders& headers) {
  if (headers.has_disposition) return malformed("a part has two Content-Disposition headers");
  headers.has_disposition = true;
  auto [kind, rest] = split_value(value);
  if (kind != "form-data") return malformed("a part's Content-Disposition is not form-data");
  auto params = parse_params(rest, /*backslash_escapes=*/false);
  if (!params) return malformed("a part's Content-Disposition is malformed");
  for (Param& param : *params) {
    if (param.name == "name") {
      if (headers.name) return malformed("a part has two names");
      headers.name = std::move(param.value);
    } else if (param.name == "filename") {
      if (headers.filename) return malformed("a part has two filenames");
      headers.filename = clean_client_filename(param.value);
    }
    // "filename*" and anything else: ignored (RFC 7578 4.2 forbids filename*).
  }
  if (!headers.name || headers.name->empty()) return malformed("a part has no name");
  return {};
}

util::Status read_header_line(std::string_view line, PartHeaders& headers) {
  if (is_ows(line.front())) return malformed("a part's header line is folded");
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return malformed("a part's header line has no name");
  }
  const std::string_view field = line.substr(0, colon);
  if (!std::all_of(field.begin(), field.end(), is_tchar)) {
    return malformed("a part's header name is malformed");
  }
  const std::string name = util::to_lower(field);
  const std::string_view value = util::trim(line.substr(colon + 1));
  if (name == "content-disposition") return read_disposition(value, headers);
  if (name == "content-type") {
    if (headers.content_type) return malformed("a part has two Content-Type headers");
    headers.content_type = std::string(value);
  } else if (name == "content-transfer-encoding") {
    const std::string encoding = util::to_lower(value);
    if (encoding != "7bit" && encoding != "8bit" && encoding != "binary") {
      return malformed("a part's Content-Transfer-Encoding is not supported");
    }
  }
  // Other header fields are ignored (RFC 7578 4.8).
  return {};
}

}  // namespace

std::string clean_client_filename(std::string_view filename) {
  const std::size_t separator = filename.find_last_of("/\\");
  if (separator != std::string_view::npos) filename.remove_prefix(separator + 1);
  std::string clean;
  clean.reserve(filename.size());
  for (const char c : filename) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) clean += c;
  }
  if (clean == "." || clean == "..") clean.clear();
  return clean;
}

util::Result<std::string> multipart_boundary(std::string_view content_type_header) {
  auto [type, rest] = split_value(content_type_header);
  if (type != "multipart/form-data") return malformed("the request is not multipart/form-data");
  auto params = parse_params(rest, /*backslash_escapes=*/true);
  if (!params) return malformed("the Content-Type parameters are malformed");
  std::optional<std::string> boundary;
  for (Param& param : *params) {
    if (param.name != "boundary") continue;
    if (boundary) return malformed("the Content-Type has two boundaries");
    boundary = std::move(param.value);
  }
  if (!boundary || boundary->empty()) return malformed("the Content-Type has no boundary");
  if (boundary->size() > kMaxBoundaryChars) {
    return malformed("the boundary is longer than 70 characters");
  }
  const bool allowed = std::all_of(boundary->begin(), boundary->end(),
                                   [](char c) { return c == ' ' || is_bchar_nospace(c); });
  if (!allowed || boundary->back() == ' ') {
    return malformed("the boundary has characters RFC 2046 does not allow");
  }
  return *boundary;
}

util::Result<std::vector<FormPart>> parse_multipart(std::string_view content_type_header,
                                                    std::string_view body,
                                                    const MultipartLimits& limits) {
  auto boundary = multipart_boundary(content_type_header);
  if (!boundary) return util::fail(boundary.error());
  const std::string delimiter = "\r\n--" + *boundary;
  const std::string_view dash_boundary = std::string_view(delimiter).substr(2);
  const std::boyer_moore_horspool_searcher find_delimiter(delimiter.begin(), delimiter.end());

  // The first delimiter opens the body or follows the preamble's last CRLF.
  std::size_t pos = 0;
  if (body.starts_with(dash_boundary)) {
    pos = dash_boundary.size();
  } else {
    const auto found = std::search(body.begin(), body.end(), find_delimiter);
    if (found == body.end()) return malformed("no boundary delimiter");
    pos = static_cast<std::size_t>(found - body.begin()) + delimiter.size();
  }

  std::vector<FormPart> parts;
  for (;;) {
    // Just past a delimiter: "--" closes the body, else padding and CRLF open a part.
    const std::string_view after = body.substr(pos);
    if (after.starts_with("--")) break;  // What follows is the epilogue, ignored.
    std::size_t padding = 0;
    while (padding < after.size() && is_ows(after[padding])) ++padding;
    if (after.size() == padding) return malformed("no final boundary delimiter");
    if (!after.substr(padding).starts_with(kCrlf)) {
      return malformed("a boundary delimiter is not followed by CRLF");
    }
    pos += padding + kCrlf.size();
    if (parts.size() == limits.max_parts) {
      return malformed("more than " + std::to_string(limits.max_parts) + " parts");
    }

    PartHeaders headers;
    const std::size_t headers_start = pos;
    // Lines are looked for within the header limit only, so that a body with no CRLF for
    // megabytes costs no more than one with short lines.
    const std::string_view header_window =
        body.substr(0, std::min(body.size(), headers_start + limits.max_header_bytes));
    for (;;) {
      const std::size_t end = header_window.find(kCrlf, pos);
      if (end == std::string_view::npos) {
        if (header_window.size() < body.size()) {
          return malformed("a part's header is longer than " +
                           std::to_string(limits.max_header_bytes) + " bytes");
        }
        return malformed("a part's header is cut short");
      }
      const std::string_view line = body.substr(pos, end - pos);
      pos = end + kCrlf.size();
      if (line.empty()) break;
      if (line.find_first_of("\r\n") != std::string_view::npos) {
        return malformed("a part's header line does not end in CRLF");
      }
      REELPRESS_RETURN_IF_ERROR(read_header_line(line, headers));
    }
    if (!headers.has_disposition) return malformed("a part has no Content-Disposition");

    const auto found =
        std::search(body.begin() + static_cast<std::ptrdiff_t>(pos), body.end(), find_delimiter);
    if (found == body.end()) return malformed("no final boundary delimiter");
    const auto data_end = static_cast<std::size_t>(found - body.begin());
    parts.push_back(FormPart{std::move(*headers.name), std::move(headers.filename),
                             headers.content_type.value_or("text/plain"),
                             body.substr(pos, data_end - pos)});
    pos = data_end + delimiter.size();
  }
  return parts;
}

}  // namespace reelpress::site
