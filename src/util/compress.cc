#include "util/compress.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <stdexcept>

namespace reelpress::util {
namespace {

// 15 bits of window plus 16 asks zlib for the gzip wrapper instead of the zlib one.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;  // zlib's default; 9 buys almost nothing for pages.

}  // namespace

std::string gzip_compress(std::string_view data, int level) {
  // zlib counts in 32-bit integers; pages are far below that.
  if (data.size() > UINT32_MAX / 2) throw std::length_error("gzip_compress: input too large");
  z_stream zs{};
  if (deflateInit2(&zs, std::clamp(level, 0, 9), Z_DEFLATED, kGzipWindowBits, kMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::bad_alloc();  // The only way deflateInit2 fails with valid arguments.
  }
  std::string out;
  // deflateBound is exact enough that one Z_FINISH call always completes; the gzip header
  // and trailer (18 bytes) are not part of it.
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 18);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::bad_alloc();
  return out;
}

std::string brotli_compress(std::string_view data, int quality) {
  size_t size = BrotliEncoderMaxCompressedSize(data.size());
  if (size == 0) size = data.size() + 1024;  // Only for inputs near SIZE_MAX; never in practice.
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(std::clamp(quality, 0, 11), BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
                             data.size(), reinterpret_cast<const uint8_t*>(data.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    throw std::bad_alloc();
  }
  out.resize(size);
  return out;
}

Result<std::string> gzip_decompress(std::string_view data, size_t max_size) {
  z_stream zs{};
  if (inflateInit2(&zs, kGzipWindowBits) != Z_OK) throw std::bad_alloc();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
    size_t got = sizeof chunk - zs.avail_out;
    if (out.size() + got > max_size) {
      inflateEnd(&zs);
      return fail(ErrorCode::kInvalidArgument, "gzip output exceeds the size limit");
    }
    out.append(chunk, got);
    // Z_BUF_ERROR with input left means no progress was possible: truncated input.
    if (rc == Z_BUF_ERROR) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return fail(ErrorCode::kCorrupt, "invalid or truncated gzip data");
  return out;
}

Result<std::string> brotli_decompress(std::string_view data, size_t max_size) {
  BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (state == nullptr) throw std::bad_alloc();
  const auto* next_in = reinterpret_cast<const uint8_t*>(data.data());
  size_t avail_in = data.size();
  std::string out;
  uint8_t chunk[16384];
  BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    uint8_t* next_out = chunk;
    size_t avail_out = sizeof chunk;
    rc = BrotliDecoderDecompressStream(state, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    size_t got = sizeof chunk - avail_out;
    if (out.size() + got > max_size) {
      BrotliDecoderDestroyInstance(state);
      return fail(ErrorCode::kInvalidArgument, "brotli output exceeds the size limit");
    }
    out.append(reinterpret_cast<const char*>(chunk), got);
  }
  BrotliDecoderDestroyInstance(state);
  if (rc != BROTLI_DECODER_RESULT_SUCCESS) {
    return fail(ErrorCode::kCorrupt, "invalid or truncated brotli data");
  }
  return out;
}

}  // namespace reelpress::util
