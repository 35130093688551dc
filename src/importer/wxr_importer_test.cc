#include "importer/wxr_importer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "importer/wxr_test_support.h"
#include "store/sqlite/sqlite_store.h"

namespace reelpress::importer {
namespace {

using content::EntryKind;
using content::EntryStatus;
using content::ModerationStatus;
using namespace testing;

std::unique_ptr<store::Store> memory_store() {
  auto s = store::sqlite::SqliteStore::open(":memory:");
  EXPECT_TRUE(s) << s.error().message;
  return std::move(*s);
}

util::Result<ImportSummary> import_text(store::Store& store, const std::string& xml,
                                        const std::string& name = "site.xml") {
  auto in = InputStream::from_string(xml, name);
  return import_wxr(store, *in);
}

int count_entries(store::Store& store) {
  store::EntryQuery q;
  q.statuses = {EntryStatus::kDraft, EntryStatus::kScheduled, EntryStatus::kPublished,
                EntryStatus::kPrivate, EntryStatus::kTrash};
  q.kinds = {EntryKind::kArticle, EntryKind::kPage};
  q.limit = 0;
  auto list = store.list_entries(q);
  EXPECT_TRUE(list) << list.error().message;
  return list ? list->total : -1;
}

int count_comments(store::Store& store) {
  int n = 0;
  for (auto status : {ModerationStatus::kPending, ModerationStatus::kApproved,
                      ModerationStatus::kSpam, ModerationStatus::kTrash}) {
    auto list = store.comments_with_status(status, 1000000);
    EXPECT_TRUE(list);
    if (list) n += static_cast<int>(list->size());
  }
  return n;
}

// A small site with one of everything the importer maps.
std::string small_site() {
  std::string body = author(1, "admin", "admin") + author(2, "editor1", "Mara Quint") +
                     category(2, "episodes", "", "Episodes") +
                     category(3, "the-salt-road", "episodes", "The Salt Road") +
                     category(4, "by-geography", "episodes", "by-geography") +
                     category(5, "africa", "by-geography", "Africa") +
                     category(1, "uncategorized", "", "Uncategorized") +
                     category(6, "%ed%95%9c%ea%b5%ad%ec%96%b4", "", "한국어") +
                     tag(10, "desert", "desert") + tag(11, "mali", "Mali") +
                     "<wp:term><wp:term_id>30</wp:term_id><wp:term_taxonomy>nav_menu</"
                     "wp:term_taxonomy><wp:term_slug>main</wp:term_slug><wp:term_parent></"
                     "wp:term_parent><wp:term_name>Main</wp:term_name></wp:term>\n";
  body += item({.id = 4,
                .title = "The Salt Road: Introduction",
                .slug = "introduction",
                .content = "Caravans cross.\n\n[caption align=\"alignleft\"]<img "
                           "src=\"http://old.example.org/files/2009/07/caravan.jpg\" alt=\"C\" "
                           "/> Caravan at dawn[/caption]",
                .excerpt = "Salt &amp; sand",
                .creator = "editor1",
                .link = "http://old.example.org/episodes/the-salt-road/introduction/4/",
                .extra = item_term("category", "africa", "Africa") +
                         item_term("post_tag", "desert", "desert") +
                         item_term("post_tag", "mali", "Mali") +
                         item_term("category", "the-salt-road", "The Salt Road") +
                         comment({.id = 2, .author = "Ines", .content = "Add the clinic."}) +
                         comment({.id = 3, .author = "Mara", .content = "Added.", .parent = 2}) +
                         comment({.id = 4, .author = "pending person", .approved = "0"}) +
                         comment({.id = 5, .author = "spammer", .approved = "spam"}) +
                         comment({.id = 6, .author = "gone", .approved = "trash"}) +
                         comment({.id = 7, .author = "Blog", .type = "pingback"}) +
                         comment({.id = 8, .author = "x", .type = "webmention"})});
  body += item({.id = 10,
                .title = "소금길: 한국어 소개",
                .slug = "%ec%86%8c%ea%b8%88%ea%b8%b8",
                .extra = item_term("category", "%ed%95%9c%ea%b5%ad%ec%96%b4", "한국어")});
  body += item({.id = 11,
                .title = "Draft: Unfinished &amp; <em>notes</em>",
                .slug = "",
                .status = "draft",
                .date = "2026-11-22 13:02:49",
                .date_gmt = "0000-00-00 00:00:00"});
  body += item({.id = 12, .title = "Private memo", .slug = "private-memo", .status = "private"});
  body += item({.id = 13, .slug = "protected", .password = "screener"});
  body += item({.id = 14, .slug = "season", .sticky = true, .comment_status = "closed"});
  body += item({.id = 18, .slug = "coming", .status = "future"});
  body += item({.id = 19, .slug = "deleted", .status = "trash"});
  body += item({.id = 20, .slug = "pending-review", .status = "pending"});
  body += item({.id = 15,
                .title = "About the Series",
                .slug = "about-the-series",
                .type = "page",
                .link = "http://old.example.org/about-the-series/"});
  body += item({.id = 16,
                .title = "Schedule",
                .slug = "schedule",
                .type = "page",
                .link = "http://old.example.org/about-the-series/schedule/",
                .parent = 15,
                .menu_order = 2});
  body += item({.id = 17,
                .title = "caravan",
                .slug = "caravan",
                .type = "attachment",
                .status = "inherit",
                .link = "http://old.example.org/episodes/the-salt-road/introduction/4/attachment/"
                        "caravan/",
                .parent = 4,
                .attachment_url = "http://old.example.org/wp-content/uploads/2009/07/caravan.jpg",
                .extra = postmeta("_wp_attached_file", "2009/07/caravan.jpg") +
                         postmeta("_wp_attachment_image_alt", "Caravan at dawn")});
  body += item({.id = 21, .type = "nav_menu_item"});
  body += item({.id = 22, .type = "revision", .status = "inherit"});
  body += item({.id = 23, .type = "revision", .status = "inherit"});
  return wxr_document(body);
}

TEST(WxrImporter, ImportsASmallSiteKeepingWordPressIds) {
  auto store = memory_store();
  auto summary = import_text(*store, small_site());
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->entries, 9);
  EXPECT_EQ(summary->pages, 2);
  EXPECT_EQ(summary->comments, 6);
  EXPECT_EQ(summary->categories, 6);
  EXPECT_EQ(summary->tags, 2);
  EXPECT_EQ(summary->users, 2);
  EXPECT_EQ(summary->attachments, 1);
  EXPECT_EQ(summary->skipped.at("revision items"), 2);
  EXPECT_EQ(summary->skipped.at("nav_menu_item items"), 1);
  EXPECT_EQ(summary->skipped.at("webmention comments"), 1);
  EXPECT_EQ(summary->skipped.at("nav_menu terms"), 1);
  EXPECT_EQ(summary->source_url, "http://old.example.org");
  EXPECT_EQ(summary->to_string(),
            "Imported 9 entries, 2 pages, 6 comments, 6 categories, 2 tags, 2 users and 1 "
            "attachment from http://old.example.org (Old Site); skipped 5: 1 nav_menu terms, 1 "
            "nav_menu_item items, 2 revision items, 1 webmention comments.");

  auto intro = store->entry_by_id(4);
  ASSERT_TRUE(intro) << intro.error().message;
  EXPECT_EQ(intro->kind, EntryKind::kArticle);
  EXPECT_EQ(intro->status, EntryStatus::kPublished);
  EXPECT_EQ(intro->slug, "introduction");
  EXPECT_EQ(intro->title, "The Salt Road: Introduction");
  EXPECT_EQ(intro->excerpt, "Salt & sand");
  EXPECT_EQ(intro->body_format, content::BodyFormat::kHtml);
  EXPECT_TRUE(intro->body.starts_with("Caravans cross.\n\n[caption"));
  EXPECT_NE(intro->body_html.find("<p>Caravans cross.</p>"), std::string::npos) << intro->body_html;
  EXPECT_NE(intro->body_html.find("<figure class=\"wp-caption alignleft\"><img "
                                  "src=\"/files/2009/07/caravan.jpg\""),
            std::string::npos)
      << intro->body_html;
  EXPECT_EQ(intro->published_at, 1246478400);  // 2009-07-01 20:00:00 UTC
  auto editor = store->user_by_login("editor1");
  ASSERT_TRUE(editor);
  EXPECT_EQ(intro->author_id, editor->id);
  EXPECT_EQ(editor->display_name, "Mara Quint");
  EXPECT_EQ(editor->role, content::Role::kAuthor);
  EXPECT_TRUE(editor->password_hash.empty());

  // WordPress's %category% is the category with the lowest term id, not the first listed.
  ASSERT_EQ(intro->category_ids.size(), 2u);
  auto primary = store->category_by_id(intro->category_ids[0]);
  ASSERT_TRUE(primary);
  EXPECT_EQ(primary->slug, "the-salt-road");
  auto africa = store->category_by_id(intro->category_ids[1]);
  ASSERT_TRUE(africa);
  EXPECT_EQ(africa->slug, "africa");
  auto geography = store->category_by_id(*africa->parent_id);
  ASSERT_TRUE(geography);
  EXPECT_EQ(geography->slug, "by-geography");
  EXPECT_EQ(intro->tag_ids.size(), 2u);

  // Comments: ids, threading, states.
  auto approved = store->comments_for_entry(4, ModerationStatus::kApproved);
  ASSERT_TRUE(approved);
  ASSERT_EQ(approved->size(), 3u);  // 2, 3 and the pingback 7.
  EXPECT_EQ((*approved)[0].id, 2);
  EXPECT_EQ((*approved)[1].id, 3);
  EXPECT_EQ((*approved)[1].parent_id, 2);
  EXPECT_EQ((*approved)[0].body_html, "<p>Add the clinic.</p>\n");
  EXPECT_EQ(store->comment_by_id(4)->status, ModerationStatus::kPending);
  EXPECT_EQ(store->comment_by_id(5)->status, ModerationStatus::kSpam);
  EXPECT_EQ(store->comment_by_id(6)->status, ModerationStatus::kTrash);
  EXPECT_FALSE(store->comment_by_id(8));

  // The Korean slug is stored decoded; so is the category's.
  auto korean = store->entry_by_id(10);
  ASSERT_TRUE(korean);
  EXPECT_EQ(korean->slug, "소금길");
  EXPECT_EQ(store->category_by_id(korean->category_ids.at(0))->slug, "한국어");

  auto draft = store->entry_by_id(11);
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->status, EntryStatus::kDraft);
  EXPECT_EQ(draft->title, "Draft: Unfinished & notes");
  EXPECT_EQ(draft->slug, "draft-unfinished-notes");
  EXPECT_EQ(draft->published_at, 1795352569);  // post_date, as post_date_gmt is zero.

  EXPECT_EQ(store->entry_by_id(12)->status, EntryStatus::kPrivate);
  EXPECT_EQ(store->entry_by_id(13)->status, EntryStatus::kPublished);
  EXPECT_EQ(store->entry_by_id(13)->password, "screener");
  EXPECT_TRUE(store->entry_by_id(14)->sticky);
  EXPECT_FALSE(store->entry_by_id(14)->comments_open);
  EXPECT_TRUE(store->entry_by_id(13)->comments_open);
  EXPECT_FALSE(store->entry_by_id(14)->pings_open);
  EXPECT_TRUE(store->entry_by_id(13)->pings_open);
  EXPECT_EQ(store->entry_by_id(18)->status, EntryStatus::kScheduled);
  EXPECT_EQ(store->entry_by_id(19)->status, EntryStatus::kTrash);
  EXPECT_EQ(store->entry_by_id(20)->status, EntryStatus::kDraft);

  auto schedule = store->entry_by_id(16);
  ASSERT_TRUE(schedule);
  EXPECT_EQ(schedule->kind, EntryKind::kPage);
  EXPECT_EQ(schedule->parent_id, 15);
  EXPECT_EQ(schedule->menu_order, 2);

  auto media = store->media_by_path("2009/07/caravan.jpg");
  ASSERT_TRUE(media) << media.error().message;
  EXPECT_EQ(media->mime_type, "image/jpeg");
  EXPECT_EQ(media->alt, "Caravan at dawn");
  EXPECT_EQ(media->entry_id, 4);

  auto redirect = store->redirect_from("/episodes/the-salt-road/introduction/4/");
  ASSERT_TRUE(redirect);
  EXPECT_EQ(redirect->entry_id, 4);
  EXPECT_FALSE(store->redirect_from("/?p=12"));
  auto attachment_page =
      store->redirect_from("/episodes/the-salt-road/introduction/4/attachment/caravan/");
  ASSERT_TRUE(attachment_page);
  EXPECT_EQ(attachment_page->to_path, "/files/2009/07/caravan.jpg");
}

TEST(WxrImporter, ReimportingUpdatesInPlaceAndDuplicatesNothing) {
  auto store = memory_store();
  auto first = import_text(*store, small_site());
  ASSERT_TRUE(first) << first.error().message;
  const int entries = count_entries(*store);
  const int comments = count_comments(*store);
  const auto categories = store->categories()->size();
  const auto tags = store->tags()->size();
  const auto users = store->users()->size();
  const auto category_of_4 = store->entry_by_id(4)->category_ids;

  auto second = import_text(*store, small_site());
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->to_string(), first->to_string());
  EXPECT_EQ(count_entries(*store), entries);
  EXPECT_EQ(entries, 11);
  EXPECT_EQ(count_comments(*store), comments);
  EXPECT_EQ(store->categories()->size(), categories);
  EXPECT_EQ(store->tags()->size(), tags);
  EXPECT_EQ(store->users()->size(), users);
  EXPECT_EQ(store->entry_by_id(4)->category_ids, category_of_4);
}

TEST(WxrImporter, AnExistingUserKeepsRoleAndPassword) {
  auto store = memory_store();
  content::User admin;
  admin.login = "editor1";
  admin.display_name = "Old name";
  admin.role = content::Role::kAdministrator;
  admin.password_hash = "$argon2id$v=19$stored";
  const auto id = store->save_user(admin);
  ASSERT_TRUE(id);
  ASSERT_TRUE(import_text(*store, small_site()));
  auto user = store->user_by_login("editor1");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, *id);
  EXPECT_EQ(user->role, content::Role::kAdministrator);
  EXPECT_EQ(user->password_hash, "$argon2id$v=19$stored");
  EXPECT_EQ(user->display_name, "Mara Quint");
}

TEST(WxrImporter, AFileThatFailsHalfwayLeavesTheStoreUntouched) {
  auto store = memory_store();
  std::string xml = small_site();
  // Break the XML after several items have been written.
  xml.insert(xml.find("<title><![CDATA[About the Series"), "<broken>");
  auto summary = import_text(*store, xml, "broken.xml");
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().code, util::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(summary.error().message.starts_with("broken.xml:")) << summary.error().message;
  EXPECT_NE(summary.error().message.find("mismatched tag"), std::string::npos)
      << summary.error().message;
  EXPECT_EQ(count_entries(*store), 0);
  EXPECT_EQ(count_comments(*store), 0);
  EXPECT_TRUE(store->categories()->empty());
  EXPECT_TRUE(store->tags()->empty());
  EXPECT_TRUE(store->users()->empty());
  EXPECT_FALSE(store->media_by_path("2009/07/caravan.jpg"));
}

TEST(WxrImporter, AHostileFileWritesNothing) {
  auto store = memory_store();
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY x \"y\">]>\n" + small_site().substr(39);
  auto summary = import_text(*store, xml, "evil.xml");
  ASSERT_FALSE(summary);
  EXPECT_NE(summary.error().message.find("evil.xml:2: WXR files must not declare entities"),
            std::string::npos)
      << summary.error().message;
  EXPECT_EQ(count_entries(*store), 0);
}

TEST(WxrImporter, CommenterAddressesAreStoredNowhere) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("reelpress-import-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto store = store::sqlite::SqliteStore::open(path.string());
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE(import_text(**store, small_site()));
  }
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(path.string() + suffix, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_NE(bytes.find("Add the clinic."), std::string::npos);  // The file was read.
  EXPECT_EQ(bytes.find("203.0.113.7"), std::string::npos);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST(WxrImporter, YoastPrimaryCategoryComesFirst) {
  auto store = memory_store();
  const std::string xml = wxr_document(
      category(3, "a", "", "A") + category(5, "b", "", "B") +
      item({.id = 7,
            .extra = item_term("category", "a", "A") + item_term("category", "b", "B") +
                     postmeta("_yoast_wpseo_primary_category", "5")}));
  ASSERT_TRUE(import_text(*store, xml));
  auto e = store->entry_by_id(7);
  ASSERT_TRUE(e);
  EXPECT_EQ(store->category_by_id(e->category_ids.at(0))->slug, "b");
}

TEST(WxrImporter, UndeclaredTermsAreCreatedFromTheItem) {
  auto store = memory_store();
  const std::string xml =
      wxr_document(item({.id = 7,
                         .extra = item_term("category", "news", "News &amp; Notes") +
                                  item_term("post_tag", "salt", "Salt") +
                                  item_term("post_format", "post-format-video", "Video")}));
  auto summary = import_text(*store, xml);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->categories, 1);
  EXPECT_EQ(summary->tags, 1);
  auto e = store->entry_by_id(7);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->category_ids.size(), 1u);
  EXPECT_EQ(store->category_by_id(e->category_ids[0])->name, "News & Notes");
  EXPECT_EQ(store->tag_by_slug("salt")->name, "Salt");
}

TEST(WxrImporter, MissingParentsAreDropped) {
  auto store = memory_store();
  const std::string xml =
      wxr_document(item({.id = 30, .slug = "orphan", .type = "page", .parent = 999}) +
                   item({.id = 31,
                         .extra = comment({.id = 40, .content = "reply to spam", .parent = 39}) +
                                  comment({.id = 42, .content = "early reply", .parent = 43}) +
                                  comment({.id = 43, .content = "late parent"})}) +
                   item({.id = 32,
                         .type = "attachment",
                         .parent = 998,
                         .attachment_url = "http://old.example.org/files/2010/01/a%20b.pdf"}));
  auto summary = import_text(*store, xml);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_FALSE(store->entry_by_id(30)->parent_id);
  EXPECT_FALSE(store->comment_by_id(40)->parent_id);
  EXPECT_EQ(store->comment_by_id(42)->parent_id, 43);
  auto media = store->media_by_path("2010/01/a b.pdf");
  ASSERT_TRUE(media) << media.error().message;
  EXPECT_FALSE(media->entry_id);
  EXPECT_EQ(media->mime_type, "application/pdf");
}

TEST(WxrImporter, GalleriesSeeAttachmentsThatComeLater) {
  auto store = memory_store();
  const std::string xml = wxr_document(
      item({.id = 50, .content = "Photos:\n\n[gallery]"}) +
      item({.id = 51,
            .title = "one",
            .type = "attachment",
            .parent = 50,
            .attachment_url = "http://old.example.org/wp-content/uploads/2011/07/one.jpg"}) +
      item({.id = 52,
            .type = "attachment",
            .parent = 50,
            .attachment_url = "http://cdn.example.net/../../etc/passwd"}));
  auto summary = import_text(*store, xml);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->attachments, 1);
  EXPECT_EQ(summary->skipped.at("attachments without a file path"), 1);
  auto e = store->entry_by_id(50);
  ASSERT_TRUE(e);
  EXPECT_NE(e->body_html.find("<img src=\"/wp-content/uploads/2011/07/one.jpg\" alt=\"one\">"),
            std::string::npos)
      << e->body_html;
}

TEST(WxrImporter, ProgressIsReportedPerItem) {
  auto store = memory_store();
  std::vector<ImportProgress> seen;
  ImportOptions options;
  options.progress = [&](const ImportProgress& p) { seen.push_back(p); };
  const std::string xml = small_site();
  auto in = InputStream::from_string(xml, "p.xml");
  ASSERT_TRUE(import_wxr(*store, *in, options));
  ASSERT_EQ(seen.size(), 15u);
  EXPECT_EQ(seen.back().items, 15u);
  EXPECT_EQ(seen.back().total_bytes, xml.size());
  EXPECT_LE(seen.back().bytes_parsed, xml.size());
  EXPECT_GT(seen.back().bytes_parsed, 0u);
}

TEST(WxrImporter, RenderingThreadsDoNotChangeTheResult) {
  std::string xml = small_site();
  for (int i = 0; i < 300; ++i) {
    std::string comments;
    for (int c = 0; c < 5; ++c) {
      comments += comment({.id = 1000 + i * 10 + c,
                           .content = "Comment " + std::to_string(c) + "\non " + std::to_string(i),
                           .parent = c > 1 ? 1000 + i * 10 + c - 1 : 0});
    }
    xml.insert(xml.find("</channel>"),
               item({.id = 100 + i,
                     .slug = "p" + std::to_string(i),
                     .content = "Para one\n\nPara <em>two</em> " + std::to_string(i),
                     .extra = comments}));
  }
  std::string dumps[2];
  for (int threads : {0, 3}) {
    auto store = memory_store();
    ImportOptions options;
    options.render_threads = threads;
    auto in = InputStream::from_string(xml, "t.xml");
    auto summary = import_wxr(*store, *in, options);
    ASSERT_TRUE(summary) << summary.error().message;
    std::string& dump = dumps[threads == 0 ? 0 : 1];
    for (int i = 0; i < 300; ++i) {
      auto e = store->entry_by_id(100 + i);
      ASSERT_TRUE(e);
      dump += e->body_html;
      auto comments = store->comments_for_entry(100 + i, ModerationStatus::kApproved);
      ASSERT_TRUE(comments);
      ASSERT_EQ(comments->size(), 5u);
      for (const auto& c : *comments) {
        dump += std::to_string(c.id) + ":" + std::to_string(c.parent_id.value_or(0)) + ":" +
                c.body_html;
      }
    }
  }
  EXPECT_EQ(dumps[0], dumps[1]);
  EXPECT_NE(dumps[0].find("<p>Para one</p>\n<p>Para <em>two</em> 7</p>"), std::string::npos);
  EXPECT_NE(dumps[0].find("1003:1002:<p>Comment 3<br>\non 0</p>"), std::string::npos);
}

TEST(WxrImporter, AMissingFileIsNotFound) {
  auto store = memory_store();
  auto summary = import_wxr_file(*store, "/nonexistent/export.xml");
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().code, util::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace reelpress::importer
