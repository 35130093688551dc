// libFuzzer target for render/html_sanitizer: any bytes in, and the output must be safe,
// valid UTF-8, a fixed point, and the same whether or not the fast path for plain markup reads
// it. The first input byte picks the policy; the rest is the HTML.
//
// Safety is checked independently of the sanitizer's own code, on two levels:
//   - the raw output: every '<' starts an allowed tag (text cannot hold a raw '<'), so there
//     is no "<script" anywhere, whatever the case;
//   - the output parsed again by gumbo: only allowed elements, no on*, style or id attribute,
//     and no URL attribute whose scheme (as the WHATWG URL parser reads it) is not http,
//     https or mailto, or that holds "javascript:" however it is spaced out.
// Any violation calls abort(), which libFuzzer reports with the input.
//
// Time is checked too: the sanitizer must be linear (markup nested past kMaxHtmlNesting is
// refused before gumbo parses it, html_nesting.h), so one call may take at most
// kBaseMilliseconds plus kMillisecondsPerKilobyte per KB of input, in CPU time (the machine's
// load does not count). The bound is about five times the slowest input known under this
// build's sanitizers (64 KB of "<p><b>x"); a quadratic path exceeds it by far on inputs of a few
// KB. libFuzzer's own -timeout catches a hang anywhere else.
//
// Run: ./fuzz_html_sanitizer -dict=fuzz/html.dict -max_len=65536 -timeout=10 \
//        -max_total_time=1800 corpus/ fuzz/seeds/html_sanitizer/
#include <gumbo.h>
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "render/html_sanitizer.h"
#include "util/text.h"

namespace {

using reelpress::render::sanitize_html;
using reelpress::render::SanitizerOptions;
using reelpress::render::SanitizerPolicy;

constexpr double kBaseMilliseconds = 200;
constexpr double kMillisecondsPerKilobyte = 50;

double thread_cpu_milliseconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

[[noreturn]] void fail(const char* what, std::string_view output) {
  std::fprintf(stderr, "fuzz_html_sanitizer: %s\noutput: %.*s\n", what,
               static_cast<int>(output.size()), output.data());
  std::abort();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

constexpr std::string_view kBodyElements[] = {
    "p",      "br",    "hr",         "h2",     "h3",         "h4",      "h5",     "h6",
    "strong", "b",     "em",         "i",      "u",          "s",       "del",    "ins",
    "sub",    "sup",   "small",      "mark",   "abbr",       "cite",    "q",      "code",
    "pre",    "kbd",   "blockquote", "ul",     "ol",         "li",      "dl",     "dt",
    "dd",     "a",     "img",        "figure", "figcaption", "table",   "thead",  "tbody",
    "tfoot",  "tr",    "th",         "td",     "caption",    "span",    "div",    "section",
    "time",   "audio", "video",      "source", "track",      "details", "summary"};
constexpr std::string_view kCommentElements[] = {
    "p", "br", "a", "strong", "b", "em", "i", "code", "blockquote", "ul", "ol", "li", "q", "cite"};

bool allowed_element(std::string_view name, SanitizerPolicy policy) {
  if (policy == SanitizerPolicy::kComment) {
    for (std::string_view allowed : kCommentElements) {
      if (name == allowed) return true;
    }
    return false;
  }
  for (std::string_view allowed : kBodyElements) {
    if (name == allowed) return true;
  }
  return false;
}

// Every '<' in the output must open or close an allowed element.
void check_raw_markup(std::string_view output, SanitizerPolicy policy) {
  if (lower(output).find("<script") != std::string::npos) fail("<script in output", output);
  for (size_t i = output.find('<'); i != std::string_view::npos; i = output.find('<', i + 1)) {
    size_t start = i + 1;
    if (start < output.size() && output[start] == '/') ++start;
    size_t end = start;
    while (end < output.size() && ((output[end] >= 'a' && output[end] <= 'z') ||
                                   (output[end] >= '0' && output[end] <= '9'))) {
      ++end;
    }
    if (!allowed_element(output.substr(start, end - start), policy)) {
      fail("'<' that does not start an allowed tag", output);
    }
  }
}

// The WHATWG reading of a URL's scheme, written apart from the sanitizer's own check.
void check_url(std::string_view value, std::string_view output) {
  std::string squashed;
  for (char c : value) {
    if (static_cast<unsigned char>(c) > 0x20) squashed.push_back(c);
  }
  squashed = lower(squashed);
  for (std::string_view bad : {"javascript:", "vbscript:"}) {
    if (squashed.find(bad) != std::string::npos) fail("script URL", output);
  }
  size_t begin = 0;
  while (begin < value.size() && static_cast<unsigned char>(value[begin]) <= 0x20) ++begin;
  std::string stripped;
  for (size_t i = begin; i < value.size(); ++i) {
    if (value[i] != '\t' && value[i] != '\n' && value[i] != '\r') stripped.push_back(value[i]);
  }
  stripped = lower(stripped);
  if (stripped.empty() || !(stripped[0] >= 'a' && stripped[0] <= 'z')) return;  // Relative.
  size_t i = 1;
  while (i < stripped.size() && ((stripped[i] >= 'a' && stripped[i] <= 'z') ||
                                 (stripped[i] >= '0' && stripped[i] <= '9') || stripped[i] == '+' ||
                                 stripped[i] == '-' || stripped[i] == '.')) {
    ++i;
  }
  if (i == stripped.size() || stripped[i] != ':') return;  // No scheme: relative.
  const std::string scheme = stripped.substr(0, i);
  if (scheme != "http" && scheme != "https" && scheme != "mailto") {
    fail("URL with a scheme that is not allowed", output);
  }
}

void check_tree(std::string_view output, SanitizerPolicy policy) {
  // Parsed as a page would parse it (gumbo's fragment mode reads uninitialized memory on
  // parse errors inside tables, so it is not used here either).
  const std::string document = "<!DOCTYPE html><body>" + std::string(output);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  GumboOutput* parsed = gumbo_parse_with_options(&options, document.data(), document.size());
  std::vector<const GumboNode*> stack;
  const GumboVector& top = parsed->root->v.element.children;
  for (unsigned i = 0; i < top.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(top.data[i]);
    if (child->type != GUMBO_NODE_ELEMENT) continue;
    if (child->v.element.tag == GUMBO_TAG_HEAD && child->v.element.children.length != 0) {
      fail("output put something in <head>", output);
    }
    if (child->v.element.tag != GUMBO_TAG_BODY) continue;
    for (unsigned j = 0; j < child->v.element.children.length; ++j) {
      stack.push_back(static_cast<const GumboNode*>(child->v.element.children.data[j]));
    }
  }
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_COMMENT) fail("comment in output", output);
    if (node->type == GUMBO_NODE_TEMPLATE || node->type == GUMBO_NODE_CDATA) {
      fail("template or CDATA in output", output);
    }
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& element = node->v.element;
    if (element.tag_namespace != GUMBO_NAMESPACE_HTML) fail("foreign element", output);
    if (!allowed_element(gumbo_normalized_tagname(element.tag), policy)) {
      fail("element not allowed", output);
    }
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      const std::string name = lower(attribute->name);
      if (name.rfind("on", 0) == 0 || name == "style" || name == "id" || name == "srcset") {
        fail("forbidden attribute", output);
      }
      if (name == "href" || name == "src" || name == "cite" || name == "poster") {
        check_url(attribute->value, output);
      }
    }
    for (unsigned i = 0; i < element.children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(element.children.data[i]));
    }
  }
  gumbo_destroy_output(&options, parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size == 0) return 0;
  SanitizerOptions options;
  options.policy = (data[0] & 1) != 0 ? SanitizerPolicy::kComment : SanitizerPolicy::kBody;
  options.site_host = "www.example.org";
  const std::string_view html(reinterpret_cast<const char*>(data) + 1, size - 1);

  const double start = thread_cpu_milliseconds();
  const std::string once = sanitize_html(html, options);
  const double spent = thread_cpu_milliseconds() - start;
  const double allowed =
      kBaseMilliseconds + kMillisecondsPerKilobyte * static_cast<double>(html.size()) / 1024;
  if (spent > allowed) {
    std::fprintf(stderr, "fuzz_html_sanitizer: %.0f ms of CPU for %zu bytes (at most %.0f)\n",
                 spent, html.size(), allowed);
    std::abort();
  }
  if (!reelpress::util::is_valid_utf8(once)) fail("invalid UTF-8", once);
  // The fast path for plain markup must give exactly what the full path (gumbo) gives.
  SanitizerOptions full = options;
  full.fast_path = false;
  const std::string parsed = sanitize_html(html, full);
  if (parsed != once) {
    std::fprintf(stderr, "full path: %s\n", parsed.c_str());
    fail("fast path differs from the full path", once);
  }
  const std::string twice = sanitize_html(once, options);
  if (twice != once) {
    std::fprintf(stderr, "second: %s\n", twice.c_str());
    fail("not idempotent", once);
  }
  check_raw_markup(once, options.policy);
  check_tree(once, options.policy);
  return 0;
}
