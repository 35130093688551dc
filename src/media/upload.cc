#include "media/upload.h"

#include <fcntl.h>
#include <magic.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>
#include <vips/vips8>

#include "util/civil_time.h"
#include "util/files.h"
#include "util/text.h"

namespace reelpress::media {
namespace {

using util::ErrorCode;

// Enough for every upload of a month named "image.jpg", few enough to bound the lookups.
constexpr int kMaxNameAttempts = 1000;

constexpr int kJpegQuality = 85;
constexpr int kWebpQuality = 85;

enum class Kind { kImage, kOther };

struct AllowedType {
  std::string_view mime_type;
  std::string_view extension;  // Also what site/media_files.cc serves as this type.
  Kind kind;
};

constexpr std::array kAllowedTypes = {
    AllowedType{"image/jpeg", "jpg", Kind::kImage},
    AllowedType{"image/png", "png", Kind::kImage},
    AllowedType{"image/gif", "gif", Kind::kImage},
    AllowedType{"image/webp", "webp", Kind::kImage},
    AllowedType{"audio/mpeg", "mp3", Kind::kOther},
    AllowedType{"audio/ogg", "ogg", Kind::kOther},
    AllowedType{"video/mp4", "mp4", Kind::kOther},
    AllowedType{"video/webm", "webm", Kind::kOther},
    AllowedType{"application/pdf", "pdf", Kind::kOther},
};

struct Refusal {
  UploadError error;
  std::string_view message;
};

constexpr std::array kMessages = {
    Refusal{UploadError::kEmpty, "The file is empty; choose a file to upload."},
    Refusal{UploadError::kTooLarge,
            "The file is larger than this site accepts; make it smaller and upload it again."},
    Refusal{UploadError::kBadText,
            "The title and the alt text must be plain text of at most 200 and 1000 characters."},
    Refusal{UploadError::kHtml,
            "This file is an HTML document; only images, audio, video and PDF can be uploaded."},
    Refusal{UploadError::kSvg,
            "SVG images cannot be uploaded, because they can carry scripts; save the image as "
            "PNG and upload that."},
    Refusal{UploadError::kProgram,
            "This file is a program or a script; only images, audio, video and PDF can be "
            "uploaded."},
    Refusal{UploadError::kNotAllowed,
            "This kind of file cannot be uploaded; only JPEG, PNG, GIF and WebP images, MP3 and "
            "Ogg audio, MP4 and WebM video, and PDF documents can."},
    Refusal{UploadError::kAltMissing,
            "Describe the image in its alt text: it is what people who cannot see the image are "
            "told instead."},
    Refusal{UploadError::kBrokenImage,
            "This image is damaged or incomplete and cannot be read; save it again and upload "
            "the new copy."},
    Refusal{UploadError::kTooManyPixels,
            "This image has more pixels than this site accepts; reduce its width and height "
            "and upload it again."},
};

tl::unexpected<util::Error> refuse(UploadError error) {
  return util::fail(ErrorCode::kInvalidArgument, std::string(upload_error_message(error)));
}

// The refusal for a type outside the list: named for what editors would recognise.
UploadError refusal_for(std::string_view mime_type) {
  if (mime_type == "text/html" || mime_type == "application/xhtml+xml") return UploadError::kHtml;
  if (mime_type.starts_with("image/svg")) return UploadError::kSvg;
  constexpr std::array kPrograms = {
      std::string_view("text/javascript"),
      std::string_view("application/javascript"),
      std::string_view("text/x-php"),
      std::string_view("text/x-shellscript"),
      std::string_view("text/x-python"),
      std::string_view("text/x-script.python"),
      std::string_view("text/x-perl"),
      std::string_view("text/x-ruby"),
      std::string_view("text/x-java"),
      std::string_view("text/x-c"),
      std::string_view("text/x-c++"),
      std::string_view("application/x-executable"),
      std::string_view("application/x-sharedlib"),
      std::string_view("application/x-pie-executable"),
      std::string_view("application/x-dosexec"),
      std::string_view("application/x-mach-binary"),
      std::string_view("application/java-archive"),
  };
  if (std::find(kPrograms.begin(), kPrograms.end(), mime_type) != kPrograms.end()) {
    return UploadError::kProgram;
  }
  return UploadError::kNotAllowed;
}

// --- libmagic ---------------------------------------------------------------------------

// A magic_t may not be shared between threads; each thread opens its own once and keeps it.
class MagicHandle {
 public:
  MagicHandle() : cookie_(::magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) {
    if (cookie_ != nullptr && ::magic_load(cookie_, nullptr) != 0) {
      error_ = ::magic_error(cookie_) != nullptr ? ::magic_error(cookie_) : "unknown error";
      ::magic_close(cookie_);
      cookie_ = nullptr;
    } else if (cookie_ == nullptr) {
      error_ = std::strerror(errno);
    }
  }
  ~MagicHandle() {
    if (cookie_ != nullptr) ::magic_close(cookie_);
  }
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;

  util::Result<std::string> detect(std::string_view bytes) {
    if (cookie_ == nullptr) {
      return util::fail(ErrorCode::kInternal, "cannot load libmagic's database: " + error_);
    }
    const char* type = ::magic_buffer(cookie_, bytes.data(), bytes.size());
    if (type == nullptr) {
      const char* why = ::magic_error(cookie_);
      return util::fail(ErrorCode::kInternal,
                        std::string("libmagic failed: ") + (why != nullptr ? why : "?"));
    }
    return std::string(type);
  }

 private:
  magic_t cookie_ = nullptr;
  std::string error_;
};

// --- libvips ------------------------------------------------------------------------------

util::Status start_vips() {
  static std::once_flag once;
  static bool started = false;
  std::call_once(once, [] {
    started = VIPS_INIT("reelpress") == 0;
    if (started) vips_cache_set_max(0);
  });
  if (!started) return util::fail(ErrorCode::kInternal, "libvips could not start");
  return {};
}

// A VipsBlob that views `bytes` without copying them; vips holds it only during the call
// (its operation cache is off).
class BorrowedBlob {
 public:
  explicit BorrowedBlob(std::string_view bytes)
      : blob_(vips_blob_new(nullptr, bytes.data(), bytes.size())) {}
  ~BorrowedBlob() { vips_area_unref(VIPS_AREA(blob_)); }
  BorrowedBlob(const BorrowedBlob&) = delete;
  BorrowedBlob& operator=(const BorrowedBlob&) = delete;
  VipsBlob* get() const { return blob_; }

 private:
  VipsBlob* blob_;
};

// Bytes vips allocated with g_malloc, copied into a string and freed.
std::string take_blob(VipsBlob* blob) {
  std::size_t size = 0;
  const void* data = vips_blob_get(blob, &size);
  std::string bytes(static_cast<const char*>(data), size);
  vips_area_unref(VIPS_AREA(blob));
  return bytes;
}

// Opens an image with the loader of its detected type, lazily: only the header is read.
vips::VImage open_image(std::string_view mime_type, const BorrowedBlob& blob) {
  vips::VOption* options = vips::VImage::option()
                               ->set("access", VIPS_ACCESS_SEQUENTIAL)
                               ->set("fail_on", VIPS_FAIL_ON_ERROR);
  if (mime_type == "image/jpeg") return vips::VImage::jpegload_buffer(blob.get(), options);
  if (mime_type == "image/png") return vips::VImage::pngload_buffer(blob.get(), options);
  // All frames of an animation, stacked: height() counts them all.
  options->set("n", -1);
  if (mime_type == "image/gif") return vips::VImage::gifload_buffer(blob.get(), options);
  return vips::VImage::webpload_buffer(blob.get(), options);
}

// A copy of `image` with no metadata but what animation needs. Savers' "strip" is not enough
// on its own: libvips 8.14's webpsave ignores it (libvips issue 3340), and savers rebuild
// EXIF from the "exif-ifd*" fields that loaders leave.
vips::VImage without_metadata(const vips::VImage& image) {
  constexpr std::array kKept = {std::string_view("page-height"), std::string_view("n-pages"),
                                std::string_view("delay"), std::string_view("loop")};
  vips::VImage copy = image.copy();
  gchar** fields = vips_image_get_fields(copy.get_image());
  for (gchar** field = fields; *field != nullptr; ++field) {
    // The header's own fields (width, format, ...) are not metadata and cannot be removed.
    if (std::find(kKept.begin(), kKept.end(), *field) == kKept.end()) copy.remove(*field);
  }
  g_strfreev(fields);
  return copy;
}

// Encodes `image` in `extension`'s format with no metadata at all.
std::string encode(const vips::VImage& original, std::string_view extension) {
  const vips::VImage image = without_metadata(original);
  vips::VOption* options = vips::VImage::option()->set("strip", true);
  if (extension == "jpg") {
    options->set("Q", kJpegQuality)->set("optimize_coding", true)->set("interlace", true);
    return take_blob(image.jpegsave_buffer(options));
  }
  if (extension == "png") return take_blob(image.pngsave_buffer(options));
  if (extension == "gif") return take_blob(image.gifsave_buffer(options));
  options->set("Q", kWebpQuality);
  return take_blob(image.webpsave_buffer(options));
}

std::uint32_t read_le32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 4; i-- > 0;)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

void write_le32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

// libvips 8.14 puts an EXIF chunk into every WebP it writes, "strip" or not, rebuilt from
// the image's resolution (libvips issue 3340). This takes the EXIF, XMP and ICC chunks out
// of the RIFF container and clears their flags in the VP8X chunk (the WebP container
// specification), or returns nullopt for a container it does not understand.
std::optional<std::string> without_webp_metadata(std::string_view webp) {
  constexpr unsigned char kIccFlag = 0x20;
  constexpr unsigned char kExifFlag = 0x08;
  constexpr unsigned char kXmpFlag = 0x04;
  if (webp.size() < 12 || !webp.starts_with("RIFF") || webp.substr(8, 4) != "WEBP") {
    return std::nullopt;
  }
  std::string clean(webp.substr(0, 12));
  std::size_t at = 12;
  while (at < webp.size()) {
    if (webp.size() - at < 8) return std::nullopt;
    const std::uint32_t size = read_le32(webp, at + 4);
    const std::size_t padded = 8 + static_cast<std::size_t>(size) + (size & 1);
    if (padded > webp.size() - at) return std::nullopt;
    const std::string_view fourcc = webp.substr(at, 4);
    if (fourcc != "EXIF" && fourcc != "XMP " && fourcc != "ICCP") {
      const std::size_t start = clean.size();
      clean.append(webp.substr(at, padded));
      if (fourcc == "VP8X" && size > 0) {
        clean[start + 8] = static_cast<char>(static_cast<unsigned char>(clean[start + 8]) &
                                             ~(kIccFlag | kExifFlag | kXmpFlag));
      }
    }
    at += padded;
  }
  write_le32(clean, 4, static_cast<std::uint32_t>(clean.size() - 8));
  return clean;
}

util::Result<std::string> encode_clean(const vips::VImage& image, std::string_view extension) {
  std::string bytes = encode(image, extension);
  if (extension != "webp") return bytes;
  auto clean = without_webp_metadata(bytes);
  if (!clean) return util::fail(ErrorCode::kInternal, "libvips wrote a WebP file not understood");
  return std::move(*clean);
}

struct Encoded {
  std::string suffix;  // "" for the image itself, "-480w" for a copy.
  std::string bytes;
  bool as_uploaded = false;  // Store the upload's own bytes (types other than images).

  std::string_view stored(std::string_view upload) const {
    return as_uploaded ? upload : std::string_view(bytes);
  }
};

// The image re-encoded without metadata, and its resized copies; or a refusal.
util::Result<std::vector<Encoded>> process_image(std::string_view mime_type,
                                                 std::string_view extension, std::string_view bytes,
                                                 const UploadLimits& limits) {
  REELPRESS_RETURN_IF_ERROR(start_vips());
  try {
    const BorrowedBlob blob(bytes);
    vips::VImage image = open_image(mime_type, blob);
    if (static_cast<std::int64_t>(image.width()) * image.height() > limits.max_pixels) {
      return refuse(UploadError::kTooManyPixels);
    }
    // Decoding whole here makes a truncated or corrupt file fail now, and lets the copies be
    // made from memory instead of decoding the file once for each.
    image = image.copy_memory();
    // An animation is its frames stacked: turning the stack would scramble them.
    if (vips_image_get_n_pages(image.get_image()) <= 1) image = image.autorot();
    if (image.get_typeof(VIPS_META_ICC_NAME) != 0) {
      try {
        image = image.icc_transform(
            "srgb",
            vips::VImage::option()->set("embedded", true)->set("intent", VIPS_INTENT_PERCEPTUAL));
      } catch (const vips::VError&) {
        // A profile lcms cannot use: keep the pixels as they are, as a browser would.
        vips_error_clear();
      }
    } else if (image.interpretation() == VIPS_INTERPRETATION_CMYK) {
      image = image.colourspace(VIPS_INTERPRETATION_sRGB);
    }

    std::vector<Encoded> outputs;
    auto main = encode_clean(image, extension);
    if (!main) return util::fail(std::move(main.error()));
    outputs.push_back({.suffix = "", .bytes = std::move(*main)});
    std::vector<int> widths = limits.widths;
    std::sort(widths.begin(), widths.end());
    widths.erase(std::unique(widths.begin(), widths.end()), widths.end());
    for (const int width : widths) {
      if (width < 1 || width >= image.width()) continue;
      // Height is left free (VIPS_MAX_COORD) so that the width decides and proportions stay;
      // an animation keeps its frames, each one resized.
      const vips::VImage copy = image.thumbnail_image(
          width,
          vips::VImage::option()->set("height", VIPS_MAX_COORD)->set("size", VIPS_SIZE_DOWN));
      auto resized = encode_clean(copy, extension);
      if (!resized) return util::fail(std::move(resized.error()));
      outputs.push_back(
          {.suffix = "-" + std::to_string(width) + "w", .bytes = std::move(*resized)});
    }
    return outputs;
  } catch (const vips::VError&) {
    // The decoder's own words ("VipsJpeg: Premature end of input file") mean nothing to an
    // editor; the refusal says what to do.
    vips_error_clear();
    return refuse(UploadError::kBrokenImage);
  }
}

// --- names and files ---------------------------------------------------------------------

std::string year_month(util::UnixTime now) {
  const util::CivilTime civil = util::to_civil(now);
  char text[16];
  std::snprintf(text, sizeof text, "%04d/%02d", civil.year, civil.month);
  return text;
}

// The relative paths of one naming attempt: the file itself first, then its copies.
std::vector<std::string> names_for(const std::string& folder, const std::string& stem,
                                   std::string_view extension,
                                   const std::vector<Encoded>& outputs) {
  std::vector<std::string> names;
  for (const Encoded& output : outputs) {
    names.push_back(folder + "/" + stem + output.suffix + "." + std::string(extension));
  }
  return names;
}

void remove_files(const std::filesystem::path& root, const std::vector<std::string>& names) {
  for (const std::string& name : names) ::unlink((root / name).c_str());
}

enum class Reservation { kTaken, kReserved };

// Takes every name at once by creating empty files with O_EXCL: the only check of "is this
// name free" that two uploads at the same moment cannot both pass. The files are replaced by
// their contents later (rename), and nothing links to them before the Media row exists.
util::Result<Reservation> reserve(const std::filesystem::path& root,
                                  const std::vector<std::string>& names) {
  std::vector<std::string> reserved;
  for (const std::string& name : names) {
    const std::filesystem::path path = root / name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int err = errno;
      remove_files(root, reserved);
      if (err == EEXIST) return Reservation::kTaken;
      return util::fail(ErrorCode::kIo,
                        "cannot create " + path.string() + ": " + std::strerror(err));
    }
    ::close(fd);
    reserved.push_back(name);
  }
  return Reservation::kReserved;
}

// Whether the store has a row for any of `names` (an imported file may be missing on disk).
util::Result<bool> known_to_store(store::Store& store, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    auto row = store.media_by_path(name);
    if (row) return true;
    if (row.error().code != ErrorCode::kNotFound) return util::fail(std::move(row.error()));
  }
  return false;
}

util::Status write_all(const std::filesystem::path& root, const std::vector<std::string>& names,
                       const std::vector<Encoded>& outputs, std::string_view upload) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto file = util::AtomicFile::create(root / names[i], util::Sync::kYes);
    if (!file) return util::fail(std::move(file.error()));
    REELPRESS_RETURN_IF_ERROR(file->write(outputs[i].stored(upload)));
    REELPRESS_RETURN_IF_ERROR(file->commit());
  }
  return {};
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

bool plain_text_within(std::string_view text, std::size_t max_chars) {
  return util::is_valid_utf8(text) && util::code_points(text) <= max_chars &&
         text.find('\0') == std::string_view::npos;
}

}  // namespace

std::string_view upload_error_message(UploadError error) {
  for (const Refusal& refusal : kMessages) {
    if (refusal.error == error) return refusal.message;
  }
  return "The file cannot be uploaded.";
}

std::optional<UploadError> upload_error_of(const util::Error& error) {
  if (error.code != ErrorCode::kInvalidArgument) return std::nullopt;
  for (const Refusal& refusal : kMessages) {
    if (refusal.message == error.message) return refusal.error;
  }
  return std::nullopt;
}

util::Result<std::string> detect_mime_type(std::string_view bytes) {
  thread_local MagicHandle magic;
  return magic.detect(bytes);
}

std::string stem_slug(std::string_view original_name) {
  const std::size_t separator = original_name.find_last_of("/\\");
  if (separator != std::string_view::npos) original_name.remove_prefix(separator + 1);
  const std::size_t dot = original_name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) original_name = original_name.substr(0, dot);
  std::string slug;
  for (const char c : original_name) {
    if (slug.size() == kMaxStemChars) break;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug += c;
    } else if (c >= 'A' && c <= 'Z') {
      slug += static_cast<char>(c - 'A' + 'a');
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "file" : slug;
}

util::Result<content::Media> accept_upload(store::Store& store,
                                           const std::filesystem::path& media_root,
                                           const UploadLimits& limits, const Upload& upload) {
  if (upload.bytes.empty()) return refuse(UploadError::kEmpty);
  if (upload.bytes.size() > limits.max_bytes) return refuse(UploadError::kTooLarge);
  const std::string title = trimmed(upload.title);
  const std::string alt = trimmed(upload.alt);
  if (!plain_text_within(title, kMaxTitleChars) || !plain_text_within(alt, kMaxAltChars)) {
    return refuse(UploadError::kBadText);
  }

  auto mime_type = detect_mime_type(upload.bytes);
  if (!mime_type) return util::fail(std::move(mime_type.error()));
  const auto type = std::find_if(kAllowedTypes.begin(), kAllowedTypes.end(),
                                 [&](const AllowedType& t) { return t.mime_type == *mime_type; });
  if (type == kAllowedTypes.end()) return refuse(refusal_for(*mime_type));

  // outputs[0] is the file itself, the rest an image's resized copies.
  std::vector<Encoded> outputs;
  if (type->kind == Kind::kImage) {
    if (alt.empty()) return refuse(UploadError::kAltMissing);
    auto images = process_image(type->mime_type, type->extension, upload.bytes, limits);
    if (!images) return util::fail(std::move(images.error()));
    outputs = std::move(*images);
  } else {
    outputs.push_back({.suffix = "", .bytes = "", .as_uploaded = true});
  }

  const std::string folder = year_month(upload.now);
  std::error_code error;
  std::filesystem::create_directories(media_root / folder, error);
  if (error) {
    return util::fail(ErrorCode::kIo,
                      "cannot create " + (media_root / folder).string() + ": " + error.message());
  }

  const std::string stem = stem_slug(upload.original_name);
  for (int attempt = 1; attempt <= kMaxNameAttempts; ++attempt) {
    const std::string numbered = attempt == 1 ? stem : stem + "-" + std::to_string(attempt);
    const std::vector<std::string> names = names_for(folder, numbered, type->extension, outputs);
    auto known = known_to_store(store, names);
    if (!known) return util::fail(std::move(known.error()));
    if (*known) continue;
    auto reservation = reserve(media_root, names);
    if (!reservation) return util::fail(std::move(reservation.error()));
    if (*reservation == Reservation::kTaken) continue;

    if (auto written = write_all(media_root, names, outputs, upload.bytes); !written) {
      remove_files(media_root, names);
      return util::fail(std::move(written.error()));
    }
    content::Media media;
    media.path = names.front();
    media.mime_type = std::string(type->mime_type);
    media.title = title;
    media.alt = alt;
    media.entry_id = upload.entry_id;
    media.size = static_cast<std::int64_t>(outputs.front().stored(upload.bytes).size());
    media.uploaded_at = upload.now;
    auto id = store.save_media(media);
    if (!id) {
      remove_files(media_root, names);
      // Another writer recorded the path between the check and the save: try the next name.
      if (id.error().code == ErrorCode::kConflict) continue;
      return util::fail(std::move(id.error()));
    }
    media.id = *id;
    return media;
  }
  return util::fail(ErrorCode::kConflict,
                    "no free name for " + stem + " in " + (media_root / folder).string());
}

}  // namespace reelpress::media
