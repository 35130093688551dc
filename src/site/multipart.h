// multipart/form-data bodies (RFC 7578 on RFC 2046's multipart syntax): what a plain HTML form
// with `enctype="multipart/form-data"` sends, so that file uploads work with JavaScript off.
//
// The parser is strict where leniency would let two readers of the same bytes disagree, and
// bounded everywhere:
//   - The boundary comes from the Content-Type header value's `boundary` parameter (token or
//     quoted string): 1 to 70 characters of RFC 2046's bchars, not ending in a space.
//   - Every line of a part's header ends in CRLF (a bare LF is an error); no folded lines;
//     at most MultipartLimits::max_header_bytes of header per part.
//   - Each part has exactly one `Content-Disposition: form-data` header with a non-empty
//     `name`. `filename*` (RFC 5987) is ignored, as RFC 7578 section 4.2 forbids senders to
//     use it. Quoted strings are taken literally up to the next '"': browsers escape '"', CR
//     and LF as %22, %0D, %0A (WHATWG HTML) and send backslashes as they are (old browsers
//     put a whole Windows path, "C:\Users\ana\still.jpg", in the filename).
//   - A Content-Transfer-Encoding other than 7bit, 8bit or binary is refused: the data would
//     otherwise be taken for what it encodes.
//   - The body ends with the close delimiter ("--BOUNDARY--"); a body without one was cut
//     short and is refused. A preamble before the first delimiter and an epilogue after the
//     last are ignored, as RFC 2046 says.
//   - At most MultipartLimits::max_parts parts.
//
// Filenames are the client's words and never a path: FormPart::filename keeps only what
// follows the last '/' or '\', without NUL or other control characters ("../../etc/passwd"
// becomes "passwd", "." and ".." become ""). Callers must still make their own names for
// anything they store (media/upload.h does).
//
// Example:
//   auto parts = parse_multipart(request.content_type, request.body);
//   if (!parts) return bad_request(parts.error().message);  // "multipart body: ..."
//   for (const FormPart& part : *parts) {
//     if (part.name == "file" && part.filename) accept(*part.filename, part.data);
//   }
//
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace reelpress::site {

struct FormPart {
  std::string name;  // The form field's name.
  // Present when the part is a file (even as "" when the form's file input was left empty):
  // the last path component of the client's file name, cleaned as described above.
  std::optional<std::string> filename;
  // The part's Content-Type as sent, trimmed, or "text/plain" when absent (RFC 7578 4.4).
  // The client's claim only: never decide what a file is from it.
  std::string content_type;
  std::string_view data;  // Points into the body given to parse_multipart().
};

struct MultipartLimits {
  std::size_t max_parts = 64;           // The admin's forms have a dozen fields at most.
  std::size_t max_header_bytes = 8192;  // Per part, the blank line included.
};

// The parts of `body`, in order, or kInvalidArgument with a message that starts with
// "multipart body: " and names the problem. `content_type_header` is the request's whole
// Content-Type value ("multipart/form-data; boundary=----x"). The parts' data point into
// `body`, which the caller keeps alive while it uses them.
util::Result<std::vector<FormPart>> parse_multipart(std::string_view content_type_header,
                                                    std::string_view body,
                                                    const MultipartLimits& limits = {});

// The boundary of a multipart/form-data Content-Type value, or kInvalidArgument (not
// multipart/form-data, no boundary, or one RFC 2046 does not allow).
util::Result<std::string> multipart_boundary(std::string_view content_type_header);

// The last path component of a client's file name, without control characters; "" for
// "." and "..". Exposed for tests and for names that arrive by other means.
std::string clean_client_filename(std::string_view filename);

}  // namespace reelpress::site
