#include "auth/password.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace reelpress::auth {
namespace {

TEST(Password, HashesWithArgon2idAndVerifies) {
  auto hash = hash_password("correct horse battery staple");
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << *hash;
  EXPECT_TRUE(verify_password(*hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(*hash, ""));
  EXPECT_FALSE(needs_rehash(*hash));
  // A random salt: the same password never gives the same hash.
  auto again = hash_password("correct horse battery staple");
  ASSERT_TRUE(again);
  EXPECT_NE(*again, *hash);
}

TEST(Password, AnEmptyOrDamagedHashNeverMatches) {
  EXPECT_FALSE(verify_password("", ""));
  EXPECT_FALSE(verify_password("", "anything at all"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$garbage", "anything at all"));
  EXPECT_FALSE(verify_password(std::string(500, 'x'), "anything at all"));
}

TEST(Password, WeakerStoredHashesAskToBeRehashed) {
  // argon2id at libsodium's minimum cost, as an older setting might have stored it.
  char weak[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(weak, "a long old password", 19, crypto_pwhash_OPSLIMIT_MIN,
                                  crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
            0);
  EXPECT_TRUE(verify_password(weak, "a long old password"));
  EXPECT_TRUE(needs_rehash(weak));
}

TEST(Password, RulesCountCharactersNotBytes) {
  EXPECT_EQ(password_problem("short"), "a password needs at least 12 characters");
  EXPECT_EQ(password_problem("twelve chars"), std::nullopt);
  EXPECT_EQ(password_problem("only digits 1234567890"), std::nullopt);  // No class rules.
  // Eleven characters, 22 bytes: too short; twelve: enough.
  EXPECT_TRUE(password_problem("ééééééééééé"));
  EXPECT_EQ(password_problem("éééééééééééé"), std::nullopt);
  EXPECT_EQ(password_problem(std::string(128, 'x')), std::nullopt);
  EXPECT_EQ(password_problem(std::string(129, 'x')), "a password may have at most 128 characters");
  EXPECT_EQ(password_problem("not utf-8 \xff\xfe\xfd"), "a password must be text (UTF-8)");
}

}  // namespace
}  // namespace reelpress::auth
