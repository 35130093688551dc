// The public pages: home, film, entry, listings and error pages, rendered through the theme.
// Each function loads what its page needs from the store and returns the finished HTML;
// choosing the status code and caching are the handler's business (site_handler.h).
//
// Thread-safety: a Pages object is immutable after construction and its functions may run
// on every server thread at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/site_config.h"
#include "render/theme.h"
#include "site/form_token.h"
#include "site/router.h"
#include "site/snapshot.h"
#include "store/store.h"

namespace reelpress::site {

// What every page render needs to know about the moment it renders in.
struct PageContext {
  const config::SiteSettings& settings;
  const Snapshot& snapshot;
  int year = 1970;                     // For the footer: the current year.
  std::string path;                    // The canonical path of the page being rendered.
  util::UnixTime now = 0;              // Signs form tokens; closes comments after N days.
  const FormTokens* tokens = nullptr;  // Null: pages carry no forms (offline renders).
  // The store's change counter the rendering state accounts for. It moves with every write a
  // page can show, also when only some pages were dropped and the snapshot (whose own counter
  // then stays behind) was kept: what a cache of entries keys its generations with.
  std::int64_t change_counter = 0;
};

struct RenderedPage {
  std::string html;
  util::UnixTime last_modified = 0;  // 0: unknown.
  // The page carries a form token: a cache may keep it for form_page_ttl at most.
  bool has_form = false;
  // Entries whose approved comments the page shows (listed, or counted in a summary): the
  // cache drops the page when they change (SiteHandler).
  std::vector<content::Id> comments_of;
  // Categories whose name or description the page shows (an entry's "Posted in", a
  // category's own listing): a rename drops the page, and only such pages.
  std::vector<content::Id> categories_shown;
  // Entries whose own fields the page shows (an entry's page: itself and the child pages it
  // links; a listing or the home page: each entry listed; a film page: its companions): an
  // edit of one drops the page, and only such pages.
  std::vector<content::Id> entries_shown;
};

// What one reader's own request adds to an entry page, from its query string: the reply form
// of ?replytocom=ID and the notice after posting (?comment=pending, ?suggestion=pending). A
// page rendered with any of it is for that reader only: it is never cached.
struct ReaderView {
  std::optional<content::Id> reply_to;
  std::string comment_notice;  // "pending" or "published"; anything else shows nothing.
  bool suggestion_notice = false;
  bool empty() const { return !reply_to && comment_notice.empty() && !suggestion_notice; }
};

// What a reader sent in a form, to show back in it.
struct FormDraft {
  FormKind kind = FormKind::kComment;
  content::Id entry_id = 0;
  std::optional<content::Id> parent_id;
  std::string token;  // What the form posts with: the reader's own, or a fresh one.
  // The comment form.
  std::string author_name;
  std::string author_email;
  std::string text;
  // The suggestion form.
  std::string org_name;
  std::string org_url;
  std::string org_description;
  std::string org_region;
};

// A page that refuses a submission and says why. Whatever the reader wrote is on it: in the
// form again (when sending it again can work), or as read-only text to copy.
struct SubmissionProblem {
  int status = 400;
  std::string title;                  // "Your comment was not sent"
  std::vector<std::string> messages;  // What went wrong and what to do, one sentence each.
  bool show_form = false;             // The form again, filled in, with draft.token.
  FormDraft draft;
  std::string entry_title;  // The page the form was on, for a link back; may be empty.
  std::string entry_url;
};

class Pages {
 public:
  Pages(store::Store& store, std::shared_ptr<const render::Theme> theme)
      : store_(store), theme_(std::move(theme)) {}

  // kNotFound when the page number is past the last page.
  util::Result<RenderedPage> home(const PageContext& ctx, int page) const;
  // kNotFound for an unknown category, tag or an empty date archive, or a page past the end.
  util::Result<RenderedPage> listing(const PageContext& ctx, const ListingRoute& listing) const;
  util::Result<RenderedPage> film(const PageContext& ctx, const content::Film& film) const;
  // comment_page 0 means the first page. kNotFound past the last comment page. Comments
  // show [comments] per_page top-level threads a page; replies nest thread_depth deep at most
  // (deeper ones attach to the deepest allowed ancestor). When the entry takes comments (see
  // accepts_submissions) and ctx.tokens is set, the page carries the comment form, and an
  // organizations page the suggestion form: has_form is then true.
  util::Result<RenderedPage> entry(const PageContext& ctx, const content::Entry& entry,
                                   int comment_page, const ReaderView& reader = {}) const;
  // A short themed page for an error status (404, 400, 403, 405, 413, 429, 500...).
  util::Result<std::string> error(const PageContext& ctx, int status) const;
  // The page that refuses a submission (see SubmissionProblem).
  util::Result<std::string> submission_problem(const PageContext& ctx,
                                               const SubmissionProblem& problem) const;

 private:
  store::Store& store_;
  std::shared_ptr<const render::Theme> theme_;
};

// The short title and sentence an error page shows for a status.
std::pair<std::string, std::string> error_text(int status);

// Whether `entry` takes new comments and organization suggestions at `now`: published, not
// password-protected, its own switch on, the site's [comments] enabled, no archive mode, and
// not older than [comments] close_after_days.
bool accepts_submissions(const content::Entry& entry, const config::SiteSettings& settings,
                         util::UnixTime now);

}  // namespace reelpress::site
