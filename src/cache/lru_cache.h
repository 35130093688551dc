// A byte-bounded least-recently-used map, the store of rendered pages.
//
// Values are shared immutable objects: a hit hands out a shared_ptr and copies no bytes, so a
// page being sent stays alive even if it is evicted or invalidated meanwhile.
//
// Example:
//   LruCache<Page> cache(256 << 20);
//   cache.insert("/about/", page, page->size());
//   if (auto hit = cache.find("/about/")) send(*hit);
//
// Thread-safety: every method may be called from any thread; one reader-writer lock guards
// the map and is never held while a caller does I/O. A hit takes it shared and writes nothing
// shared but a flag on its own entry (set once, then only read), so hits on every core never
// wait for each other: with an exclusive lock, a thread that the scheduler pre-empted while
// holding it stalled every other thread's hits for a whole time slice (4 ms here).
//
// Recency, as the CLOCK (second chance) approximation of least-recently-used that page caches
// use: a hit marks its entry as used instead of moving it to the front of the list (which
// would need the lock exclusively). Eviction takes from the back; an entry used since it was
// placed is given a second chance (moved to the front, its mark cleared) rather than evicted.
// An entry that is never hit goes first; an entry hit since the last pass stays.
#pragma once

#include <atomic>
#include <cstddef>
#include <iterator>
#include <list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace reelpress::cache {

template <typename Value>
class LruCache {
 public:
  explicit LruCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The value for key, marked as recently used; nullptr on a miss.
  std::shared_ptr<const Value> find(std::string_view key) {
    std::shared_lock lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    Node& node = *it->second;
    // Read first: a hot entry's flag is then written once, not on every hit by every core.
    if (!node.used.load(std::memory_order_relaxed)) {
      node.used.store(true, std::memory_order_relaxed);
    }
    return node.value;
  }

  // Inserts or replaces. A value larger than the whole budget is not kept.
  void insert(std::string key, std::shared_ptr<const Value> value, std::size_t bytes) {
    bytes += key.size() + kOverhead;
    std::unique_lock lock(mutex_);
    if (const auto it = index_.find(key); it != index_.end()) remove(it);
    if (bytes > max_bytes_) return;
    order_.emplace_front(std::move(key), std::move(value), bytes);
    index_.emplace(order_.front().key, order_.begin());
    used_bytes_ += bytes;
    while (used_bytes_ > max_bytes_) {
      Node& last = order_.back();
      if (last.used.load(std::memory_order_relaxed) && &last != &order_.front()) {
        last.used.store(false, std::memory_order_relaxed);  // A second chance.
        order_.splice(order_.begin(), order_, std::prev(order_.end()));
        continue;
      }
      remove(index_.find(last.key));
    }
  }

  // Removes every entry whose value satisfies pred(const Value&); returns how many. Holds
  // the lock for one pass over the entries: for rare, targeted invalidations.
  template <typename Predicate>
  std::size_t erase_if(Predicate pred) {
    std::unique_lock lock(mutex_);
    std::size_t removed = 0;
    for (auto it = order_.begin(); it != order_.end();) {
      if (!pred(*it->value)) {
        ++it;
        continue;
      }
      used_bytes_ -= it->bytes;
      index_.erase(it->key);
      it = order_.erase(it);
      ++removed;
    }
    return removed;
  }

  void clear() {
    std::unique_lock lock(mutex_);
    index_.clear();
    order_.clear();
    used_bytes_ = 0;
  }

  std::size_t size() const {
    std::shared_lock lock(mutex_);
    return index_.size();
  }
  std::size_t used_bytes() const {
    std::shared_lock lock(mutex_);
    return used_bytes_;
  }

 private:
  // Bookkeeping per entry (list node, hash node, key copy), counted against the budget.
  static constexpr std::size_t kOverhead = 128;

  struct Node {
    Node(std::string k, std::shared_ptr<const Value> v, std::size_t b)
        : key(std::move(k)), value(std::move(v)), bytes(b) {}
    std::string key;
    std::shared_ptr<const Value> value;
    std::size_t bytes;
    std::atomic<bool> used{false};  // Hit since it was placed at the front.
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using List = std::list<Node>;
  using Index =
      std::unordered_map<std::string_view, typename List::iterator, Hash, std::equal_to<>>;

  void remove(typename Index::iterator it) {
    used_bytes_ -= it->second->bytes;
    const auto node = it->second;
    index_.erase(it);
    order_.erase(node);
  }

  const std::size_t max_bytes_;
  mutable std::shared_mutex mutex_;
  List order_;   // Most recently placed first (see Recency above).
  Index index_;  // Keys view the strings owned by order_'s nodes.
  std::size_t used_bytes_ = 0;
};

}  // namespace reelpress::cache
