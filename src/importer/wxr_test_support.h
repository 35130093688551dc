// Builders of small WXR documents for the importer's tests: a channel with the namespaces
// WordPress declares, and items with the fields it writes, so each test states only what it
// is about.
#pragma once

#include <string>
#include <vector>

namespace reelpress::importer::testing {

// A whole export: `body` goes inside <channel> after its own fields.
inline std::string wxr_document(const std::string& body,
                                const std::string& site = "http://old.example.org") {
  return R"(<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Old Site</title>
	<link>)" +
         site +
         R"(</link>
	<description>Documentaries</description>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>)" +
         site + R"(</wp:base_site_url>
	<wp:base_blog_url>)" +
         site + R"(</wp:base_blog_url>
)" + body +
         R"(
</channel>
</rss>
)";
}

inline std::string author(int id, const std::string& login, const std::string& name) {
  return "<wp:author><wp:author_id>" + std::to_string(id) +
         "</wp:author_id><wp:author_login><![CDATA[" + login +
         "]]></wp:author_login><wp:author_email><![CDATA[" + login +
         "@example.org]]></wp:author_email><wp:author_display_name><![CDATA[" + name +
         "]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></"
         "wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name></"
         "wp:author>\n";
}

inline std::string category(int term_id, const std::string& nicename, const std::string& parent,
                            const std::string& name) {
  return "<wp:category><wp:term_id>" + std::to_string(term_id) +
         "</wp:term_id><wp:category_nicename><![CDATA[" + nicename +
         "]]></wp:category_nicename><wp:category_parent><![CDATA[" + parent +
         "]]></wp:category_parent><wp:cat_name><![CDATA[" + name +
         "]]></wp:cat_name></wp:category>\n";
}

inline std::string tag(int term_id, const std::string& slug, const std::string& name) {
  return "<wp:tag><wp:term_id>" + std::to_string(term_id) + "</wp:term_id><wp:tag_slug><![CDATA[" +
         slug + "]]></wp:tag_slug><wp:tag_name><![CDATA[" + name + "]]></wp:tag_name></wp:tag>\n";
}

struct ItemSpec {
  int id = 1;
  std::string title = "A post";
  std::string slug = "a-post";
  std::string type = "post";
  std::string status = "publish";
  std::string content = "<p>Body</p>";
  std::string excerpt;
  std::string creator = "admin";
  std::string date = "2009-07-01 20:00:00";
  std::string date_gmt = "2009-07-01 20:00:00";
  std::string link;  // Default: site + "/?p=ID".
  int parent = 0;
  int menu_order = 0;
  std::string password;
  bool sticky = false;
  std::string comment_status = "open";
  std::string attachment_url;
  std::string extra;  // Terms, postmeta, comments: raw XML after the fields.
};

inline std::string item(const ItemSpec& s, const std::string& site = "http://old.example.org") {
  const std::string link = s.link.empty() ? site + "/?p=" + std::to_string(s.id) : s.link;
  std::string out =
      "<item>\n<title><![CDATA[" + s.title + "]]></title>\n<link>" + link +
      "</link>\n<pubDate>Wed, 01 Jul 2009 20:00:00 +0000</pubDate>\n"
      "<dc:creator><![CDATA[" +
      s.creator + "]]></dc:creator>\n<guid isPermaLink=\"false\">" + site +
      "/?p=" + std::to_string(s.id) +
      "</guid>\n<description></description>\n<content:encoded><![CDATA[" + s.content +
      "]]></content:encoded>\n<excerpt:encoded><![CDATA[" + s.excerpt +
      "]]></excerpt:encoded>\n<wp:post_id>" + std::to_string(s.id) +
      "</wp:post_id>\n<wp:post_date><![CDATA[" + s.date +
      "]]></wp:post_date>\n<wp:post_date_gmt><![CDATA[" + s.date_gmt +
      "]]></wp:post_date_gmt>\n<wp:post_modified><![CDATA[" + s.date +
      "]]></wp:post_modified>\n<wp:post_modified_gmt><![CDATA[" + s.date_gmt +
      "]]></wp:post_modified_gmt>\n<wp:comment_status><![CDATA[" + s.comment_status +
      "]]></wp:comment_status>\n<wp:ping_status><![CDATA[" + s.comment_status +
      "]]></wp:ping_status>\n<wp:post_name><![CDATA[" + s.slug +
      "]]></wp:post_name>\n<wp:status><![CDATA[" + s.status + "]]></wp:status>\n<wp:post_parent>" +
      std::to_string(s.parent) + "</wp:post_parent>\n<wp:menu_order>" +
      std::to_string(s.menu_order) + "</wp:menu_order>\n<wp:post_type><![CDATA[" + s.type +
      "]]></wp:post_type>\n<wp:post_password><![CDATA[" + s.password +
      "]]></wp:post_password>\n<wp:is_sticky>" + (s.sticky ? "1" : "0") + "</wp:is_sticky>\n";
  if (!s.attachment_url.empty()) {
    out += "<wp:attachment_url><![CDATA[" + s.attachment_url + "]]></wp:attachment_url>\n";
  }
  out += s.extra + "</item>\n";
  return out;
}

inline std::string item_term(const std::string& domain, const std::string& nicename,
                             const std::string& name) {
  return "<category domain=\"" + domain + "\" nicename=\"" + nicename + "\"><![CDATA[" + name +
         "]]></category>\n";
}

inline std::string postmeta(const std::string& key, const std::string& value) {
  return "<wp:postmeta><wp:meta_key><![CDATA[" + key + "]]></wp:meta_key><wp:meta_value><![CDATA[" +
         value + "]]></wp:meta_value></wp:postmeta>\n";
}

struct CommentSpec {
  int id = 1;
  std::string author = "Reader";
  std::string email = "reader@example.org";
  std::string url;
  std::string ip = "203.0.113.7";
  std::string date_gmt = "2009-07-02 08:00:00";
  std::string content = "Nice film.";
  std::string approved = "1";
  std::string type = "comment";
  int parent = 0;
};

inline std::string comment(const CommentSpec& c) {
  return "<wp:comment>\n<wp:comment_id>" + std::to_string(c.id) +
         "</wp:comment_id>\n<wp:comment_author><![CDATA[" + c.author +
         "]]></wp:comment_author>\n<wp:comment_author_email><![CDATA[" + c.email +
         "]]></wp:comment_author_email>\n<wp:comment_author_url>" + c.url +
         "</wp:comment_author_url>\n<wp:comment_author_IP><![CDATA[" + c.ip +
         "]]></wp:comment_author_IP>\n<wp:comment_date><![CDATA[" + c.date_gmt +
         "]]></wp:comment_date>\n<wp:comment_date_gmt><![CDATA[" + c.date_gmt +
         "]]></wp:comment_date_gmt>\n<wp:comment_content><![CDATA[" + c.content +
         "]]></wp:comment_content>\n<wp:comment_approved><![CDATA[" + c.approved +
         "]]></wp:comment_approved>\n<wp:comment_type><![CDATA[" + c.type +
         "]]></wp:comment_type>\n<wp:comment_parent>" + std::to_string(c.parent) +
         "</wp:comment_parent>\n<wp:comment_user_id>0</wp:comment_user_id>\n</wp:comment>\n";
}

}  // namespace reelpress::importer::testing
