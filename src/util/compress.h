// gzip and brotli compression of whole in-memory texts, for the precompressed forms of
// rendered pages (site::make_body) and for tests that check them.
//
// Example:
//   std::string gz = util::gzip_compress(html);
//   std::string br = util::brotli_compress(html);
//   assert(*util::gzip_decompress(gz) == html);
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace reelpress::util {

// Compresses `data` into a complete gzip member (RFC 1952) at zlib `level` (0-9; out of range
// values are clamped). Never fails short of running out of memory (std::bad_alloc).
// Thread-safe: no shared state.
std::string gzip_compress(std::string_view data, int level = 6);

// Compresses `data` into a complete brotli stream (RFC 7932) at `quality` (0-11, clamped) with
// the text mode hint. Never fails short of running out of memory. Thread-safe.
std::string brotli_compress(std::string_view data, int quality = 9);

// Decompresses one gzip member (zlib or raw deflate is rejected). Returns kCorrupt when the
// input is not valid gzip or is truncated, kInvalidArgument when the output would exceed
// `max_size` bytes (a guard against decompression bombs). Thread-safe.
Result<std::string> gzip_decompress(std::string_view data, size_t max_size = 64 << 20);

// Decompresses a brotli stream, with the same errors and guard as gzip_decompress.
Result<std::string> brotli_decompress(std::string_view data, size_t max_size = 64 << 20);

}  // namespace reelpress::util
