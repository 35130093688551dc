// Signed form tokens: the hidden field that proves a comment or suggestion form was rendered by
// this site, for this entry, at a known time. They replace a CAPTCHA's "is this a real form"
// question with no third party and no per-reader state.
//
// A token is "ENTRY.ISSUED.MAC": the entry id, the Unix time the page was rendered, and a
// base64url HMAC-SHA-512-256 (libsodium's crypto_auth) over the form kind, the entry id and
// that time, under the site's signing key (Store::site_secret, so every process and node
// agrees). Tokens are per page render, not per reader: pages are cached and shared, so every
// reader of one cached copy gets the same token (see docs/architecture.md, "Reader
// submissions"). A replay is therefore not "the same token twice" but "the same token with the
// same body twice", which Submissions checks against the store.
//
// Example:
//   FormTokens tokens(*store.site_secret("form-signing-key", FormTokens::kKeyBytes));
//   std::string t = tokens.issue(FormKind::kComment, 4990, clock.now());
//   TokenCheck c = tokens.verify(t, FormKind::kComment, 4990, clock.now() + 20, 86400);
//   // c.verdict == TokenVerdict::kValid, c.issued_at == the render time
//
// Thread-safety: immutable after construction; issue() and verify() may run on every thread.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "content/model.h"
#include "util/clock.h"

namespace reelpress::site {

// Which form a token belongs to; part of what is signed, so a token of one form does not
// work in the other.
enum class FormKind { kComment, kOrganization };

enum class TokenVerdict {
  kValid,
  kMalformed,   // Not a token at all (missing, cut, wrong shape): the form was not ours.
  kForged,      // Well formed, but the MAC does not match (tampered, another key or kind),
                // or issued implausibly far in the future.
  kWrongEntry,  // A genuine token, but for another entry than the one posted to.
  kExpired,     // A genuine token, older than the lifetime.
};

struct TokenCheck {
  TokenVerdict verdict = TokenVerdict::kMalformed;
  util::UnixTime issued_at = 0;  // Set when the MAC matched (kValid, kWrongEntry, kExpired).
};

class FormTokens {
 public:
  static constexpr std::size_t kKeyBytes = 32;  // crypto_auth_KEYBYTES
  // How far in the future a genuine token may claim to be issued: clocks of several nodes
  // may disagree by a little.
  static constexpr std::int64_t kClockSkewSeconds = 300;

  // `key` must hold kKeyBytes bytes (anything else is a programming error: it aborts).
  explicit FormTokens(std::string_view key);
  ~FormTokens();
  FormTokens(const FormTokens&) = delete;
  FormTokens& operator=(const FormTokens&) = delete;

  // A token for `kind` on `entry_id`, issued at `issued_at`. ASCII only, under 80 bytes.
  std::string issue(FormKind kind, content::Id entry_id, util::UnixTime issued_at) const;

  // Checks a token posted with a form for `kind` on `entry_id` at `now`. The MAC is compared
  // in constant time. `lifetime_seconds` is how long a token stays valid after issue.
  TokenCheck verify(std::string_view token, FormKind kind, content::Id entry_id, util::UnixTime now,
                    std::int64_t lifetime_seconds) const;

 private:
  std::string mac(FormKind kind, content::Id entry_id, util::UnixTime issued_at) const;

  // HMAC's state once the key is absorbed: each MAC starts from a copy of it.
  crypto_auth_hmacsha512256_state keyed_;
};

}  // namespace reelpress::site
