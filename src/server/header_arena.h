// A per-connection bump allocator for Beast's header fields, so parsing a request allocates
// nothing from the heap once the connection is warm.
//
// Beast's basic_fields allocates one node per field and cannot be reset, so the parser is
// rebuilt for every request; handing it an Allocator over a HeaderArena makes that cheap.
// The arena rewinds by itself once every block it handed out is freed (the parser and its
// message are destroyed), so the same bytes serve request after request.
//
// Example:
//   HeaderArena arena(4096);
//   http::request_parser<http::string_body, HeaderArena::Allocator<char>> parser(
//       std::piecewise_construct, std::make_tuple(),
//       std::make_tuple(HeaderArena::Allocator<char>(&arena)));
//
// Not thread-safe: one arena per connection, used on that connection's thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace reelpress::server {

class HeaderArena {
 public:
  explicit HeaderArena(size_t capacity)
      : block_(static_cast<std::byte*>(::operator new(capacity, kAlign))), capacity_(capacity) {}
  ~HeaderArena() { ::operator delete(block_, kAlign); }
  HeaderArena(const HeaderArena&) = delete;
  HeaderArena& operator=(const HeaderArena&) = delete;

  // Memory for `bytes` bytes aligned to `align` (at most alignof(max_align_t)). Falls back to
  // the heap when the arena is full (an unusually large header), so it never fails short of
  // std::bad_alloc.
  void* allocate(size_t bytes, size_t align) {
    size_t start = (used_ + align - 1) & ~(align - 1);
    if (align <= alignof(std::max_align_t) && start + bytes <= capacity_) {
      used_ = start + bytes;
      ++live_;
      return block_ + start;
    }
    return ::operator new(bytes);
  }

  void deallocate(void* p, size_t) noexcept {
    auto* b = static_cast<std::byte*>(p);
    if (b >= block_ && b < block_ + capacity_) {
      if (--live_ == 0) used_ = 0;
    } else {
      ::operator delete(p);
    }
  }

  // A standard allocator over an arena; copies share the arena.
  template <class T>
  class Allocator {
   public:
    using value_type = T;

    explicit Allocator(HeaderArena* arena) noexcept : arena_(arena) {}
    template <class U>
    Allocator(const Allocator<U>& other) noexcept : arena_(other.arena()) {}

    T* allocate(size_t n) { return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T))); }
    void deallocate(T* p, size_t n) noexcept { arena_->deallocate(p, n * sizeof(T)); }

    HeaderArena* arena() const noexcept { return arena_; }
    template <class U>
    bool operator==(const Allocator<U>& other) const noexcept {
      return arena_ == other.arena();
    }

   private:
    HeaderArena* arena_;
  };

 private:
  static constexpr std::align_val_t kAlign{alignof(std::max_align_t)};

  std::byte* block_;
  size_t capacity_;
  size_t used_ = 0;  // Bump pointer, as an offset into block_.
  size_t live_ = 0;  // Blocks handed out from block_ and not yet freed.
};

}  // namespace reelpress::server
