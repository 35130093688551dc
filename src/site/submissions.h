// The reader forms' write path: a comment (POST /comments/, or WordPress's
// /wp-comments-post.php) or an organization suggestion (POST /organizations/suggest/) is read,
// checked, judged and stored, then answered with 303 to the entry (post/redirect/get), whose
// page says "awaiting moderation".
//
// In order, each check answering with a themed page that shows the reader's text back:
//   1. The body must be application/x-www-form-urlencoded with valid escapes and UTF-8 (400).
//   2. The client must be within [comments] rate_per_minute (429 with Retry-After).
//   3. The entry must exist, be public and take submissions (404; 403 when archived or
//      closed).
//   4. The form token must be this site's, for this entry and form, and not expired (403; an
//      expired form is shown again with a fresh token).
//   5. Required fields filled, lengths within form_fields.h, a sane email and website (400,
//      with the form again).
//   6. The honeypot empty and the form not sent too soon after it was rendered (403, with the
//      form again: a person can simply send it once more).
//   7. Word lists, links and trust decide the status (spam_guard.h). A submission that would
//      wait for moderation or land in spam must fit in [comments] pending_per_hour, counted for
//      the whole site (503 with Retry-After, and the form again).
//   8. The digest of (token, body) is recorded in the same transaction as the comment: the
//      same form sent twice is refused (403), and a refused or failed write records nothing.
// A submission is acknowledged (303) only after its transaction committed: it is durable then
// (see store/sqlite/sqlite_store.h for what that means on this backend).
//
// Privacy: request.client_address is used for the rate limit only (hashed, in memory); it is
// never stored, logged or rendered. An email is stored only if given and never rendered.
//
// Example:
//   Submissions submissions(store, pages, tokens, limiter);
//   submissions.comment(request, ctx, state, [](Response r) { ... });  // 303, or a page
//                                                                        // saying what is wrong
//
// Thread-safety: comment() and organization() may run on every server thread at once. They do
// not wait for the store's writer: a refusal is answered before they return, an accepted
// submission from the GroupCommit's writer thread once it is committed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "site/form_token.h"
#include "site/hourly_quota.h"
#include "site/http.h"
#include "site/pages.h"
#include "site/rate_limiter.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace reelpress::site {

// A decoded application/x-www-form-urlencoded body.
struct ParsedForm {
  // Names and values decoded ('+' is a space); a value that was not valid UTF-8 has each bad
  // byte replaced by U+FFFD, so it can still be shown back.
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> not_utf8;  // Names of the fields that were not valid UTF-8.
  bool malformed = false;             // A bad percent escape, a NUL byte, or too many fields.

  // The first value of `name`; empty when absent.
  std::string_view value(std::string_view name) const;
  // Every value of `name`, in the order sent (checkboxes, repeated fields).
  std::vector<std::string_view> values(std::string_view name) const;
};

// Parses a form body. Never fails: problems are reported in the result. At most max_fields
// fields are read (the reader forms have fewer than 12); more make the form malformed.
ParsedForm parse_form_body(std::string_view body, std::size_t max_fields = 64);

// `text` with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);

class Submissions {
 public:
  // Every reference must outlive this object.
  Submissions(store::Store& store, const Pages& pages, const FormTokens& tokens,
              RateLimiter& limiter)
      : store_(store), pages_(pages), tokens_(tokens), limiter_(limiter), commits_(store) {}

  // Holds what a PageContext refers to (the settings and snapshot) for as long as needed.
  using Keep = std::shared_ptr<const void>;

  // ctx: the settings, snapshot and time to work with (ctx.path is ignored), kept alive by
  // `keep`. `reply` gets the answer, exactly once, on this thread or the writer's.
  void comment(const Request& request, const PageContext& ctx, Keep keep, Reply reply);
  void organization(const Request& request, const PageContext& ctx, Keep keep, Reply reply);

 private:
  struct Attempt;
  struct Saving;
  // Steps 1 to 4 above, common to both forms; nullopt when the submission may go on,
  // otherwise the answer.
  std::optional<Response> check_form(const Request& request, const PageContext& ctx,
                                     Attempt& attempt);
  // Steps 6 to 8 and the answer, once the fields are read and valid.
  void judge_and_store(const Request& request, const PageContext& ctx, Attempt attempt,
                       std::string_view typed_text, bool trusted, Keep keep, Reply reply);
  // Step 8 on the writer's thread: the digest and the row.
  util::Status save(Saving& saving);
  // The answer once the write committed (303) or failed.
  Response answer(const Saving& saving, const util::Status& stored) const;
  Response problem(const PageContext& ctx, SubmissionProblem problem) const;
  // The entry `id` as of the store's change counter `generation`, from entries_ when it was
  // read at that generation. Loading an entry whole is the largest part of a post's cost.
  util::Result<std::shared_ptr<const content::Entry>> entry_at(content::Id id,
                                                               std::int64_t generation);

  static constexpr std::size_t kMaxCachedEntries = 4096;

  store::Store& store_;
  const Pages& pages_;
  const FormTokens& tokens_;
  RateLimiter& limiter_;
  HourlyQuota pending_quota_;  // Submissions held for moderation, site-wide.
  std::mutex entries_mutex_;   // Guards entries_ and entries_generation_.
  std::int64_t entries_generation_ = -1;
  std::unordered_map<content::Id, std::shared_ptr<const content::Entry>> entries_;
  // Posts arriving together commit together, on its writer thread. Last: destroyed first,
  // committing and answering what waits while everything its answers use is still here.
  store::GroupCommit commits_;
};

}  // namespace reelpress::site
