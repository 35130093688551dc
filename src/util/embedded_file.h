// A file compiled into the binary (the default theme, the demo content), so that the
// `reelpress` binary runs from any directory. See cmake/EmbedFiles.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace reelpress::util {

struct EmbeddedFile {
  std::string_view path;   // Relative to the embedded root, with '/' separators.
  std::string_view bytes;  // Static storage; valid for the life of the program.
};

}  // namespace reelpress::util
