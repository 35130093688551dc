// Sign-in sessions of the admin, as OWASP ASVS level 2 asks (V3 and V2.2):
//   - a session token is 32 random bytes (256 bits), made anew at every sign-in, sent to the
//     browser once and stored only as its BLAKE2b hash, so a copy of the database signs
//     nobody in;
//   - a session dies after 30 minutes without a request and 12 hours after sign-in, and at
//     sign-out, on the server: the row is deleted, not just the cookie;
//   - each session has its own CSRF token, compared in constant time;
//   - failed sign-ins are counted per login in the store (so every node agrees): the 101st
//     within an hour is refused without looking at the password. A wrong login and a wrong
//     password give the same answer and cost the same time (a hash is checked either way).
//
// Example:
//   Sessions sessions(store, clock);
//   auto in = sessions.sign_in("ana", typed_password);  // kPermissionDenied: wrong login or
//                                                       // password; kUnavailable: too many
//   set the cookie to in->token;
//   auto active = sessions.resume(cookie_token);       // kNotFound: signed out or expired
//   if (!sessions.csrf_matches(*active, posted_token)) refuse with 403;
//
// Thread-safety: every method may be called from every thread at once (the store is).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "content/model.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/result.h"

namespace reelpress::auth {

struct SessionPolicy {
  std::int64_t idle_seconds = 30 * 60;
  std::int64_t absolute_seconds = 12 * 60 * 60;
  int failures_per_hour = 100;  // Per login; the next attempt within the hour is refused.
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
  ActiveSession active;
};

class Sessions {
 public:
  Sessions(store::Store& store, const util::Clock& clock, SessionPolicy policy = {});

  // Checks the login and password and opens a new session. Errors:
  //   kPermissionDenied  wrong login or password, or an account with no password (the same
  //                      message for all, "Wrong login or password.");
  //   kUnavailable       this login had failures_per_hour failures in the last hour;
  //   others             the store failed.
  // A stored hash weaker than today's is replaced by a new one on success.
  util::Result<SignedIn> sign_in(std::string_view login, std::string_view password);

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
};

// 32 random bytes (libsodium) in base64url, 43 characters: session and CSRF tokens.
std::string random_token();

// The stored form of a token: its BLAKE2b-256 hash, as raw bytes.
std::string token_hash(std::string_view token);

}  // namespace reelpress::auth
