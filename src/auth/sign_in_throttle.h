// Sign-in throttling that an attacker cannot turn against an account's owner.
//
// Failed sign-ins are recorded in the store (so every process and node on one database
// agrees), each with the login typed and the client's key, and two throttles read them:
//   - per client: once a client has failed `free_client_failures` times within the window (at
//     any logins), its next attempt waits `first_delay_seconds` after its latest failure, the
//     one after that twice as long, and so on up to `max_delay_seconds`;
//   - per account (the login typed, whether or not such an account exists, so the answer
//     tells nothing): the same, once `free_account_failures` failures from anyone are counted.
// A throttled attempt is refused before the password is looked at and is not a failure
// itself, so waiting is all it takes: a wait is never longer than max_delay_seconds (a minute),
// and nothing ever locks an account.
//
// Device cookies (OWASP's "device cookies"): a successful sign-in gives the browser a signed,
// long-lived cookie for that account. A client that presents a valid one for the account it
// signs in to is exempt from the account's throttle and is counted as a client of its own (by
// the cookie, not by its address): a flood of guesses from elsewhere, or from behind the same
// address, never keeps the owner's browser out, and whoever stole a cookie still gets only the
// per-client delays. A cookie is "NONCE.ISSUED.MAC": 16 random bytes (base64url), its issue
// time, and an HMAC-SHA-512-256 (hex) over the account's id and password hash, the nonce and the
// time, under a key kept in the store. So it is tied to one account, a new password voids it, and
// it lasts `device_lifetime_seconds`.
//
// A client's key is a keyed BLAKE2b hash (16 bytes) of util::client_identity(address), or of a
// device cookie's nonce, under a 32-byte secret kept in the store: no address is ever stored.
// The key and the hashes sit in the same database, so its holder could test a guessed address
// against the failures of the last day (rows are forgotten after a day); nothing else can.
//
// Example:
//   SignInThrottle throttle(store, clock);
//   auto client = throttle.identify(address, device_cookie, user);  // user: nullptr if none
//   auto wait = throttle.wait(login, *client);
//   if (wait->seconds > 0) refuse with 429 and "Retry-After: " + seconds;
//   ... on a wrong password: throttle.record_failure(login, *client);
//   ... on success: set the cookie to *throttle.issue_device_cookie(user);
//
// Thread-safety: every method may be called from every thread at once (the store is).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "content/model.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/result.h"

namespace reelpress::auth {

struct ThrottlePolicy {
  int free_account_failures = 5;  // Per login, before its delays start.
  int free_client_failures = 10;  // Per client (an office behind one address has typos too).
  std::int64_t first_delay_seconds = 1;
  std::int64_t max_delay_seconds = 60;
  std::int64_t window_seconds = 60 * 60;  // Older failures count no more.
  std::int64_t device_lifetime_seconds = 90 * 24 * 60 * 60;
};

// Who is signing in, as the throttle sees it.
struct SignInClient {
  std::string key;       // For the store: 16 bytes, never an address.
  bool trusted = false;  // It presented a valid device cookie for the account.
};

// How long an attempt must wait.
struct ThrottleWait {
  std::int64_t seconds = 0;  // 0: it may try now.
  bool account = false;      // The account's throttle holds it (else the client's, if any).
};

class SignInThrottle {
 public:
  SignInThrottle(store::Store& store, const util::Clock& clock, ThrottlePolicy policy = {});

  // The client of an attempt from `address` (as the server saw it) with `device_cookie` (the
  // cookie's value, empty when none) on `user` (nullptr when the login names no account).
  // Errors: the store's.
  util::Result<SignInClient> identify(std::string_view address, std::string_view device_cookie,
                                      const content::User* user);

  // How long `client` must wait before trying `login` now.
  util::Result<ThrottleWait> wait(const std::string& login, const SignInClient& client);

  util::Status record_failure(const std::string& login, const SignInClient& client);

  // A new device cookie's value for `user` (ASCII, about 100 bytes), valid from now on.
  util::Result<std::string> issue_device_cookie(const content::User& user);

  const ThrottlePolicy& policy() const { return policy_; }

  // The wait after `failures` failures of which `free` were free, by the policy's doubling.
  static std::int64_t delay_after(int failures, int free, const ThrottlePolicy& policy);

 private:
  // The store's secret `name` (32 bytes), read once and kept.
  util::Result<std::string> secret(std::string_view name, std::optional<std::string>& kept);
  util::Result<std::string> device_mac(const content::User& user, std::string_view nonce,
                                       util::UnixTime issued);
  // Whether `cookie` is a device cookie this site issued for `user` that has not expired.
  util::Result<bool> valid_device_cookie(std::string_view cookie, const content::User& user);

  store::Store& store_;
  const util::Clock& clock_;
  const ThrottlePolicy policy_;
  std::mutex secrets_mutex_;  // Guards the two below.
  std::optional<std::string> client_secret_;
  std::optional<std::string> device_secret_;
};

}  // namespace reelpress::auth
