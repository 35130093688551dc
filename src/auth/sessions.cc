#include "auth/sessions.h"

#include <sodium.h>

#include <array>

#include "auth/password.h"

namespace reelpress::auth {

using util::ErrorCode;
using util::fail;

namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::string_view kWrongLogin = "Wrong login or password.";

// A hash that verifies no password, checked when the login is unknown so that a wrong login
// takes as long as a wrong password (made once, with today's parameters).
const std::string& decoy_hash() {
  static const std::string hash = [] {
    auto made = hash_password(random_token());
    return made ? *made : std::string();
  }();
  return hash;
}

}  // namespace

std::string random_token() {
  std::array<unsigned char, kTokenBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string out(sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // The terminating NUL.
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

std::string token_hash(std::string_view token) {
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  return out;
}

Sessions::Sessions(store::Store& store, const util::Clock& clock, SessionPolicy policy)
    : store_(store), clock_(clock), policy_(policy) {}

util::Result<SignedIn> Sessions::sign_in(std::string_view login, std::string_view password) {
  const util::UnixTime now = clock_.now();
  const std::string login_text(login);
  auto failures = store_.sign_in_failures_since(login_text, now - 3600);
  if (!failures) return fail(std::move(failures.error()));
  if (*failures >= policy_.failures_per_hour) {
    return fail(ErrorCode::kUnavailable,
                "Too many failed sign-ins for this account in the last hour. Try again later.");
  }
  auto user = store_.user_by_login(login_text);
  if (!user && user.error().code != ErrorCode::kNotFound) return fail(std::move(user.error()));
  const bool known = user.has_value() && !user->password_hash.empty();
  const bool matches = verify_password(known ? user->password_hash : decoy_hash(), password);
  if (!known || !matches) {
    if (auto s = store_.record_sign_in_failure(login_text, now); !s) return fail(s.error());
    return fail(ErrorCode::kPermissionDenied, std::string(kWrongLogin));
  }
  if (needs_rehash(user->password_hash)) {
    if (auto rehashed = hash_password(password)) {
      user->password_hash = *rehashed;
      if (auto saved = store_.save_user(*user); !saved) return fail(std::move(saved.error()));
    }
  }
  // Sweep what has expired, anyone's: sign-ins are rare, so this keeps the table small at
  // no cost to reads.
  if (auto swept = store_.remove_sessions(std::nullopt, now - policy_.idle_seconds,
                                          now - policy_.absolute_seconds);
      !swept) {
    return fail(swept.error());
  }
  SignedIn in;
  in.token = random_token();
  in.active.user = std::move(*user);
  content::Session& session = in.active.session;
  session.token_hash = token_hash(in.token);
  session.user_id = in.active.user.id;
  session.csrf_token = random_token();
  session.created_at = now;
  session.last_seen = now;
  if (auto saved = store_.save_session(session); !saved) return fail(saved.error());
  return in;
}

util::Result<ActiveSession> Sessions::resume(std::string_view token) { return find(token, true); }

util::Result<ActiveSession> Sessions::peek(std::string_view token) const {
  return find(token, false);
}

util::Result<ActiveSession> Sessions::find(std::string_view token, bool write) const {
  if (token.empty() || token.size() > 128) return fail(ErrorCode::kNotFound, "no session");
  const std::string hash = token_hash(token);
  auto session = store_.session_by_hash(hash);
  if (!session) return fail(std::move(session.error()));
  const util::UnixTime now = clock_.now();
  if (now - session->last_seen >= policy_.idle_seconds ||
      now - session->created_at >= policy_.absolute_seconds) {
    if (write) {
      if (auto s = store_.remove_session(hash); !s) return fail(s.error());
    }
    return fail(ErrorCode::kNotFound, "the session expired");
  }
  auto user = store_.user_by_id(session->user_id);
  if (!user) return fail(std::move(user.error()));
  if (write && now - session->last_seen >= policy_.touch_every_seconds) {
    session->last_seen = now;
    if (auto s = store_.save_session(*session); !s) return fail(s.error());
  }
  return ActiveSession{std::move(*session), std::move(*user)};
}

util::Status Sessions::sign_out(std::string_view token) {
  if (token.empty()) return {};
  return store_.remove_session(token_hash(token));
}

util::Status Sessions::end_sessions_of(content::Id user_id) {
  // Nothing is idle before time 0 or older than it: only this user's sessions go.
  return store_.remove_sessions(user_id, 0, 0);
}

bool Sessions::csrf_matches(const ActiveSession& active, std::string_view posted) {
  const std::string& expected = active.session.csrf_token;
  if (expected.empty() || posted.size() != expected.size()) return false;
  return sodium_memcmp(expected.data(), posted.data(), expected.size()) == 0;
}

}  // namespace reelpress::auth
