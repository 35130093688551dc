#include "util/client_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace reelpress::util {

std::string client_identity(std::string_view address) {
  if (address.find(':') != std::string_view::npos && address.size() < INET6_ADDRSTRLEN) {
    const std::string text(address);
    unsigned char bytes[16];
    if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
      static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
      if (std::memcmp(bytes, kMappedPrefix, sizeof kMappedPrefix) == 0) {
        return std::string(reinterpret_cast<const char*>(bytes + 12), 4);
      }
      return std::string(reinterpret_cast<const char*>(bytes), 8);
    }
  }
  unsigned char v4[4];
  const std::string text(address);
  if (inet_pton(AF_INET, text.c_str(), v4) == 1) {
    return std::string(reinterpret_cast<const char*>(v4), 4);
  }
  return text;
}

}  // namespace reelpress::util
