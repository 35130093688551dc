#include "media/upload.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <vips/vips8>

#include "store/sqlite/sqlite_store.h"
#include "util/civil_time.h"
#include "util/files.h"
#include "util/scoped_temp_dir.h"

namespace reelpress::media {
namespace {

namespace fs = std::filesystem;
using util::ErrorCode;

const util::UnixTime kNow = util::from_civil({2026, 12, 5, 12, 0, 0});
constexpr std::string_view kHtml =
    "<!DOCTYPE html><html><head><title>Win</title></head>"
    "<body><script>alert(document.cookie)</script></body></html>\n";

void start_vips() {
  static std::once_flag once;
  std::call_once(once, [] { ASSERT_EQ(VIPS_INIT("upload_test"), 0); });
}

std::string to_bytes(VipsBlob* blob) {
  std::size_t size = 0;
  const void* data = vips_blob_get(blob, &size);
  std::string bytes(static_cast<const char*>(data), size);
  vips_area_unref(VIPS_AREA(blob));
  return bytes;
}

// A grey RGB test picture with some noise, so that JPEG has something to encode.
vips::VImage picture(int width, int height) {
  start_vips();
  return (vips::VImage::black(width, height, vips::VImage::option()->set("bands", 3)) + 128 +
          vips::VImage::gaussnoise(width, height))
      .cast(VIPS_FORMAT_UCHAR)
      .copy();
}

// The kind of EXIF a phone writes: where the camera was held and what it is.
vips::VImage with_camera_exif(vips::VImage image, int orientation) {
  image.set("orientation", orientation);
  image.set("exif-ifd0-Orientation", std::to_string(orientation).c_str());
  image.set("exif-ifd0-Make", "SecretCameraMaker");
  image.set("exif-ifd0-Model", "Serial-4711-XYZ");
  return image;
}

int free_metadata(void* data, void* /*unused*/) {
  g_free(data);
  return 0;
}

std::string jpeg(const vips::VImage& image) { return to_bytes(image.jpegsave_buffer()); }
std::string png(const vips::VImage& image) { return to_bytes(image.pngsave_buffer()); }

vips::VImage load(const std::string& bytes) {
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "").copy_memory();
}

bool has_field(const vips::VImage& image, const char* name) { return image.get_typeof(name) != 0; }

class AcceptUpload : public ::testing::Test {
 protected:
  void SetUp() override {
    start_vips();
    auto store = store::sqlite::SqliteStore::open(":memory:");
    ASSERT_TRUE(store) << store.error().describe();
    store_ = std::move(*store);
  }

  util::Result<content::Media> upload(std::string name, std::string_view bytes,
                                      std::string alt = "A salt caravan at dawn",
                                      const UploadLimits& limits = {}) {
    return accept_upload(*store_, root(), limits,
                         {.original_name = std::move(name),
                          .bytes = bytes,
                          .title = "Salt road",
                          .alt = std::move(alt),
                          .now = kNow});
  }

  fs::path root() const { return dir_.path() / "media"; }

  std::string stored(const std::string& path) const {
    auto bytes = util::read_file(root() / path);
    EXPECT_TRUE(bytes) << bytes.error().describe();
    return bytes ? *bytes : "";
  }

  // Every file under the whole temporary folder, relative to it, sorted.
  std::vector<std::string> files() const {
    std::vector<std::string> found;
    for (const auto& item : fs::recursive_directory_iterator(dir_.path())) {
      if (item.is_regular_file()) found.push_back(fs::relative(item.path(), dir_.path()));
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  void expect_refused(const util::Result<content::Media>& result, UploadError error) {
    ASSERT_FALSE(result) << "stored " << result->path;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(result.error().message, upload_error_message(error));
    EXPECT_EQ(upload_error_of(result.error()), error);
    EXPECT_EQ(files(), std::vector<std::string>{}) << "a refused upload left files";
  }

  util::ScopedTempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
};

TEST_F(AcceptUpload, JpegLosesItsExifAndIsTurnedUpright) {
  const std::string original = jpeg(with_camera_exif(picture(64, 32), 6));
  ASSERT_NE(original.find("SecretCameraMaker"), std::string::npos);

  auto media = upload("Salt Road.JPG", original);
  ASSERT_TRUE(media) << media.error().describe();
  EXPECT_EQ(media->path, "2026/12/salt-road.jpg");
  EXPECT_EQ(media->mime_type, "image/jpeg");
  EXPECT_EQ(media->title, "Salt road");
  EXPECT_EQ(media->alt, "A salt caravan at dawn");
  EXPECT_EQ(media->uploaded_at, kNow);
  EXPECT_GT(media->id, 0);

  const std::string bytes = stored(media->path);
  EXPECT_EQ(media->size, static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(bytes.find("SecretCameraMaker"), std::string::npos);
  EXPECT_EQ(bytes.find("Serial-4711"), std::string::npos);
  EXPECT_EQ(bytes.find(std::string("Exif\0\0", 6)), std::string::npos);
  const vips::VImage image = load(bytes);
  EXPECT_FALSE(has_field(image, "exif-data"));
  EXPECT_FALSE(has_field(image, "exif-ifd0-Make"));
  EXPECT_FALSE(has_field(image, "xmp-data"));
  EXPECT_FALSE(has_field(image, "orientation"));
  // Orientation 6 means "turn 90 degrees clockwise to view": the stored image is upright.
  EXPECT_EQ(image.width(), 32);
  EXPECT_EQ(image.height(), 64);

  auto row = store_->media_by_path("2026/12/salt-road.jpg");
  ASSERT_TRUE(row) << row.error().describe();
  EXPECT_EQ(row->id, media->id);
  EXPECT_EQ(row->size, media->size);
  EXPECT_EQ(row->mime_type, "image/jpeg");
}

TEST_F(AcceptUpload, PngLosesItsMetadata) {
  vips::VImage image = with_camera_exif(picture(40, 30), 1);
  const std::string original = png(image);
  auto media = upload("map.png", original);
  ASSERT_TRUE(media) << media.error().describe();
  EXPECT_EQ(media->path, "2026/12/map.png");
  EXPECT_EQ(media->mime_type, "image/png");
  const std::string bytes = stored(media->path);
  EXPECT_EQ(bytes.find("SecretCameraMaker"), std::string::npos);
  EXPECT_EQ(bytes.find("eXIf"), std::string::npos);
  const vips::VImage reloaded = load(bytes);
  EXPECT_FALSE(has_field(reloaded, "exif-data"));
  EXPECT_EQ(reloaded.width(), 40);
  EXPECT_EQ(reloaded.height(), 30);
}

TEST_F(AcceptUpload, ColourProfileIsAppliedThenDropped) {
  // A wide-gamut photograph, as phones take them: Display P3 pixels with the profile attached.
  vips::VImage image = (vips::VImage::black(40, 30, vips::VImage::option()->set("bands", 3)) +
                        std::vector<double>{200, 80, 60})
                           .cast(VIPS_FORMAT_UCHAR)
                           .copy();
  VipsBlob* profile = vips::VImage::profile_load("p3");
  std::size_t size = 0;
  const void* data = vips_blob_get(profile, &size);
  image.set(VIPS_META_ICC_NAME, free_metadata, g_memdup2(data, size), size);
  vips_area_unref(VIPS_AREA(profile));
  const std::string original = jpeg(image);
  ASSERT_TRUE(has_field(load(original), VIPS_META_ICC_NAME));

  auto media = upload("p3.jpg", original);
  ASSERT_TRUE(media) << media.error().describe();
  const vips::VImage converted = load(stored(media->path));
  EXPECT_FALSE(has_field(converted, VIPS_META_ICC_NAME));
  // P3's red (200, 80, 60) is a more saturated red in sRGB: the pixels were converted, not
  // merely relabelled (which would dull every wide-gamut photograph).
  EXPECT_GT(converted.extract_band(0).avg(), 205.0);
  EXPECT_LT(converted.extract_band(1).avg(), 78.0);
}

TEST_F(AcceptUpload, ImagesGetResizedCopiesAtSmallerWidths) {
  auto media = upload("map.png", png(picture(1000, 500)));
  ASSERT_TRUE(media) << media.error().describe();
  EXPECT_EQ(files(),
            (std::vector<std::string>{"media/2026/12/map-480w.png", "media/2026/12/map-960w.png",
                                      "media/2026/12/map.png"}));
  const vips::VImage small = load(stored("2026/12/map-480w.png"));
  EXPECT_EQ(small.width(), 480);
  EXPECT_EQ(small.height(), 240);
  EXPECT_FALSE(has_field(small, "exif-data"));
  const vips::VImage medium = load(stored("2026/12/map-960w.png"));
  EXPECT_EQ(medium.width(), 960);
  EXPECT_EQ(medium.height(), 480);
  // The copies are files beside the original; the store records the upload once.
  EXPECT_FALSE(store_->media_by_path("2026/12/map-480w.png"));

  UploadLimits limits;
  limits.widths = {200, 0, -5, 200, 100};
  auto other = upload("plan.jpg", jpeg(picture(300, 150)), "A plan", limits);
  ASSERT_TRUE(other) << other.error().describe();
  EXPECT_TRUE(fs::exists(root() / "2026/12/plan-100w.jpg"));
  EXPECT_TRUE(fs::exists(root() / "2026/12/plan-200w.jpg"));
  EXPECT_EQ(load(stored("2026/12/plan-200w.jpg")).height(), 100);
}

TEST_F(AcceptUpload, AnimatedGifKeepsItsFramesInEveryCopy) {
  vips::VImage frames = picture(1000, 900).extract_band(0);
  frames.set("page-height", 300);
  frames.set("delay", std::vector<int>{100, 100, 100});
  const std::string gif = to_bytes(frames.gifsave_buffer());
  auto media = upload("route.gif", gif);
  ASSERT_TRUE(media) << media.error().describe();
  EXPECT_EQ(media->mime_type, "image/gif");
  const std::string copy = stored("2026/12/route-480w.gif");
  const vips::VImage animation = vips::VImage::new_from_buffer(
      copy.data(), copy.size(), "", vips::VImage::option()->set("n", -1));
  EXPECT_EQ(animation.width(), 480);
  EXPECT_EQ(animation.get_int("n-pages"), 3);
  EXPECT_EQ(vips_image_get_page_height(animation.get_image()), 144);
}

TEST_F(AcceptUpload, WebpIsStoredAsWebp) {
  const std::string webp = to_bytes(with_camera_exif(picture(600, 400), 1).webpsave_buffer());
  auto media = upload("still.webp", webp);
  ASSERT_TRUE(media) << media.error().describe();
  EXPECT_EQ(media->path, "2026/12/still.webp");
  EXPECT_EQ(media->mime_type, "image/webp");
  const std::string bytes = stored(media->path);
  EXPECT_TRUE(bytes.starts_with("RIFF")) << bytes.substr(0, 16);
  EXPECT_EQ(bytes.find("SecretCameraMaker"), std::string::npos);
  EXPECT_EQ(bytes.find("EXIF"), std::string::npos);
  EXPECT_FALSE(has_field(load(bytes), "exif-data"));
  EXPECT_EQ(load(stored("2026/12/still-480w.webp")).width(), 480);
}

TEST_F(AcceptUpload, PdfIsStoredByteForByteWithoutAlt) {
  const std::string pdf =
      "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
      "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
      "trailer << /Root 1 0 R >>\n%%EOF\n";
  auto media = upload("Lesson plan (grades 9-12).pdf", pdf, "");
  ASSERT_TRUE(media) << media.error().describe();
  EXPECT_EQ(media->path, "2026/12/lesson-plan-grades-9-12.pdf");
  EXPECT_EQ(media->mime_type, "application/pdf");
  EXPECT_EQ(media->alt, "");
  EXPECT_EQ(stored(media->path), pdf);
  EXPECT_EQ(media->size, static_cast<std::int64_t>(pdf.size()));
}

TEST_F(AcceptUpload, HtmlIsRefusedWhateverItsName) {
  expect_refused(upload("still.jpg", kHtml), UploadError::kHtml);
  expect_refused(upload("page.html", kHtml), UploadError::kHtml);
}

TEST_F(AcceptUpload, SvgIsRefused) {
  const std::string svg =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
      "<script>alert(1)</script><rect width=\"10\" height=\"10\"/></svg>\n";
  expect_refused(upload("logo.svg", svg), UploadError::kSvg);
}

TEST_F(AcceptUpload, ScriptsAndOtherTypesAreRefused) {
  expect_refused(upload("run.jpg", "#!/bin/sh\nrm -rf /\n"), UploadError::kProgram);
  expect_refused(upload("shell.gif", "<?php system($_GET['c']); ?>\n"), UploadError::kProgram);
  expect_refused(upload("notes.pdf", "Some notes about the film.\n", ""), UploadError::kNotAllowed);
}

TEST_F(AcceptUpload, GifWithHtmlAfterTheImageIsStoredWithoutIt) {
  const std::string polyglot =
      to_bytes(picture(20, 20).extract_band(0).gifsave_buffer()) + std::string(kHtml);
  ASSERT_EQ(*detect_mime_type(polyglot), "image/gif");
  auto media = upload("innocent.gif", polyglot);
  ASSERT_TRUE(media) << media.error().describe();
  const std::string bytes = stored(media->path);
  EXPECT_EQ(bytes.find("<script>"), std::string::npos);
  EXPECT_EQ(bytes.find("<html>"), std::string::npos);
  EXPECT_TRUE(bytes.starts_with("GIF8"));
}

TEST_F(AcceptUpload, JpegWithHtmlAppendedIsStoredWithoutIt) {
  const std::string polyglot = jpeg(picture(50, 40)) + std::string(kHtml);
  auto media = upload("innocent.jpg", polyglot);
  ASSERT_TRUE(media) << media.error().describe();
  const std::string bytes = stored(media->path);
  EXPECT_EQ(bytes.find("<script>"), std::string::npos);
  EXPECT_EQ(bytes.find("DOCTYPE"), std::string::npos);
}

TEST_F(AcceptUpload, GifHeaderFollowedByHtmlIsRefused) {
  const std::string polyglot = "GIF89a" + std::string(kHtml);
  auto media = upload("innocent.gif", polyglot);
  ASSERT_FALSE(media) << "stored " << media->path;
  const auto why = upload_error_of(media.error());
  ASSERT_TRUE(why) << media.error().describe();
  EXPECT_TRUE(*why == UploadError::kBrokenImage || *why == UploadError::kHtml);
  EXPECT_EQ(files(), std::vector<std::string>{});
}

TEST_F(AcceptUpload, PathInTheNameGivesAServerMadeName) {
  const std::string image = jpeg(picture(30, 20));
  auto media = upload("../../etc/passwd.jpg", image);
  ASSERT_TRUE(media) << media.error().describe();
  EXPECT_EQ(media->path, "2026/12/passwd.jpg");
  auto windows = upload("C:\\Users\\ana\\..\\Salt Road (final).JPEG", image);
  ASSERT_TRUE(windows) << windows.error().describe();
  EXPECT_EQ(windows->path, "2026/12/salt-road-final.jpg");
  // The extension follows the content, never the name.
  auto named_html = upload("index.html", image);
  ASSERT_TRUE(named_html) << named_html.error().describe();
  EXPECT_EQ(named_html->path, "2026/12/index.jpg");
  auto nameless = upload("", image);
  ASSERT_TRUE(nameless) << nameless.error().describe();
  EXPECT_EQ(nameless->path, "2026/12/file.jpg");
  EXPECT_EQ(files(), (std::vector<std::string>{"media/2026/12/file.jpg", "media/2026/12/index.jpg",
                                               "media/2026/12/passwd.jpg",
                                               "media/2026/12/salt-road-final.jpg"}));
}

TEST(StemSlug, KeepsAsciiLettersDigitsAndSingleHyphens) {
  EXPECT_EQ(stem_slug("../../Salt Road (final).JPG"), "salt-road-final");
  EXPECT_EQ(stem_slug("still.php.jpg"), "still-php");
  EXPECT_EQ(stem_slug(".htaccess"), "htaccess");
  EXPECT_EQ(stem_slug("--__--.png"), "file");
  EXPECT_EQ(stem_slug(""), "file");
  EXPECT_EQ(stem_slug("..."), "file");
  EXPECT_EQ(stem_slug("caf\xc3\xa9 du port.jpg"), "caf-du-port");
  EXPECT_EQ(stem_slug(std::string(100, 'a') + ".jpg"), std::string(kMaxStemChars, 'a'));
  EXPECT_EQ(stem_slug(std::string(59, 'a') + " b.jpg"), std::string(59, 'a'));
}

TEST_F(AcceptUpload, OversizedAndEmptyFilesAreRefused) {
  const std::string image = jpeg(picture(30, 20));
  UploadLimits limits;
  limits.max_bytes = image.size() - 1;
  expect_refused(upload("big.jpg", image, "alt", limits), UploadError::kTooLarge);
  limits.max_bytes = image.size();
  EXPECT_TRUE(upload("fits.jpg", image, "alt", limits));
  std::filesystem::remove_all(root());
  expect_refused(upload("empty.jpg", ""), UploadError::kEmpty);
}

TEST_F(AcceptUpload, ImagesWithTooManyPixelsAreRefused) {
  UploadLimits limits;
  limits.max_pixels = 100 * 100 - 1;
  expect_refused(upload("huge.png", png(picture(100, 100)), "alt", limits),
                 UploadError::kTooManyPixels);
}

TEST_F(AcceptUpload, TruncatedJpegIsRefused) {
  const std::string image = jpeg(picture(400, 300));
  expect_refused(upload("cut.jpg", image.substr(0, image.size() / 2)), UploadError::kBrokenImage);
}

TEST_F(AcceptUpload, ImagesNeedAltText) {
  const std::string image = png(picture(30, 20));
  expect_refused(upload("still.png", image, ""), UploadError::kAltMissing);
  expect_refused(upload("still.png", image, " \t\n"), UploadError::kAltMissing);
}

TEST_F(AcceptUpload, TitleAndAltMustBePlainTextWithinLimits) {
  const std::string image = png(picture(30, 20));
  expect_refused(upload("still.png", image, "bad \xff byte"), UploadError::kBadText);
  expect_refused(upload("still.png", image, std::string(kMaxAltChars + 1, 'a')),
                 UploadError::kBadText);
  auto media = upload("still.png", image, "  Camels at dawn \n");
  ASSERT_TRUE(media) << media.error().describe();
  EXPECT_EQ(media->alt, "Camels at dawn");
}

TEST_F(AcceptUpload, TakenNamesGetANumber) {
  const std::string image = png(picture(30, 20));
  EXPECT_EQ(upload("salt road.png", image)->path, "2026/12/salt-road.png");
  EXPECT_EQ(upload("Salt-Road.png", image)->path, "2026/12/salt-road-2.png");
  EXPECT_EQ(upload("salt_road.png", image)->path, "2026/12/salt-road-3.png");

  // A file on disk that the store does not know (left by an import) is not replaced.
  std::ofstream(root() / "2026/12/still.png") << "old";
  EXPECT_EQ(upload("still.png", image)->path, "2026/12/still-2.png");
  EXPECT_EQ(stored("2026/12/still.png"), "old");

  // A row whose file is missing still owns its name.
  content::Media row;
  row.path = "2026/12/poster.png";
  row.mime_type = "image/png";
  ASSERT_TRUE(store_->save_media(row));
  EXPECT_EQ(upload("poster.png", image)->path, "2026/12/poster-2.png");

  // The name of any copy counts too: map.png would need map-480w.png, which is taken.
  std::ofstream(root() / "2026/12/map-480w.png") << "someone else's";
  auto map = upload("map.png", png(picture(1000, 500)));
  ASSERT_TRUE(map) << map.error().describe();
  EXPECT_EQ(map->path, "2026/12/map-2.png");
  EXPECT_TRUE(fs::exists(root() / "2026/12/map-2-480w.png"));
  EXPECT_EQ(stored("2026/12/map-480w.png"), "someone else's");
  EXPECT_FALSE(fs::exists(root() / "2026/12/map.png"));
}

TEST_F(AcceptUpload, UploadsAtTheSameMomentNeverShareAName) {
  const std::string image = png(picture(600, 300));
  constexpr int kThreads = 4;
  std::vector<std::string> paths(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto media = upload("still.png", image);
      paths[i] = media ? media->path : media.error().describe();
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"2026/12/still-2.png", "2026/12/still-3.png",
                                             "2026/12/still-4.png", "2026/12/still.png"}));
  EXPECT_EQ(files().size(), 2u * kThreads);  // Each with its 480w copy, nothing else.
}

TEST_F(AcceptUpload, AFailedSaveLeavesNoFiles) {
  auto media = accept_upload(*store_, root(), {},
                             {.original_name = "map.png",
                              .bytes = png(picture(1000, 500)),
                              .alt = "A map",
                              .now = kNow,
                              .entry_id = 4990});  // No such entry.
  ASSERT_FALSE(media);
  EXPECT_EQ(upload_error_of(media.error()), std::nullopt) << media.error().describe();
  EXPECT_EQ(files(), std::vector<std::string>{});
}

TEST_F(AcceptUpload, UnwritableMediaRootIsAnIoError) {
  std::ofstream(dir_.path() / "media") << "a file, not a folder";
  auto media = upload("still.png", png(picture(30, 20)));
  ASSERT_FALSE(media);
  EXPECT_EQ(media.error().code, ErrorCode::kIo);
  EXPECT_EQ(upload_error_of(media.error()), std::nullopt);
}

TEST(UploadError, EveryRefusalRoundTripsThroughItsMessage) {
  for (const UploadError error :
       {UploadError::kEmpty, UploadError::kTooLarge, UploadError::kBadText, UploadError::kHtml,
        UploadError::kSvg, UploadError::kProgram, UploadError::kNotAllowed,
        UploadError::kAltMissing, UploadError::kBrokenImage, UploadError::kTooManyPixels}) {
    const std::string message(upload_error_message(error));
    EXPECT_TRUE(message.ends_with(".")) << message;
    EXPECT_EQ(upload_error_of({ErrorCode::kInvalidArgument, message}), error);
    EXPECT_EQ(upload_error_of({ErrorCode::kIo, message}), std::nullopt);
  }
}

}  // namespace
}  // namespace reelpress::media
