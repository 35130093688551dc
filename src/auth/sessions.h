// Sign-in sessions of the admin, as OWASP ASVS level 2 asks (V3 and V2.2):
//   - a session token is 32 random bytes (256 bits), made anew at every sign-in, sent to the
//     browser once and stored only as its BLAKE2b hash, so a copy of the database signs
//     nobody in;
//   - a session dies after 30 minutes without a request and 12 hours after sign-in, and at
//     sign-out, on the server: the row is deleted, not just the cookie;
//   - each session has its own CSRF token, compared in constant time;
//   - failed sign-ins slow down further attempts, per client and per account, by seconds and
//     never by more than a minute, and never the account owner's own browser (see
//     auth/sign_in_throttle.h): nothing locks an account. A wrong login and a wrong password
//     give the same answer and cost the same time (a hash is checked either way).
//
// Example:
//   Sessions sessions(store, clock);
//   auto outcome = sessions.sign_in({.login = "ana", .password = typed_password,
//                                    .client_address = address, .device_cookie = cookie});
//   if (auto* refused = std::get_if<SignInRefused>(&*outcome)) answer 403 or 429;
//   set the cookies to std::get<SignedIn>(*outcome).token and .device_cookie;
//   auto active = sessions.resume(cookie_token);       // kNotFound: signed out or expired
//   if (!sessions.csrf_matches(*active, posted_token)) refuse with 403;
//
// Thread-safety: every method may be called from every thread at once (the store is).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "auth/sign_in_throttle.h"
#include "content/model.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/result.h"

namespace reelpress::auth {

struct SessionPolicy {
  std::int64_t idle_seconds = 30 * 60;
  std::int64_t absolute_seconds = 12 * 60 * 60;
  ThrottlePolicy throttle;
  // last_seen is written at most this often: each admin request would otherwise be a write.
  std::int64_t touch_every_seconds = 60;
};

// A signed-in editor.
struct ActiveSession {
  content::Session session;
  content::User user;
};

struct SignedIn {
  std::string token;  // For the cookie; base64url, 43 characters. Never stored.
  // For the device cookie, which exempts this browser from the account's throttle.
  std::string device_cookie;
  ActiveSession active;
};

struct SignInAttempt {
  std::string_view login;
  std::string_view password;
  std::string_view client_address;  // As the server saw it; hashed, never stored.
  std::string_view device_cookie;   // The browser's device cookie; empty when it sent none.
};

// An attempt that did not sign in.
struct SignInRefused {
  std::string message;  // For the person signing in.
  // 0: the login or password was wrong. Otherwise the attempt was throttled before the
  // password was looked at, and may be made again after this many seconds (a minute at most).
  std::int64_t retry_after_seconds = 0;
};

using SignInOutcome = std::variant<SignedIn, SignInRefused>;

class Sessions {
 public:
  Sessions(store::Store& store, const util::Clock& clock, SessionPolicy policy = {});

  // Checks the login and password and opens a new session, or refuses: a wrong login or
  // password, or an account with no password ("Wrong login or password." for all), or too
  // many failures from this client or on this account just now (sign_in_throttle.h). Errors
  // are the store's only. A stored hash weaker than today's is replaced on success.
  util::Result<SignInOutcome> sign_in(const SignInAttempt& attempt);

  // The live session a token names, with its user. kNotFound when the token is unknown,
  // signed out, idle too long or too old (an expired session is deleted when seen).
  util::Result<ActiveSession> resume(std::string_view token);

  // The live session a token names, as resume() finds it, but read only: last_seen is not
  // moved and an expired session is not deleted. For checks that must never wait for the
  // store's writer (the server asks, on its event loop, who may send a large body).
  util::Result<ActiveSession> peek(std::string_view token) const;

  // Ends the session of this token, if any.
  util::Status sign_out(std::string_view token);

  // Ends every session of a user (new password, new role, removed account).
  util::Status end_sessions_of(content::Id user_id);

  // Whether `posted` is this session's CSRF token; constant time.
  static bool csrf_matches(const ActiveSession& active, std::string_view posted);

  const SessionPolicy& policy() const { return policy_; }

 private:
  // resume() when `write`, peek() otherwise.
  util::Result<ActiveSession> find(std::string_view token, bool write) const;

  store::Store& store_;
  const util::Clock& clock_;
  const SessionPolicy policy_;
  SignInThrottle throttle_;
};

// `bytes` random bytes (libsodium) in base64url: 32 (43 characters) for session and CSRF
// tokens.
std::string random_token(std::size_t bytes = 32);

// The stored form of a token: its BLAKE2b-256 hash, as raw bytes.
std::string token_hash(std::string_view token);

}  // namespace reelpress::auth
