#include "auth/sessions.h"

#include <sodium.h>

#include <vector>

#include "auth/password.h"

namespace reelpress::auth {

using util::ErrorCode;
using util::fail;

namespace {

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

std::string random_token(std::size_t size) {
  std::vector<unsigned char> bytes(size);
  randombytes_buf(bytes.data(), bytes.size());
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
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
    : store_(store), clock_(clock), policy_(policy), throttle_(store, clock, policy.throttle) {}

util::Result<SignInOutcome> Sessions::sign_in(const SignInAttempt& attempt) {
  const util::UnixTime now = clock_.now();
  const std::string login(attempt.login);
  auto user = store_.user_by_login(login);
  if (!user && user.error().code != ErrorCode::kNotFound) return fail(std::move(user.error()));
  const bool known = user.has_value() && !user->password_hash.empty();

  auto client =
      throttle_.identify(attempt.client_address, attempt.device_cookie, known ? &*user : nullptr);
  if (!client) return fail(std::move(client.error()));
  auto wait = throttle_.wait(login, *client);
  if (!wait) return fail(std::move(wait.error()));
  if (wait->seconds > 0) {
    const std::string in = " Try again in " + std::to_string(wait->seconds) +
                           (wait->seconds == 1 ? " second." : " seconds.");
    return SignInRefused{wait->account ? "Too many failed sign-ins to this account just now." + in +
                                             " A browser that signed in to it before is "
                                             "not held back."
                                       : "Too many failed sign-ins from here just now." + in,
                         wait->seconds};
  }

  const bool matches =
      verify_password(known ? user->password_hash : decoy_hash(), attempt.password);
  if (!known || !matches) {
    if (auto s = throttle_.record_failure(login, *client); !s) return fail(s.error());
    return SignInRefused{std::string(kWrongLogin), 0};
  }
  if (needs_rehash(user->password_hash)) {
    if (auto rehashed = hash_password(attempt.password)) {
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
  auto device = throttle_.issue_device_cookie(in.active.user);
  if (!device) return fail(std::move(device.error()));
  in.device_cookie = std::move(*device);
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
