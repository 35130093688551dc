// Internal to render/: one gumbo parse of an HTML fragment, as a browser parses the content of
// a page's <body>. Shared by the sanitizer and html_to_text.
//
// Example:
//   GumboFragment fragment(html);
//   if (const GumboNode* body = fragment.body()) { ... body->v.element.children ... }
//
// Two gumbo 0.10.1 bugs shape this class:
//   - Its fragment mode (GumboOptions::fragment_context) reads uninitialized memory on any
//     parse error inside a table ("<table><td>&bogus;" under valgrind), so the parse result
//     could vary from run to run. So the fragment is parsed as a document instead, behind
//     "<!DOCTYPE html><body>": no-quirks mode and the "in body" state, as in a real page.
//   - gumbo_destroy_output() frees the tree recursively, one stack frame per level of
//     nesting, so a few thousand nested tags overflow a small thread stack. So gumbo allocates
//     from an arena owned by this object, its frees are no-ops, and the arena goes in one
//     piece. Memory gumbo frees during the parse is only reclaimed at the end: a small
//     constant factor of the input size.
//
// Not thread-safe itself (one fragment per thread); gumbo has no global state, so separate
// fragments may be parsed concurrently.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace reelpress::render {

class GumboFragment {
 public:
  explicit GumboFragment(std::string_view html);
  GumboFragment(const GumboFragment&) = delete;
  GumboFragment& operator=(const GumboFragment&) = delete;

  // The <body> element, whose children are the fragment's top-level nodes. Null only when the
  // fragment replaced the body with a <frameset> (then it has no content worth keeping).
  const GumboNode* body() const { return body_; }

  // Whether the parser met a parse error, i.e. had to repair the markup. Markup parsed without
  // one means what it says: its tree, written out again, parses back to the same tree.
  bool had_parse_error() const { return had_parse_error_; }

 private:
  // A bump allocator: gumbo's allocations come from 64 KiB blocks, large ones get their own.
  class Arena {
   public:
    void* allocate(size_t size);

   private:
    std::vector<std::unique_ptr<std::byte[]>> blocks_;
    std::byte* next_ = nullptr;
    size_t left_ = 0;
  };

  static void* allocate(void* arena, size_t size);
  static void deallocate(void* arena, void* pointer);

  Arena arena_;
  std::string source_;  // The parsed document; gumbo's nodes point into it.
  const GumboNode* body_ = nullptr;
  bool had_parse_error_ = false;
};

}  // namespace reelpress::render
