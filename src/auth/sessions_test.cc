#include "auth/sessions.h"

#include <gtest/gtest.h>

#include "auth/password.h"
#include "store/sqlite/sqlite_store.h"

namespace reelpress::auth {
namespace {

using util::ErrorCode;

constexpr util::UnixTime kStart = 1'700'000'000;
constexpr std::string_view kPassword = "a fine long password";

class SessionsTest : public ::testing::Test {
 protected:
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
  auto in = sessions.sign_in("ana", kPassword);
  ASSERT_TRUE(in) << in.error().message;
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
  auto again = sessions.sign_in("ana", kPassword);
  ASSERT_TRUE(again);
  EXPECT_NE(again->token, in->token);
  EXPECT_NE(again->active.session.csrf_token, in->active.session.csrf_token);
}

TEST_F(SessionsTest, WrongLoginAndWrongPasswordGetTheSameAnswer) {
  Sessions sessions(*store_, clock_);
  auto wrong_password = sessions.sign_in("ana", "not the password at all");
  auto wrong_login = sessions.sign_in("nobody", kPassword);
  ASSERT_FALSE(wrong_password);
  ASSERT_FALSE(wrong_login);
  EXPECT_EQ(wrong_password.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(wrong_login.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(wrong_password.error().message, wrong_login.error().message);
}

TEST_F(SessionsTest, SignOutEndsTheSessionOnTheServer) {
  Sessions sessions(*store_, clock_);
  auto in = sessions.sign_in("ana", kPassword);
  ASSERT_TRUE(in);
  ASSERT_TRUE(sessions.sign_out(in->token));
  auto after = sessions.resume(in->token);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::kNotFound);
}

TEST_F(SessionsTest, IdleSessionsDieAfterThirtyMinutes) {
  Sessions sessions(*store_, clock_);
  auto in = sessions.sign_in("ana", kPassword);
  ASSERT_TRUE(in);
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
  auto in = sessions.sign_in("ana", kPassword);
  ASSERT_TRUE(in);
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
  auto in = sessions.sign_in("ana", kPassword);
  ASSERT_TRUE(in);
  for (int minutes = 20; minutes < 12 * 60; minutes += 20) {
    clock_.advance(20 * 60);
    ASSERT_TRUE(sessions.resume(in->token)) << minutes;
  }
  clock_.advance(20 * 60);
  EXPECT_FALSE(sessions.resume(in->token));
}

TEST_F(SessionsTest, TheHundredAndFirstFailureInAnHourIsRefusedEvenWithTheRightPassword) {
  SessionPolicy policy;
  policy.failures_per_hour = 3;  // The rule, at a size a unit test can afford to hash.
  Sessions sessions(*store_, clock_, policy);
  for (int i = 0; i < 3; ++i) {
    auto failed = sessions.sign_in("ana", "wrong password number " + std::to_string(i));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::kPermissionDenied);
  }
  auto refused = sessions.sign_in("ana", kPassword);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  // Another account is not affected, and the hour passes.
  clock_.advance(3601);
  EXPECT_TRUE(sessions.sign_in("ana", kPassword));
}

TEST_F(SessionsTest, EndingAUsersSessionsSignsThemOutEverywhere) {
  Sessions sessions(*store_, clock_);
  auto laptop = sessions.sign_in("ana", kPassword);
  auto phone = sessions.sign_in("ana", kPassword);
  ASSERT_TRUE(laptop && phone);
  ASSERT_TRUE(sessions.end_sessions_of(ana_));
  EXPECT_FALSE(sessions.resume(laptop->token));
  EXPECT_FALSE(sessions.resume(phone->token));
}

TEST_F(SessionsTest, AnAccountWithoutPasswordCannotSignIn) {
  content::User imported;
  imported.login = "wp-author";
  ASSERT_TRUE(store_->save_user(imported));
  Sessions sessions(*store_, clock_);
  auto in = sessions.sign_in("wp-author", "");
  ASSERT_FALSE(in);
  EXPECT_EQ(in.error().code, ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace reelpress::auth
