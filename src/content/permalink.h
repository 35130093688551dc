// Permalinks in WordPress's syntax: the pattern `/%category%/%postname%/%post_id%/` that the
// documentary series sites used, and the other tags WordPress offers.
//
// A pattern builds an entry's canonical path and matches incoming paths. Matching is
// forgiving on purpose: it extracts what the path says (id, slug, category path, date), and
// the caller decides by the id when there is one, so that a wrong slug or another category
// of the same entry still finds it; the caller then compares with the canonical path.
//
// Example:
//   auto pattern = PermalinkPattern::parse("/%category%/%postname%/%post_id%/");
//   pattern->build({.id = 4990, .slug = "salt", .category_path = "episodes/asia"})
//       == "/episodes/asia/salt/4990/"
//   pattern->match("/episodes/salt/4990")->id == 4990
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/model.h"
#include "util/result.h"

namespace reelpress::content {

// What goes into, or comes out of, a permalink.
struct PermalinkFields {
  Id id = 0;
  std::string slug;
  std::string category_path;  // "episodes/asia" (slugs joined by '/'), or empty.
  std::string author;         // Author login.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// What a path told about the entry it names. Unset fields were not in the pattern.
struct PermalinkMatch {
  std::optional<Id> id;
  std::optional<std::string> slug;
  std::optional<std::string> category_path;
  std::optional<std::string> author;
  std::optional<int> year, month, day;
};

class PermalinkPattern {
 public:
  // Fails with kInvalidArgument naming the problem: not starting with '/', an unknown
  // %tag%, a pattern with neither %post_id% nor %postname% (it could not name an entry).
  static util::Result<PermalinkPattern> parse(std::string_view pattern);

  // The canonical path (percent-encoded where the slug holds non-ASCII bytes).
  std::string build(const PermalinkFields& fields) const;

  // Matches a decoded path, with or without the pattern's trailing slash. std::nullopt when
  // the path cannot be a permalink of this pattern.
  std::optional<PermalinkMatch> match(std::string_view path) const;

  const std::string& text() const { return text_; }
  bool ends_with_slash() const { return !text_.empty() && text_.back() == '/'; }

 private:
  enum class Tag {
    kLiteral,
    kPostId,
    kPostName,
    kCategory,
    kAuthor,
    kYear,
    kMonth,
    kDay,
    kHour,
    kMinute,
    kSecond
  };
  struct Token {
    Tag tag;
    std::string literal;  // kLiteral only.
  };
  using Segment = std::vector<Token>;

  bool match_segments(const std::vector<std::string_view>& parts, std::size_t part,
                      std::size_t segment, PermalinkMatch& out) const;
  static bool match_segment(const Segment& segment, std::string_view part, std::size_t token,
                            PermalinkMatch& out);

  std::string text_;
  std::vector<Segment> segments_;
};

// Path of a hierarchical page: "/about/credits/" from its slug and its ancestors' slugs,
// outermost first. trailing_slash follows the site's permalink pattern.
std::string page_path(const std::vector<std::string>& slugs, bool trailing_slash);

}  // namespace reelpress::content
