#include "importer/wxr_reader.h"

#include <expat.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>

#include "util/text.h"

namespace reelpress::importer {
namespace {

using util::ErrorCode;
using util::fail;

constexpr std::size_t kReadChunk = 256 * 1024;
// Everything one item holds before its comments (fields, terms, postmeta) together.
constexpr std::size_t kMaxItemBytes = 2 * kMaxFieldBytes;
constexpr char kNamespaceSeparator = ' ';  // Not allowed in a URI, so never ambiguous.

// Which vocabulary an element name belongs to, by its namespace URI.
enum class Ns { kNone, kWp, kExcerpt, kContent, kDc, kOther };

bool is_wordpress_export_uri(std::string_view uri) {
  // "http://wordpress.org/export/1.2/" and the 1.0 and 1.1 forms (https too, to be lenient).
  return uri.starts_with("http://wordpress.org/export/") ||
         uri.starts_with("https://wordpress.org/export/");
}

Ns classify(std::string_view uri) {
  if (uri.empty()) return Ns::kNone;
  if (is_wordpress_export_uri(uri)) return uri.ends_with("/excerpt/") ? Ns::kExcerpt : Ns::kWp;
  if (uri == "http://purl.org/rss/1.0/modules/content/") return Ns::kContent;
  if (uri == "http://purl.org/dc/elements/1.1/") return Ns::kDc;
  return Ns::kOther;
}

struct Name {
  Ns ns = Ns::kNone;
  std::string_view local;
};

Name split_name(const XML_Char* raw) {
  std::string_view name(raw);
  const std::size_t sep = name.rfind(kNamespaceSeparator);
  if (sep == std::string_view::npos) return {Ns::kNone, name};
  return {classify(name.substr(0, sep)), name.substr(sep + 1)};
}

// What the element being read is, for deciding what its children mean.
enum class Frame {
  kRss,
  kChannel,
  kAuthor,
  kCategory,
  kTag,
  kTerm,
  kItem,
  kPostMeta,
  kComment,
  kField,   // A leaf whose text is captured (or dropped, when its target is null).
  kIgnore,  // Anything else, with everything inside it.
};

// The number a numeric field ends up in.
enum class NumberTarget { kNone, kInt64, kInt, kBool };

struct FrameState {
  Frame frame;
  std::string* text = nullptr;  // kField: where the text goes (null: dropped).
  NumberTarget number = NumberTarget::kNone;
  void* number_out = nullptr;
};

class Reader {
 public:
  Reader(InputStream& input, WxrHandler& handler) : input_(input), handler_(handler) {}
  ~Reader() {
    if (parser_) XML_ParserFree(parser_);
  }

  util::Status run() {
    parser_ = XML_ParserCreateNS(nullptr, kNamespaceSeparator);
    if (!parser_) return fail(ErrorCode::kInternal, "cannot create an XML parser");
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &Reader::start_element, &Reader::end_element);
    XML_SetCharacterDataHandler(parser_, &Reader::character_data);
    XML_SetStartNamespaceDeclHandler(parser_, &Reader::namespace_declared);
    // Entities and DTDs: refused outright (see the header). There is deliberately no
    // XML_SetExternalEntityRefHandler, so nothing is ever fetched either.
    XML_SetStartDoctypeDeclHandler(parser_, &Reader::doctype_started);
    XML_SetEntityDeclHandler(parser_, &Reader::entity_declared);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);

    while (true) {
      void* buffer = XML_GetBuffer(parser_, kReadChunk);
      if (!buffer) return fail(ErrorCode::kInternal, input_.name() + ": out of memory");
      auto n = input_.read(static_cast<char*>(buffer), kReadChunk);
      if (!n) {
        // A damaged or truncated gzip stream: name the line the XML had reached.
        return fail(n.error().code, with_line(n.error().message));
      }
      const bool last = *n == 0;
      final_call_ = last;
      if (XML_ParseBuffer(parser_, static_cast<int>(*n), last) == XML_STATUS_ERROR) {
        return parse_error();
      }
      if (last) break;
    }
    if (!channel_seen_) return not_wxr("it has no <channel>");
    return {};
  }

 private:
  // ---- Errors ----

  std::string line_prefix(XML_Size line) const {
    return input_.name() + ":" + std::to_string(line) + ": ";
  }
  std::string with_line(const std::string& message) const {
    return line_prefix(XML_GetCurrentLineNumber(parser_)) + message;
  }

  util::Status not_wxr(const std::string& why) const {
    return fail(ErrorCode::kInvalidArgument,
                input_.name() + " is not a WordPress export (WXR): " + why);
  }

  // Stops the parser with `error`; the handlers do nothing more.
  void stop(util::Error error) {
    if (error_) return;
    error_ = std::make_unique<util::Error>(std::move(error));
    XML_StopParser(parser_, XML_FALSE);
  }
  void stop_invalid(const std::string& message) {
    stop(util::Error{ErrorCode::kInvalidArgument, with_line(message)});
  }

  util::Status parse_error() {
    if (error_) return fail(std::move(*error_));
    const XML_Error code = XML_GetErrorCode(parser_);
    const XML_Size line = XML_GetCurrentLineNumber(parser_);
    if (input_.bytes_produced() == 0) return not_wxr("the file is empty");
    std::string what = XML_ErrorString(code);
    if (code == XML_ERROR_INVALID_TOKEN && invalid_utf8_at_error()) {
      what = "invalid UTF-8";
    } else if (final_call_) {
      // Only what is left open at the very end fails on the last call: the file was cut.
      what = "the file ends too early (is it truncated?): " + what;
    }
    if (!root_seen_) {
      return not_wxr("line " + std::to_string(line) + ": " + what);
    }
    return fail(ErrorCode::kInvalidArgument, line_prefix(line) + what);
  }

  // Whether the bytes where expat stopped are not UTF-8 (expat calls them "invalid token").
  bool invalid_utf8_at_error() const {
    int offset = 0;
    int size = 0;
    const char* context = XML_GetInputContext(parser_, &offset, &size);
    if (!context || offset < 0 || offset > size) return false;
    // expat points at the start of the token that holds the bad bytes; look a little ahead.
    const std::string_view ahead(
        context + offset, std::min<std::size_t>(static_cast<std::size_t>(size - offset), 4096));
    std::size_t i = 0;
    while (i < ahead.size()) {
      const auto c = static_cast<unsigned char>(ahead[i]);
      if (c < 0x80) {
        ++i;
        continue;
      }
      const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (i + len > ahead.size()) return false;  // Cut by the context window: unknown.
      if (!util::is_valid_utf8(ahead.substr(i, len))) return true;
      i += len;
    }
    return false;
  }

  // ---- Expat callbacks ----

  static void start_element(void* self, const XML_Char* name, const XML_Char** attributes) {
    static_cast<Reader*>(self)->on_start(name, attributes);
  }
  static void end_element(void* self, const XML_Char*) { static_cast<Reader*>(self)->on_end(); }
  static void character_data(void* self, const XML_Char* text, int length) {
    auto* r = static_cast<Reader*>(self);
    if (r->target_ && !r->error_) r->append(text, static_cast<std::size_t>(length));
  }
  static void namespace_declared(void* self, const XML_Char*, const XML_Char* uri) {
    if (uri && is_wordpress_export_uri(uri)) static_cast<Reader*>(self)->wp_namespace_ = true;
  }
  static void doctype_started(void* self, const XML_Char* name, const XML_Char* system_id,
                              const XML_Char* public_id, int has_internal_subset) {
    auto* r = static_cast<Reader*>(self);
    // WordPress never writes a DOCTYPE. "<!DOCTYPE html>" is some other document; an internal
    // subset can only be there to declare entities (XXE, billion laughs); an external DTD
    // would have to be fetched. A bare "<!DOCTYPE rss>" declares nothing and is let through.
    const std::string_view root = name ? name : "";
    if (has_internal_subset) {
      r->stop_invalid("WXR files must not declare entities (the DOCTYPE has an internal subset)");
    } else if (system_id || public_id) {
      r->stop_invalid("WXR files must not declare entities (the DOCTYPE refers to a DTD)");
    } else if (root != "rss") {
      r->stop(util::Error{ErrorCode::kInvalidArgument,
                          r->input_.name() + " is not a WordPress export (WXR): it is a <" +
                              std::string(root) + "> document"});
    }
  }
  static void entity_declared(void* self, const XML_Char*, int, const XML_Char*, int,
                              const XML_Char*, const XML_Char*, const XML_Char*, const XML_Char*) {
    static_cast<Reader*>(self)->stop_invalid("WXR files must not declare entities");
  }

  void append(const char* text, std::size_t length) {
    if (target_->size() + length > kMaxFieldBytes) {
      stop_invalid("a field is larger than " + std::to_string(kMaxFieldBytes >> 20) + " MiB");
      return;
    }
    if (in_item_ && !item_emitted_) {
      item_bytes_ += length;
      if (item_bytes_ > kMaxItemBytes) {
        stop_invalid("item " + std::to_string(item_.post_id) + " is larger than " +
                     std::to_string(kMaxItemBytes >> 20) + " MiB");
        return;
      }
    }
    target_->append(text, length);
  }

  void push_field(std::string* text) {
    if (text) text->clear();
    stack_.push_back({Frame::kField, text});
    target_ = text;
  }
  void push_number(NumberTarget kind, void* out) {
    scratch_.clear();
    stack_.push_back({Frame::kField, &scratch_, kind, out});
    target_ = &scratch_;
  }
  void push(Frame frame) { stack_.push_back({frame}); }

  void on_start(const XML_Char* raw, const XML_Char** attributes) {
    if (error_) return;
    const Name n = split_name(raw);
    if (stack_.empty()) {
      root_seen_ = true;
      if (n.ns != Ns::kNone || n.local != "rss") {
        stop(util::Error{ErrorCode::kInvalidArgument,
                         input_.name() + " is not a WordPress export (WXR): its root element is <" +
                             std::string(n.local) + ">, not <rss>"});
        return;
      }
      if (!wp_namespace_) {
        stop(util::Error{ErrorCode::kInvalidArgument,
                         input_.name() +
                             " is not a WordPress export (WXR): <rss> does not declare the "
                             "WordPress export namespace (an RSS feed is not an export)"});
        return;
      }
      push(Frame::kRss);
      return;
    }
    const Frame parent = stack_.back().frame;
    const bool none = n.ns == Ns::kNone;
    const bool wp = n.ns == Ns::kWp;
    const std::string_view l = n.local;
    switch (parent) {
      case Frame::kRss:
        if (none && l == "channel" && !channel_seen_) {
          channel_seen_ = true;
          push(Frame::kChannel);
        } else {
          push(Frame::kIgnore);
        }
        return;
      case Frame::kChannel:
        if (none && l == "item") {
          flush_channel();
          if (error_) return;
          reset_item();
          item_.line = XML_GetCurrentLineNumber(parser_);
          in_item_ = true;
          push(Frame::kItem);
        } else if (wp && l == "author") {
          flush_channel();
          author_ = WxrAuthor{};
          push(Frame::kAuthor);
        } else if (wp && l == "category") {
          flush_channel();
          category_ = WxrCategory{};
          push(Frame::kCategory);
        } else if (wp && l == "tag") {
          flush_channel();
          tag_ = WxrTag{};
          push(Frame::kTag);
        } else if (wp && l == "term") {
          flush_channel();
          term_ = WxrTerm{};
          push(Frame::kTerm);
        } else if (none && l == "title") {
          push_field(&channel_.title);
        } else if (none && l == "link") {
          push_field(&channel_.link);
        } else if (none && l == "description") {
          push_field(&channel_.description);
        } else if (none && l == "language") {
          push_field(&channel_.language);
        } else if (wp && l == "wxr_version") {
          push_field(&channel_.wxr_version);
        } else if (wp && l == "base_site_url") {
          push_field(&channel_.base_site_url);
        } else if (wp && l == "base_blog_url") {
          push_field(&channel_.base_blog_url);
        } else {
          push(Frame::kIgnore);
        }
        return;
      case Frame::kAuthor:
        if (!wp) return push(Frame::kIgnore);
        if (l == "author_id") return push_number(NumberTarget::kInt64, &author_.id);
        if (l == "author_login") return push_field(&author_.login);
        if (l == "author_email") return push_field(&author_.email);
        if (l == "author_display_name") return push_field(&author_.display_name);
        if (l == "author_first_name") return push_field(&author_.first_name);
        if (l == "author_last_name") return push_field(&author_.last_name);
        return push(Frame::kIgnore);
      case Frame::kCategory:
        if (!wp) return push(Frame::kIgnore);
        if (l == "term_id") return push_number(NumberTarget::kInt64, &category_.term_id);
        if (l == "category_nicename") return push_field(&category_.nicename);
        if (l == "category_parent") return push_field(&category_.parent);
        if (l == "cat_name") return push_field(&category_.name);
        if (l == "category_description") return push_field(&category_.description);
        return push(Frame::kIgnore);
      case Frame::kTag:
        if (!wp) return push(Frame::kIgnore);
        if (l == "term_id") return push_number(NumberTarget::kInt64, &tag_.term_id);
        if (l == "tag_slug") return push_field(&tag_.slug);
        if (l == "tag_name") return push_field(&tag_.name);
        if (l == "tag_description") return push_field(&tag_.description);
        return push(Frame::kIgnore);
      case Frame::kTerm:
        if (!wp) return push(Frame::kIgnore);
        if (l == "term_id") return push_number(NumberTarget::kInt64, &term_.term_id);
        if (l == "term_taxonomy") return push_field(&term_.taxonomy);
        if (l == "term_slug") return push_field(&term_.slug);
        if (l == "term_parent") return push_field(&term_.parent);
        if (l == "term_name") return push_field(&term_.name);
        return push(Frame::kIgnore);
      case Frame::kItem: return start_in_item(n, attributes);
      case Frame::kPostMeta:
        if (wp && l == "meta_key") return push_field(&item_.postmeta.back().key);
        if (wp && l == "meta_value") return push_field(&item_.postmeta.back().value);
        return push(Frame::kIgnore);
      case Frame::kComment:
        if (!wp) return push(Frame::kIgnore);
        if (l == "comment_id") return push_number(NumberTarget::kInt64, &comment_.id);
        if (l == "comment_author") return push_field(&comment_.author);
        if (l == "comment_author_email") return push_field(&comment_.author_email);
        if (l == "comment_author_url") return push_field(&comment_.author_url);
        if (l == "comment_date") return push_field(&comment_.date);
        if (l == "comment_date_gmt") return push_field(&comment_.date_gmt);
        if (l == "comment_content") return push_field(&comment_.content);
        if (l == "comment_approved") return push_field(&comment_.approved);
        if (l == "comment_type") return push_field(&comment_.type);
        if (l == "comment_parent") return push_number(NumberTarget::kInt64, &comment_.parent);
        if (l == "comment_user_id") return push_number(NumberTarget::kInt64, &comment_.user_id);
        // Everything else is dropped unread, <wp:comment_author_IP> above all: a commenter's
        // address never reaches memory that outlives the parser's buffer.
        return push_field(nullptr);
      case Frame::kField:
      case Frame::kIgnore:
        // Markup inside a field (or in something ignored): its text still belongs to the
        // field, which ends only when the field's own element does.
        push(Frame::kIgnore);
        return;
    }
  }

  void start_in_item(const Name& n, const XML_Char** attributes) {
    const std::string_view l = n.local;
    if (n.ns == Ns::kWp && l == "comment") {
      if (!item_emitted_) emit_item();
      if (error_) return;
      comment_ = WxrComment{};
      comment_.line = XML_GetCurrentLineNumber(parser_);
      push(Frame::kComment);
      return;
    }
    if (item_emitted_) {
      // WordPress writes comments last; anything after them cannot change the item that was
      // already handed out.
      push(Frame::kIgnore);
      return;
    }
    switch (n.ns) {
      case Ns::kNone:
        if (l == "title") return push_field(&item_.title);
        if (l == "link") return push_field(&item_.link);
        if (l == "pubDate") return push_field(&item_.pub_date);
        if (l == "guid") return push_field(&item_.guid);
        if (l == "description") return push_field(&item_.description);
        if (l == "category") {
          WxrItemTerm term;
          for (const XML_Char** a = attributes; a && a[0]; a += 2) {
            const std::string_view key(a[0]);
            if (key == "domain") term.domain = a[1];
            if (key == "nicename") term.nicename = a[1];
          }
          item_.terms.push_back(std::move(term));
          return push_field(&item_.terms.back().name);
        }
        break;
      case Ns::kDc:
        if (l == "creator") return push_field(&item_.creator);
        break;
      case Ns::kContent:
        if (l == "encoded") return push_field(&item_.content);
        break;
      case Ns::kExcerpt:
        if (l == "encoded") return push_field(&item_.excerpt);
        break;
      case Ns::kWp:
        if (l == "post_id") return push_number(NumberTarget::kInt64, &item_.post_id);
        if (l == "post_date") return push_field(&item_.post_date);
        if (l == "post_date_gmt") return push_field(&item_.post_date_gmt);
        if (l == "post_modified") return push_field(&item_.post_modified);
        if (l == "post_modified_gmt") return push_field(&item_.post_modified_gmt);
        if (l == "comment_status") return push_field(&item_.comment_status);
        if (l == "ping_status") return push_field(&item_.ping_status);
        if (l == "post_name") return push_field(&item_.post_name);
        if (l == "status") return push_field(&item_.status);
        if (l == "post_parent") return push_number(NumberTarget::kInt64, &item_.post_parent);
        if (l == "menu_order") return push_number(NumberTarget::kInt, &item_.menu_order);
        if (l == "post_type") return push_field(&item_.post_type);
        if (l == "post_password") return push_field(&item_.post_password);
        if (l == "is_sticky") return push_number(NumberTarget::kBool, &item_.is_sticky);
        if (l == "attachment_url") return push_field(&item_.attachment_url);
        if (l == "postmeta") {
          item_.postmeta.emplace_back();
          push(Frame::kPostMeta);
          return;
        }
        break;
      case Ns::kOther: break;
    }
    push(Frame::kIgnore);
  }

  void on_end() {
    if (error_ || stack_.empty()) return;
    const FrameState state = stack_.back();
    stack_.pop_back();
    switch (state.frame) {
      case Frame::kField:
        target_ = nullptr;
        if (state.number != NumberTarget::kNone) store_number(state);
        return;
      case Frame::kChannel: flush_channel(); return;
      case Frame::kAuthor: return call(handler_.on_author(author_));
      case Frame::kCategory: return call(handler_.on_category(category_));
      case Frame::kTag: return call(handler_.on_tag(tag_));
      case Frame::kTerm: return call(handler_.on_term(term_));
      case Frame::kItem:
        if (!item_emitted_) emit_item();
        if (error_) return;
        in_item_ = false;
        return call(handler_.on_item_end(item_));
      case Frame::kComment: return call(handler_.on_comment(item_, comment_));
      case Frame::kRss:
      case Frame::kPostMeta:
      case Frame::kIgnore: return;
    }
  }

  void store_number(const FrameState& state) {
    const std::string_view text = util::trim(scratch_);
    std::int64_t value = 0;
    if (!text.empty()) {
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        stop_invalid("\"" + std::string(text.substr(0, 40)) + "\" is not a number");
        return;
      }
    }
    switch (state.number) {
      case NumberTarget::kInt64: *static_cast<std::int64_t*>(state.number_out) = value; break;
      case NumberTarget::kInt:
        *static_cast<int*>(state.number_out) =
            static_cast<int>(std::clamp<std::int64_t>(value, -(1 << 30), 1 << 30));
        break;
      case NumberTarget::kBool: *static_cast<bool*>(state.number_out) = value != 0; break;
      case NumberTarget::kNone: break;
    }
  }

  void call(util::Status status) {
    if (!status) {
      util::Error e = std::move(status.error());
      e.message = with_line(e.message);
      stop(std::move(e));
    }
  }

  void flush_channel() {
    if (channel_emitted_) return;
    channel_emitted_ = true;
    call(handler_.on_channel(channel_));
  }

  void emit_item() {
    item_emitted_ = true;
    call(handler_.on_item(item_));
  }

  // Clears the item for the next one, keeping the strings' capacity (fewer allocations).
  void reset_item() {
    item_.line = 0;
    for (std::string* s :
         {&item_.title, &item_.link, &item_.pub_date, &item_.creator, &item_.guid,
          &item_.description, &item_.content, &item_.excerpt, &item_.post_date,
          &item_.post_date_gmt, &item_.post_modified, &item_.post_modified_gmt,
          &item_.comment_status, &item_.ping_status, &item_.post_name, &item_.status,
          &item_.post_type, &item_.post_password, &item_.attachment_url}) {
      s->clear();
    }
    item_.post_id = 0;
    item_.post_parent = 0;
    item_.menu_order = 0;
    item_.is_sticky = false;
    item_.terms.clear();
    item_.postmeta.clear();
    item_emitted_ = false;
    item_bytes_ = 0;
  }

  InputStream& input_;
  WxrHandler& handler_;
  XML_Parser parser_ = nullptr;
  std::unique_ptr<util::Error> error_;
  std::vector<FrameState> stack_;
  std::string* target_ = nullptr;
  std::string scratch_;
  bool wp_namespace_ = false;
  bool root_seen_ = false;
  bool channel_seen_ = false;
  bool channel_emitted_ = false;
  bool in_item_ = false;
  bool item_emitted_ = false;
  bool final_call_ = false;
  std::size_t item_bytes_ = 0;
  WxrChannel channel_;
  WxrAuthor author_;
  WxrCategory category_;
  WxrTag tag_;
  WxrTerm term_;
  WxrItem item_;
  WxrComment comment_;
};

}  // namespace

const std::string& WxrItem::meta(std::string_view key) const {
  static const std::string kEmpty;
  for (const WxrPostMeta& m : postmeta) {
    if (m.key == key) return m.value;
  }
  return kEmpty;
}

util::Status read_wxr(InputStream& input, WxrHandler& handler) {
  Reader reader(input, handler);
  return reader.run();
}

}  // namespace reelpress::importer
