// SHA-1 (FIPS 180-4), for the digests that web archives (WARC) name records by. Not for
// anything that must resist a chosen collision: WARC digests only detect damage.
//
// Example:
//   util::Sha1 sha;
//   sha.update(head);
//   sha.update(body);
//   std::string label = "sha1:" + util::base32(sha.finish());   // "sha1:3I42H3S6..."
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace reelpress::util {

class Sha1 {
 public:
  using Digest = std::array<std::uint8_t, 20>;

  void update(std::string_view bytes);
  Digest finish();  // Once; the object is spent afterwards.

 private:
  void compress(const std::uint8_t* block);

  std::uint32_t state_[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::uint8_t buffer_[64] = {};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // In bytes.
};

inline Sha1::Digest sha1(std::string_view bytes) {
  Sha1 sha;
  sha.update(bytes);
  return sha.finish();
}

// RFC 4648 base 32, upper case, with padding: 20 bytes make 32 letters and digits.
std::string base32(std::string_view bytes);
template <std::size_t N>
std::string base32(const std::array<std::uint8_t, N>& bytes) {
  return base32(std::string_view(reinterpret_cast<const char*>(bytes.data()), N));
}

}  // namespace reelpress::util
