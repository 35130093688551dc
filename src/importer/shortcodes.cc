#include "importer/shortcodes.h"

#include <algorithm>
#include <optional>

#include "render/html_escape.h"
#include "util/text.h"

namespace reelpress::importer {
namespace {

constexpr int kMaxDepth = 8;  // Nested shortcodes (a caption inside a caption ...).

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// A shortcode found in text: [name attrs] or [name attrs]content[/name].
struct Shortcode {
  std::string name;                               // Lower case.
  std::map<std::string, std::string> attributes;  // Names lower case; positional: "0", "1"...
  std::string_view content;
  bool enclosing = false;
  std::size_t begin = 0;  // Offsets in the text: [begin, end).
  std::size_t end = 0;
  bool escaped = false;  // [[name]]: shown as text without its outer brackets.

  const std::string& attr(const std::string& key) const {
    static const std::string kEmpty;
    const auto it = attributes.find(key);
    return it == attributes.end() ? kEmpty : it->second;
  }
};

// WordPress's shortcode_parse_atts: name="v", name='v', name=v, "v", 'v', v.
std::map<std::string, std::string> parse_attributes(std::string_view s) {
  std::map<std::string, std::string> out;
  int position = 0;
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < s.size() && is_space(s[i])) ++i;
  };
  const auto read_value = [&]() -> std::string {
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      const char q = s[i++];
      const std::size_t close = s.find(q, i);
      const std::size_t stop = close == std::string_view::npos ? s.size() : close;
      std::string v(s.substr(i, stop - i));
      i = close == std::string_view::npos ? s.size() : close + 1;
      return v;
    }
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    return std::string(s.substr(start, i - start));
  };
  while (true) {
    skip_space();
    if (i >= s.size()) break;
    if (s[i] == '"' || s[i] == '\'') {
      out[std::to_string(position++)] = read_value();
      continue;
    }
    const std::size_t name_start = i;
    while (i < s.size() && (is_name_char(s[i]) || s[i] == ':' || s[i] == '.')) ++i;
    const std::size_t name_end = i;
    skip_space();
    if (name_end > name_start && i < s.size() && s[i] == '=') {
      ++i;
      skip_space();
      out[util::to_lower(s.substr(name_start, name_end - name_start))] = read_value();
      continue;
    }
    // A bare value: the name just read, plus whatever follows up to a space.
    i = name_start;
    std::string v = read_value();
    if (v.empty()) {
      ++i;  // A character that starts nothing; step over it.
      continue;
    }
    out[std::to_string(position++)] = std::move(v);
  }
  return out;
}

// Parses a shortcode starting at text[at] == '['. Only names accepted by `wanted`.
template <typename Wanted>
std::optional<Shortcode> parse_at(std::string_view text, std::size_t at, Wanted wanted) {
  Shortcode sc;
  sc.begin = at;
  std::size_t i = at + 1;
  if (i < text.size() && text[i] == '[') {
    sc.escaped = true;
    ++i;
  }
  const std::size_t name_start = i;
  while (i < text.size() && is_name_char(text[i])) ++i;
  if (i == name_start || i >= text.size()) return std::nullopt;
  if (!is_space(text[i]) && text[i] != ']' && text[i] != '/') return std::nullopt;
  sc.name = util::to_lower(text.substr(name_start, i - name_start));
  if (!wanted(sc.name)) return std::nullopt;

  // The attributes run to the first ']' outside quotes.
  const std::size_t attr_start = i;
  char quote = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ']') {
      break;
    } else if (c == '[') {
      return std::nullopt;  // Another '[' first: not a shortcode.
    }
    ++i;
  }
  if (i >= text.size()) return std::nullopt;
  std::string_view attrs = text.substr(attr_start, i - attr_start);
  bool self_closing = false;
  {
    std::string_view t = util::trim(attrs);
    if (t.ends_with("/")) {
      self_closing = true;
      attrs = attrs.substr(0, attrs.rfind('/'));
    }
  }
  sc.attributes = parse_attributes(attrs);
  std::size_t end = i + 1;  // After ']'.

  if (!self_closing) {
    const std::string closing = "[/" + sc.name + "]";
    // Names in the closing tag may differ in case; WordPress matches case-sensitively on the
    // name as written, which is lower case in every export we know.
    const std::size_t close = text.find(closing, end);
    if (close != std::string_view::npos) {
      sc.enclosing = true;
      sc.content = text.substr(end, close - end);
      end = close + closing.size();
    }
  }
  if (sc.escaped) {
    if (end < text.size() && text[end] == ']') {
      ++end;
    } else {
      // "[[name]" is not the escaped form: read it as '[' then a shortcode.
      return std::nullopt;
    }
  }
  sc.end = end;
  return sc;
}

bool is_block_shortcode(std::string_view name) {
  return name == "caption" || name == "wp_caption" || name == "gallery";
}

// "&amp;" in a URL typed into the visual editor means "&".
std::string decode_amp(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t matched = 0;
    if (s[i] == '&') {
      for (std::string_view e : {"&amp;", "&#038;", "&#38;"}) {
        if (s.substr(i).starts_with(e)) matched = e.size();
      }
    }
    out += s[i];
    i += matched > 0 ? matched : 1;
  }
  return out;
}

class Expander {
 public:
  explicit Expander(const ShortcodeContext& context) : ctx_(context) {}

  std::string expand(std::string_view text, int depth) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    for (std::size_t i = text.find('['); i != std::string_view::npos; i = text.find('[', i)) {
      auto sc = parse_at(text, i, is_rendered_shortcode);
      if (!sc) {
        ++i;
        continue;
      }
      out.append(text.substr(copied, i - copied));
      if (sc->escaped) {
        out.append(text.substr(sc->begin + 1, sc->end - sc->begin - 2));
      } else {
        out += render(*sc, depth);
      }
      copied = i = sc->end;
    }
    out.append(text.substr(copied));
    return out;
  }

 private:
  std::string render(const Shortcode& sc, int depth) {
    if (sc.name == "caption" || sc.name == "wp_caption") return caption(sc, depth);
    if (sc.name == "embed") return embed(sc);
    if (sc.name == "gallery") return gallery(sc);
    if (sc.name == "audio") return media(sc, /*video=*/false);
    if (sc.name == "video") return media(sc, /*video=*/true);
    return std::string(sc.content);
  }

  std::string inner(std::string_view content, int depth) {
    return depth + 1 >= kMaxDepth ? std::string(content) : expand(content, depth + 1);
  }

  // A URL as this site should use it: root-relative when it is the old site's own.
  std::string local_or_same(std::string_view url) const {
    if (ctx_.urls) {
      if (auto local = ctx_.urls->to_local(url)) return *local;
    } else if (url.starts_with("/") && !url.starts_with("//")) {
      return std::string(url);
    }
    return std::string(url);
  }
  std::optional<std::string> local(std::string_view url) const {
    if (ctx_.urls) return ctx_.urls->to_local(url);
    if (url.starts_with("/") && !url.starts_with("//")) return std::string(url);
    return std::nullopt;
  }

  static std::string link(std::string_view url) {
    std::string out = "<a href=\"";
    render::append_escaped_html(out, url);
    out += "\">";
    render::append_escaped_html(out, url);
    out += "</a>";
    return out;
  }

  std::string caption(const Shortcode& sc, int depth) {
    std::string body = inner(sc.content, depth);
    std::string text = sc.attr("caption");
    if (text.empty()) {
      // The caption is what follows the image (and the link around it, if any).
      const std::string lower = util::to_lower(body);
      const std::size_t img = lower.find("<img");
      if (img != std::string::npos) {
        std::size_t img_end = lower.find('>', img);
        if (img_end != std::string::npos) {
          ++img_end;
          std::size_t split = img_end;
          std::size_t j = img_end;
          while (j < lower.size() && is_space(lower[j])) ++j;
          if (lower.compare(j, 4, "</a>") == 0) split = j + 4;
          text = std::string(util::trim(std::string_view(body).substr(split)));
          body.resize(split);
        }
      }
    }
    if (util::trim(text).empty()) return body;
    std::string align = sc.attr("align");
    std::string out = "<figure class=\"wp-caption";
    if (!align.empty()) {
      out += ' ';
      render::append_escaped_html(out, align);
    }
    const std::string& extra = sc.attr("class");
    if (!extra.empty()) {
      out += ' ';
      render::append_escaped_html(out, extra);
    }
    out += "\">";
    out += body;
    out += "<figcaption class=\"wp-caption-text\">";
    out += text;  // HTML: captions may hold links and emphasis; sanitized with the body.
    out += "</figcaption></figure>";
    return out;
  }

  std::string embed(const Shortcode& sc) {
    std::string url = decode_amp(util::trim(sc.content));
    if (url.empty()) url = decode_amp(util::trim(sc.attr("src")));
    if (url.empty()) return std::string();
    return link(local_or_same(url));
  }

  std::vector<const AttachmentInfo*> gallery_images(const Shortcode& sc) const {
    std::vector<const AttachmentInfo*> images;
    if (!ctx_.attachments) return images;
    std::string ids = sc.attr("ids");
    if (ids.empty()) ids = sc.attr("include");
    if (!ids.empty()) {
      for (std::string_view piece : util::split(ids, ',')) {
        const auto id = util::parse_non_negative(util::trim(piece));
        if (!id) continue;
        if (const AttachmentInfo* a = ctx_.attachments->find(*id)) images.push_back(a);
      }
      return images;
    }
    std::int64_t parent = ctx_.post_id;
    if (const auto id = util::parse_non_negative(sc.attr("id")); id && *id > 0) parent = *id;
    for (const AttachmentInfo* a : ctx_.attachments->children(parent)) {
      if (a->mime_type.starts_with("image/")) images.push_back(a);
    }
    return images;
  }

  std::string gallery(const Shortcode& sc) {
    const auto images = gallery_images(sc);
    if (images.empty()) return std::string();
    std::string out = "<ul>";
    for (const AttachmentInfo* a : images) {
      const std::optional<std::string> src = local(a->url);
      out += "<li>";
      if (!src) {
        // Not the site's own file: a link, so the page loads nothing from elsewhere.
        out += link(a->url);
        out += "</li>";
        continue;
      }
      out += "<figure><img src=\"";
      render::append_escaped_html(out, *src);
      out += "\" alt=\"";
      render::append_escaped_html(out, a->alt.empty() ? a->title : a->alt);
      out += "\">";
      if (!a->caption.empty()) {
        out += "<figcaption>";
        render::append_escaped_html(out, a->caption);
        out += "</figcaption>";
      }
      out += "</figure></li>";
    }
    out += "</ul>";
    return out;
  }

  std::string media(const Shortcode& sc, bool video) {
    static constexpr std::string_view kAudioTypes[] = {"src", "mp3", "ogg", "flac", "m4a", "wav"};
    static constexpr std::string_view kVideoTypes[] = {"src", "mp4", "m4v", "webm",
                                                       "ogv", "wmv", "flv"};
    std::string url;
    const auto try_keys = [&](const auto& keys) {
      for (std::string_view key : keys) {
        const std::string& v = sc.attr(std::string(key));
        if (!v.empty()) {
          url = decode_amp(util::trim(v));
          return;
        }
      }
    };
    if (video) {
      try_keys(kVideoTypes);
    } else {
      try_keys(kAudioTypes);
    }
    if (url.empty() && ctx_.attachments) {
      // WordPress falls back to the first audio (video) file attached to the post.
      const std::string_view prefix = video ? "video/" : "audio/";
      for (const AttachmentInfo* a : ctx_.attachments->children(ctx_.post_id)) {
        if (a->mime_type.starts_with(prefix)) {
          url = a->url;
          break;
        }
      }
    }
    if (url.empty()) return std::string();
    const std::optional<std::string> src = local(url);
    if (!src) return link(url);
    std::string out = video ? "<video controls src=\"" : "<audio controls src=\"";
    render::append_escaped_html(out, *src);
    out += '"';
    if (video) {
      for (const char* key : {"width", "height"}) {
        const std::string& v = sc.attr(key);
        if (!v.empty() &&
            std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          out += ' ';
          out += key;
          out += "=\"" + v + "\"";
        }
      }
      if (const auto poster = local(decode_amp(sc.attr("poster"))); poster && !poster->empty()) {
        out += " poster=\"";
        render::append_escaped_html(out, *poster);
        out += '"';
      }
    }
    out += "></";
    out += video ? "video>" : "audio>";
    return out;
  }

  const ShortcodeContext& ctx_;
};

}  // namespace

void AttachmentIndex::add(AttachmentInfo info) {
  const std::int64_t id = info.id;
  const std::int64_t parent = info.parent;
  const bool existed = by_id_.contains(id);
  by_id_[id] = std::move(info);
  if (!existed && parent != 0) {
    auto& list = by_parent_[parent];
    list.push_back(id);
  }
}

const AttachmentInfo* AttachmentIndex::find(std::int64_t id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

std::vector<const AttachmentInfo*> AttachmentIndex::children(std::int64_t parent) const {
  std::vector<const AttachmentInfo*> out;
  const auto it = by_parent_.find(parent);
  if (it == by_parent_.end()) return out;
  for (std::int64_t id : it->second) {
    if (const AttachmentInfo* a = find(id); a && a->parent == parent) out.push_back(a);
  }
  std::sort(out.begin(), out.end(), [](const AttachmentInfo* a, const AttachmentInfo* b) {
    return a->menu_order != b->menu_order ? a->menu_order < b->menu_order : a->id < b->id;
  });
  return out;
}

bool is_rendered_shortcode(std::string_view name) {
  return name == "caption" || name == "wp_caption" || name == "embed" || name == "gallery" ||
         name == "audio" || name == "video";
}

bool needs_attachments(std::string_view text) {
  for (std::size_t i = text.find('['); i != std::string_view::npos; i = text.find('[', i + 1)) {
    auto sc = parse_at(
        text, i, [](std::string_view n) { return n == "gallery" || n == "audio" || n == "video"; });
    if (!sc) continue;
    if (sc->escaped) {
      i = sc->end - 1;
      continue;
    }
    if (sc->name == "gallery") return true;
    bool named = false;
    for (const auto& [key, value] : sc->attributes) {
      if (!value.empty() && key != "poster" && key != "width" && key != "height" && key != "loop" &&
          key != "autoplay" && key != "preload" && key != "class" && key != "id" &&
          key != "style") {
        named = true;
      }
    }
    if (!named) return true;
  }
  return false;
}

std::string do_shortcodes(std::string_view text, const ShortcodeContext& context) {
  if (text.find('[') == std::string_view::npos) return std::string(text);
  return Expander(context).expand(text, 0);
}

namespace {

// Where the <p> (or <p ...>) still open at the end of `html` starts, or npos.
std::size_t open_paragraph(std::string_view html) {
  const std::size_t close = html.rfind("</p>");
  for (std::size_t at = html.rfind("<p"); at != std::string_view::npos;
       at = at == 0 ? std::string_view::npos : html.rfind("<p", at - 1)) {
    if (close != std::string_view::npos && at < close) return std::string_view::npos;
    if (at + 2 < html.size() && (html[at + 2] == '>' || html[at + 2] == ' ')) return at;
  }
  return std::string_view::npos;
}

// Skips spaces and <br> tags from `at`.
std::size_t skip_breaks(std::string_view html, std::size_t at) {
  while (at < html.size()) {
    if (is_space(html[at])) {
      ++at;
      continue;
    }
    bool br = false;
    for (std::string_view tag : {"<br />", "<br/>", "<br>"}) {
      if (html.substr(at).starts_with(tag)) {
        at += tag.size();
        br = true;
        break;
      }
    }
    if (!br) break;
  }
  return at;
}

// Removes trailing spaces and <br> tags.
void trim_breaks(std::string& html) {
  while (true) {
    while (!html.empty() && is_space(html.back())) html.pop_back();
    bool br = false;
    for (std::string_view tag : {"<br />", "<br/>", "<br>"}) {
      if (std::string_view(html).ends_with(tag)) {
        html.resize(html.size() - tag.size());
        br = true;
        break;
      }
    }
    if (!br) return;
  }
}

}  // namespace

std::string shortcode_unautop(std::string_view html) {
  if (html.find('[') == std::string_view::npos) return std::string(html);
  std::string out;
  out.reserve(html.size());
  std::size_t copied = 0;
  for (std::size_t i = html.find('['); i != std::string_view::npos; i = html.find('[', i)) {
    const auto sc = parse_at(html, i, is_block_shortcode);
    if (!sc) {
      ++i;
      continue;
    }
    if (sc->escaped) {
      i = sc->end;
      continue;
    }
    out.append(html.substr(copied, i - copied));
    const std::size_t open = open_paragraph(out);
    if (open != std::string::npos) {
      // Close the paragraph before the block, or drop it if the block is all it holds.
      const std::size_t content = out.find('>', open) + 1;
      if (skip_breaks(out, content) >= out.size()) {
        out.resize(open);
        trim_breaks(out);
      } else {
        trim_breaks(out);
        out += "</p>";
      }
    }
    out.append(html.substr(sc->begin, sc->end - sc->begin));
    copied = sc->end;
    if (open != std::string::npos) {
      // Reopen it after the block if text follows, else drop its end tag.
      const std::size_t next = skip_breaks(html, sc->end);
      if (html.substr(next).starts_with("</p>")) {
        copied = next + 4;
      } else {
        out += "<p>";
        copied = next;
      }
    }
    i = copied;
  }
  out.append(html.substr(copied));
  return out;
}

}  // namespace reelpress::importer
