#include "importer/wxr_importer.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "importer/old_site_urls.h"
#include "importer/ordered_pipeline.h"
#include "importer/shortcodes.h"
#include "importer/wp_content.h"
#include "importer/wxr_reader.h"
#include "render/markdown.h"
#include "util/civil_time.h"
#include "util/text.h"

namespace reelpress::importer {
namespace {

using content::Id;
using util::ErrorCode;
using util::fail;
using util::Status;

// Titles and names are plain text here; WordPress kept entities ("Arts &amp; Culture") and
// sometimes markup in them.
std::string plain(const std::string& text) {
  if (text.find_first_of("&<") == std::string::npos) return std::string(util::trim(text));
  return render::html_to_text(text, std::string::npos);
}

// WordPress's percent-encoded slugs, decoded to UTF-8 (see the header for why).
std::string decode_slug(std::string_view slug) {
  slug = util::trim(slug);
  if (slug.find('%') == std::string_view::npos) return std::string(slug);
  auto decoded = util::percent_decode(slug);
  if (!decoded || !util::is_valid_utf8(*decoded) ||
      decoded->find_first_of("/?#") != std::string::npos) {
    return std::string(slug);
  }
  return *decoded;
}

// "2009-07-01 20:00:00" in UTC; WordPress's zero date (and anything unreadable) is nullopt.
std::optional<util::UnixTime> wp_time(std::string_view text) {
  text = util::trim(text);
  if (text.empty() || text.starts_with("0000-00-00")) return std::nullopt;
  return util::parse_iso_time(text);
}

util::UnixTime first_time(std::string_view gmt, std::string_view local) {
  if (auto t = wp_time(gmt)) return *t;
  if (auto t = wp_time(local)) return *t;
  return 0;
}

content::EntryStatus entry_status(std::string_view status) {
  using content::EntryStatus;
  if (status == "publish") return EntryStatus::kPublished;
  if (status == "future") return EntryStatus::kScheduled;
  if (status == "private") return EntryStatus::kPrivate;
  if (status == "trash") return EntryStatus::kTrash;
  return EntryStatus::kDraft;  // draft, pending, auto-draft, anything unknown: hidden.
}

content::ModerationStatus comment_status(std::string_view approved) {
  using content::ModerationStatus;
  if (approved == "1" || approved == "approve" || approved == "approved") {
    return ModerationStatus::kApproved;
  }
  if (approved == "spam") return ModerationStatus::kSpam;
  if (approved == "trash" || approved == "post-trashed") return ModerationStatus::kTrash;
  return ModerationStatus::kPending;
}

std::string mime_type_of(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  const std::string ext = dot == std::string_view::npos ? "" : util::to_lower(path.substr(dot + 1));
  static const std::unordered_map<std::string, std::string> kTypes = {
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"jpe", "image/jpeg"},
      {"png", "image/png"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"bmp", "image/bmp"},
      {"ico", "image/x-icon"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"svg", "image/svg+xml"},
      {"mp3", "audio/mpeg"},
      {"m4a", "audio/mp4"},
      {"ogg", "audio/ogg"},
      {"oga", "audio/ogg"},
      {"wav", "audio/wav"},
      {"flac", "audio/flac"},
      {"mp4", "video/mp4"},
      {"m4v", "video/mp4"},
      {"webm", "video/webm"},
      {"ogv", "video/ogg"},
      {"mov", "video/quicktime"},
      {"wmv", "video/x-ms-wmv"},
      {"flv", "video/x-flv"},
      {"avi", "video/x-msvideo"},
      {"pdf", "application/pdf"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"txt", "text/plain"},
      {"csv", "text/csv"},
      {"zip", "application/zip"},
      {"srt", "text/plain"},
      {"vtt", "text/vtt"},
  };
  const auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// The media path "2009/07/caravan.jpg" of an attachment, or "" when it has none that is safe.
std::string media_path(const WxrItem& item) {
  std::string path = item.meta("_wp_attached_file");
  if (!path.empty() && path.front() == '/') {
    // Very old WordPress stored an absolute file system path.
    const std::size_t uploads = path.find("/uploads/");
    path = uploads == std::string::npos ? std::string() : path.substr(uploads + 9);
  }
  if (path.empty()) {
    std::string_view url = item.attachment_url.empty() ? std::string_view(item.guid)
                                                       : std::string_view(item.attachment_url);
    url = url.substr(0, std::min(url.find('?'), url.find('#')));
    for (std::string_view marker : {"/wp-content/uploads/", "/files/"}) {
      const std::size_t at = url.find(marker);
      if (at != std::string_view::npos) {
        const std::string_view rest = url.substr(at + marker.size());
        path = util::percent_decode(rest).value_or(std::string(rest));
        break;
      }
    }
  }
  // A path inside media/: relative, no "..", no empty segment, valid UTF-8.
  if (path.empty() || path.front() == '/' || !util::is_valid_utf8(path)) return {};
  for (std::string_view segment : util::split(path, '/')) {
    if (segment.empty() || segment == "." || segment == "..") return {};
  }
  if (path.find('\\') != std::string::npos || path.find('\0') != std::string::npos) return {};
  return path;
}

std::string plural(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// The path of a URL ("http://host/a/b/?x" -> "/a/b/"), decoded; "" when it has a query (a
// ?p=ID link of a draft) or is not an absolute http(s) URL.
std::string link_path(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const std::size_t slash = url.find('/', scheme + 3);
  if (slash == std::string_view::npos) return {};
  std::string_view path = url.substr(slash);
  if (path.find('?') != std::string_view::npos) return {};
  path = path.substr(0, path.find('#'));
  auto decoded = util::percent_decode(path);
  if (!decoded || !util::is_valid_utf8(*decoded)) return {};
  return *decoded;
}

struct CategoryRef {
  Id id = 0;
  std::int64_t term_id = 0;  // WordPress's; 0 when the export did not declare it.
};

struct PendingMedia {
  content::Media media;
  std::int64_t parent = 0;
};

// What the commits of one item's comments share.
struct ItemState {
  Id entry_id = 0;
  util::UnixTime published_at = 0;
  std::unordered_set<Id> comment_ids;         // Every comment of the item read so far.
  std::vector<std::pair<Id, Id>> unresolved;  // (reply, parent not in the store yet)
};

// Comments go to the pipeline in batches: one piece per comment would cost more in
// hand-over than the rendering of a short comment.
constexpr std::size_t kCommentBatch = 64;
constexpr std::size_t kCommentBatchBytes = 1u << 20;

unsigned worker_count(const ImportOptions& options) {
  if (options.render_threads >= 0) return static_cast<unsigned>(options.render_threads);
  return std::max(1u, std::thread::hardware_concurrency());
}

class Importer final : public WxrHandler {
 public:
  Importer(store::Store& store, InputStream& input, const ImportOptions& options)
      : store_(store), input_(input), options_(options), pipeline_(worker_count(options)) {}

  Status load_existing() {
    auto categories = store_.categories();
    if (!categories) return fail(categories.error());
    for (const content::Category& c : *categories) {
      existing_categories_[category_key(c.parent_id, c.slug)] = c.id;
    }
    auto tags = store_.tags();
    if (!tags) return fail(tags.error());
    for (const content::Tag& t : *tags) existing_tags_[t.slug] = t.id;
    return {};
  }

  Status finish() {
    REELPRESS_RETURN_IF_ERROR(pipeline_.drain());
    REELPRESS_RETURN_IF_ERROR(fix_page_parents());
    REELPRESS_RETURN_IF_ERROR(render_deferred_bodies());
    REELPRESS_RETURN_IF_ERROR(save_media());
    summary_.bytes = input_.bytes_produced();
    return {};
  }

  ImportSummary& summary() { return summary_; }

  // ---- WxrHandler ----

  Status on_channel(const WxrChannel& channel) override {
    urls_ = OldSiteUrls({channel.base_site_url, channel.base_blog_url, channel.link});
    summary_.source_title = plain(channel.title);
    summary_.source_url = util::trim(channel.base_site_url).empty()
                              ? std::string(util::trim(channel.link))
                              : std::string(util::trim(channel.base_site_url));
    return {};
  }

  Status on_author(const WxrAuthor& author) override {
    const std::string login(util::trim(author.login));
    if (login.empty()) {
      skip("authors without a login");
      return {};
    }
    content::User user;
    if (auto existing = store_.user_by_login(login)) {
      user = std::move(*existing);  // Keeps its id, role, password and creation time.
    } else if (existing.error().code != ErrorCode::kNotFound) {
      return fail(existing.error());
    } else {
      user.login = login;
      user.role = content::Role::kAuthor;
    }
    std::string name = plain(author.display_name);
    if (name.empty()) name = plain(author.first_name + " " + author.last_name);
    if (name.empty()) name = login;
    user.display_name = std::move(name);
    if (!author.email.empty()) user.email = std::string(util::trim(author.email));
    auto id = store_.save_user(user);
    if (!id) return fail(id.error());
    users_[login] = *id;
    ++summary_.users;
    return {};
  }

  Status on_category(const WxrCategory& category) override {
    return add_category(category.nicename, category.parent, category.name, category.description,
                        category.term_id)
        .map([](Id) {});
  }

  Status on_tag(const WxrTag& tag) override {
    return add_tag(tag.slug, tag.name).map([](Id) {});
  }

  Status on_term(const WxrTerm& term) override {
    // WordPress 4.x+ lists categories and tags again as <wp:term>; older files may have them
    // only here.
    if (term.taxonomy == "category") {
      if (!categories_.contains(term.slug)) {
        return add_category(term.slug, term.parent, term.name, "", term.term_id).map([](Id) {});
      }
      return {};
    }
    if (term.taxonomy == "post_tag") {
      if (!tags_.contains(term.slug)) return add_tag(term.slug, term.name).map([](Id) {});
      return {};
    }
    skip(term.taxonomy + " terms");
    return {};
  }

  Status on_item(const WxrItem& item) override {
    ++items_;
    item_ = nullptr;
    comment_skip_reason_ = "comments on skipped items";
    if (item.post_type == "attachment") return add_attachment(item);
    if (item.post_type != "post" && item.post_type != "page") {
      skip((item.post_type.empty() ? std::string("untyped") : item.post_type) + " items");
      return {};
    }
    if (item.post_id <= 0) {
      skip("items without a post id");
      return {};
    }
    return add_entry(item);
  }

  Status on_comment(const WxrItem&, const WxrComment& c) override {
    if (!item_) {
      skip(comment_skip_reason_);
      return {};
    }
    const std::string type(util::trim(c.type));
    if (!type.empty() && type != "comment" && type != "pingback" && type != "trackback") {
      skip(type + " comments");
      return {};
    }
    if (c.id <= 0) {
      skip("comments without an id");
      return {};
    }
    content::Comment comment;
    comment.id = c.id;
    comment.entry_id = item_->entry_id;
    if (c.parent > 0 && c.parent != c.id) comment.parent_id = c.parent;  // Checked at commit.
    comment.author_name = plain(c.author);
    if (comment.author_name.empty()) comment.author_name = "Anonymous";
    comment.author_email = std::string(util::trim(c.author_email));
    const std::string_view url = util::trim(c.author_url);
    if (util::starts_with_ignoring_case(url, "http://") ||
        util::starts_with_ignoring_case(url, "https://")) {
      comment.author_url = std::string(url);
    }
    comment.body_html = c.content;  // Raw until the pipeline renders it.
    comment.status = comment_status(util::trim(c.approved));
    comment.created_at = first_time(c.date_gmt, c.date);
    if (comment.created_at == 0) comment.created_at = item_->published_at;
    item_->comment_ids.insert(c.id);
    batch_bytes_ += c.content.size() + 256;
    batch_.push_back(std::move(comment));
    ++summary_.comments;
    if (batch_.size() >= kCommentBatch || batch_bytes_ >= kCommentBatchBytes) {
      return submit_comments();
    }
    return {};
  }

  Status on_item_end(const WxrItem&) override {
    if (item_) {
      REELPRESS_RETURN_IF_ERROR(submit_comments());
      // Replies whose parent never came (the export leaves spam out) become top-level
      // comments. Runs after the item's comments are committed.
      REELPRESS_RETURN_IF_ERROR(pipeline_.submit(
          nullptr, [this, item = item_]() -> Status { return resolve_replies(*item); }));
      item_ = nullptr;
    }
    if (options_.progress) {
      options_.progress(ImportProgress{items_, input_.bytes_consumed(), input_.total_bytes(),
                                       input_.bytes_produced(), input_.expected_bytes()});
    }
    return {};
  }

 private:
  static std::string category_key(std::optional<Id> parent, std::string_view slug) {
    return std::to_string(parent.value_or(0)) + "/" + std::string(slug);
  }

  void skip(const std::string& reason) { ++summary_.skipped[reason]; }

  util::Result<Id> add_category(const std::string& nicename, const std::string& parent_nicename,
                                const std::string& name, const std::string& description,
                                std::int64_t term_id) {
    const std::string slug = decode_slug(nicename);
    if (slug.empty()) {
      skip("categories without a slug");
      return Id{0};
    }
    std::optional<Id> parent;
    if (!parent_nicename.empty()) {
      const auto it = categories_.find(parent_nicename);
      if (it != categories_.end() && it->second.id != 0) parent = it->second.id;
    }
    content::Category category;
    const auto existing = existing_categories_.find(category_key(parent, slug));
    if (existing != existing_categories_.end()) category.id = existing->second;
    category.parent_id = parent;
    category.slug = slug;
    category.name = plain(name);
    if (category.name.empty()) category.name = slug;
    category.description = plain(description);
    auto id = store_.save_category(category);
    if (!id) return id;
    existing_categories_[category_key(parent, slug)] = *id;
    categories_[nicename] = CategoryRef{*id, term_id};
    ++summary_.categories;
    return id;
  }

  util::Result<Id> add_tag(const std::string& raw_slug, const std::string& name) {
    const std::string slug = decode_slug(raw_slug);
    if (slug.empty()) {
      skip("tags without a slug");
      return Id{0};
    }
    content::Tag tag;
    if (const auto it = existing_tags_.find(slug); it != existing_tags_.end()) tag.id = it->second;
    tag.slug = slug;
    tag.name = plain(name);
    if (tag.name.empty()) tag.name = slug;
    auto id = store_.save_tag(tag);
    if (!id) return id;
    existing_tags_[slug] = *id;
    tags_[raw_slug] = *id;
    ++summary_.tags;
    return id;
  }

  // The item's categories, primary first (see the header).
  util::Result<std::vector<Id>> item_categories(const WxrItem& item) {
    struct Ranked {
      Id id;
      std::int64_t term_id;
      std::size_t position;
    };
    std::vector<Ranked> ranked;
    std::size_t position = 0;
    for (const WxrItemTerm& term : item.terms) {
      if (term.domain != "category" || term.nicename.empty()) continue;
      auto it = categories_.find(term.nicename);
      if (it == categories_.end()) {
        // Not declared in the channel (a partial export): a top-level category.
        auto id = add_category(term.nicename, "", term.name, "", 0);
        if (!id) return fail(id.error());
        it = categories_.find(term.nicename);
        if (it == categories_.end()) continue;
      }
      if (it->second.id == 0) continue;
      ranked.push_back({it->second.id, it->second.term_id, position++});
    }
    const auto primary_term = util::parse_non_negative(item.meta("_yoast_wpseo_primary_category"));
    std::stable_sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
      const bool a_primary = primary_term && a.term_id == *primary_term;
      const bool b_primary = primary_term && b.term_id == *primary_term;
      if (a_primary != b_primary) return a_primary;
      // Undeclared categories (term id 0) keep file order after the declared ones.
      if ((a.term_id == 0) != (b.term_id == 0)) return b.term_id == 0;
      return a.term_id < b.term_id;
    });
    std::vector<Id> ids;
    for (const Ranked& r : ranked) {
      if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) ids.push_back(r.id);
    }
    return ids;
  }

  util::Result<std::vector<Id>> item_tags(const WxrItem& item) {
    std::vector<Id> ids;
    for (const WxrItemTerm& term : item.terms) {
      if (term.domain != "post_tag" || term.nicename.empty()) continue;
      auto it = tags_.find(term.nicename);
      Id id = 0;
      if (it == tags_.end()) {
        auto added = add_tag(term.nicename, term.name);
        if (!added) return fail(added.error());
        id = *added;
      } else {
        id = it->second;
      }
      if (id != 0 && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    return ids;
  }

  Status add_entry(const WxrItem& item) {
    const bool page = item.post_type == "page";
    auto e = std::make_shared<content::Entry>();
    e->id = item.post_id;
    e->kind = page ? content::EntryKind::kPage : content::EntryKind::kArticle;
    e->title = plain(item.title);
    e->slug = decode_slug(item.post_name);
    if (e->slug.empty()) e->slug = util::slugify(e->title.empty() ? "post" : e->title);
    e->status = entry_status(util::trim(item.status));
    e->password = item.post_password;
    e->body_format = content::BodyFormat::kHtml;
    e->body = item.content;
    // [gallery] and friends need attachments that may come later in the file: rendered at
    // the end. Everything else is rendered now, on the pipeline's workers, and never reads
    // the attachment index (which this thread keeps filling meanwhile).
    const bool deferred = needs_attachments(item.content);
    if (deferred) deferred_bodies_.push_back(e->id);
    e->excerpt = plain(item.excerpt);
    e->published_at = first_time(item.post_date_gmt, item.post_date);
    e->modified_at = first_time(item.post_modified_gmt, item.post_modified);
    if (e->modified_at < e->published_at) e->modified_at = e->published_at;
    if (const auto it = users_.find(std::string(util::trim(item.creator))); it != users_.end()) {
      e->author_id = it->second;
    }
    if (page && item.post_parent > 0 && item.post_parent != item.post_id) {
      e->parent_id = item.post_parent;
      page_parents_.emplace_back(e->id, item.post_parent);
    }
    e->menu_order = item.menu_order;
    e->sticky = !page && item.is_sticky;
    e->comments_open = util::trim(item.comment_status) != "closed";
    e->pings_open = util::trim(item.ping_status) == "open";
    auto categories = item_categories(item);
    if (!categories) return fail(categories.error());
    e->category_ids = std::move(*categories);
    auto tags = item_tags(item);
    if (!tags) return fail(tags.error());
    e->tag_ids = std::move(*tags);

    entry_ids_.insert(e->id);
    item_ = std::make_shared<ItemState>();
    item_->entry_id = e->id;
    item_->published_at = e->published_at;
    comment_skip_reason_.clear();
    if (page) {
      ++summary_.pages;
    } else {
      ++summary_.entries;
    }
    std::string link;
    if (e->status == content::EntryStatus::kPublished) link = link_path(item.link);

    const std::size_t bytes = e->body.size() * 2 + 1024;
    return pipeline_.submit(
        [e, deferred, urls = &urls_] {
          if (!deferred)
            e->body_html = post_content_to_html(e->body, ShortcodeContext{e->id, nullptr, urls});
        },
        [this, e, link = std::move(link)]() -> Status {
          auto id = store_.save_entry(*e);
          if (!id) return fail(id.error());
          if (link.size() > 1) {
            REELPRESS_RETURN_IF_ERROR(store_.save_redirect(content::Redirect{link, *id, ""}));
          }
          return {};
        },
        bytes);
  }

  // Hands the comments read so far to the pipeline: rendered by a worker, saved here.
  Status submit_comments() {
    if (batch_.empty()) return {};
    auto comments = std::make_shared<std::vector<content::Comment>>(std::move(batch_));
    batch_.clear();
    const std::size_t bytes = batch_bytes_ * 2;
    batch_bytes_ = 0;
    return pipeline_.submit(
        [comments, host = options_.site_host] {
          for (content::Comment& c : *comments)
            c.body_html = comment_content_to_html(c.body_html, host);
        },
        [this, comments, item = item_]() -> Status {
          for (content::Comment& c : *comments) REELPRESS_RETURN_IF_ERROR(save_comment(*item, c));
          return {};
        },
        bytes);
  }

  // Saves a comment of `item`, deciding about its parent now that every earlier item is in
  // the store: a parent of this item (before or after it in the file) is kept; one that is
  // another entry's comment is dropped; one not seen yet is kept and checked at the item's
  // end.
  Status save_comment(ItemState& item, content::Comment& c) {
    if (c.parent_id && !item.comment_ids.contains(*c.parent_id)) {
      auto stored = store_.comment_by_id(*c.parent_id);
      if (stored && stored->entry_id != item.entry_id) {
        c.parent_id.reset();
      } else if (!stored) {
        item.unresolved.emplace_back(c.id, *c.parent_id);
      }
    }
    auto id = store_.save_comment(c);
    if (!id) return fail(id.error());
    return {};
  }

  Status resolve_replies(const ItemState& item) {
    for (const auto& [id, parent] : item.unresolved) {
      auto stored = store_.comment_by_id(parent);
      if (stored && stored->entry_id == item.entry_id) continue;
      auto reply = store_.comment_by_id(id);
      if (!reply) return fail(reply.error());
      reply->parent_id.reset();
      auto saved = store_.save_comment(*reply);
      if (!saved) return fail(saved.error());
    }
    return {};
  }

  Status add_attachment(const WxrItem& item) {
    comment_skip_reason_ = "comments on attachments";
    const std::string path = media_path(item);
    if (path.empty()) {
      skip("attachments without a file path");
      return {};
    }
    AttachmentInfo info;
    info.id = item.post_id;
    info.parent = item.post_parent;
    info.menu_order = item.menu_order;
    info.url = item.attachment_url.empty() ? item.guid : item.attachment_url;
    info.mime_type = mime_type_of(path);
    info.title = plain(item.title);
    info.alt = plain(item.meta("_wp_attachment_image_alt"));
    info.caption = plain(item.excerpt);

    PendingMedia pending;
    pending.media.path = path;
    pending.media.mime_type = info.mime_type;
    pending.media.title = info.title;
    pending.media.alt = info.alt;
    pending.media.uploaded_at = first_time(item.post_date_gmt, item.post_date);
    pending.parent = item.post_parent;
    if (const auto it = media_index_.find(path); it != media_index_.end()) {
      pending_media_[it->second] = std::move(pending);  // The same file twice: the last wins.
    } else {
      media_index_[path] = pending_media_.size();
      pending_media_.push_back(std::move(pending));
    }
    if (item.post_id > 0) attachments_.add(std::move(info));
    ++summary_.attachments;
    // WordPress gave each attachment a page (".../introduction/4/attachment/caravan/");
    // it now leads to the file itself.
    const std::string page = link_path(item.link);
    if (page.size() > 1) {
      REELPRESS_RETURN_IF_ERROR(store_.save_redirect(
          content::Redirect{page, std::nullopt, "/files/" + util::percent_encode_path(path)}));
    }
    return {};
  }

  // Whether an entry with this id exists (imported now or before).
  util::Result<bool> entry_exists(Id id) {
    if (entry_ids_.contains(id)) return true;
    auto e = store_.entry_by_id(id);
    if (e) return true;
    if (e.error().code == ErrorCode::kNotFound) return false;
    return fail(e.error());
  }

  Status fix_page_parents() {
    for (const auto& [id, parent] : page_parents_) {
      auto exists = entry_exists(parent);
      if (!exists) return fail(exists.error());
      if (*exists) continue;
      // The parent was not exported (or is not a page we keep): the page becomes top-level.
      auto entry = store_.entry_by_id(id);
      if (!entry) return fail(entry.error());
      entry->parent_id.reset();
      REELPRESS_RETURN_IF_ERROR(store_.save_entry(*entry));
    }
    return {};
  }

  Status render_deferred_bodies() {
    for (Id id : deferred_bodies_) {
      auto entry = store_.entry_by_id(id);
      if (!entry) return fail(entry.error());
      entry->body_html =
          post_content_to_html(entry->body, ShortcodeContext{id, &attachments_, &urls_});
      REELPRESS_RETURN_IF_ERROR(store_.save_entry(*entry));
    }
    return {};
  }

  Status save_media() {
    for (PendingMedia& p : pending_media_) {
      if (p.parent > 0) {
        auto exists = entry_exists(p.parent);
        if (!exists) return fail(exists.error());
        if (*exists) p.media.entry_id = p.parent;
      }
      auto existing = store_.media_by_path(p.media.path);
      if (existing) {
        p.media.id = existing->id;
        p.media.size = existing->size;  // The file may have been copied in since.
      } else if (existing.error().code != ErrorCode::kNotFound) {
        return fail(existing.error());
      }
      REELPRESS_RETURN_IF_ERROR(store_.save_media(p.media));
    }
    return {};
  }

  store::Store& store_;
  InputStream& input_;
  const ImportOptions& options_;
  ImportSummary summary_;
  OldSiteUrls urls_;
  AttachmentIndex attachments_;
  std::uint64_t items_ = 0;

  std::unordered_map<std::string, Id> existing_categories_;  // "parent/slug" -> id
  std::unordered_map<std::string, Id> existing_tags_;        // slug -> id
  std::unordered_map<std::string, CategoryRef> categories_;  // WordPress nicename -> ours
  std::unordered_map<std::string, Id> tags_;                 // WordPress slug -> id
  std::unordered_map<std::string, Id> users_;                // login -> id

  std::unordered_set<Id> entry_ids_;
  std::vector<std::pair<Id, Id>> page_parents_;
  std::vector<Id> deferred_bodies_;
  std::vector<PendingMedia> pending_media_;
  std::unordered_map<std::string, std::size_t> media_index_;  // path -> pending_media_ index

  OrderedPipeline pipeline_;
  std::shared_ptr<ItemState> item_;  // The item whose comments are being read; null: skipped.
  std::string comment_skip_reason_;
  std::vector<content::Comment> batch_;  // Its comments not handed to the pipeline yet.
  std::size_t batch_bytes_ = 0;
};

}  // namespace

int ImportSummary::skipped_total() const {
  int total = 0;
  for (const auto& [reason, n] : skipped) total += n;
  return total;
}

std::string ImportSummary::to_string() const {
  std::string out =
      "Imported " + plural(entries, "entry", "entries") + ", " + plural(pages, "page", "pages") +
      ", " + plural(comments, "comment", "comments") + ", " +
      plural(categories, "category", "categories") + ", " + plural(tags, "tag", "tags") + ", " +
      plural(users, "user", "users") + " and " + plural(attachments, "attachment", "attachments");
  if (!source_url.empty()) {
    out += " from " + source_url;
    if (!source_title.empty()) out += " (" + source_title + ")";
  }
  const int total = skipped_total();
  if (total == 0) {
    out += "; skipped nothing.";
    return out;
  }
  out += "; skipped " + std::to_string(total) + ":";
  bool first = true;
  for (const auto& [reason, n] : skipped) {
    out += first ? " " : ", ";
    out += std::to_string(n) + " " + reason;
    first = false;
  }
  out += ".";
  return out;
}

util::Result<ImportSummary> import_wxr(store::Store& store, InputStream& input,
                                       const ImportOptions& options) {
  Importer importer(store, input, options);
  Status status = store.transaction([&]() -> Status {
    REELPRESS_RETURN_IF_ERROR(importer.load_existing());
    REELPRESS_RETURN_IF_ERROR(read_wxr(input, importer));
    return importer.finish();
  });
  if (!status) return fail(std::move(status.error()));
  return std::move(importer.summary());
}

util::Result<ImportSummary> import_wxr_file(store::Store& store, const std::string& path,
                                            const ImportOptions& options) {
  auto input = InputStream::open(path);
  if (!input) return fail(input.error());
  return import_wxr(store, **input, options);
}

}  // namespace reelpress::importer
