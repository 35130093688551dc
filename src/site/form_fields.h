// The reader forms' addresses, field names and limits, shared by the pages that render the
// forms (pages.cc and the theme's comment_form and organization_form templates, which spell
// the names out) and the handler that reads them (submissions.cc). The comment form uses
// WordPress's field names, so old themes' forms and links keep working.
#pragma once

#include <cstddef>
#include <string_view>

namespace reelpress::site::form {

// Where the forms post. WordPress's address is an alias of the comment form's.
inline constexpr std::string_view kCommentAction = "/comments/";
inline constexpr std::string_view kWordPressCommentAction = "/wp-comments-post.php";
inline constexpr std::string_view kSuggestionAction = "/organizations/suggest/";

// Both forms.
inline constexpr std::string_view kToken = "rp_token";
// The honeypot: hidden by the theme's CSS, labelled "Leave this field empty" for screen
// readers. Named like WordPress's "Website" field, which spam robots fill in.
inline constexpr std::string_view kHoneypot = "url";

// The comment form.
inline constexpr std::string_view kCommentEntryId = "comment_post_ID";
inline constexpr std::string_view kParent = "comment_parent";
inline constexpr std::string_view kAuthor = "author";
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kComment = "comment";

// The organization suggestion form.
inline constexpr std::string_view kSuggestionEntryId = "entry_id";
inline constexpr std::string_view kOrgName = "org_name";
inline constexpr std::string_view kOrgUrl = "org_url";
inline constexpr std::string_view kOrgDescription = "org_description";
inline constexpr std::string_view kOrgRegion = "org_region";

// The most characters (code points) each field takes. Long enough for anything a reader
// means to write, short enough that the sanitizer's cost stays small (html_sanitizer.h).
inline constexpr std::size_t kMaxAuthorChars = 100;
inline constexpr std::size_t kMaxEmailChars = 254;
inline constexpr std::size_t kMaxCommentChars = 10000;
inline constexpr std::size_t kMaxOrgNameChars = 200;
inline constexpr std::size_t kMaxOrgUrlChars = 500;
inline constexpr std::size_t kMaxOrgDescriptionChars = 2000;
inline constexpr std::size_t kMaxOrgRegionChars = 100;

}  // namespace reelpress::site::form
