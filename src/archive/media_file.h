// The site's uploaded files as the exports see them. A URL that names one ("/files/2011/07/
// a.mp4" or "/wp-content/uploads/2011/07/a.mp4") is resolved to the file on disk by the rules
// the live server follows (site/media_files.h), and the crawl hands exporters that file, not
// its bytes: they copy it a piece at a time, so an export's memory does not grow with the
// size of a file (a whole episode may be gigabytes).
//
// Example:
//   if (auto file = media_file_for("/files/2024/05/episode-1.mp4", site_dir / "media")) {
//     REELPRESS_RETURN_IF_ERROR(read_in_pieces(*file, [&](std::string_view piece) {
//       return out.write(piece);
//     }));
//   }
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "site/http.h"
#include "util/clock.h"
#include "util/result.h"

namespace reelpress::archive {

struct MediaFile {
  std::filesystem::path path;  // On disk, symbolic links resolved.
  std::string name;            // Relative to the media folder: "2011/07/a.mp4".
  std::uint64_t size = 0;
  util::UnixTime modified = 0;
};

// Bytes handed over at a time by read_in_pieces.
inline constexpr std::size_t kPieceBytes = 1 << 20;

// The file the decoded `url_path` names under `media_root`, when the live server would send
// it: a media URL whose path is a plain relative path (util::is_plain_relative_path) of a
// regular file that resolves to a place inside the folder. nullopt for any other path (the
// site's handler answers those, with a 404 for a missing file).
std::optional<MediaFile> media_file_for(std::string_view url_path,
                                        const std::filesystem::path& media_root);

// The live server's 200 response for `file` without its body: type, Cache-Control, byte
// ranges and the headers of site/media_files.h (nosniff; attachment for types not shown
// inline; a sandboxing Content-Security-Policy for SVG).
site::Response media_response(const MediaFile& file);

// Calls `take` with the bytes of `file` in order, at most kPieceBytes at a time, from one
// buffer reused between calls. Errors: kIo naming the file when it cannot be read or no
// longer has `file.size` bytes (it changed during the export); `take`'s first error.
util::Status read_in_pieces(const MediaFile& file,
                            const std::function<util::Status(std::string_view)>& take);

}  // namespace reelpress::archive
