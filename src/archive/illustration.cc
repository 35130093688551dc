#include "archive/illustration.h"

#include <zlib.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace reelpress::archive {
namespace {

void put_u32(std::string& out, std::uint32_t value) {
  out.push_back(static_cast<char>(value >> 24));
  out.push_back(static_cast<char>(value >> 16));
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

// A PNG chunk: length, type, data and the CRC-32 of type and data.
void put_chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out.append(type, 4);
  out += data;
  const auto* bytes = reinterpret_cast<const Bytef*>(out.data() + start);
  put_u32(out, static_cast<std::uint32_t>(crc32(0, bytes, static_cast<uInt>(out.size() - start))));
}

}  // namespace

std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgba) {
  if (width <= 0 || height <= 0 ||
      rgba.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4) {
    throw std::invalid_argument("encode_png: the pixels do not match the size");
  }
  // Each row starts with its filter type; 0 (none) suits a small flat drawing.
  std::string raw;
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int y = 0; y < height; ++y) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(rgba.data()) + y * row, row);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
            reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
            Z_BEST_COMPRESSION);
  packed.resize(packed_size);

  std::string header;
  put_u32(header, static_cast<std::uint32_t>(width));
  put_u32(header, static_cast<std::uint32_t>(height));
  header += std::string("\x08\x06\x00\x00\x00", 5);  // 8 bits, RGBA, deflate, adaptive, none.
  std::string png = "\x89PNG\r\n\x1a\n";
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", "");
  return png;
}

std::string reel_illustration(int size, Rgb colour) {
  const double centre = size / 2.0;
  const double outer = size * 0.46;
  const double window_radius = size * 0.12;
  const double window_distance = size * 0.25;
  const double hub = size * 0.065;
  auto inside = [&](double x, double y) {
    const double dx = x - centre, dy = y - centre;
    const double r = std::hypot(dx, dy);
    if (r > outer || r < hub) return false;
    for (int k = 0; k < 5; ++k) {
      const double angle = -std::numbers::pi / 2 + k * 2 * std::numbers::pi / 5;
      const double wx = centre + window_distance * std::cos(angle);
      const double wy = centre + window_distance * std::sin(angle);
      if (std::hypot(x - wx, y - wy) < window_radius) return false;
    }
    return true;
  };
  constexpr int kSamples = 4;  // Per axis, per pixel: the edges are smoothed.
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(size) * size * 4);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      int covered = 0;
      for (int sy = 0; sy < kSamples; ++sy) {
        for (int sx = 0; sx < kSamples; ++sx) {
          covered += inside(x + (sx + 0.5) / kSamples, y + (sy + 0.5) / kSamples);
        }
      }
      std::uint8_t* pixel = &rgba[(static_cast<std::size_t>(y) * size + x) * 4];
      pixel[0] = colour.r;
      pixel[1] = colour.g;
      pixel[2] = colour.b;
      pixel[3] = static_cast<std::uint8_t>(covered * 255 / (kSamples * kSamples));
    }
  }
  return encode_png(size, size, rgba);
}

}  // namespace reelpress::archive
