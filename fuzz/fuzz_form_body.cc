// libFuzzer target for site/submissions: the reader forms' body parser and the form-token
// check on any bytes. Every parsed name and value must be valid UTF-8 (what is not is replaced,
// and shown back to the reader on a page); at most 64 fields are kept; a token made of fuzz
// bytes must never verify. Violations abort().
//
// Run: ./fuzz_form_body -max_total_time=60 corpus/   (see fuzz/CMakeLists.txt)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "site/form_token.h"
#include "site/submissions.h"
#include "util/text.h"

namespace {

using namespace reelpress::site;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_form_body: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const ParsedForm form = parse_form_body(body);
  if (form.fields.size() > 64) fail("more than 64 fields", body);
  for (const auto& [name, value] : form.fields) {
    if (!reelpress::util::is_valid_utf8(name)) fail("name is not UTF-8", name);
    if (!reelpress::util::is_valid_utf8(value)) fail("value is not UTF-8", value);
  }
  if (!reelpress::util::is_valid_utf8(to_valid_utf8(body))) fail("to_valid_utf8", body);

  static const FormTokens tokens(std::string(FormTokens::kKeyBytes, 'k'));
  const TokenCheck check = tokens.verify(body, FormKind::kComment, 101, 1310428800, 86400);
  if (check.verdict == TokenVerdict::kValid || check.verdict == TokenVerdict::kExpired ||
      check.verdict == TokenVerdict::kWrongEntry) {
    // Only a token this key issued passes the MAC; fuzz bytes that do are one this key made.
    if (tokens.issue(FormKind::kComment, std::stoll(std::string(body.substr(0, body.find('.')))),
                     check.issued_at) != body) {
      fail("a token that this key did not issue passed", body);
    }
  }
  return 0;
}
