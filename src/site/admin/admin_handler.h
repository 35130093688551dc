// The editors' admin at /admin/: sign-in, entries (drafts, preview, scheduling, revisions),
// the comment and suggestion queue, media uploads, films, categories, tags, organizations,
// redirects, and the site's settings (including the archive switch). Every page
// is a plain HTML form that works without JavaScript (post, then redirect, then get).
//
// Security (OWASP ASVS level 2; see auth/sessions.h for sessions and auth/roles.h for roles):
//   - every request but the sign-in page needs a live session (cookie "rp_session", or
//     "__Host-rp_session" with Secure when the site's base_url is https; HttpOnly,
//     SameSite=Strict, Path=/);
//   - every POST carries a CSRF token: the session's own, or for the sign-in form a random
//     value that must match the "rp_signin" cookie set with the form. Without it: 403;
//   - every action checks the role here, on the server, whatever the pages offered;
//   - failed sign-ins slow down the next ones per account and per client, by seconds (see
//     auth/sign_in_throttle.h), except from a browser holding the account's device cookie
//     ("rp_device", set at each sign-in for 90 days), and every client is limited to
//     sign_ins_per_minute attempts (a RateLimiter keyed by a hash of the address, never
//     stored); wrong logins and passwords answer one generic message;
//   - admin pages are sent with "Cache-Control: no-store", a Content-Security-Policy that
//     allows nothing from another origin and no framing, and "Referrer-Policy: same-origin".
//
// Anything outside /admin/ goes to the public site's handler. Writes go through the store;
// the public pages they touch are dropped through the store's change counter
// (SiteHandler::notice_write makes that immediate for this process).
//
// Thread-safety: handle() may be called from every server thread at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "auth/sessions.h"
#include "media/upload.h"
#include "render/theme.h"
#include "site/http.h"
#include "site/rate_limiter.h"
#include "site/site_handler.h"
#include "store/store.h"
#include "util/clock.h"

namespace reelpress::site::admin {

class AdminHandler final : public Handler {
 public:
  // Where the media form posts: the one path whose bodies may be larger than forms' (see
  // accepts_large_body).
  static constexpr std::string_view kUploadPath = "/admin/media/";

  struct Options {
    // site.toml, which the settings page rewrites (the serving process also watches it).
    // Empty: settings cannot be changed from the admin.
    std::filesystem::path settings_path;
    // The site's media folder, where uploads are stored (media/upload.h). Empty: no uploads.
    std::filesystem::path media_root;
    media::UploadLimits uploads;
    // Sign-in attempts per client per minute (a token bucket; see RateLimiter).
    int sign_ins_per_minute = 10;
    auth::SessionPolicy sessions;
  };

  // `site` and `store` must outlive the handler. Fails when the admin theme cannot load.
  static util::Result<std::unique_ptr<AdminHandler>> create(store::Store& store, SiteHandler& site,
                                                            const util::Clock& clock,
                                                            Options options);

  Response handle(const Request& request) override;
  // The public site's reader forms answer later (SiteHandler); the admin's own pages do not.
  bool replies_later(const Request& request) const override {
    return !is_admin_path(request.path) && site_.replies_later(request);
  }
  void handle_async(const Request& request, Reply reply) override;
  Response error_page(int status) override { return site_.error_page(status); }
  // A post to kUploadPath carrying the cookie of a live session whose role may upload media,
  // when uploads are on (Options::media_root). Reads the store and writes nothing.
  bool accepts_large_body(const Request& header) override;

  struct Call;  // One request being answered (admin_handler.cc).
  // /admin and everything under /admin/.
  static bool is_admin_path(std::string_view path);

 private:
  AdminHandler(store::Store& store, SiteHandler& site, const util::Clock& clock, Options options,
               std::shared_ptr<const render::Theme> theme);

  Response admin(const Request& request);
  Response sign_in_page(int status, std::string_view problem, std::string_view login,
                        std::string_view next);
  Response sign_in(const Request& request);
  Response sign_out(Call& call);
  Response route(Call& call);
  Response dashboard(Call& call);
  Response entries(Call& call);
  Response entry_form(Call& call, const content::Entry& entry, int status,
                      const std::vector<std::string>& errors, std::string_view notice);
  Response edit_entry(Call& call, std::optional<content::Id> id);
  Response save_entry(Call& call, std::optional<content::Entry> existing);
  Response revisions(Call& call, content::Id entry_id);
  Response revision(Call& call, content::Id revision_id);
  Response queue(Call& call, bool comments);
  Response comment(Call& call, content::Id id);
  Response settings_page(Call& call);
  // Films, categories, tags, organizations and redirects (admin_content.cc).
  Response content(Call& call, const std::vector<std::string_view>& parts);
  Response films(Call& call, std::optional<content::Id> id, bool is_new);
  Response categories(Call& call, std::optional<content::Id> id, bool is_new);
  Response tags(Call& call, std::optional<content::Id> id, bool is_new);
  Response organizations(Call& call, std::optional<content::Id> id, bool is_new);
  Response redirects(Call& call);
  // Stores a redirect from an old listing or film address to its new one (a slug changed).
  void keep_old_address(const std::string& old_path, const std::string& new_path);
  Response media_page(Call& call);

  // Saves an edited or restored entry with its revision, and a redirect from its old address
  // when that changed. Errors are for the editor, as sentences.
  util::Result<content::Id> store_entry(Call& call, content::Entry entry,
                                        const std::optional<content::Entry>& before);

  Response page(Call* call, std::string_view template_name, const std::string& title,
                mstch::map view, int status = 200);
  Response message(Call* call, int status, const std::string& heading,
                   std::vector<std::string> paragraphs, std::string back_url = "/admin/",
                   std::string back_label = "Back to the dashboard",
                   std::vector<std::pair<std::string, std::string>> kept = {});
  static std::vector<std::pair<std::string, std::string>> kept_fields(const Request& request);
  Response see_other(const std::string& location);
  bool secure() const;
  std::string cookie_name(std::string_view base) const;
  // A Set-Cookie value for cookie `base` (named by cookie_name); an empty value deletes it.
  // Without a max_age (seconds) the browser keeps it until it closes.
  std::string set_cookie(std::string_view base, std::string_view value,
                         std::int64_t max_age = 0) const;

  store::Store& store_;
  SiteHandler& site_;
  const util::Clock& clock_;
  const Options options_;
  std::shared_ptr<const render::Theme> theme_;
  auth::Sessions sessions_;
  RateLimiter sign_in_limiter_;
  std::shared_ptr<const Body> stylesheet_;  // Null if the theme had none.
  std::string stylesheet_type_;             // content_type views it: it outlives responses.
  std::string stylesheet_url_;
};

}  // namespace reelpress::site::admin
