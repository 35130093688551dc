#include "media/active_content.h"

#include <gtest/gtest.h>

#include <fstream>

#include "util/scoped_temp_dir.h"

namespace reelpress::media {
namespace {

std::string kind(std::string_view name, std::string_view bytes) {
  auto found = active_kind(name, bytes);
  EXPECT_TRUE(found) << found.error().message;
  return found ? *found : "?";
}

TEST(ActiveKind, NamesDocumentsAndScriptsByAnyOfTheirExtensions) {
  EXPECT_EQ(kind("2009/07/notes.html", "plain words"), "HTML");
  EXPECT_EQ(kind("2009/07/NOTES.HTM", ""), "HTML");
  EXPECT_EQ(kind("map.svg", ""), "SVG");
  EXPECT_EQ(kind("feed.xml", ""), "XML");
  EXPECT_EQ(kind("player.js", ""), "script");
  EXPECT_EQ(kind("shell.php", ""), "server script");
  // Apache serves "a.html.x" as HTML when it knows no type for "x".
  EXPECT_EQ(kind("notes.html.bak", ""), "HTML");
  EXPECT_EQ(kind("shell.php.jpg", "\xFF\xD8\xFF\xE0"), "server script");
  EXPECT_EQ(kind("a.html/still.jpg", "\xFF\xD8\xFF\xE0"), "");  // A folder's name is no type.
}

TEST(ActiveKind, SniffsDocumentsAsABrowserWouldWhateverTheName) {
  EXPECT_EQ(kind("notes", "  \n<!DOCTYPE html><p>x"), "HTML");
  EXPECT_EQ(kind("notes.txt", "<script>alert(1)</script>"), "HTML");
  EXPECT_EQ(kind("readme", "<?xml version=\"1.0\"?><svg/>"), "XML");
  EXPECT_EQ(kind("drawing", "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>"),
            "SVG");
  // A tag name must end where the pattern does: "<bold" is no "<b".
  EXPECT_EQ(kind("notes.txt", "<boldly> went"), "");
}

TEST(ActiveKind, LeavesMediaAndTextAlone) {
  EXPECT_EQ(kind("2009/07/still.jpg", std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10)), "");
  EXPECT_EQ(kind("press-kit.pdf", "%PDF-1.4\n%%EOF\n"), "");
  EXPECT_EQ(kind("subtitles.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"), "");
  EXPECT_EQ(kind(".hidden", ""), "");
  EXPECT_EQ(kind("empty", ""), "");
}

TEST(ActiveKindOfFile, ReadsTheStartOfTheFile) {
  util::ScopedTempDir dir;
  std::ofstream(dir.path() / "notes") << "<html><body>x</body></html>";
  auto found = active_kind_of_file(dir.path() / "notes", "2009/07/notes");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, "HTML");
  auto missing = active_kind_of_file(dir.path() / "missing", "missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, util::ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find("missing"), std::string::npos);
}

}  // namespace
}  // namespace reelpress::media
