#include "site/admin/revisions.h"

#include <gtest/gtest.h>

namespace reelpress::site::admin {
namespace {

using Kind = DiffLine::Kind;

TEST(Revisions, ARecordKeepsEveryEditableField) {
  content::Entry e;
  e.id = 4990;
  e.slug = "about-the-film";
  e.title = "About “The Salt Road”";
  e.kicker = "The Salt Road";
  e.kind = content::EntryKind::kIntroduction;
  e.status = content::EntryStatus::kScheduled;
  e.body_format = content::BodyFormat::kHtml;
  e.body = "<p>Line one</p>\n<p>Line two</p>";
  e.body_html = "rendered";
  e.excerpt = "Short";
  e.published_at = 1310500800;
  e.author_id = 3;
  e.film_id = 7;
  e.sticky = true;
  e.comments_open = false;
  e.category_ids = {4, 2};
  e.tag_ids = {9};
  e.organization_ids = {11, 12};
  e.sections = {{"About the Film", "Film text", "<p>x</p>"}, {"About the Issue", "Issue", ""}};

  auto back = entry_from_record(entry_record(e));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->id, 0);
  EXPECT_EQ(back->body_html, "");  // Made again from the source when restored.
  EXPECT_EQ(back->slug, e.slug);
  EXPECT_EQ(back->title, e.title);
  EXPECT_EQ(back->kicker, e.kicker);
  EXPECT_EQ(back->kind, e.kind);
  EXPECT_EQ(back->status, e.status);
  EXPECT_EQ(back->body_format, e.body_format);
  EXPECT_EQ(back->body, e.body);
  EXPECT_EQ(back->excerpt, e.excerpt);
  EXPECT_EQ(back->published_at, e.published_at);
  EXPECT_EQ(back->author_id, e.author_id);
  EXPECT_EQ(back->film_id, e.film_id);
  EXPECT_FALSE(back->parent_id.has_value());
  EXPECT_TRUE(back->sticky);
  EXPECT_FALSE(back->comments_open);
  EXPECT_EQ(back->category_ids, e.category_ids);
  EXPECT_EQ(back->tag_ids, e.tag_ids);
  EXPECT_EQ(back->organization_ids, e.organization_ids);
  ASSERT_EQ(back->sections.size(), 2u);
  EXPECT_EQ(back->sections[1].heading, "About the Issue");
  EXPECT_EQ(back->sections[0].body, "Film text");
}

TEST(Revisions, ADamagedRecordIsCorruptNotACrash) {
  EXPECT_EQ(entry_from_record("not json").error().code, util::ErrorCode::kCorrupt);
  EXPECT_EQ(entry_from_record("[1,2]").error().code, util::ErrorCode::kCorrupt);
  EXPECT_EQ(entry_from_record(R"({"title": 5})").error().code, util::ErrorCode::kCorrupt);
  // An older record without newer fields keeps their defaults.
  auto old = entry_from_record(R"({"title": "Old"})");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->title, "Old");
  EXPECT_TRUE(old->comments_open);
}

TEST(Revisions, DiffMarksRemovedAndAddedLinesAroundWhatIsKept) {
  auto d = line_diff({"a", "b", "c", "d"}, {"a", "c", "x", "d"});
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[0].kind, Kind::kKept);
  EXPECT_EQ(d[1].kind, Kind::kRemoved);
  EXPECT_EQ(d[1].text, "b");
  EXPECT_EQ(d[2].kind, Kind::kKept);
  EXPECT_EQ(d[2].text, "c");
  EXPECT_EQ(d[3].kind, Kind::kAdded);
  EXPECT_EQ(d[3].text, "x");
  EXPECT_EQ(d[4].kind, Kind::kKept);
}

TEST(Revisions, AReplacedLineIsRemovedThenAdded) {
  auto d = line_diff({"same", "old"}, {"same", "new"});
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[1].kind, Kind::kRemoved);
  EXPECT_EQ(d[2].kind, Kind::kAdded);
}

TEST(Revisions, EqualTextsAreAllKeptAndEmptyOnesWork) {
  for (const DiffLine& l : line_diff({"a", "b"}, {"a", "b"})) EXPECT_EQ(l.kind, Kind::kKept);
  EXPECT_TRUE(line_diff({}, {}).empty());
  auto added = line_diff({}, {"x", "y"});
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0].kind, Kind::kAdded);
}

TEST(Revisions, EntryTextShowsTheFieldsThenBodyThenSections) {
  content::Entry e;
  e.title = "T";
  e.body = "one\r\ntwo";
  e.sections = {{"About the Film", "film", ""}};
  auto lines = entry_text(e);
  EXPECT_EQ(lines[0], "Title: T");
  EXPECT_NE(std::find(lines.begin(), lines.end(), "one"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "two"), lines.end());
  EXPECT_EQ(lines.back(), "film");
  EXPECT_EQ(lines[lines.size() - 2], "## About the Film");
}

}  // namespace
}  // namespace reelpress::site::admin
