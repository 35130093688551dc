#include "auth/sessions.h"

#include <gtest/gtest.h>

#include "auth/password.h"
#include "store/sqlite/sqlite_store.h"

namespace reelpress::auth {
namespace {

using util::ErrorCode;

constexpr util::UnixTime kStart = 1'700'000'000;
constexpr std::string_view kPassword = "a fine long password";

// The session of a sign-in that worked, else a test failure (and an empty session).
SignedIn signed_in(const util::Result<SignInOutcome>& outcome) {
  if (!outcome) {
    ADD_FAILURE() << outcome.error().describe();
    return {};
  }
  if (const auto* refused = std::get_if<SignInRefused>(&*outcome)) {
    ADD_FAILURE() << refused->message;
    return {};
  }
  return std::get<SignedIn>(*outcome);
}

// The refusal of a sign-in, else a test failure.
SignInRefused refused(const util::Result<SignInOutcome>& outcome) {
  if (!outcome || !std::holds_alternative<SignInRefused>(*outcome)) {
    ADD_FAILURE() << "not refused";
    return {};
  }
  return std::get<SignInRefused>(*outcome);
}

class SessionsTest : public ::testing::Test {
 protected:
  util::Result<SignInOutcome> sign_in(Sessions& sessions, std::string_view login,
                                      std::string_view password,
                                      std::string_view address = "192.0.2.1",
                                      std::string_view device_cookie = "") {
    return sessions.sign_in({.login = login,
                             .password = password,
                             .client_address = address,
                             .device_cookie = device_cookie});
  }

  void SetUp() override {
    store_ = std::move(*store::sqlite::SqliteStore::open(":memory:", clock_));
    content::User ana;
    ana.login = "ana";
    ana.display_name = "Ana";
    ana.role = content::Role::kEditor;
    ana.password_hash = *hash_password(kPassword);
    ana_ = *store_->save_user(ana);
  }

  util::FixedClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
  content::Id ana_ = 0;
};

TEST_F(SessionsTest, SignInOpensASessionStoredOnlyAsAHash) {
  Sessions sessions(*store_, clock_);
  auto in = std::make_optional(signed_in(sign_in(sessions, "ana", kPassword)));
  EXPECT_EQ(in->token.size(), 43u);  // 256 bits in base64url.
  EXPECT_EQ(in->active.user.id, ana_);
  EXPECT_FALSE(store_->session_by_hash(in->token));  // Not stored as itself.
  auto active = sessions.resume(in->token);
  ASSERT_TRUE(active) << active.error().message;
  EXPECT_EQ(active->user.login, "ana");
  EXPECT_TRUE(Sessions::csrf_matches(*active, in->active.session.csrf_token));
  EXPECT_FALSE(Sessions::csrf_matches(*active, ""));
  EXPECT_FALSE(Sessions::csrf_matches(*active, in->token));

  // Every sign-in makes a new token and a new CSRF token.
  auto again = std::make_optional(signed_in(sign_in(sessions, "ana", kPassword)));
  EXPECT_NE(again->token, in->token);
  EXPECT_NE(again->active.session.csrf_token, in->active.session.csrf_token);
}

TEST_F(SessionsTest, WrongLoginAndWrongPasswordGetTheSameAnswer) {
  Sessions sessions(*store_, clock_);
  const SignInRefused wrong_password = refused(sign_in(sessions, "ana", "not the password at all"));
  const SignInRefused wrong_login = refused(sign_in(sessions, "nobody", kPassword));
  EXPECT_EQ(wrong_password.retry_after_seconds, 0);
  EXPECT_EQ(wrong_login.retry_after_seconds, 0);
  EXPECT_EQ(wrong_password.message, "Wrong login or password.");
  EXPECT_EQ(wrong_password.message, wrong_login.message);
}

TEST_F(SessionsTest, SignOutEndsTheSessionOnTheServer) {
  Sessions sessions(*store_, clock_);
  auto in = std::make_optional(signed_in(sign_in(sessions, "ana", kPassword)));
  ASSERT_TRUE(sessions.sign_out(in->token));
  auto after = sessions.resume(in->token);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::kNotFound);
}

TEST_F(SessionsTest, IdleSessionsDieAfterThirtyMinutes) {
  Sessions sessions(*store_, clock_);
  auto in = std::make_optional(signed_in(sign_in(sessions, "ana", kPassword)));
  // Requests every 29 minutes keep it alive.
  for (int i = 0; i < 3; ++i) {
    clock_.advance(29 * 60);
    ASSERT_TRUE(sessions.resume(in->token)) << "request " << i;
  }
  clock_.advance(30 * 60);
  EXPECT_FALSE(sessions.resume(in->token));
  EXPECT_FALSE(store_->session_by_hash(token_hash(in->token)));  // Deleted when seen.
}

TEST_F(SessionsTest, PeekFindsTheLiveSessionWithoutWriting) {
  Sessions sessions(*store_, clock_);
  auto in = std::make_optional(signed_in(sign_in(sessions, "ana", kPassword)));
  clock_.advance(20 * 60);
  auto peeked = sessions.peek(in->token);
  ASSERT_TRUE(peeked) << peeked.error().message;
  EXPECT_EQ(peeked->user.login, "ana");
  // last_seen did not move: ten more minutes and the session is idle too long.
  EXPECT_EQ(store_->session_by_hash(token_hash(in->token))->last_seen, kStart);
  clock_.advance(10 * 60);
  EXPECT_FALSE(sessions.peek(in->token));
  EXPECT_TRUE(store_->session_by_hash(token_hash(in->token)));  // Not deleted by a peek.
  EXPECT_FALSE(sessions.peek("unknown"));
  EXPECT_FALSE(sessions.peek(""));
}

TEST_F(SessionsTest, SessionsDieTwelveHoursAfterSignInWhateverTheActivity) {
  Sessions sessions(*store_, clock_);
  auto in = std::make_optional(signed_in(sign_in(sessions, "ana", kPassword)));
  for (int minutes = 20; minutes < 12 * 60; minutes += 20) {
    clock_.advance(20 * 60);
    ASSERT_TRUE(sessions.resume(in->token)) << minutes;
  }
  clock_.advance(20 * 60);
  EXPECT_FALSE(sessions.resume(in->token));
}

// The policy at a size a unit test can afford to hash: two free failures per account.
SessionPolicy small_policy() {
  SessionPolicy policy;
  policy.throttle.free_account_failures = 2;
  policy.throttle.free_client_failures = 3;
  return policy;
}

TEST_F(SessionsTest, FailuresOnAnAccountSlowItDownBySecondsNotAnHour) {
  Sessions sessions(*store_, clock_, small_policy());
  // Two failures from two addresses are free; then the account waits 1 s, 2 s, 4 s, ...
  EXPECT_EQ(refused(sign_in(sessions, "ana", "wrong one", "192.0.2.1")).retry_after_seconds, 0);
  EXPECT_EQ(refused(sign_in(sessions, "ana", "wrong two", "192.0.2.2")).retry_after_seconds, 0);
  const SignInRefused held = refused(sign_in(sessions, "ana", kPassword, "192.0.2.3"));
  EXPECT_EQ(held.retry_after_seconds, 1);
  EXPECT_NE(held.message.find("Try again in 1 second."), std::string::npos) << held.message;
  clock_.advance(1);
  EXPECT_EQ(refused(sign_in(sessions, "ana", "wrong three", "192.0.2.4")).retry_after_seconds, 0);
  EXPECT_EQ(refused(sign_in(sessions, "ana", kPassword, "192.0.2.5")).retry_after_seconds, 2);
  // A held attempt is no failure: waiting is enough, and the right password then works.
  clock_.advance(2);
  signed_in(sign_in(sessions, "ana", kPassword, "192.0.2.6"));
  // Another account was never held.
  EXPECT_EQ(refused(sign_in(sessions, "nobody", "x", "192.0.2.7")).retry_after_seconds, 0);
}

TEST_F(SessionsTest, TheOwnersBrowserIsNotHeldBackByAFloodOnItsAccount) {
  Sessions sessions(*store_, clock_, small_policy());
  const SignedIn before = signed_in(sign_in(sessions, "ana", kPassword, "198.51.100.9"));
  ASSERT_FALSE(before.device_cookie.empty());
  for (int i = 0; i < 2; ++i) sign_in(sessions, "ana", "guess", "203.0.113." + std::to_string(i));
  EXPECT_GT(refused(sign_in(sessions, "ana", kPassword, "198.51.100.9")).retry_after_seconds, 0);
  // From the same address with the cookie: in at once. The cookie is the owner's, not the
  // address's: an attacker behind the same address without it is held.
  const SignedIn after =
      signed_in(sign_in(sessions, "ana", kPassword, "198.51.100.9", before.device_cookie));
  EXPECT_NE(after.device_cookie, before.device_cookie);
  EXPECT_GT(refused(sign_in(sessions, "ana", "guess", "198.51.100.9")).retry_after_seconds, 0);
}

TEST_F(SessionsTest, ADeviceCookieHoldsForItsAccountAndPasswordOnly) {
  content::User max;
  max.login = "max";
  max.role = content::Role::kEditor;
  max.password_hash = *hash_password(kPassword);
  ASSERT_TRUE(store_->save_user(max));
  Sessions sessions(*store_, clock_, small_policy());
  const std::string cookie = signed_in(sign_in(sessions, "ana", kPassword)).device_cookie;
  for (int i = 0; i < 3; ++i) {
    sign_in(sessions, "ana", "guess", "203.0.113." + std::to_string(i));
    sign_in(sessions, "max", "guess", "203.0.113." + std::to_string(i));
  }
  // Ana's cookie passes Ana's throttle, not Max's; a changed byte passes nothing.
  signed_in(sign_in(sessions, "ana", kPassword, "192.0.2.1", cookie));
  EXPECT_GT(refused(sign_in(sessions, "max", kPassword, "192.0.2.1", cookie)).retry_after_seconds,
            0);
  std::string forged = cookie;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_GT(refused(sign_in(sessions, "ana", kPassword, "192.0.2.1", forged)).retry_after_seconds,
            0);
  // A new password voids it, and so do the years.
  content::User ana = *store_->user_by_login("ana");
  ana.password_hash = *hash_password("another long password");
  ASSERT_TRUE(store_->save_user(ana));
  EXPECT_GT(refused(sign_in(sessions, "ana", "another long password", "192.0.2.1", cookie))
                .retry_after_seconds,
            0);
}

TEST_F(SessionsTest, ADeviceCookieExpires) {
  Sessions sessions(*store_, clock_, small_policy());
  const std::string cookie = signed_in(sign_in(sessions, "ana", kPassword)).device_cookie;
  clock_.advance(small_policy().throttle.device_lifetime_seconds + 1);
  for (int i = 0; i < 3; ++i) sign_in(sessions, "ana", "guess", "203.0.113." + std::to_string(i));
  EXPECT_GT(refused(sign_in(sessions, "ana", kPassword, "192.0.2.1", cookie)).retry_after_seconds,
            0);
}

TEST_F(SessionsTest, OneClientGuessingManyLoginsIsHeldBack) {
  Sessions sessions(*store_, clock_, small_policy());
  for (const char* login : {"a", "b", "c"}) {
    EXPECT_EQ(refused(sign_in(sessions, login, "guess", "203.0.113.1")).retry_after_seconds, 0);
  }
  const SignInRefused held = refused(sign_in(sessions, "d", "guess", "203.0.113.1"));
  EXPECT_EQ(held.retry_after_seconds, 1);
  EXPECT_NE(held.message.find("from here"), std::string::npos) << held.message;
  // An IPv6 client is one client across its /64.
  for (const char* address : {"2001:db8::1", "2001:db8::2", "2001:db8::3"}) {
    sign_in(sessions, std::string("e") + address, "guess", address);
  }
  EXPECT_EQ(refused(sign_in(sessions, "f", "guess", "2001:db8::ffff")).retry_after_seconds, 1);
}

TEST_F(SessionsTest, EndingAUsersSessionsSignsThemOutEverywhere) {
  Sessions sessions(*store_, clock_);
  auto laptop = std::make_optional(signed_in(sign_in(sessions, "ana", kPassword)));
  auto phone = std::make_optional(signed_in(sign_in(sessions, "ana", kPassword)));
  ASSERT_TRUE(sessions.end_sessions_of(ana_));
  EXPECT_FALSE(sessions.resume(laptop->token));
  EXPECT_FALSE(sessions.resume(phone->token));
}

TEST_F(SessionsTest, AnAccountWithoutPasswordCannotSignIn) {
  content::User imported;
  imported.login = "wp-author";
  ASSERT_TRUE(store_->save_user(imported));
  Sessions sessions(*store_, clock_);
  EXPECT_EQ(refused(sign_in(sessions, "wp-author", "")).message, "Wrong login or password.");
}

}  // namespace
}  // namespace reelpress::auth
