#include "content/permalink.h"

#include <cstdio>

#include "util/text.h"

namespace reelpress::content {
namespace {

bool all_digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string two_digits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

}  // namespace

util::Result<PermalinkPattern> PermalinkPattern::parse(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    return util::fail(util::ErrorCode::kInvalidArgument,
                      "permalink pattern must start with '/': \"" + std::string(pattern) + "\"");
  }
  static constexpr std::pair<std::string_view, Tag> kTags[] = {
      {"post_id", Tag::kPostId}, {"postname", Tag::kPostName}, {"category", Tag::kCategory},
      {"author", Tag::kAuthor},  {"year", Tag::kYear},         {"monthnum", Tag::kMonth},
      {"day", Tag::kDay},        {"hour", Tag::kHour},         {"minute", Tag::kMinute},
      {"second", Tag::kSecond}};
  PermalinkPattern out;
  out.text_ = std::string(pattern);
  bool names_entry = false;
  std::string_view body = pattern.substr(1);
  if (!body.empty() && body.back() == '/') body.remove_suffix(1);
  if (body.empty()) {
    return util::fail(util::ErrorCode::kInvalidArgument, "permalink pattern \"/\" names no entry");
  }
  for (std::string_view part : util::split(body, '/')) {
    if (part.empty()) {
      return util::fail(util::ErrorCode::kInvalidArgument,
                        "permalink pattern has an empty segment: \"" + out.text_ + "\"");
    }
    Segment segment;
    std::size_t pos = 0;
    while (pos < part.size()) {
      const std::size_t open = part.find('%', pos);
      if (open == std::string_view::npos) {
        segment.push_back({Tag::kLiteral, std::string(part.substr(pos))});
        break;
      }
      if (open > pos) segment.push_back({Tag::kLiteral, std::string(part.substr(pos, open - pos))});
      const std::size_t close = part.find('%', open + 1);
      if (close == std::string_view::npos) {
        return util::fail(util::ErrorCode::kInvalidArgument,
                          "permalink pattern has an unclosed %tag: \"" + out.text_ + "\"");
      }
      const std::string_view name = part.substr(open + 1, close - open - 1);
      std::optional<Tag> tag;
      for (const auto& [n, t] : kTags) {
        if (n == name) tag = t;
      }
      if (!tag) {
        return util::fail(util::ErrorCode::kInvalidArgument,
                          "permalink pattern has an unknown tag %" + std::string(name) + "%");
      }
      if (*tag == Tag::kCategory && part != "%category%") {
        return util::fail(util::ErrorCode::kInvalidArgument,
                          "%category% must fill a whole path segment in \"" + out.text_ + "\"");
      }
      names_entry = names_entry || *tag == Tag::kPostId || *tag == Tag::kPostName;
      segment.push_back({*tag, {}});
      pos = close + 1;
    }
    out.segments_.push_back(std::move(segment));
  }
  if (!names_entry) {
    return util::fail(util::ErrorCode::kInvalidArgument,
                      "permalink pattern needs %post_id% or %postname%: \"" + out.text_ + "\"");
  }
  return out;
}

std::string PermalinkPattern::build(const PermalinkFields& f) const {
  std::string path = "/";
  for (const Segment& segment : segments_) {
    for (const Token& token : segment) {
      switch (token.tag) {
        case Tag::kLiteral: path += token.literal; break;
        case Tag::kPostId: path += std::to_string(f.id); break;
        case Tag::kPostName: path += util::percent_encode_path(f.slug); break;
        case Tag::kCategory:
          path += util::percent_encode_path(f.category_path.empty() ? "uncategorized"
                                                                    : f.category_path);
          break;
        case Tag::kAuthor: path += util::percent_encode_path(f.author); break;
        case Tag::kYear: path += std::to_string(f.year); break;
        case Tag::kMonth: path += two_digits(f.month); break;
        case Tag::kDay: path += two_digits(f.day); break;
        case Tag::kHour: path += two_digits(f.hour); break;
        case Tag::kMinute: path += two_digits(f.minute); break;
        case Tag::kSecond: path += two_digits(f.second); break;
      }
    }
    path += '/';
  }
  if (!ends_with_slash()) path.pop_back();
  return path;
}

std::optional<PermalinkMatch> PermalinkPattern::match(std::string_view path) const {
  if (path.empty() || path.front() != '/') return std::nullopt;
  path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return std::nullopt;
  const std::vector<std::string_view> parts = util::split(path, '/');
  for (std::string_view p : parts) {
    if (p.empty()) return std::nullopt;
  }
  PermalinkMatch out;
  if (!match_segments(parts, 0, 0, out)) return std::nullopt;
  return out;
}

bool PermalinkPattern::match_segments(const std::vector<std::string_view>& parts, std::size_t part,
                                      std::size_t segment, PermalinkMatch& out) const {
  if (segment == segments_.size()) return part == parts.size();
  if (part == parts.size()) return false;
  const Segment& seg = segments_[segment];
  if (seg.size() == 1 && seg[0].tag == Tag::kCategory) {
    // A category path takes one or more segments; leave enough for the rest of the pattern.
    const std::size_t rest = segments_.size() - segment - 1;
    for (std::size_t take = parts.size() - part - rest; take >= 1 && part + take <= parts.size();
         --take) {
      PermalinkMatch attempt = out;
      std::string category;
      for (std::size_t i = part; i < part + take; ++i) {
        if (!category.empty()) category += '/';
        category += parts[i];
      }
      attempt.category_path = category;
      if (match_segments(parts, part + take, segment + 1, attempt)) {
        out = std::move(attempt);
        return true;
      }
    }
    return false;
  }
  PermalinkMatch attempt = out;
  if (!match_segment(seg, parts[part], 0, attempt)) return false;
  if (!match_segments(parts, part + 1, segment + 1, attempt)) return false;
  out = std::move(attempt);
  return true;
}

bool PermalinkPattern::match_segment(const Segment& segment, std::string_view part,
                                     std::size_t token, PermalinkMatch& out) {
  if (token == segment.size()) return part.empty();
  const Token& t = segment[token];
  if (t.tag == Tag::kLiteral) {
    if (part.substr(0, t.literal.size()) != t.literal) return false;
    return match_segment(segment, part.substr(t.literal.size()), token + 1, out);
  }
  // Try every length for this tag's value, shortest first; patterns are tiny.
  for (std::size_t len = 1; len <= part.size(); ++len) {
    const std::string_view value = part.substr(0, len);
    PermalinkMatch attempt = out;
    bool ok = true;
    switch (t.tag) {
      case Tag::kPostId: {
        const auto id = util::parse_non_negative(value);
        ok = id.has_value() && !value.empty() && value[0] != '0';
        if (ok) attempt.id = *id;
        break;
      }
      case Tag::kPostName: attempt.slug = std::string(value); break;
      case Tag::kAuthor: attempt.author = std::string(value); break;
      case Tag::kYear:
        ok = all_digits(value, 4);
        if (ok) attempt.year = static_cast<int>(*util::parse_non_negative(value));
        break;
      case Tag::kMonth:
      case Tag::kDay:
      case Tag::kHour:
      case Tag::kMinute:
      case Tag::kSecond:
        ok = all_digits(value, 2);
        if (ok && t.tag == Tag::kMonth)
          attempt.month = static_cast<int>(*util::parse_non_negative(value));
        if (ok && t.tag == Tag::kDay)
          attempt.day = static_cast<int>(*util::parse_non_negative(value));
        break;
      case Tag::kLiteral:
      case Tag::kCategory: ok = false; break;
    }
    if (ok && match_segment(segment, part.substr(len), token + 1, attempt)) {
      out = std::move(attempt);
      return true;
    }
  }
  return false;
}

std::string page_path(const std::vector<std::string>& slugs, bool trailing_slash) {
  std::string path;
  for (const std::string& slug : slugs) {
    path += '/';
    path += util::percent_encode_path(slug);
  }
  if (path.empty() || trailing_slash) path += '/';
  return path;
}

}  // namespace reelpress::content
