// The picture a ZIM file shows in Kiwix's library: a PNG image, 48 by 48 pixels. reelpress
// draws a film reel in the theme's accent colour, so every exported site has one.
//
// Example:
//   creator.addIllustration(48, archive::reel_illustration(48, {0x8a, 0x3b, 0x12}));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace reelpress::archive {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

// An RGBA image as a PNG file (8 bits per channel, no interlace). `rgba` holds width * height
// pixels, row by row, four bytes each.
std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgba);

// A film reel (a disc with five round windows and a hub) on a transparent ground, smoothed
// at the edges, as a PNG image of size by size pixels.
std::string reel_illustration(int size, Rgb colour);

}  // namespace reelpress::archive
