// Accepting an editor's upload into the site's media folder: what the admin calls with a file
// from a multipart/form-data form (site/multipart.h).
//
// A file is judged by its bytes and nothing else: the client's file name and Content-Type are
// never trusted. In order:
//   1. Not empty, at most UploadLimits::max_bytes; title and alt text plain UTF-8 of at most
//      kMaxTitleChars and kMaxAltChars characters.
//   2. libmagic names the type from the content. Only these are accepted, which is what a
//      documentary series publishes (stills and posters, interview audio, clips and
//      trailers, press kits and lesson plans):
//        image/jpeg .jpg   image/png .png   image/gif .gif   image/webp .webp
//        audio/mpeg .mp3   audio/ogg .ogg   video/mp4 .mp4   video/webm .webm
//        application/pdf .pdf
//      HTML, scripts and programs, and everything else are refused. So is SVG: an SVG is an
//      XML document that may hold script, event handlers, external references and
//      <foreignObject> HTML; sanitizing it well means a full SVG allowlist, and stills for a
//      documentary site are photographs and posters, which PNG or JPEG carry as well.
//   3. Images need alt text (what a screen reader says in place of the image).
//   4. Images are decoded by libvips with the loader of the detected type only (never a
//      loader libvips would pick by sniffing), refusing truncated or corrupt files and any
//      image of more than UploadLimits::max_pixels pixels (all frames counted) before its
//      pixels are decoded. The image is turned upright by its EXIF orientation, converted to
//      sRGB when it carries a colour profile, and encoded again in its own format without
//      any metadata: EXIF (camera serial numbers, GPS positions), XMP, IPTC and ICC are
//      gone, and so is anything appended to or hidden in the original file (a GIF or JPEG
//      with HTML after its image data stores only the image). Animated GIF and WebP keep
//      their frames.
//   5. Other types are stored byte for byte. They are served with a fixed Content-Type and
//      "X-Content-Type-Options: nosniff" (site/media_files.h), so a PDF or an MP4 that also
//      parses as HTML is never rendered as a page. Their own metadata (PDF authors, ID3
//      tags, a phone video's location) is kept: removing it needs a tool per format.
//
// Stored names are made here: "YYYY/MM/STEM.EXT" under the media root, YYYY/MM being
// Upload::now's UTC year and month, STEM the original name's stem reduced to ASCII
// lower-case letters, digits and single hyphens (at most kMaxStemChars, "file" when nothing
// is left: "../../Salt Road (final).JPG" gives "salt-road-final"), EXT the detected type's.
// When the name or any of its copies is taken on disk or in the store, "-2", "-3", ... is
// added to the stem. Resized copies of an image sit beside it as "STEM-480w.EXT", one per
// UploadLimits::widths value smaller than the image's width, keeping its proportions; a
// theme offers them in srcset ("2026/12/salt-road-480w.jpg 480w"). Copies are files only:
// the store has one Media row per upload, for the original.
//
// Files are written to a temporary name and renamed into place (util::AtomicFile), after
// their names were taken with O_EXCL so that two uploads at once never write the same
// file. If any write or the store's save fails, every file of the upload is removed again:
// an upload is all there (files and row) or not at all.
//
// Example:
//   auto media = media::accept_upload(store, site_dir / "media", {}, {
//       .original_name = *part.filename, .bytes = part.data, .title = "Salt caravan",
//       .alt = "Camels loaded with salt slabs at dawn", .now = clock.now()});
//   if (!media) {
//     if (auto why = media::upload_error_of(media.error())) show(media.error().message);
//     else log_and_show_generic_failure(media.error().describe());
//   }
//
// Thread-safety: accept_upload() may run on several threads at once (each thread gets its
// own libmagic handle; libvips is thread-safe). The first call starts libvips and sets its
// operation cache to zero entries: cached operations would keep decoded uploads alive and
// would match a later upload by its buffer's address. Decoding holds the whole image in
// memory, up to about 4 bytes a pixel (200 MB at the default 50 megapixels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/model.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/result.h"

namespace reelpress::media {

inline constexpr std::size_t kMaxTitleChars = 200;
inline constexpr std::size_t kMaxAltChars = 1000;
inline constexpr std::size_t kMaxStemChars = 60;

struct UploadLimits {
  std::size_t max_bytes = 20 << 20;
  // Widths of the resized copies of an image, in pixels. Only those smaller than the image
  // are made; duplicates and values below 1 are ignored.
  std::vector<int> widths = {480, 960, 1600};
  // Width times height (times frames) above which an image is refused unread: a small file
  // may claim a huge image (a decompression bomb).
  std::int64_t max_pixels = 50'000'000;
};

struct Upload {
  std::string original_name;  // The client's file name: only its stem is used, as a hint.
  std::string_view bytes;     // The file; only read during the call.
  std::string title;          // May be empty.
  std::string alt;            // Required for images; surrounding white space is dropped.
  util::UnixTime now = 0;
  std::optional<content::Id> entry_id;  // Must name an existing entry when given.
};

// Why an upload was refused. Each value's message (upload_error_message) is written for the
// editor who chose the file.
enum class UploadError {
  kEmpty,          // No bytes: the form's file input was left empty.
  kTooLarge,       // More than UploadLimits::max_bytes.
  kBadText,        // Title or alt text not valid UTF-8, or too long.
  kHtml,           // An HTML or XHTML document.
  kSvg,            // An SVG image (see above for why SVG is refused).
  kProgram,        // A script or program: JavaScript, PHP, shell, Python, an executable.
  kNotAllowed,     // Any other type outside the list above.
  kAltMissing,     // An image with empty alt text.
  kBrokenImage,    // An image libvips cannot decode whole: truncated, corrupt, or not the
                   // type its first bytes claim (a GIF header followed by HTML).
  kTooManyPixels,  // An image larger than UploadLimits::max_pixels.
};

// "This file is an HTML document; only images, audio, video and PDF can be uploaded."
std::string_view upload_error_message(UploadError error);

// The refusal an error from accept_upload() stands for, or nullopt for a fault (the file
// system, the store) whose message is meant for the log rather than the editor.
std::optional<UploadError> upload_error_of(const util::Error& error);

// Checks, stores and records one upload (see above); returns the saved Media row, with its
// id, path ("2026/12/salt-road.jpg"), detected mime_type, stored size and uploaded_at = now.
// A refusal is kInvalidArgument with upload_error_message() as its message. Other errors
// come from the file system (kIo, naming the path), libmagic or libvips failing to start
// (kInternal) or the store (as store.h says; an entry_id that does not exist is the store's
// kInvalidArgument); none leaves a file or a row behind.
util::Result<content::Media> accept_upload(store::Store& store,
                                           const std::filesystem::path& media_root,
                                           const UploadLimits& limits, const Upload& upload);

// The MIME type libmagic finds in `bytes` ("image/png", "text/html"), or kInternal when its
// database cannot be loaded. Exposed for tests and for checking imported files.
util::Result<std::string> detect_mime_type(std::string_view bytes);

// The stored stem for a client's file name: "../../Salt Road (final).JPG" -> "salt-road-final".
std::string stem_slug(std::string_view original_name);

}  // namespace reelpress::media
