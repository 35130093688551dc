// Internal to render/: one gumbo parse of an HTML fragment, as a browser parses innerHTML of a
// <body> element. Shared by the sanitizer and html_to_text.
//
// Example:
//   GumboFragment fragment(html);
//   for (unsigned i = 0; i < fragment.root()->v.element.children.length; ++i) { ... }
//
// Why not gumbo_parse() and gumbo_destroy_output(): gumbo 0.10 frees a tree recursively, one
// stack frame per level of nesting, so a few thousand nested tags overflow a small thread
// stack (128 KiB at about 3,000 levels). Here gumbo allocates from an arena owned by the
// fragment, frees are no-ops, and the arena goes in one piece: no recursion, and fewer calls
// to malloc. The price is that memory gumbo frees during the parse is only reclaimed at the
// end, a small constant factor of the input size.
//
// Not thread-safe itself (one fragment per thread); gumbo has no global state, so separate
// fragments may be parsed concurrently.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace reelpress::render {

class GumboFragment {
 public:
  explicit GumboFragment(std::string_view html);
  GumboFragment(const GumboFragment&) = delete;
  GumboFragment& operator=(const GumboFragment&) = delete;

  // The <html> element whose children are the fragment's top-level nodes. Never null.
  const GumboNode* root() const { return output_->root; }

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
  GumboOutput* output_ = nullptr;
};

}  // namespace reelpress::render
