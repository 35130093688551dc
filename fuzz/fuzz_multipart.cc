// libFuzzer target for site/multipart: the upload forms' body parser on any bytes. The input's
// first line is the Content-Type value, the rest the body (an input without a newline is a
// body for the boundary "b"). Every part's data must lie inside the body, every name be
// non-empty, every filename be one path component without control characters, and no more
// parts than the limit be returned. Violations abort().
//
// Run: ./fuzz_multipart -max_total_time=60 -dict=multipart.dict corpus/
//      (see fuzz/CMakeLists.txt)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "site/multipart.h"

namespace {

using namespace reelpress::site;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_multipart: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view content_type = "multipart/form-data; boundary=b";
  std::string_view body = input;
  if (const std::size_t newline = input.find('\n'); newline != std::string_view::npos) {
    content_type = input.substr(0, newline);
    body = input.substr(newline + 1);
  }
  const MultipartLimits limits{.max_parts = 8, .max_header_bytes = 256};
  auto parts = parse_multipart(content_type, body, limits);
  if (!parts) {
    if (!parts.error().message.starts_with("multipart body: ")) {
      fail("error message", parts.error().message);
    }
    return 0;
  }
  if (parts->size() > limits.max_parts) fail("more parts than the limit", body);
  for (const FormPart& part : *parts) {
    if (part.name.empty()) fail("empty name", body);
    if (part.data.data() < body.data() ||
        part.data.data() + part.data.size() > body.data() + body.size()) {
      fail("data outside the body", part.name);
    }
    if (!part.filename) continue;
    for (const char c : *part.filename) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '/' || c == '\\' || byte < 0x20 || byte == 0x7f) fail("filename", *part.filename);
    }
    if (*part.filename == "." || *part.filename == "..") fail("filename", *part.filename);
  }
  return 0;
}
