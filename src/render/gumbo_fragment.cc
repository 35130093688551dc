#include "render/gumbo_fragment.h"

#include <cstddef>

namespace reelpress::render {
namespace {

constexpr size_t kBlockSize = 64 * 1024;
// Requests above this get a block of their own, so a big one never wastes most of a block.
constexpr size_t kLargeRequest = kBlockSize / 4;
constexpr size_t kAlignment = alignof(std::max_align_t);

}  // namespace

void* GumboFragment::Arena::allocate(size_t size) {
  size = (size + kAlignment - 1) / kAlignment * kAlignment;
  if (size == 0) size = kAlignment;
  if (size > kLargeRequest) {
    // new[] of std::byte is aligned for any fundamental type (__STDCPP_DEFAULT_NEW_ALIGNMENT__).
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
    return blocks_.back().get();
  }
  if (size > left_) {
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(kBlockSize));
    next_ = blocks_.back().get();
    left_ = kBlockSize;
  }
  void* result = next_;
  next_ += size;
  left_ -= size;
  return result;
}

void* GumboFragment::allocate(void* arena, size_t size) {
  return static_cast<Arena*>(arena)->allocate(size);
}

void GumboFragment::deallocate(void* /*arena*/, void* /*pointer*/) {
  // Everything goes with the arena.
}

GumboFragment::GumboFragment(std::string_view html) {
  static constexpr std::string_view kPrefix = "<!DOCTYPE html><body>";
  source_.reserve(kPrefix.size() + html.size());
  source_.append(kPrefix);
  source_.append(html);

  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &GumboFragment::allocate;
  options.deallocator = &GumboFragment::deallocate;
  options.userdata = &arena_;
  options.max_errors = 1;  // Whether there was one is all we ask; do not pay for the list.
  const GumboOutput* output = gumbo_parse_with_options(&options, source_.data(), source_.size());
  had_parse_error_ = output->errors.length != 0;

  const GumboVector& children = output->root->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_BODY) {
      body_ = child;
    }
  }
}

}  // namespace reelpress::render
