#include "site/submissions.h"

#include <sodium.h>

#include <iostream>

#include "render/markdown.h"
#include "site/form_fields.h"
#include "site/spam_guard.h"
#include "util/text.h"

namespace reelpress::site {
namespace {

using content::ModerationStatus;
using util::ErrorCode;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Whether a Content-Type names a urlencoded form (parameters such as charset allowed).
bool is_urlencoded(std::string_view content_type) {
  const std::string_view type = util::trim(content_type.substr(0, content_type.find(';')));
  return util::to_lower(type) == "application/x-www-form-urlencoded";
}

// True for C1 control characters (U+0080..U+009F), which are C2 80..C2 9F in UTF-8.
bool c1_control_at(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < text.size() &&
         static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
         static_cast<unsigned char>(text[i + 1]) <= 0x9F;
}

// A one-line field (a name, an address): control characters, tabs and newlines become
// spaces, runs of spaces one, and the ends are trimmed.
std::string single_line(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c1_control_at(value, i)) {
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7F || c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += static_cast<char>(c);
  }
  return std::string(util::trim(out));
}

// A text area: line ends become "\n", other control characters but tabs go, and the ends are
// trimmed.
std::string multi_line(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c == '\r') {
      out += '\n';
      if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
    } else if (c1_control_at(value, i)) {
      ++i;
    } else if ((c >= 0x20 && c != 0x7F) || c == '\n' || c == '\t') {
      out += static_cast<char>(c);
    }
  }
  return std::string(util::trim(out));
}

// A plausible email address: one '@' with something on each side, a dot in the domain, and
// none of the characters that only appear in quoted local parts or in markup. Readers
// mistype; this refuses only what cannot be a working address.
bool plausible_email(std::string_view email) {
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= email.size() ||
      email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = email.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.') {
    return false;
  }
  return email.find_first_of(" \"<>()[]\\,;:") == std::string_view::npos;
}

// A website as readers type it ("example.org", "https://example.org/x"), as an http(s) URL;
// std::nullopt when it cannot be one. Empty stays empty.
std::optional<std::string> website_url(std::string_view typed) {
  std::string url(util::trim(typed));
  if (url.empty()) return url;
  if (url.find("://") == std::string::npos) url = "https://" + url;
  const std::string lowered = util::to_lower(url.substr(0, 8));
  std::size_t host_at = 0;
  if (lowered.starts_with("https://")) {
    host_at = 8;
  } else if (lowered.starts_with("http://")) {
    host_at = 7;
  } else {
    return std::nullopt;
  }
  const std::size_t host_end = url.find_first_of("/?#", host_at);
  const std::string_view host = std::string_view(url).substr(host_at, host_end - host_at);
  if (host.empty() || host.find('.') == std::string_view::npos) return std::nullopt;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`') {
      return std::nullopt;
    }
  }
  return url;
}

std::string status_word(FormKind kind) {
  return kind == FormKind::kComment ? "comment" : "suggestion";
}

// BLAKE2b of the token and the raw body: the same form sent twice has the same digest.
std::string submission_digest(std::string_view token, std::string_view body) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(token.data()),
                            token.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                            body.size());
  std::string digest(crypto_generichash_BYTES, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(digest.data()), digest.size());
  return digest;
}

SpamRules spam_rules(const config::SiteSettings& settings) {
  SpamRules rules;
  rules.min_fill_seconds = settings.comment_min_fill_seconds;
  rules.max_links = settings.comment_max_links;
  rules.spam_words = settings.comment_spam_words;
  rules.hold_words = settings.comment_hold_words;
  return rules;
}

}  // namespace

// ---- Parsing ---------------------------------------------------------------------------

std::string to_valid_utf8(std::string_view text) {
  if (util::is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80             ? 1
                            : (c & 0xE0) == 0xC0 ? 2
                            : (c & 0xF0) == 0xE0 ? 3
                            : (c & 0xF8) == 0xF0 ? 4
                                                 : 0;
    if (len != 0 && i + len <= text.size() && util::is_valid_utf8(text.substr(i, len))) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out.append(kReplacement);
      ++i;
    }
  }
  return out;
}

std::string_view ParsedForm::value(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

std::vector<std::string_view> ParsedForm::values(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [key, value] : fields) {
    if (key == name) out.push_back(value);
  }
  return out;
}

ParsedForm parse_form_body(std::string_view body, std::size_t max_fields) {
  ParsedForm form;
  if (body.empty()) return form;
  for (std::string_view pair : util::split(body, '&')) {
    if (pair.empty()) continue;
    if (form.fields.size() == max_fields) {
      form.malformed = true;
      break;
    }
    const std::size_t eq = pair.find('=');
    auto name = util::decode_form_component(pair.substr(0, eq));
    auto value = util::decode_form_component(eq == std::string_view::npos ? std::string_view()
                                                                          : pair.substr(eq + 1));
    if (!name || !value) {
      // Keep what can be shown back: the raw text, made valid UTF-8.
      form.malformed = true;
      if (!name) name = to_valid_utf8(pair.substr(0, eq));
      if (!value) {
        value =
            to_valid_utf8(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      }
    }
    if (!util::is_valid_utf8(*name)) {
      form.malformed = true;
      name = to_valid_utf8(*name);
    }
    if (!util::is_valid_utf8(*value)) {
      form.not_utf8.push_back(*name);
      value = to_valid_utf8(*value);
    }
    form.fields.emplace_back(std::move(*name), std::move(*value));
  }
  return form;
}

// ---- Handling --------------------------------------------------------------------------

struct Submissions::Attempt {
  FormKind kind = FormKind::kComment;
  ParsedForm form;
  FormDraft draft;                              // The fields as read (normalized), to show back.
  std::shared_ptr<const content::Entry> entry;  // Null until the entry is known.
  std::string entry_url;
  TokenCheck token;
  std::string title;  // "Your comment was not sent"

  SubmissionProblem refusal(int status, std::vector<std::string> messages, bool show_form) const {
    SubmissionProblem p;
    p.status = status;
    p.title = title;
    p.messages = std::move(messages);
    p.show_form = show_form;
    p.draft = draft;
    p.entry_title = entry ? entry->title : std::string();
    p.entry_url = entry_url;
    return p;
  }
};

// What a submission's write and its answer need once the call that took it has returned: the
// writer's thread runs them, and the request is gone by then.
struct Submissions::Saving {
  Attempt attempt;
  PageContext ctx;
  Keep keep;  // What ctx refers to.
  Reply reply;
  ModerationStatus status = ModerationStatus::kPending;
  std::string digest;  // Of (token, body): the replay defence.
  util::UnixTime expires_at = 0;
  std::string body_html;
  content::Id saved_id = 0;
  bool replay = false;
};

util::Result<std::shared_ptr<const content::Entry>> Submissions::entry_at(content::Id id,
                                                                          std::int64_t generation) {
  {
    std::lock_guard lock(entries_mutex_);
    if (entries_generation_ != generation) {
      entries_.clear();
      entries_generation_ = generation;
    }
    if (auto found = entries_.find(id); found != entries_.end()) return found->second;
  }
  auto loaded = store_.entry_by_id(id);
  if (!loaded) return util::fail(loaded.error());
  auto entry = std::make_shared<const content::Entry>(std::move(*loaded));
  std::lock_guard lock(entries_mutex_);
  // Only entries that exist are kept, and only so many: posts naming random ids fill nothing.
  if (entries_generation_ == generation) {
    if (entries_.size() >= kMaxCachedEntries) entries_.clear();
    entries_.emplace(id, entry);
  }
  return entry;
}

Response Submissions::problem(const PageContext& ctx, SubmissionProblem p) const {
  Response r;
  r.status = p.status;
  auto html = pages_.submission_problem(ctx, p);
  if (!html) {
    std::cerr << "reelpress: cannot render a submission page: " << html.error().describe() << "\n";
    r.content_type = "text/plain; charset=utf-8";
    std::string text = p.title + "\n";
    for (const std::string& m : p.messages) text += m + "\n";
    r.body = make_body(std::move(text), 0, false);
  } else {
    // Not compressed: the page is sent once, and brotli would cost more than the bytes saved.
    r.body = make_body(std::move(*html), 0, false);
  }
  // The page holds what the reader wrote: no cache (a shared computer's, a proxy's) keeps it.
  r.cache_control = "no-store";
  return r;
}

std::optional<Response> Submissions::check_form(const Request& request, const PageContext& ctx,
                                                Attempt& a) {
  const bool comment = a.kind == FormKind::kComment;
  const std::string noun = status_word(a.kind);
  a.title = "Your " + noun + " was not sent";
  if (!is_urlencoded(request.content_type)) {
    return problem(ctx, a.refusal(400,
                                  {"The form arrived in a format this site does not read. Please "
                                   "go back to the page and send it from there."},
                                  false));
  }
  a.form = parse_form_body(request.body);
  const ParsedForm& f = a.form;
  FormDraft& d = a.draft;
  d.kind = a.kind;
  d.token = std::string(f.value(form::kToken));
  if (comment) {
    d.author_name = single_line(f.value(form::kAuthor));
    d.author_email = single_line(f.value(form::kEmail));
    d.text = multi_line(f.value(form::kComment));
  } else {
    d.org_name = single_line(f.value(form::kOrgName));
    d.org_url = single_line(f.value(form::kOrgUrl));
    d.org_description = multi_line(f.value(form::kOrgDescription));
    d.org_region = single_line(f.value(form::kOrgRegion));
  }

  // Whatever else the form holds or lacks: an archived site takes nothing (what the reader
  // wrote is shown back on the page).
  if (ctx.settings.archived) {
    return problem(ctx, a.refusal(403,
                                  {"This site is archived: it no longer takes comments or "
                                   "suggestions."},
                                  false));
  }

  // Before anything that costs a store read: a flood stops here.
  const RateDecision rate =
      limiter_.admit(request.client_address, ctx.settings.comment_rate_per_minute);
  if (!rate.allowed) {
    Response r = problem(ctx, a.refusal(429,
                                        {"This " + noun +
                                         " came very soon after several others from the same "
                                         "connection. Please wait " +
                                         std::to_string(rate.retry_after_seconds) +
                                         " seconds, then go back and send it again."},
                                        false));
    r.headers.emplace_back("Retry-After", std::to_string(rate.retry_after_seconds));
    return r;
  }

  if (f.malformed || !f.not_utf8.empty()) {
    std::vector<std::string> messages;
    if (f.malformed) {
      messages.push_back("The form arrived damaged (a broken character escape).");
    }
    for (const std::string& name : f.not_utf8) {
      messages.push_back("The field \"" + name +
                         "\" held bytes that are not text (not UTF-8); they are shown below "
                         "as \xEF\xBF\xBD.");
    }
    messages.push_back("Please check what you wrote and send it again from the page.");
    return problem(ctx, a.refusal(400, std::move(messages), false));
  }

  const auto entry_id =
      util::parse_non_negative(f.value(comment ? form::kCommentEntryId : form::kSuggestionEntryId));
  if (!entry_id) {
    return problem(ctx, a.refusal(400,
                                  {"The form does not say which page it belongs to. Please go "
                                   "back to the page and send it from there."},
                                  false));
  }
  d.entry_id = *entry_id;
  // Not the snapshot's counter: an entry edit drops pages without a new snapshot.
  auto entry = entry_at(*entry_id, ctx.change_counter);
  if (!entry || (*entry)->status != content::EntryStatus::kPublished ||
      (!comment && (*entry)->kind != content::EntryKind::kOrganizations)) {
    if (!entry && entry.error().code != ErrorCode::kNotFound) {
      std::cerr << "reelpress: cannot read entry " << *entry_id << ": " << entry.error().describe()
                << "\n";
      return problem(ctx, a.refusal(500,
                                    {"The site could not take your " + noun +
                                     " just now. Please try again in a moment."},
                                    false));
    }
    return problem(
        ctx, a.refusal(404, {"The page this form belongs to does not take " + noun + "s."}, false));
  }
  a.entry = std::move(*entry);
  a.entry_url = ctx.snapshot.entry_path(*a.entry);

  if (!accepts_submissions(*a.entry, ctx.settings, ctx.now)) {
    return problem(ctx, a.refusal(403,
                                  {std::string(comment ? "Comments" : "Suggestions") +
                                   " are closed on this page, so yours could not be sent."},
                                  false));
  }

  const std::int64_t lifetime = std::int64_t{ctx.settings.form_token_hours} * 3600;
  a.token = tokens_.verify(d.token, a.kind, a.entry->id, ctx.now, lifetime);
  switch (a.token.verdict) {
    case TokenVerdict::kValid: break;
    case TokenVerdict::kExpired:
      d.token = tokens_.issue(a.kind, a.entry->id, ctx.now);
      return problem(ctx, a.refusal(403,
                                    {"The form was open for a long time and has expired. Here "
                                     "it is again with what you wrote: please send it once "
                                     "more."},
                                    true));
    case TokenVerdict::kMalformed:
    case TokenVerdict::kForged:
    case TokenVerdict::kWrongEntry:
      return problem(ctx, a.refusal(403,
                                    {"This form could not be checked: it did not come from this "
                                     "page as the site sent it. Please go back to the page, "
                                     "reload it, and send your " +
                                     noun + " from there."},
                                    false));
  }
  return std::nullopt;
}

void Submissions::judge_and_store(const Request& request, const PageContext& ctx, Attempt a,
                                  std::string_view typed_text, bool trusted, Keep keep,
                                  Reply reply) {
  SubmissionFacts facts;
  facts.honeypot = a.form.value(form::kHoneypot);
  facts.fill_seconds = ctx.now - a.token.issued_at;
  facts.text = typed_text;
  facts.trusted = trusted;
  const SpamDecision decision = judge_submission(facts, spam_rules(ctx.settings));
  ModerationStatus status = ModerationStatus::kPending;
  switch (decision.outcome) {
    case SpamOutcome::kRefusedHoneypot:
      reply(problem(ctx, a.refusal(403,
                                   {"The field \"Leave this field empty\" was filled in. It is "
                                    "there to catch robots: please leave it empty and send the "
                                    "form again."},
                                   true)));
      return;
    case SpamOutcome::kRefusedTooFast:
      reply(problem(ctx, a.refusal(403,
                                   {"The form was sent very soon after the page was shown, "
                                    "which is what robots do. Please read it over and send it "
                                    "again."},
                                   true)));
      return;
    case SpamOutcome::kSpam: status = ModerationStatus::kSpam; break;
    case SpamOutcome::kPending: status = ModerationStatus::kPending; break;
    case SpamOutcome::kApproved: status = ModerationStatus::kApproved; break;
  }
  // Whatever a moderator would have to read counts against the site's hourly bound: a flood
  // from many addresses, or through one proxy, stops here and not in the queue.
  if (status != ModerationStatus::kApproved) {
    if (const auto wait = pending_quota_.take(ctx.now, ctx.settings.pending_per_hour)) {
      const std::string noun = status_word(a.kind);
      Response r = problem(ctx, a.refusal(503,
                                          {"This site has received more " + noun +
                                           "s in the last hour than its moderators can read, so "
                                           "yours could not be taken just now. Please send it "
                                           "again in about " +
                                           std::to_string((*wait + 59) / 60) + " minutes."},
                                          true));
      r.headers.emplace_back("Retry-After", std::to_string(*wait));
      reply(std::move(r));
      return;
    }
  }

  // The digest and the row go in one transaction (a savepoint of a group commit): a replay
  // saves nothing, and a failed save records nothing, so sending the same form again works.
  std::string digest = submission_digest(a.draft.token, request.body);
  const util::UnixTime expires_at =
      a.token.issued_at + std::int64_t{ctx.settings.form_token_hours} * 3600;
  // Rendered here, not in the transaction, which holds the site's write lock.
  std::string body_html =
      a.kind == FormKind::kComment ? render::plain_text_to_html(a.draft.text) : std::string();
  auto saving = std::make_shared<Saving>(Saving{.attempt = std::move(a),
                                                .ctx = ctx,
                                                .keep = std::move(keep),
                                                .reply = std::move(reply),
                                                .status = status,
                                                .digest = std::move(digest),
                                                .expires_at = expires_at,
                                                .body_html = std::move(body_html)});
  commits_.submit([this, saving] { return save(*saving); },
                  [this, saving](util::Status stored) { saving->reply(answer(*saving, stored)); });
}

util::Status Submissions::save(Saving& s) {
  auto fresh = store_.record_submission(s.digest, s.expires_at);
  if (!fresh) return util::fail(fresh.error());
  if (!*fresh) {
    s.replay = true;
    return util::fail(ErrorCode::kConflict, "replayed submission");
  }
  const Attempt& a = s.attempt;
  util::Result<content::Id> id = util::fail(ErrorCode::kInternal, "unknown form");
  if (a.kind == FormKind::kComment) {
    content::Comment c;
    c.entry_id = a.entry->id;
    c.parent_id = a.draft.parent_id;
    c.author_name = a.draft.author_name;
    c.author_email = a.draft.author_email;
    c.body_html = s.body_html;
    c.status = s.status;
    c.created_at = s.ctx.now;
    id = store_.save_comment(c);
  } else {
    content::Organization o;
    o.name = a.draft.org_name;
    o.url = a.draft.org_url;
    o.description = a.draft.org_description;
    o.region = a.draft.org_region;
    o.status = s.status;
    o.suggested_for_entry_id = a.entry->id;
    o.created_at = s.ctx.now;
    id = store_.save_organization(o);
  }
  if (!id) return util::fail(id.error());
  s.saved_id = *id;
  return {};
}

Response Submissions::answer(const Saving& s, const util::Status& stored) const {
  const Attempt& a = s.attempt;
  const std::string noun = status_word(a.kind);
  if (s.replay) {
    return problem(s.ctx, a.refusal(403,
                                    {"This exact " + noun +
                                     " was already received from this form, so it was not "
                                     "saved a second time. To send another, reload the page "
                                     "first."},
                                    false));
  }
  if (!stored) {
    std::cerr << "reelpress: cannot save a " << noun << " on entry " << a.entry->id << ": "
              << stored.error().describe() << "\n";
    const int code = status_for(stored.error().code);
    return problem(s.ctx, a.refusal(code,
                                    {"The site could not save your " + noun +
                                     " just now. Please try sending it again in a moment."},
                                    true));
  }

  Response r;
  r.status = 303;
  std::string location = a.entry_url;
  if (a.kind == FormKind::kOrganization) {
    location += "?suggestion=pending#suggest-notice";
  } else if (s.status == ModerationStatus::kApproved) {
    location += "?comment=published#comment-" + std::to_string(s.saved_id);
  } else {
    // Spam is told "pending" too: a robot learns nothing from the answer.
    location += "?comment=pending#comment-form-notice";
  }
  r.headers.emplace_back("Location", std::move(location));
  r.cache_control = "no-store";
  return r;
}

void Submissions::comment(const Request& request, const PageContext& ctx, Keep keep, Reply reply) {
  Attempt a;
  a.kind = FormKind::kComment;
  if (auto refused = check_form(request, ctx, a)) {
    reply(std::move(*refused));
    return;
  }
  FormDraft& d = a.draft;

  std::vector<std::string> missing;
  if (d.author_name.empty())
    missing.push_back("Please give a name (it is shown with your comment).");
  if (d.text.empty()) missing.push_back("Please write a comment.");
  if (util::code_points(d.author_name) > form::kMaxAuthorChars) {
    missing.push_back("The name is longer than " + std::to_string(form::kMaxAuthorChars) +
                      " characters.");
  }
  if (util::code_points(d.text) > form::kMaxCommentChars) {
    missing.push_back("The comment is longer than " + std::to_string(form::kMaxCommentChars) +
                      " characters; please shorten it.");
  }
  if (!d.author_email.empty() && (util::code_points(d.author_email) > form::kMaxEmailChars ||
                                  !plausible_email(d.author_email))) {
    missing.push_back("The email address does not look like one; correct it or leave it empty.");
  }
  const std::string_view parent_text = a.form.value(form::kParent);
  if (!parent_text.empty() && parent_text != "0") {
    const auto parent_id = util::parse_non_negative(parent_text);
    auto parent =
        parent_id ? store_.comment_by_id(*parent_id)
                  : util::Result<content::Comment>(util::fail(ErrorCode::kNotFound, "no parent"));
    if (parent && parent->entry_id == a.entry->id &&
        parent->status == ModerationStatus::kApproved && ctx.settings.comment_thread_depth > 1) {
      d.parent_id = parent->id;
    } else {
      missing.push_back(
          "The comment you replied to is not available any more; yours will be sent as a new "
          "comment.");
    }
  }
  if (!missing.empty()) {
    reply(problem(ctx, a.refusal(400, std::move(missing), true)));
    return;
  }

  bool trusted = false;
  if (ctx.settings.comments_trust_returning && !d.author_email.empty()) {
    auto known = store_.has_approved_comment_by(d.author_name, d.author_email);
    trusted = known && *known;
  }
  const std::string typed = d.author_name + "\n" + d.author_email + "\n" + d.text;
  judge_and_store(request, ctx, std::move(a), typed, trusted, std::move(keep), std::move(reply));
}

void Submissions::organization(const Request& request, const PageContext& ctx, Keep keep,
                               Reply reply) {
  Attempt a;
  a.kind = FormKind::kOrganization;
  if (auto refused = check_form(request, ctx, a)) {
    reply(std::move(*refused));
    return;
  }
  FormDraft& d = a.draft;

  std::vector<std::string> missing;
  if (d.org_name.empty()) missing.push_back("Please give the organization's name.");
  if (d.org_description.empty()) missing.push_back("Please say what the organization does.");
  const auto within = [&](const std::string& value, std::size_t limit, const char* what) {
    if (util::code_points(value) > limit) {
      missing.push_back(std::string(what) + " is longer than " + std::to_string(limit) +
                        " characters.");
    }
  };
  within(d.org_name, form::kMaxOrgNameChars, "The name");
  within(d.org_description, form::kMaxOrgDescriptionChars, "The description");
  within(d.org_region, form::kMaxOrgRegionChars, "The region");
  within(d.org_url, form::kMaxOrgUrlChars, "The website");
  if (auto url = website_url(d.org_url)) {
    d.org_url = std::move(*url);
  } else {
    missing.push_back("The website should be an address like https://example.org/ (or empty).");
  }
  if (!missing.empty()) {
    reply(problem(ctx, a.refusal(400, std::move(missing), true)));
    return;
  }

  const std::string typed =
      d.org_name + "\n" + d.org_url + "\n" + d.org_description + "\n" + d.org_region;
  // Suggestions carry no email, so no one is a returning suggester: each waits for a moderator.
  judge_and_store(request, ctx, std::move(a), typed, false, std::move(keep), std::move(reply));
}

}  // namespace reelpress::site
