#include "site/admin/admin_handler.h"

#include <sodium.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <variant>

#include "auth/roles.h"
#include "config/site_config.h"
#include "render/body.h"
#include "render/html_escape.h"
#include "render/markdown.h"
#include "site/admin/admin_call.h"
#include "site/admin/revisions.h"
#include "site/form_fields.h"
#include "site/multipart.h"
#include "site/submissions.h"
#include "util/civil_time.h"
#include "util/text.h"

namespace reelpress::site::admin {

using auth::Capability;
using content::EntryStatus;
using content::Id;
using content::ModerationStatus;
using util::ErrorCode;

namespace {

constexpr std::string_view kPrefix = "/admin";
constexpr std::string_view kSessionCookie = "rp_session";
constexpr std::string_view kSignInCookie = "rp_signin";
// Set at each sign-in, for the browser to show at the next (auth/sign_in_throttle.h).
constexpr std::string_view kDeviceCookie = "rp_device";
constexpr std::string_view kCsrfField = "csrf";
constexpr std::string_view kStylesheet = "admin.css";
constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kNoStore = "no-store";
constexpr std::string_view kCsp =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";
constexpr int kEntriesPerPage = 50;
constexpr int kQueueSize = 100;
constexpr std::size_t kMaxFormFields = 2000;  // Categories are checkboxes: a site may have many.
constexpr std::size_t kMaxTitleChars = 300;

void add_security_headers(Response& r) {
  r.content_security_policy = kCsp;
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
}

// The value of cookie `name` in a Cookie header ("a=1; b=2"); empty when absent.
std::string_view cookie_value(std::string_view header, std::string_view name) {
  for (std::string_view part : util::split(header, ';')) {
    part = util::trim(part);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
  }
  return {};
}

bool same_secret(std::string_view a, std::string_view b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Where to go after signing in: an admin path of this site only (never "//host" or a URL).
std::string safe_next(std::string_view next) {
  if (next.starts_with("/admin/") && next.find("//") == std::string_view::npos &&
      next.find('\\') == std::string_view::npos && !has_control_or_space(next) &&
      util::is_valid_utf8(next)) {
    return std::string(next);
  }
  return "/admin/";
}

// "/entries/12/" -> {"entries", "12"}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  for (std::string_view s : util::split(path, '/')) {
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

// "2011-07-12T20:00", as a datetime-local field holds it (UTC); empty for no time.
std::string datetime_local(util::UnixTime t) {
  return t == 0 ? std::string() : util::format_iso_time(t).substr(0, 16);
}

std::string shown_time(util::UnixTime t) {
  if (t == 0) return "";
  std::string s = datetime_local(t);
  s[10] = ' ';
  return s;
}

// A comment as moderators read it in the queue: its text with paragraphs and line breaks,
// links as their addresses (nothing to click by mistake), and characters that do not show as
// themselves (a right-to-left override, a zero-width space) named, e.g. "<U+202E>".
std::string moderator_view(std::string_view body_html) {
  std::string out = "<p>";
  const std::string text =
      render::escape_html(util::reveal_hidden_characters(render::comment_to_plain_text(body_html)));
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "\n\n") == 0) {
      out += "</p><p>";
      ++i;
    } else if (text[i] == '\n') {
      out += "<br>";
    } else {
      out += text[i];
    }
  }
  return out + "</p>";
}

// What a textarea sent, with the browser's CRLF line ends as the "\n" the form showed.
std::string textarea_value(std::string_view sent) {
  std::string text;
  text.reserve(sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (sent[i] == '\r') {
      text += '\n';
      if (i + 1 < sent.size() && sent[i + 1] == '\n') ++i;
    } else {
      text += sent[i];
    }
  }
  return text;
}

// For a moderator's form: the name and text again with the characters that do not show as
// themselves named, or "" when there are none.
std::string hidden_characters_note(std::string_view author, std::string_view text) {
  const std::string shown_author = util::reveal_hidden_characters(author);
  const std::string shown_text = util::reveal_hidden_characters(text);
  if (shown_author == author && shown_text == text) return "";
  return shown_author + "\n\n" + shown_text;
}

std::string status_label(EntryStatus s) {
  switch (s) {
    case EntryStatus::kDraft: return "Draft";
    case EntryStatus::kScheduled: return "Scheduled";
    case EntryStatus::kPublished: return "Published";
    case EntryStatus::kPrivate: return "Private";
    case EntryStatus::kTrash: return "Trash";
  }
  return "";
}

std::string kind_label(content::EntryKind k) {
  std::string s(content::to_string(k));
  std::replace(s.begin(), s.end(), '_', ' ');
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

util::Result<std::unique_ptr<AdminHandler>> AdminHandler::create(store::Store& store,
                                                                 SiteHandler& site,
                                                                 const util::Clock& clock,
                                                                 Options options) {
  auto theme = render::Theme::load_admin();
  if (!theme) return util::fail(theme.error());
  return std::unique_ptr<AdminHandler>(
      new AdminHandler(store, site, clock, std::move(options), std::move(*theme)));
}

AdminHandler::AdminHandler(store::Store& store, SiteHandler& site, const util::Clock& clock,
                           Options options, std::shared_ptr<const render::Theme> theme)
    : store_(store),
      site_(site),
      clock_(clock),
      options_(std::move(options)),
      theme_(std::move(theme)),
      sessions_(store, clock, options_.sessions),
      sign_in_limiter_(clock) {
  // The admin's one asset, its stylesheet, compressed once rather than for each request.
  if (const render::Asset* css = theme_->asset(kStylesheet)) {
    stylesheet_ = make_body(css->bytes, 0, true);
    stylesheet_type_ = css->content_type;
    stylesheet_url_ = "/admin/assets/" + std::string(kStylesheet) + "?v=" + css->version;
  }
}

Response AdminHandler::handle(const Request& request) {
  if (request.path == kPrefix) return see_other("/admin/");
  if (!is_admin_path(request.path)) return site_.handle(request);
  return admin(request);
}

bool AdminHandler::is_admin_path(std::string_view path) {
  return path == kPrefix || path.starts_with("/admin/");
}

void AdminHandler::handle_async(const Request& request, Reply reply) {
  if (is_admin_path(request.path)) {
    reply(handle(request));
  } else {
    site_.handle_async(request, std::move(reply));
  }
}

bool AdminHandler::accepts_large_body(const Request& header) {
  if (header.method != Method::kPost || header.path != kUploadPath || options_.media_root.empty()) {
    return false;
  }
  // peek(), not resume(): this runs on the server's event loop, which must not wait for the
  // store's writer to touch or delete a session. The handler resumes it when the body is in.
  auto active = sessions_.peek(cookie_value(header.cookie, cookie_name(kSessionCookie)));
  return active && auth::can(active->user.role, Capability::kUploadMedia);
}

bool AdminHandler::secure() const { return site_.settings()->base_url.starts_with("https://"); }

std::string AdminHandler::cookie_name(std::string_view base) const {
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and
  // for Path=/: no other site or subdomain can set it.
  return secure() ? "__Host-" + std::string(base) : std::string(base);
}

std::string AdminHandler::set_cookie(std::string_view base, std::string_view value,
                                     std::int64_t max_age) const {
  const std::string lifetime = value.empty() ? "; Max-Age=0"
                               : max_age > 0 ? "; Max-Age=" + std::to_string(max_age)
                                             : std::string();
  return cookie_name(base) + "=" + std::string(value) + lifetime +
         "; Path=/; HttpOnly; SameSite=Strict" + (secure() ? "; Secure" : "");
}

Response AdminHandler::see_other(const std::string& location) {
  Response r;
  r.status = 303;
  r.cache_control = kNoStore;
  r.headers.emplace_back("Location", location);
  add_security_headers(r);
  return r;
}

Response AdminHandler::page(Call* call, std::string_view template_name, const std::string& title,
                            mstch::map view, int status) {
  auto settings = site_.settings();
  view["title"] = title;
  view["site_title"] = settings->title;
  view["css_url"] = stylesheet_url_;
  if (call != nullptr) {
    const content::User& u = call->user();
    view["user"] = mstch::map{
        {"name", u.display_name.empty() ? u.login : u.display_name},
        {"role", std::string(content::to_string(u.role))},
    };
    view["csrf"] = call->active.session.csrf_token;
    mstch::array nav;
    auto item = [&](std::string label, std::string url) {
      const bool current = call->sub == url.substr(kPrefix.size()) ||
                           (url != "/admin/" && ("/admin" + call->sub).starts_with(url));
      nav.push_back(mstch::map{{"label", std::move(label)}, {"url", url}, {"current", current}});
    };
    item("Dashboard", "/admin/");
    if (call->can(Capability::kWriteEntries)) item("Entries", "/admin/entries/");
    if (call->can(Capability::kModerate)) {
      item("Comments", "/admin/comments/");
      item("Suggestions", "/admin/suggestions/");
    }
    if (call->can(Capability::kUploadMedia)) item("Media", "/admin/media/");
    if (call->can(Capability::kManageContent)) {
      item("Films", "/admin/films/");
      item("Categories", "/admin/categories/");
      item("Tags", "/admin/tags/");
      item("Organizations", "/admin/organizations/");
      item("Redirects", "/admin/redirects/");
    }
    if (call->can(Capability::kManageSettings)) item("Settings", "/admin/settings/");
    view["nav"] = std::move(nav);
  }
  if (!view.contains("errors")) view["errors"] = mstch::array{};
  auto html = theme_->render(template_name, view);
  Response r;
  r.status = status;
  r.cache_control = kNoStore;
  if (!html) {
    std::cerr << "reelpress: cannot render the admin page " << template_name << ": "
              << html.error().describe() << "\n";
    r.status = 500;
    r.body = make_body("<!DOCTYPE html><title>Error</title><p>The admin page could not be shown.",
                       0, false);
  } else {
    r.body = make_body(std::move(*html), 0, true);
  }
  r.content_type = kHtml;
  add_security_headers(r);
  return r;
}

Response AdminHandler::message(Call* call, int status, const std::string& heading,
                               std::vector<std::string> paragraphs, std::string back_url,
                               std::string back_label,
                               std::vector<std::pair<std::string, std::string>> kept) {
  mstch::array lines;
  for (std::string& p : paragraphs) lines.push_back(std::move(p));
  mstch::array kept_view;
  int n = 0;
  for (auto& [name, text] : kept) {
    const int rows = static_cast<int>(std::clamp<std::size_t>(
        static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 2, 2, 20));
    kept_view.push_back(mstch::map{
        {"n", ++n}, {"name", std::move(name)}, {"text", std::move(text)}, {"rows", rows}});
  }
  const bool has_kept = !kept_view.empty();
  return page(call, "message", heading,
              mstch::map{{"heading", heading},
                         {"paragraphs", std::move(lines)},
                         {"back_url", std::move(back_url)},
                         {"back_label", std::move(back_label)},
                         {"kept", std::move(kept_view)},
                         {"has_kept", has_kept}},
              status);
}

// The text fields of a refused form, to show back so that nothing typed is lost (a long
// entry written while the session ran out). Not the tokens, passwords or choices.
std::vector<std::pair<std::string, std::string>> AdminHandler::kept_fields(const Request& request) {
  std::vector<std::pair<std::string, std::string>> kept;
  auto keep = [&](std::string_view name, std::string_view value) {
    static constexpr std::string_view kSkipped[] = {
        "csrf", "password", "entry_password", "action", "id", "status", "kind", "body_format"};
    if (util::trim(value).empty() || kept.size() >= 64) return;
    for (std::string_view skipped : kSkipped) {
      if (name == skipped) return;
    }
    kept.emplace_back(std::string(name), to_valid_utf8(value));
  };
  if (util::starts_with_ignoring_case(request.content_type, "multipart/form-data")) {
    if (auto parts = parse_multipart(request.content_type, request.body)) {
      for (const FormPart& part : *parts) {
        if (!part.filename) keep(part.name, part.data);
      }
    }
  } else {
    for (const auto& [name, value] : parse_form_body(request.body, kMaxFormFields).fields) {
      keep(name, value);
    }
  }
  return kept;
}

// ---- Sign-in ------------------------------------------------------------------------------

Response AdminHandler::sign_in_page(int status, std::string_view problem, std::string_view login,
                                    std::string_view next) {
  // A fresh double-submit value for every form shown: the POST must carry it in the form and
  // in the cookie, which another site can neither read nor set.
  const std::string csrf = auth::random_token();
  Response r = page(nullptr, "sign_in", "Sign in",
                    mstch::map{{"problem", std::string(problem)},
                               {"login", std::string(login)},
                               {"next", safe_next(next)},
                               {"signin_csrf", csrf}},
                    status);
  r.headers.emplace_back("Set-Cookie", set_cookie(kSignInCookie, csrf));
  return r;
}

Response AdminHandler::sign_in(const Request& request) {
  if (request.method != Method::kPost) {
    return sign_in_page(200, "", "", util::form_value(request.query, "next").value_or(""));
  }
  const ParsedForm form = parse_form_body(request.body);
  const std::string_view login = util::trim(form.value("login"));
  const std::string_view next = form.value("next");
  if (!same_secret(form.value(kCsrfField),
                   cookie_value(request.cookie, cookie_name(kSignInCookie)))) {
    return sign_in_page(403,
                        "The sign-in form had expired or did not come from this site. Please "
                        "sign in again.",
                        login, next);
  }
  const RateDecision decision =
      sign_in_limiter_.admit(request.client_address, options_.sign_ins_per_minute);
  if (!decision.allowed) {
    Response r = sign_in_page(429,
                              "Too many sign-in attempts from this connection. Wait a minute "
                              "and try again.",
                              login, next);
    r.headers.emplace_back("Retry-After", std::to_string(decision.retry_after_seconds));
    return r;
  }
  auto outcome = sessions_.sign_in(
      {.login = login,
       .password = form.value("password"),
       .client_address = request.client_address,
       .device_cookie = cookie_value(request.cookie, cookie_name(kDeviceCookie))});
  if (!outcome) {
    std::cerr << "reelpress: sign-in failed: " << outcome.error().describe() << "\n";
    return sign_in_page(500, "Signing in failed on the server. Try again later.", login, next);
  }
  if (const auto* refused = std::get_if<auth::SignInRefused>(&*outcome)) {
    if (refused->retry_after_seconds == 0) return sign_in_page(403, refused->message, login, next);
    Response r = sign_in_page(429, refused->message, login, next);
    r.headers.emplace_back("Retry-After", std::to_string(refused->retry_after_seconds));
    return r;
  }
  const auto& in = std::get<auth::SignedIn>(*outcome);
  Response r = see_other(safe_next(next));
  r.headers.emplace_back("Set-Cookie", set_cookie(kSignInCookie, ""));
  r.headers.emplace_back("Set-Cookie",
                         set_cookie(kDeviceCookie, in.device_cookie,
                                    sessions_.policy().throttle.device_lifetime_seconds));
  // The session cookie last: some clients keep only one Set-Cookie per response.
  r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, in.token));
  return r;
}

Response AdminHandler::sign_out(Call& call) {
  const std::string_view token = cookie_value(call.request.cookie, cookie_name(kSessionCookie));
  if (auto s = sessions_.sign_out(token); !s) {
    std::cerr << "reelpress: cannot end a session: " << s.error().describe() << "\n";
    return message(&call, 500, "Signing out failed", {"Try again."});
  }
  Response r = see_other("/admin/sign-in");
  r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, ""));
  return r;
}

// ---- Dispatch -----------------------------------------------------------------------------

Response AdminHandler::admin(const Request& request) {
  const std::string sub = request.path.substr(kPrefix.size());
  if (request.method != Method::kGet && request.method != Method::kHead &&
      request.method != Method::kPost) {
    Response r = site_.error_page(405);
    r.headers.emplace_back("Allow", "GET, HEAD, POST");
    return r;
  }
  if (sub.starts_with("/assets/")) {
    if (sub.substr(8) != kStylesheet || !stylesheet_ || request.method == Method::kPost) {
      return site_.error_page(404);
    }
    Response r;
    r.content_type = stylesheet_type_;
    r.cache_control = "public, max-age=31536000, immutable";
    r.body = stylesheet_;
    return r;
  }
  if (sub == "/sign-in") return sign_in(request);

  auto active = sessions_.resume(cookie_value(request.cookie, cookie_name(kSessionCookie)));
  if (!active) {
    if (active.error().code != ErrorCode::kNotFound) {
      std::cerr << "reelpress: cannot read a session: " << active.error().describe() << "\n";
      return site_.error_page(500);
    }
    if (request.method == Method::kPost) {
      return message(nullptr, 403, "You are not signed in",
                     {"Your session ended (after 30 minutes without activity, 12 hours after "
                      "signing in, or at sign-out), so nothing was changed.",
                      "Sign in in another tab and send it again."},
                     "/admin/sign-in", "Sign in", kept_fields(request));
    }
    std::string next = request.path;
    if (!request.query.empty()) next += "?" + request.query;
    return see_other("/admin/sign-in?next=" + util::percent_encode_path(next));
  }
  Call call{request, std::move(*active), {}, sub};
  if (call.post()) {
    if (util::starts_with_ignoring_case(request.content_type, "multipart/form-data")) {
      auto parts = parse_multipart(request.content_type, request.body);
      if (!parts) {
        return message(&call, 400, "This form could not be read",
                       {"The upload arrived damaged or incomplete. Nothing was changed."});
      }
      for (FormPart& part : *parts) {
        if (part.filename) {
          call.files.push_back(std::move(part));
        } else if (!util::is_valid_utf8(part.data)) {
          call.form.not_utf8.push_back(part.name);
        } else {
          call.form.fields.emplace_back(part.name, std::string(part.data));
        }
      }
    } else {
      call.form = parse_form_body(request.body, kMaxFormFields);
    }
    if (!auth::Sessions::csrf_matches(call.active, call.form.value(kCsrfField))) {
      return message(&call, 403, "This form cannot be accepted",
                     {"It did not carry this session's security token: it may come from "
                      "another site, or from a page shown before you last signed in.",
                      "Nothing was changed. Go back, reload the page and send it again."},
                     "/admin/", "Back to the dashboard", kept_fields(request));
    }
    if (call.form.malformed || !call.form.not_utf8.empty()) {
      return message(&call, 400, "This form could not be read",
                     {"It was damaged or not valid UTF-8 text. Nothing was changed."});
    }
  }
  return route(call);
}

Response AdminHandler::route(Call& call) {
  const std::vector<std::string_view> parts = segments(call.sub);
  auto forbidden = [&] {
    return message(&call, 403, "Your role does not allow this",
                   {"Accounts with the role " + std::string(content::to_string(call.user().role)) +
                    " cannot do this. Ask an administrator if you need to."});
  };
  if (parts.empty()) return call.post() ? site_.error_page(405) : dashboard(call);
  const std::string_view first = parts[0];
  if (first == "sign-out" && parts.size() == 1) {
    return call.post() ? sign_out(call) : see_other("/admin/");
  }
  if (first == "entries") {
    if (!call.can(Capability::kWriteEntries)) return forbidden();
    if (parts.size() == 1) return call.post() ? site_.error_page(405) : entries(call);
    if (parts[1] == "new" && parts.size() == 2) {
      return call.post() ? save_entry(call, std::nullopt) : edit_entry(call, std::nullopt);
    }
    const auto id = parse_id(parts[1]);
    if (!id) return site_.error_page(404);
    if (parts.size() == 2) return edit_entry(call, id);
    if (parts.size() == 3 && parts[2] == "revisions" && !call.post()) return revisions(call, *id);
    return site_.error_page(404);
  }
  if (first == "revisions" && parts.size() == 2) {
    if (!call.can(Capability::kWriteEntries)) return forbidden();
    const auto id = parse_id(parts[1]);
    return id ? revision(call, *id) : site_.error_page(404);
  }
  if (first == "comments" || first == "suggestions") {
    if (!call.can(Capability::kModerate)) return forbidden();
    if (parts.size() == 1) return queue(call, first == "comments");
    const auto id = parse_id(parts[1]);
    if (first == "comments" && parts.size() == 2 && id) return comment(call, *id);
    return site_.error_page(404);
  }
  if (first == "media" && parts.size() == 1) {
    if (!call.can(Capability::kUploadMedia)) return forbidden();
    return media_page(call);
  }
  if (first == "films" || first == "categories" || first == "tags" || first == "organizations" ||
      first == "redirects") {
    if (!call.can(Capability::kManageContent)) return forbidden();
    return content(call, parts);
  }
  if (first == "settings" && parts.size() == 1) {
    if (!call.can(Capability::kManageSettings)) return forbidden();
    return settings_page(call);
  }
  return site_.error_page(404);
}

// ---- Dashboard and lists ------------------------------------------------------------------

Response AdminHandler::dashboard(Call& call) {
  mstch::array cards;
  auto card = [&](int count, std::string label, std::string url) {
    cards.push_back(mstch::map{{"count", count}, {"label", std::move(label)}, {"url", url}});
  };
  if (call.can(Capability::kWriteEntries)) {
    for (EntryStatus s : {EntryStatus::kDraft, EntryStatus::kScheduled, EntryStatus::kPublished}) {
      store::EntryQuery q;
      q.statuses = {s};
      q.kinds = content::all_entry_kinds();
      q.limit = 0;
      auto list = store_.list_entries(q);
      if (!list) return message(&call, 500, "The entries could not be read", {});
      std::string label = status_label(s);
      label[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(label[0])));
      card(list->total, label, "/admin/entries/?status=" + std::string(content::to_string(s)));
    }
  }
  if (call.can(Capability::kModerate)) {
    auto comments = store_.comments_with_status(ModerationStatus::kPending, kQueueSize);
    auto suggestions = store_.organizations_with_status(ModerationStatus::kPending);
    if (!comments || !suggestions) return message(&call, 500, "The queue could not be read", {});
    card(static_cast<int>(comments->size()), "comments waiting", "/admin/comments/");
    card(static_cast<int>(suggestions->size()), "suggestions waiting", "/admin/suggestions/");
  }
  return page(&call, "dashboard", "Dashboard",
              mstch::map{{"cards", std::move(cards)},
                         {"archived", site_.settings()->archived},
                         {"can_write", call.can(Capability::kWriteEntries)}});
}

Response AdminHandler::entries(Call& call) {
  const std::string status_name = util::form_value(call.request.query, "status").value_or("");
  const int page_number = static_cast<int>(std::clamp<long long>(
      util::parse_non_negative(util::form_value(call.request.query, "page").value_or("1"))
          .value_or(1),
      1, 100000));
  store::EntryQuery q;
  q.kinds = content::all_entry_kinds();
  q.statuses = {EntryStatus::kDraft, EntryStatus::kScheduled, EntryStatus::kPublished,
                EntryStatus::kPrivate};
  const auto status = content::parse_entry_status(status_name);
  if (status) q.statuses = {*status};
  q.limit = kEntriesPerPage;
  q.offset = (page_number - 1) * kEntriesPerPage;
  auto list = store_.list_entries(q);
  if (!list) return message(&call, 500, "The entries could not be read", {});
  mstch::array rows;
  for (const content::Entry& e : list->entries) {
    rows.push_back(mstch::map{{"title", e.title.empty() ? std::string("(no title)") : e.title},
                              {"edit_url", "/admin/entries/" + std::to_string(e.id) + "/"},
                              {"editable", auth::may_edit(call.user(), e)},
                              {"kind", kind_label(e.kind)},
                              {"status", status_label(e.status)},
                              {"date", shown_time(e.published_at)}});
  }
  mstch::array filters;
  filters.push_back(mstch::map{{"label", std::string("All")},
                               {"url", std::string("/admin/entries/")},
                               {"current", !status}});
  for (EntryStatus s : {EntryStatus::kDraft, EntryStatus::kScheduled, EntryStatus::kPublished,
                        EntryStatus::kPrivate, EntryStatus::kTrash}) {
    filters.push_back(
        mstch::map{{"label", status_label(s)},
                   {"url", "/admin/entries/?status=" + std::string(content::to_string(s))},
                   {"current", status == s}});
  }
  const std::string base =
      "/admin/entries/?" + (status ? "status=" + status_name + "&" : std::string()) + "page=";
  mstch::map view{{"entries", std::move(rows)},
                  {"filters", std::move(filters)},
                  {"total", list->total},
                  {"status_label", status ? status_label(*status) : std::string()},
                  {"can_write", true}};
  if (page_number > 1) view["newer_url"] = base + std::to_string(page_number - 1);
  if (q.offset + kEntriesPerPage < list->total) {
    view["older_url"] = base + std::to_string(page_number + 1);
  }
  return page(&call, "entries", "Entries", std::move(view));
}

// ---- Editing entries ----------------------------------------------------------------------

Response AdminHandler::entry_form(Call& call, const content::Entry& entry, int status,
                                  const std::vector<std::string>& errors, std::string_view notice) {
  auto categories = store_.categories();
  auto films = store_.films();
  if (!categories || !films) return message(&call, 500, "The site could not be read", {});
  mstch::array category_rows;
  const auto sorted = category_paths(*categories);
  for (const auto& [path, id] : sorted) {
    const bool checked = std::find(entry.category_ids.begin(), entry.category_ids.end(), id) !=
                         entry.category_ids.end();
    category_rows.push_back(
        mstch::map{{"id", std::to_string(id)}, {"path", path}, {"checked", checked}});
  }
  // Organizations: the entry's own first, in its order, then the others by name.
  auto orgs = store_.organizations_with_status(ModerationStatus::kApproved);
  if (!orgs) return message(&call, 500, "The organizations could not be read", {});
  auto rank = [&](Id id) {
    return std::find(entry.organization_ids.begin(), entry.organization_ids.end(), id) -
           entry.organization_ids.begin();
  };
  std::sort(orgs->begin(), orgs->end(), [&](const auto& a, const auto& b) {
    const auto ra = rank(a.id), rb = rank(b.id);
    return ra != rb ? ra < rb : a.name < b.name;
  });
  mstch::array org_rows;
  for (const content::Organization& o : *orgs) {
    const bool checked = std::find(entry.organization_ids.begin(), entry.organization_ids.end(),
                                   o.id) != entry.organization_ids.end();
    org_rows.push_back(
        mstch::map{{"id", std::to_string(o.id)}, {"name", o.name}, {"checked", checked}});
  }
  // Parent pages: any page but this one and those below it.
  store::EntryQuery pages_query;
  pages_query.kinds = {content::EntryKind::kPage};
  pages_query.statuses = {EntryStatus::kPublished, EntryStatus::kDraft, EntryStatus::kScheduled,
                          EntryStatus::kPrivate};
  pages_query.limit = 1000;
  auto pages_list = store_.list_entries(pages_query);
  if (!pages_list) return message(&call, 500, "The pages could not be read", {});
  std::map<Id, std::optional<Id>> parent_of;
  for (const content::Entry& p : pages_list->entries) parent_of[p.id] = p.parent_id;
  auto below_this = [&](Id candidate) {
    std::optional<Id> at = candidate;
    for (int depth = 0; at && depth < 32; ++depth) {
      if (*at == entry.id) return true;
      auto found = parent_of.find(*at);
      at = found == parent_of.end() ? std::nullopt : found->second;
    }
    return false;
  };
  mstch::array parent_rows;
  for (const content::Entry& p : pages_list->entries) {
    if (entry.id != 0 && below_this(p.id)) continue;
    parent_rows.push_back(mstch::map{
        {"id", std::to_string(p.id)}, {"title", p.title}, {"selected", entry.parent_id == p.id}});
  }
  mstch::array film_rows;
  for (const content::Film& f : *films) {
    film_rows.push_back(mstch::map{
        {"id", std::to_string(f.id)}, {"title", f.title}, {"selected", entry.film_id == f.id}});
  }
  std::string tag_names;
  for (Id tag_id : entry.tag_ids) {
    if (auto tag = store_.tag_by_id(tag_id)) {
      if (!tag_names.empty()) tag_names += ", ";
      tag_names += tag->name;
    }
  }
  mstch::array kinds;
  for (content::EntryKind k : content::all_entry_kinds()) {
    kinds.push_back(mstch::map{{"value", std::string(content::to_string(k))},
                               {"label", kind_label(k)},
                               {"selected", entry.kind == k}});
  }
  mstch::array formats;
  for (auto [f, label] : {std::pair{content::BodyFormat::kMarkdown, "Markdown"},
                          std::pair{content::BodyFormat::kHtml, "HTML"}}) {
    formats.push_back(mstch::map{{"value", std::string(content::to_string(f))},
                                 {"label", std::string(label)},
                                 {"selected", entry.body_format == f}});
  }
  // The choices this editor has: publishing needs the right to publish.
  mstch::array statuses;
  auto status_option = [&](std::string value, std::string label, bool selected) {
    statuses.push_back(mstch::map{{"value", value}, {"label", label}, {"selected", selected}});
  };
  const bool published =
      entry.status == EntryStatus::kPublished || entry.status == EntryStatus::kScheduled;
  status_option("draft", "Draft", entry.status == EntryStatus::kDraft);
  if (call.can(Capability::kPublish)) {
    status_option("publish", "Published (or scheduled, with a future time)", published);
    status_option("private", "Private", entry.status == EntryStatus::kPrivate);
  }
  if (entry.id != 0) status_option("trash", "Trash", entry.status == EntryStatus::kTrash);
  mstch::array sections;
  int n = 0;
  for (const content::Section& s : entry.sections) {
    sections.push_back(mstch::map{{"n", ++n}, {"heading", s.heading}, {"body", s.body}});
  }
  sections.push_back(mstch::map{{"n", ++n}, {"heading", std::string()}, {"body", std::string()}});
  mstch::map entry_view{
      {"title", entry.title},
      {"slug", entry.slug},
      {"kicker", entry.kicker},
      {"body", entry.body},
      {"excerpt", entry.excerpt},
      {"tags", tag_names},
      // A draft's date is when it was last saved: publishing it without a
      // typed time publishes it now.
      {"published_at",
       entry.status == EntryStatus::kDraft ? std::string() : datetime_local(entry.published_at)},
      {"comments_open", entry.comments_open},
      {"menu_order", std::to_string(entry.menu_order)},
      {"password", entry.password},
      {"sticky", entry.sticky}};
  if (entry.id != 0) {
    entry_view["view_url"] = site_.canonical_path(entry);
    entry_view["revisions_url"] = "/admin/entries/" + std::to_string(entry.id) + "/revisions/";
  }
  mstch::array error_list;
  for (const std::string& e : errors) error_list.push_back(e);
  const std::string heading = entry.id == 0 ? "New entry" : "Edit “" + entry.title + "”";
  return page(
      &call, "entry_form", entry.id == 0 ? "New entry" : entry.title,
      mstch::map{{"heading", heading},
                 {"action", entry.id == 0 ? std::string("/admin/entries/new")
                                          : "/admin/entries/" + std::to_string(entry.id) + "/"},
                 {"entry", std::move(entry_view)},
                 {"kinds", std::move(kinds)},
                 {"films", std::move(film_rows)},
                 {"formats", std::move(formats)},
                 {"statuses", std::move(statuses)},
                 {"sections", std::move(sections)},
                 {"categories", std::move(category_rows)},
                 {"organizations", std::move(org_rows)},
                 {"parents", std::move(parent_rows)},
                 {"errors", std::move(error_list)},
                 {"has_errors", !errors.empty()},
                 {"notice", std::string(notice)}},
      status);
}

Response AdminHandler::edit_entry(Call& call, std::optional<Id> id) {
  if (!id) {
    if (!call.can(Capability::kWriteEntries)) return site_.error_page(403);
    content::Entry fresh;
    fresh.author_id = call.user().id;
    return entry_form(call, fresh, 200, {}, "");
  }
  auto entry = store_.entry_by_id(*id);
  if (!entry) {
    return entry.error().code == ErrorCode::kNotFound
               ? site_.error_page(404)
               : message(&call, 500, "The entry could not be read", {});
  }
  if (!auth::may_edit(call.user(), *entry)) {
    return message(
        &call, 403, "You cannot edit this entry",
        {"Your role lets you edit your own entries only" +
         std::string(call.can(Capability::kPublish) ? "." : ", until they are published.")},
        "/admin/entries/", "Back to the entries");
  }
  if (call.post()) return save_entry(call, std::move(*entry));
  std::string notice;
  const auto saved = util::form_value(call.request.query, "saved");
  if (saved == "1") {
    notice =
        entry->status == EntryStatus::kScheduled
            ? "Saved. It will appear on the site at " + shown_time(entry->published_at) + " UTC."
            : "Saved.";
  } else if (saved == "restored") {
    notice = "The revision was restored.";
  }
  return entry_form(call, *entry, 200, {}, notice);
}

Response AdminHandler::save_entry(Call& call, std::optional<content::Entry> existing) {
  const ParsedForm& form = call.form;
  const util::UnixTime now = clock_.now();
  content::Entry entry;
  if (existing) {
    entry = *existing;
  } else {
    entry.author_id = call.user().id;
  }
  std::vector<std::string> errors;
  entry.title = std::string(util::trim(form.value("title")));
  if (entry.title.empty()) errors.push_back("The title is empty.");
  if (too_long(entry.title, kMaxTitleChars)) errors.push_back("The title is over 300 characters.");
  const std::string_view slug = util::trim(form.value("slug"));
  entry.slug = util::slugify(slug.empty() ? std::string_view(entry.title) : slug);
  if (too_long(entry.slug, 200)) entry.slug.resize(util::offset_after_code_points(entry.slug, 200));
  entry.kicker = std::string(util::trim(form.value("kicker")));
  if (auto kind = content::parse_entry_kind(form.value("kind"))) {
    entry.kind = *kind;
  } else {
    errors.push_back("Choose the entry's kind.");
  }
  entry.film_id.reset();
  if (!form.value("film").empty()) {
    auto film_id = parse_id(form.value("film"));
    if (!film_id || !store_.film_by_id(*film_id)) {
      errors.push_back("That film does not exist.");
    } else {
      entry.film_id = film_id;
    }
  }
  entry.body_format = content::parse_body_format(form.value("body_format"))
                          .value_or(content::BodyFormat::kMarkdown);
  entry.body = std::string(form.value("body"));
  entry.excerpt = std::string(util::trim(form.value("excerpt")));
  entry.sections.clear();
  const auto headings = form.values("section_heading");
  const auto bodies = form.values("section_body");
  for (std::size_t i = 0; i < std::max(headings.size(), bodies.size()); ++i) {
    content::Section s;
    if (i < headings.size()) s.heading = std::string(util::trim(headings[i]));
    if (i < bodies.size()) s.body = std::string(bodies[i]);
    if (s.heading.empty() && util::trim(s.body).empty()) continue;
    entry.sections.push_back(std::move(s));
  }
  entry.category_ids =
      chosen_ids(form.values("category"), errors, "A chosen category does not exist any more.",
                 [&](Id id) { return store_.category_by_id(id).has_value(); });
  entry.tag_ids.clear();
  for (std::string_view name : util::split(form.value("tags"), ',')) {
    name = util::trim(name);
    if (name.empty()) continue;
    const std::string tag_slug = util::slugify(name);
    auto tag = store_.tag_by_slug(tag_slug);
    Id tag_id = 0;
    if (tag) {
      tag_id = tag->id;
    } else if (tag.error().code == ErrorCode::kNotFound) {
      content::Tag fresh;
      fresh.slug = tag_slug;
      fresh.name = std::string(name);
      auto saved = store_.save_tag(fresh);
      if (!saved) {
        errors.push_back("The tag “" + fresh.name + "” could not be made.");
        continue;
      }
      tag_id = *saved;
    } else {
      return message(&call, 500, "The tags could not be read", {});
    }
    if (std::find(entry.tag_ids.begin(), entry.tag_ids.end(), tag_id) == entry.tag_ids.end()) {
      entry.tag_ids.push_back(tag_id);
    }
  }
  entry.organization_ids = chosen_ids(
      form.values("organization"), errors, "A chosen organization does not exist any more.",
      [&](Id id) { return store_.organization_by_id(id).has_value(); });
  entry.parent_id.reset();
  if (!form.value("parent").empty()) {
    auto parent = parse_id(form.value("parent"));
    auto found = parent ? store_.entry_by_id(*parent)
                        : util::Result<content::Entry>(util::fail(ErrorCode::kNotFound, "none"));
    if (!found || found->kind != content::EntryKind::kPage) {
      errors.push_back("The chosen parent page does not exist.");
    } else if (existing && *parent == existing->id) {
      errors.push_back("A page cannot be its own parent.");
    } else {
      entry.parent_id = parent;
    }
  }
  const std::string order(util::trim(form.value("menu_order")));
  if (order.empty()) {
    entry.menu_order = 0;
  } else if (auto n = util::parse_non_negative(order); n && *n <= 100000) {
    entry.menu_order = static_cast<int>(*n);
  } else {
    errors.push_back("The order among siblings is not a whole number.");
  }
  entry.password = std::string(form.value("entry_password"));
  if (too_long(entry.password, 100)) errors.push_back("The password is over 100 characters.");
  entry.comments_open = form.value("comments_open") == "1";
  entry.sticky = form.value("sticky") == "1";

  std::optional<util::UnixTime> when;
  std::string typed_time(util::trim(form.value("published_at")));
  if (!typed_time.empty()) {
    if (typed_time.size() == 16) typed_time += ":00";  // datetime-local has no seconds.
    when = util::parse_iso_time(typed_time);
    if (!when) errors.push_back("“Publish at” is not a date and time.");
  }
  const std::string_view status = form.value("status");
  if (status == "draft") {
    entry.status = EntryStatus::kDraft;
  } else if (status == "publish" || status == "private") {
    if (!call.can(Capability::kPublish)) {
      return message(&call, 403, "Your role does not allow publishing",
                     {"Save the entry as a draft; an editor can publish it."});
    }
    entry.status = status == "private" ? EntryStatus::kPrivate : EntryStatus::kPublished;
  } else if (status == "trash" && existing) {
    entry.status = EntryStatus::kTrash;
  } else {
    errors.push_back("Choose a status.");
  }
  // A typed time wins; else a public entry keeps its date, and one published now gets now.
  const bool was_public = existing && (existing->status == EntryStatus::kPublished ||
                                       existing->status == EntryStatus::kScheduled);
  if (when) {
    entry.published_at = *when;
  } else if (was_public ||
             (existing && entry.status != EntryStatus::kPublished && existing->published_at != 0)) {
    entry.published_at = existing->published_at;
  } else {
    entry.published_at = now;
  }
  if (entry.status == EntryStatus::kPublished && entry.published_at > now) {
    entry.status = EntryStatus::kScheduled;
  }
  entry.modified_at = now;
  if (auto rendered = render::render_bodies(entry); !rendered) {
    errors.push_back(rendered.error().message);
  }

  if (form.value("action") == "preview") {
    if (!errors.empty()) return entry_form(call, entry, 400, errors, "");
    return site_.preview(entry);
  }
  if (!errors.empty()) return entry_form(call, entry, 400, errors, "");
  auto id = store_entry(call, entry, existing);
  if (!id) return entry_form(call, entry, status_for(id.error().code), {id.error().message}, "");
  return see_other("/admin/entries/" + std::to_string(*id) + "/?saved=1");
}

util::Result<Id> AdminHandler::store_entry(Call& call, content::Entry entry,
                                           const std::optional<content::Entry>& before) {
  const std::string old_path =
      before && before->status == EntryStatus::kPublished ? site_.canonical_path(*before) : "";
  Id id = 0;
  util::Status saved = store_.transaction([&]() -> util::Status {
    auto saved_id = store_.save_entry(entry);
    if (!saved_id) return util::fail(saved_id.error());
    id = *saved_id;
    entry.id = id;
    content::Revision revision;
    revision.entry_id = id;
    revision.user_id = call.user().id;
    revision.saved_at = clock_.now();
    revision.title = entry.title;
    revision.data = entry_record(entry);
    if (auto r = store_.save_revision(revision); !r) return util::fail(r.error());
    return {};
  });
  if (!saved) {
    // The code stays the store's, so that the form's status says what happened (409, 503).
    return util::fail(saved.error().code, save_problem(saved.error(), "entry").sentence);
  }
  site_.notice_write();
  // Old links keep working: a published entry whose address changed gets a redirect from the
  // old one. (Permalinks that end in the id already find the entry; page paths do not.)
  if (!old_path.empty()) {
    const std::string new_path = site_.canonical_path(entry);
    if (new_path != old_path) {
      content::Redirect redirect;
      redirect.from_path = old_path;
      redirect.entry_id = id;
      if (auto r = store_.save_redirect(redirect); !r) {
        std::cerr << "reelpress: cannot keep the old address " << old_path << ": "
                  << r.error().describe() << "\n";
      }
    }
  }
  return id;
}

// ---- Revisions ----------------------------------------------------------------------------

Response AdminHandler::revisions(Call& call, Id entry_id) {
  auto entry = store_.entry_by_id(entry_id);
  if (!entry) return site_.error_page(404);
  if (!auth::may_edit(call.user(), *entry)) return site_.error_page(403);
  auto list = store_.revisions_of(entry_id);
  if (!list) return message(&call, 500, "The revisions could not be read", {});
  mstch::array rows;
  for (const content::Revision& r : *list) {
    std::string by = "(a removed account)";
    if (r.user_id) {
      if (auto u = store_.user_by_id(*r.user_id))
        by = u->display_name.empty() ? u->login : u->display_name;
    }
    rows.push_back(mstch::map{{"saved", shown_time(r.saved_at)},
                              {"by", by},
                              {"title", r.title},
                              {"url", "/admin/revisions/" + std::to_string(r.id) + "/"}});
  }
  return page(&call, "revisions", "Revisions",
              mstch::map{{"entry_title", entry->title},
                         {"edit_url", "/admin/entries/" + std::to_string(entry_id) + "/"},
                         {"count", static_cast<int>(list->size())},
                         {"revisions", std::move(rows)}});
}

Response AdminHandler::revision(Call& call, Id revision_id) {
  auto rev = store_.revision_by_id(revision_id);
  if (!rev) return site_.error_page(404);
  auto current = store_.entry_by_id(rev->entry_id);
  if (!current) return site_.error_page(404);
  if (!auth::may_edit(call.user(), *current)) return site_.error_page(403);
  auto old = entry_from_record(rev->data);
  if (!old) return message(&call, 500, "This revision cannot be read", {old.error().message});
  const std::string edit_url = "/admin/entries/" + std::to_string(current->id) + "/";
  if (call.post()) {
    content::Entry restored = std::move(*old);
    restored.id = current->id;
    restored.modified_at = clock_.now();
    if (!call.can(Capability::kPublish) && restored.status != EntryStatus::kDraft) {
      return message(&call, 403, "Your role does not allow publishing",
                     {"This revision was published; only an editor can restore it."});
    }
    if (restored.status == EntryStatus::kPublished && restored.published_at > clock_.now()) {
      restored.status = EntryStatus::kScheduled;
    }
    if (auto rendered = render::render_bodies(restored); !rendered) {
      return message(&call, 400, "The revision could not be restored", {rendered.error().message});
    }
    auto id = store_entry(call, restored, current.value());
    if (!id) return message(&call, 500, "The revision could not be restored", {id.error().message});
    return see_other(edit_url + "?saved=restored");
  }
  const auto lines = line_diff(entry_text(*old), entry_text(*current));
  const bool same = std::all_of(lines.begin(), lines.end(),
                                [](const DiffLine& l) { return l.kind == DiffLine::Kind::kKept; });
  mstch::array rows;
  for (const DiffLine& l : lines) {
    rows.push_back(mstch::map{{"text", l.text},
                              {"removed", l.kind == DiffLine::Kind::kRemoved},
                              {"added", l.kind == DiffLine::Kind::kAdded},
                              {"kept", l.kind == DiffLine::Kind::kKept}});
  }
  return page(&call, "revision", "Revision",
              mstch::map{{"saved", shown_time(rev->saved_at)},
                         {"same", same},
                         {"lines", std::move(rows)},
                         {"edit_url", edit_url},
                         {"revisions_url", edit_url + "revisions/"},
                         {"restore_url", "/admin/revisions/" + std::to_string(revision_id) + "/"}});
}

// ---- Moderation ---------------------------------------------------------------------------

Response AdminHandler::queue(Call& call, bool comments) {
  const std::string base = comments ? "/admin/comments/" : "/admin/suggestions/";
  const std::string noun = comments ? "comment" : "suggestion";
  if (call.post()) {
    const auto target = content::parse_moderation_status(call.form.value("action"));
    if (!target) return message(&call, 400, "Choose what to do with the selected", {}, base);
    int changed = 0;
    for (std::string_view value : call.form.values("id")) {
      const auto id = parse_id(value);
      if (!id) continue;
      const util::Status s = comments ? store_.set_comment_status(*id, *target)
                                      : store_.set_organization_status(*id, *target);
      if (!s && s.error().code != ErrorCode::kNotFound) {
        return message(&call, 500, "Moderation failed part way",
                       {std::to_string(changed) + " were changed before an error."}, base);
      }
      if (s) ++changed;
    }
    site_.notice_write();
    const std::string back =
        std::string(content::to_string(content::parse_moderation_status(call.form.value("status"))
                                           .value_or(ModerationStatus::kPending)));
    return see_other(base + "?status=" + back + "&done=" + std::to_string(changed));
  }
  const auto status = content::parse_moderation_status(
                          util::form_value(call.request.query, "status").value_or("pending"))
                          .value_or(ModerationStatus::kPending);
  mstch::array items;
  std::map<Id, std::pair<std::string, std::string>> entries;  // id -> title, url
  auto entry_of = [&](Id id) -> const std::pair<std::string, std::string>& {
    auto it = entries.find(id);
    if (it != entries.end()) return it->second;
    auto e = store_.entry_by_id(id);
    std::pair<std::string, std::string> shown{"(a removed entry)", "/"};
    if (e) shown = {e->title, site_.canonical_path(*e)};
    return entries.emplace(id, std::move(shown)).first->second;
  };
  if (comments) {
    auto list = store_.comments_with_status(status, kQueueSize);
    if (!list) return message(&call, 500, "The comments could not be read", {});
    for (const content::Comment& c : *list) {
      const auto& [title, url] = entry_of(c.entry_id);
      items.push_back(mstch::map{{"id", std::to_string(c.id)},
                                 {"kind", noun},
                                 {"author", util::reveal_hidden_characters(c.author_name)},
                                 {"entry_title", title},
                                 {"entry_url", url},
                                 {"date", shown_time(c.created_at)},
                                 {"edit_url", "/admin/comments/" + std::to_string(c.id) + "/"},
                                 {"text_html", moderator_view(c.body_html)}});
    }
  } else {
    auto list = store_.organizations_with_status(status);
    if (!list) return message(&call, 500, "The suggestions could not be read", {});
    for (const content::Organization& o : *list) {
      std::string title = "(no page)", url = "/";
      if (o.suggested_for_entry_id) std::tie(title, url) = entry_of(*o.suggested_for_entry_id);
      // Suggestions are plain text: shown escaped, never as markup, and with what does not
      // show named.
      auto shown = [](std::string_view field) {
        return render::escape_html(util::reveal_hidden_characters(field));
      };
      std::string text = "<p><strong>" + shown(o.name) + "</strong>";
      if (!o.url.empty()) text += " · " + shown(o.url);
      if (!o.region.empty()) text += " · " + shown(o.region);
      text += "</p><p>" + shown(o.description) + "</p>";
      items.push_back(mstch::map{{"id", std::to_string(o.id)},
                                 {"kind", noun},
                                 {"author", util::reveal_hidden_characters(o.name)},
                                 {"entry_title", title},
                                 {"entry_url", url},
                                 {"date", shown_time(o.created_at)},
                                 {"text_html", text}});
    }
  }
  mstch::array filters;
  for (ModerationStatus s : {ModerationStatus::kPending, ModerationStatus::kApproved,
                             ModerationStatus::kSpam, ModerationStatus::kTrash}) {
    std::string label(content::to_string(s));
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    filters.push_back(mstch::map{{"label", label},
                                 {"url", base + "?status=" + std::string(content::to_string(s))},
                                 {"current", s == status}});
  }
  mstch::array actions;
  for (auto [value, label] : {std::pair{"approved", "Approve"}, std::pair{"pending", "Unapprove"},
                              std::pair{"spam", "Spam"}, std::pair{"trash", "Trash"}}) {
    if (content::parse_moderation_status(value) == status) continue;
    actions.push_back(mstch::map{{"value", std::string(value)}, {"label", std::string(label)}});
  }
  std::string notice;
  if (auto done = util::form_value(call.request.query, "done")) {
    notice = *done + (*done == "1" ? " " + noun + " was" : " " + noun + "s were") + " moved.";
  }
  const bool has_items = !items.empty();
  return page(
      &call, "comments", comments ? "Comments" : "Suggestions",
      mstch::map{{"heading", std::string(comments ? "Comments" : "Suggested organizations")},
                 {"items", std::move(items)},
                 {"has_items", has_items},
                 {"filters", std::move(filters)},
                 {"actions", std::move(actions)},
                 {"action", base},
                 {"status", std::string(content::to_string(status))},
                 {"notice", notice}});
}

Response AdminHandler::comment(Call& call, Id id) {
  auto c = store_.comment_by_id(id);
  if (!c) return site_.error_page(404);
  auto entry = store_.entry_by_id(c->entry_id);
  const std::string entry_title = entry ? entry->title : "(a removed entry)";
  const std::string entry_url = entry ? site_.canonical_path(*entry) : "/";
  std::string author = c->author_name;
  // The text as the reader wrote it, paragraphs and all; sent back unchanged, it leaves the
  // stored comment as it was (imported markup included).
  const std::string stored_text = render::comment_to_plain_text(c->body_html);
  std::string text = stored_text;
  ModerationStatus status = c->status;
  std::vector<std::string> errors;
  if (call.post()) {
    author = std::string(util::trim(call.form.value("author")));
    text = textarea_value(call.form.value("text"));
    status = content::parse_moderation_status(call.form.value("status")).value_or(status);
    if (author.empty()) errors.push_back("The name is empty.");
    if (too_long(author, form::kMaxAuthorChars))
      errors.push_back("The name is over 100 characters.");
    if (util::trim(text).empty()) errors.push_back("The comment is empty.");
    if (too_long(text, form::kMaxCommentChars)) {
      errors.push_back("The comment is over 10,000 characters.");
    }
    if (errors.empty()) {
      c->author_name = author;
      if (text != stored_text) c->body_html = render::plain_text_to_html(text);
      c->status = status;
      if (auto s = store_.save_comment(*c); !s) {
        const SaveProblem failed = save_problem(s.error(), "comment");
        return message(&call, failed.status, "The comment could not be saved", {failed.sentence});
      }
      site_.notice_write();
      return see_other("/admin/comments/?status=" + std::string(content::to_string(status)) +
                       "&done=1");
    }
  }
  mstch::array statuses;
  for (ModerationStatus s : {ModerationStatus::kPending, ModerationStatus::kApproved,
                             ModerationStatus::kSpam, ModerationStatus::kTrash}) {
    statuses.push_back(mstch::map{{"value", std::string(content::to_string(s))},
                                  {"label", std::string(content::to_string(s))},
                                  {"selected", s == status}});
  }
  mstch::array error_list;
  for (const std::string& e : errors) error_list.push_back(e);
  return page(&call, "comment_form", "Edit a comment",
              mstch::map{{"action", "/admin/comments/" + std::to_string(id) + "/"},
                         {"author", author},
                         {"text", text},
                         {"revealed", hidden_characters_note(author, text)},
                         {"entry_title", entry_title},
                         {"entry_url", entry_url},
                         {"date", shown_time(c->created_at)},
                         {"statuses", std::move(statuses)},
                         {"errors", std::move(error_list)},
                         {"has_errors", !errors.empty()}},
              errors.empty() ? 200 : 400);
}

// ---- Settings -----------------------------------------------------------------------------

Response AdminHandler::settings_page(Call& call) {
  auto settings = site_.settings();
  const ParsedForm& f = call.form;
  // What the form shows: the settings in force, or what was sent when it could not be saved.
  auto shown = [&](std::string_view name, std::string current) {
    return call.post() ? std::string(util::trim(f.value(name))) : current;
  };
  auto ticked = [&](std::string_view name, bool current) {
    return call.post() ? f.value(name) == "1" : current;
  };
  std::vector<std::string> errors;
  if (call.post()) {
    if (options_.settings_path.empty()) {
      return message(&call, 409, "Settings cannot be changed here",
                     {"This server was started without a settings file."});
    }
    std::vector<config::SettingValue> values;
    auto text = [&](const char* table, const char* key, std::string_view name, std::size_t max,
                    bool required) {
      const std::string value(util::trim(f.value(name)));
      if (required && value.empty()) errors.push_back("“" + std::string(name) + "” is empty.");
      if (too_long(value, max)) errors.push_back("“" + std::string(name) + "” is too long.");
      values.push_back({table, key, config::toml_string(value)});
    };
    auto number = [&](const char* table, const char* key, std::string_view name,
                      std::string_view label) {
      const std::string value(util::trim(f.value(name)));
      if (!util::parse_non_negative(value) || value.size() > 9) {
        errors.push_back(std::string(label) + " must be a whole number.");
        return;
      }
      values.push_back({table, key, value});
    };
    auto flag = [&](const char* table, const char* key, std::string_view name) {
      values.push_back({table, key, f.value(name) == "1" ? "true" : "false"});
    };
    text("site", "title", "title", 200, true);
    text("site", "tagline", "tagline", 300, false);
    text("site", "producer", "producer", 200, false);
    text("site", "copyright_holder", "copyright_holder", 200, false);
    number("site", "posts_per_page", "posts_per_page", "Entries per page");
    flag("comments", "enabled", "comments_enabled");
    number("comments", "close_after_days", "close_after_days", "Days comments stay open");
    flag("comments", "trust_returning", "trust_returning");
    flag("archive", "enabled", "archived");
    text("archive", "banner", "banner", 500, true);
    if (errors.empty()) {
      if (auto s = config::set_values(options_.settings_path, values); !s) {
        if (s.error().code == ErrorCode::kInvalidArgument) {
          errors.push_back(s.error().message);
        } else {
          const SaveProblem failed = save_problem(s.error(), "settings");
          return message(&call, failed.status, "The settings could not be saved",
                         {failed.sentence});
        }
      }
    }
    if (errors.empty()) {
      auto reloaded = config::load_site_settings(options_.settings_path);
      if (!reloaded) {
        return message(&call, 500, "The saved settings could not be read",
                       {reloaded.error().message});
      }
      if (auto s = site_.set_settings(std::move(*reloaded)); !s) {
        return message(&call, 500, "The settings could not be applied", {s.error().message});
      }
      return see_other("/admin/settings/?saved=1");
    }
  }
  mstch::map site{
      {"fields", mstch::array{
                     input("Title", "title", shown("title", settings->title), "text", "", true),
                     input("Tagline", "tagline", shown("tagline", settings->tagline)),
                     input("Producer", "producer", shown("producer", settings->producer), "text",
                           "The footer reads “Produced by PRODUCER ©YEAR COPYRIGHT HOLDER”."),
                     input("Copyright holder", "copyright_holder",
                           shown("copyright_holder", settings->copyright_holder)),
                     input("Entries per page", "posts_per_page",
                           shown("posts_per_page", std::to_string(settings->posts_per_page)),
                           "number", "On the home page and listings, 1 to 100."),
                 }}};
  mstch::map comments{
      {"fields",
       mstch::array{
           check("Readers may comment and suggest organizations", "comments_enabled",
                 ticked("comments_enabled", settings->comments_enabled)),
           input("Close comments after (days)", "close_after_days",
                 shown("close_after_days", std::to_string(settings->comments_close_after_days)),
                 "number", "After an entry's publication; 0 keeps them open."),
           check("Publish at once the comments of readers with an approved comment (same name and "
                 "email)",
                 "trust_returning", ticked("trust_returning", settings->comments_trust_returning)),
       }}};
  mstch::map archive{{"fields", mstch::array{
                                    check("The site is archived", "archived",
                                          ticked("archived", settings->archived)),
                                    area("Banner", "banner", shown("banner", settings->banner), 3,
                                         "The first line is the headline, the others the detail."),
                                }}};
  return page(&call, "settings", "Settings",
              mstch::map{{"site", std::move(site)},
                         {"comments", std::move(comments)},
                         {"archive", std::move(archive)},
                         {"errors", messages(errors)},
                         {"has_errors", !errors.empty()},
                         {"notice", util::form_value(call.request.query, "saved") == "1"
                                        ? std::string("Settings saved.")
                                        : std::string()}},
              errors.empty() ? 200 : 400);
}

// ---- Media --------------------------------------------------------------------------------

Response AdminHandler::media_page(Call& call) {
  std::string alt, title, problem;
  int status = 200;
  if (call.post()) {
    alt = std::string(util::trim(call.form.value("alt")));
    title = std::string(util::trim(call.form.value("title")));
    const FormPart* file = nullptr;
    for (const FormPart& part : call.files) {
      if (part.name == "file" && part.filename && !part.filename->empty()) file = &part;
    }
    if (options_.media_root.empty()) {
      problem = "This server was started without a media folder.";
      status = 409;
    } else if (file == nullptr) {
      problem = "Choose a file to upload.";
      status = 400;
    } else {
      media::Upload upload;
      upload.original_name = *file->filename;
      upload.bytes = file->data;
      upload.title = title;
      upload.alt = alt;
      upload.now = clock_.now();
      auto saved = media::accept_upload(store_, options_.media_root, options_.uploads, upload);
      if (saved) {
        site_.notice_write();
        return see_other("/admin/media/?uploaded=" + util::percent_encode_path(saved->path));
      }
      const auto refusal = media::upload_error_of(saved.error());
      if (!refusal) {
        const SaveProblem failed = save_problem(saved.error(), "file");
        problem = saved.error().code == ErrorCode::kNoSpace
                      ? failed.sentence
                      : "The file could not be stored. Nothing was kept; try again later.";
        status = failed.status;
      } else {
        problem = std::string(media::upload_error_message(*refusal));
        switch (*refusal) {
          case media::UploadError::kTooLarge: status = 413; break;
          case media::UploadError::kHtml:
          case media::UploadError::kSvg:
          case media::UploadError::kProgram:
          case media::UploadError::kNotAllowed: status = 415; break;
          default: status = 400; break;
        }
      }
    }
  }
  auto recent = store_.recent_media(30);
  if (!recent) return message(&call, 500, "The media could not be read", {});
  mstch::array rows;
  for (const content::Media& m : *recent) {
    const std::string url = "/files/" + util::percent_encode_path(m.path);
    rows.push_back(mstch::map{{"url", url},
                              {"alt", m.alt},
                              {"image", m.mime_type.starts_with("image/")},
                              {"type", m.mime_type},
                              {"size", std::to_string((m.size + 1023) / 1024) + " KB"}});
  }
  std::string notice;
  if (auto uploaded = util::form_value(call.request.query, "uploaded")) {
    notice = "Uploaded: /files/" + *uploaded;
  }
  mstch::array errors;
  if (!problem.empty()) errors.push_back(problem);
  return page(&call, "media", "Media",
              mstch::map{{"media", std::move(rows)},
                         {"alt", alt},
                         {"media_title", title},
                         {"max_mb", static_cast<int>(options_.uploads.max_bytes >> 20)},
                         {"notice", notice},
                         {"errors", std::move(errors)},
                         {"has_errors", !problem.empty()}},
              status);
}

}  // namespace reelpress::site::admin
