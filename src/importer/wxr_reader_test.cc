#include "importer/wxr_reader.h"

#include <gtest/gtest.h>

#include "importer/wxr_test_support.h"
#include "util/compress.h"

namespace reelpress::importer {
namespace {

using namespace testing;

// Keeps everything it is handed, and the order of the calls.
class Recorder : public WxrHandler {
 public:
  util::Status on_channel(const WxrChannel& c) override {
    channel = c;
    events.push_back("channel");
    return {};
  }
  util::Status on_author(const WxrAuthor& a) override {
    authors.push_back(a);
    events.push_back("author " + a.login);
    return {};
  }
  util::Status on_category(const WxrCategory& c) override {
    categories.push_back(c);
    events.push_back("category " + c.nicename);
    return {};
  }
  util::Status on_tag(const WxrTag& t) override {
    tags.push_back(t);
    events.push_back("tag " + t.slug);
    return {};
  }
  util::Status on_term(const WxrTerm& t) override {
    terms.push_back(t);
    return {};
  }
  util::Status on_item(const WxrItem& i) override {
    items.push_back(i);
    events.push_back("item " + std::to_string(i.post_id));
    return {};
  }
  util::Status on_comment(const WxrItem& i, const WxrComment& c) override {
    comments.push_back(c);
    events.push_back("comment " + std::to_string(c.id) + " of " + std::to_string(i.post_id));
    return {};
  }
  util::Status on_item_end(const WxrItem& i) override {
    events.push_back("end " + std::to_string(i.post_id));
    return {};
  }

  WxrChannel channel;
  std::vector<WxrAuthor> authors;
  std::vector<WxrCategory> categories;
  std::vector<WxrTag> tags;
  std::vector<WxrTerm> terms;
  std::vector<WxrItem> items;
  std::vector<WxrComment> comments;
  std::vector<std::string> events;
};

util::Status read(const std::string& xml, Recorder& recorder, const std::string& name = "t.xml") {
  auto in = InputStream::from_string(xml, name);
  return read_wxr(*in, recorder);
}

std::string error_of(const std::string& xml, const std::string& name = "t.xml") {
  Recorder r;
  auto s = read(xml, r, name);
  if (s) return "(no error)";
  EXPECT_EQ(s.error().code, util::ErrorCode::kInvalidArgument) << s.error().message;
  return s.error().message;
}

std::string full_item() {
  ItemSpec s;
  s.id = 4;
  s.title = "The Salt Road: Introduction";
  s.slug = "introduction";
  s.content = "<p>Caravans & salt.</p>";
  s.excerpt = "Short";
  s.creator = "editor1";
  s.link = "http://old.example.org/episodes/the-salt-road/introduction/4/";
  s.parent = 0;
  s.menu_order = 3;
  s.password = "screener";
  s.sticky = true;
  s.comment_status = "closed";
  s.extra = item_term("category", "africa", "Africa") + item_term("post_tag", "mali", "Mali") +
            postmeta("_thumbnail_id", "17") +
            comment({.id = 2, .author = "Ines", .content = "First <b>comment</b>"}) +
            comment({.id = 3,
                     .author = "Mara",
                     .email = "",
                     .url = "http://mara.example",
                     .ip = "198.51.100.23",
                     .content = "Reply",
                     .approved = "0",
                     .parent = 2});
  return item(s);
}

TEST(WxrReader, ReadsEveryFieldOfAnExport) {
  Recorder r;
  const std::string xml = wxr_document(
      author(1, "editor1", "Mara Quint") + category(2, "episodes", "", "Episodes") +
      category(5, "africa", "episodes", "Africa") + tag(11, "mali", "Mali") + full_item());
  auto s = read(xml, r);
  ASSERT_TRUE(s) << s.error().message;

  EXPECT_EQ(r.channel.title, "Old Site");
  EXPECT_EQ(r.channel.link, "http://old.example.org");
  EXPECT_EQ(r.channel.base_site_url, "http://old.example.org");
  EXPECT_EQ(r.channel.wxr_version, "1.2");
  EXPECT_EQ(r.channel.language, "en-US");

  ASSERT_EQ(r.authors.size(), 1u);
  EXPECT_EQ(r.authors[0].id, 1);
  EXPECT_EQ(r.authors[0].login, "editor1");
  EXPECT_EQ(r.authors[0].email, "editor1@example.org");
  EXPECT_EQ(r.authors[0].display_name, "Mara Quint");

  ASSERT_EQ(r.categories.size(), 2u);
  EXPECT_EQ(r.categories[1].term_id, 5);
  EXPECT_EQ(r.categories[1].nicename, "africa");
  EXPECT_EQ(r.categories[1].parent, "episodes");
  EXPECT_EQ(r.categories[1].name, "Africa");
  ASSERT_EQ(r.tags.size(), 1u);
  EXPECT_EQ(r.tags[0].term_id, 11);
  EXPECT_EQ(r.tags[0].slug, "mali");

  ASSERT_EQ(r.items.size(), 1u);
  const WxrItem& i = r.items[0];
  EXPECT_EQ(i.post_id, 4);
  EXPECT_EQ(i.title, "The Salt Road: Introduction");
  EXPECT_EQ(i.link, "http://old.example.org/episodes/the-salt-road/introduction/4/");
  EXPECT_EQ(i.guid, "http://old.example.org/?p=4");
  EXPECT_EQ(i.creator, "editor1");
  EXPECT_EQ(i.content, "<p>Caravans & salt.</p>");
  EXPECT_EQ(i.excerpt, "Short");
  EXPECT_EQ(i.post_date, "2009-07-01 20:00:00");
  EXPECT_EQ(i.post_date_gmt, "2009-07-01 20:00:00");
  EXPECT_EQ(i.post_modified_gmt, "2009-07-01 20:00:00");
  EXPECT_EQ(i.comment_status, "closed");
  EXPECT_EQ(i.ping_status, "closed");  // The support file writes comment_status for both.
  EXPECT_EQ(i.post_name, "introduction");
  EXPECT_EQ(i.status, "publish");
  EXPECT_EQ(i.post_parent, 0);
  EXPECT_EQ(i.menu_order, 3);
  EXPECT_EQ(i.post_type, "post");
  EXPECT_EQ(i.post_password, "screener");
  EXPECT_TRUE(i.is_sticky);
  ASSERT_EQ(i.terms.size(), 2u);
  EXPECT_EQ(i.terms[0].domain, "category");
  EXPECT_EQ(i.terms[0].nicename, "africa");
  EXPECT_EQ(i.terms[0].name, "Africa");
  EXPECT_EQ(i.terms[1].domain, "post_tag");
  EXPECT_EQ(i.meta("_thumbnail_id"), "17");
  EXPECT_EQ(i.meta("missing"), "");
  EXPECT_GT(i.line, 10u);

  ASSERT_EQ(r.comments.size(), 2u);
  EXPECT_EQ(r.comments[0].id, 2);
  EXPECT_EQ(r.comments[0].author, "Ines");
  EXPECT_EQ(r.comments[0].content, "First <b>comment</b>");
  EXPECT_EQ(r.comments[0].approved, "1");
  EXPECT_EQ(r.comments[0].type, "comment");
  EXPECT_EQ(r.comments[0].date_gmt, "2009-07-02 08:00:00");
  EXPECT_EQ(r.comments[1].parent, 2);
  EXPECT_EQ(r.comments[1].approved, "0");
  EXPECT_EQ(r.comments[1].author_url, "http://mara.example");

  const std::vector<std::string> expected = {
      "channel",         "author editor1", "category episodes",
      "category africa", "tag mali",       "item 4",
      "comment 2 of 4",  "comment 3 of 4", "end 4"};
  EXPECT_EQ(r.events, expected);
}

TEST(WxrReader, CommenterAddressesAreNeverRead) {
  Recorder r;
  ASSERT_TRUE(read(wxr_document(full_item()), r));
  ASSERT_EQ(r.comments.size(), 2u);
  for (const WxrComment& c : r.comments) {
    for (const std::string* field : {&c.author, &c.author_email, &c.author_url, &c.date,
                                     &c.date_gmt, &c.content, &c.approved, &c.type}) {
      EXPECT_EQ(field->find("203.0.113.7"), std::string::npos) << *field;
      EXPECT_EQ(field->find("198.51.100.23"), std::string::npos) << *field;
    }
  }
}

TEST(WxrReader, ReadsGzipAndOlderWxrVersions) {
  std::string xml = wxr_document(full_item());
  for (std::size_t at = xml.find("export/1.2/"); at != std::string::npos;
       at = xml.find("export/1.2/")) {
    xml.replace(at, 11, "export/1.0/");
  }
  Recorder r;
  auto in = InputStream::from_string(util::gzip_compress(xml), "old.xml.gz");
  auto s = read_wxr(*in, r);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].excerpt, "Short");
  EXPECT_EQ(r.comments.size(), 2u);
}

TEST(WxrReader, RefusesEntityDeclarations) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY secret SYSTEM "
      "\"file:///etc/passwd\">\n]>\n" +
      wxr_document(item({.content = "&secret;"})).substr(39);
  const std::string message = error_of(xxe, "xxe.xml");
  EXPECT_NE(message.find("xxe.xml:2: WXR files must not declare entities"), std::string::npos)
      << message;
}

TEST(WxrReader, RefusesBillionLaughs) {
  std::string doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i < 10; ++i) {
    doctype += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j)
      doctype += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    doctype += "\">\n";
  }
  doctype += "]>\n";
  const std::string xml = doctype + wxr_document(item({.title = "&lol9;"})).substr(39);
  const std::string message = error_of(xml, "lol.xml");
  EXPECT_NE(message.find("lol.xml:2: WXR files must not declare entities"), std::string::npos)
      << message;
}

TEST(WxrReader, RefusesAnExternalDtd) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss SYSTEM \"http://evil.example/x.dtd\">\n" +
      wxr_document(item({})).substr(39);
  EXPECT_NE(error_of(xml).find("t.xml:2: WXR files must not declare entities"), std::string::npos);
}

TEST(WxrReader, ABareDoctypeIsHarmless) {
  Recorder r;
  auto s = read("<?xml version=\"1.0\"?>\n<!DOCTYPE rss>" + wxr_document(item({})).substr(39), r);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(r.items.size(), 1u);
  EXPECT_EQ(error_of("<!DOCTYPE html><html></html>", "x.html"),
            "x.html is not a WordPress export (WXR): it is a <html> document");
}

TEST(WxrReader, AnUndeclaredEntityIsAnErrorWithItsLine) {
  const std::string xml = wxr_document("<item><title>A&nbsp;B</title></item>");
  const std::string message = error_of(xml);
  EXPECT_NE(message.find("undefined entity"), std::string::npos) << message;
  EXPECT_TRUE(message.starts_with("t.xml:")) << message;
}

TEST(WxrReader, TruncatedXmlNamesTheLine) {
  const std::string xml = wxr_document(full_item());
  const std::string cut = xml.substr(0, xml.find("<wp:comment_content>"));
  const std::string message = error_of(cut, "cut.xml");
  EXPECT_NE(message.find("the file ends too early"), std::string::npos) << message;
  const int lines = static_cast<int>(std::count(cut.begin(), cut.end(), '\n')) + 1;
  EXPECT_NE(message.find("cut.xml:" + std::to_string(lines) + ":"), std::string::npos) << message;
}

TEST(WxrReader, TruncatedGzipNamesTheLine) {
  std::string xml = wxr_document(full_item());
  for (int i = 0; i < 200; ++i) xml.insert(xml.find("</channel>"), item({.id = 100 + i}));
  const std::string gz = util::gzip_compress(xml);
  Recorder r;
  auto in = InputStream::from_string(gz.substr(0, gz.size() / 2), "cut.wxr.gz");
  auto s = read_wxr(*in, r);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("the gzip data ends too early"), std::string::npos)
      << s.error().message;
  EXPECT_TRUE(s.error().message.starts_with("cut.wxr.gz:")) << s.error().message;
}

TEST(WxrReader, InvalidUtf8NamesTheLine) {
  std::string xml = wxr_document(item({.title = "Caf\xC3\xA9 ok"}) +
                                 item({.id = 2, .title = "Bad \xFF\xFE byte"}));
  const std::string message = error_of(xml, "utf.xml");
  EXPECT_NE(message.find("invalid UTF-8"), std::string::npos) << message;
  const std::size_t bad = xml.find("Bad ");
  const int line =
      static_cast<int>(std::count(xml.begin(), xml.begin() + static_cast<long>(bad), '\n')) + 1;
  EXPECT_NE(message.find("utf.xml:" + std::to_string(line) + ":"), std::string::npos) << message;
}

TEST(WxrReader, FilesThatAreNotWxr) {
  EXPECT_EQ(error_of("<html><body>hello</body></html>", "page.html"),
            "page.html is not a WordPress export (WXR): its root element is <html>, not <rss>");
  EXPECT_NE(error_of("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed</title>"
                     "</channel></rss>",
                     "feed.xml")
                .find("feed.xml is not a WordPress export (WXR)"),
            std::string::npos);
  EXPECT_EQ(error_of("<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"></rss>", "empty.xml"),
            "empty.xml is not a WordPress export (WXR): it has no <channel>");
  EXPECT_EQ(error_of("", "nothing.xml"),
            "nothing.xml is not a WordPress export (WXR): the file is empty");
  EXPECT_NE(error_of(std::string("\x89PNG\r\n\x1a\n\0\0\0", 11), "image.png")
                .find("image.png is not a WordPress export (WXR): line 1"),
            std::string::npos);
}

TEST(WxrReader, AHandlerErrorStopsTheReadWithTheLine) {
  class Failing : public WxrHandler {
    util::Status on_item(const WxrItem& item) override {
      if (item.post_id == 2) return util::fail(util::ErrorCode::kConflict, "no room for 2");
      ++seen;
      return {};
    }

   public:
    int seen = 0;
  };
  Failing handler;
  auto in = InputStream::from_string(
      wxr_document(item({.id = 1}) + item({.id = 2}) + item({.id = 3})), "f.xml");
  auto s = read_wxr(*in, handler);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, util::ErrorCode::kConflict);
  EXPECT_TRUE(s.error().message.starts_with("f.xml:")) << s.error().message;
  EXPECT_TRUE(s.error().message.ends_with(": no room for 2")) << s.error().message;
  EXPECT_EQ(handler.seen, 1);
}

TEST(WxrReader, UnknownElementsAndMarkupInFieldsAreTolerated) {
  const std::string xml = wxr_document(
      "<generator>https://wordpress.org/?v=6.1</generator>\n<image><url>x</url></image>\n" +
      item({.id = 9,
            .title = "T",
            .extra = "<wp:unknown><a>b</a></wp:unknown>\n"
                     "<other:thing xmlns:other=\"urn:x\">y</other:thing>\n"}) +
      "<item><title>Mixed <b>bold</b> title</title><wp:post_id>10</wp:post_id>"
      "<wp:post_type>post</wp:post_type></item>");
  Recorder r;
  auto s = read(xml, r);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].post_id, 9);
  EXPECT_EQ(r.items[1].title, "Mixed bold title");
}

TEST(WxrReader, ANonNumericIdIsAnError) {
  const std::string message = error_of(wxr_document("<item><wp:post_id>12abc</wp:post_id></item>"));
  EXPECT_NE(message.find("\"12abc\" is not a number"), std::string::npos) << message;
}

}  // namespace
}  // namespace reelpress::importer
