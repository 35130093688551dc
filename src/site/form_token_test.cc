#include "site/form_token.h"

#include <gtest/gtest.h>

namespace reelpress::site {
namespace {

constexpr util::UnixTime kNow = 1310428800;
constexpr std::int64_t kDay = 86400;

const std::string kKey(FormTokens::kKeyBytes, 'k');

TEST(FormTokens, IssuedTokenVerifiesWithItsTime) {
  const FormTokens tokens(kKey);
  const std::string token = tokens.issue(FormKind::kComment, 4990, kNow);
  EXPECT_EQ(token.rfind("4990.1310428800.", 0), 0u) << token;
  EXPECT_LT(token.size(), 80u);
  const TokenCheck check = tokens.verify(token, FormKind::kComment, 4990, kNow + 20, kDay);
  EXPECT_EQ(check.verdict, TokenVerdict::kValid);
  EXPECT_EQ(check.issued_at, kNow);
}

// The MAC is the documented one (crypto_auth over "reelpress-form-v1\nKIND\nENTRY\nISSUED"):
// tokens in pages rendered and cached by an earlier binary keep working after an upgrade.
TEST(FormTokens, MacIsCryptoAuthOverTheDocumentedMessage) {
  const FormTokens tokens(kKey);
  const std::string message = "reelpress-form-v1\norganization\n4990\n1310428800";
  unsigned char tag[crypto_auth_BYTES];
  crypto_auth(tag, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
              reinterpret_cast<const unsigned char*>(kKey.data()));
  char encoded[sodium_base64_ENCODED_LEN(crypto_auth_BYTES,
                                         sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, tag, sizeof tag,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  EXPECT_EQ(tokens.issue(FormKind::kOrganization, 4990, kNow),
            std::string("4990.1310428800.") + encoded);
}

TEST(FormTokens, ExpiredAfterItsLifetime) {
  const FormTokens tokens(kKey);
  const std::string token = tokens.issue(FormKind::kComment, 4990, kNow);
  EXPECT_EQ(tokens.verify(token, FormKind::kComment, 4990, kNow + kDay, kDay).verdict,
            TokenVerdict::kValid);
  const TokenCheck late = tokens.verify(token, FormKind::kComment, 4990, kNow + kDay + 1, kDay);
  EXPECT_EQ(late.verdict, TokenVerdict::kExpired);
  EXPECT_EQ(late.issued_at, kNow);
}

TEST(FormTokens, TokenOfAnotherEntryIsWrongEntry) {
  const FormTokens tokens(kKey);
  const std::string token = tokens.issue(FormKind::kComment, 101, kNow);
  EXPECT_EQ(tokens.verify(token, FormKind::kComment, 102, kNow + 5, kDay).verdict,
            TokenVerdict::kWrongEntry);
}

TEST(FormTokens, TamperedTokensAreForged) {
  const FormTokens tokens(kKey);
  const std::string token = tokens.issue(FormKind::kComment, 101, kNow);
  // The entry or the time changed, keeping the MAC.
  std::string other_entry = token;
  other_entry.replace(0, 3, "102");
  EXPECT_EQ(tokens.verify(other_entry, FormKind::kComment, 102, kNow + 5, kDay).verdict,
            TokenVerdict::kForged);
  std::string earlier = token;
  earlier.replace(4, 10, "1310428700");
  EXPECT_EQ(tokens.verify(earlier, FormKind::kComment, 101, kNow + 5, kDay).verdict,
            TokenVerdict::kForged);
  // One character of the MAC flipped.
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(tokens.verify(flipped, FormKind::kComment, 101, kNow + 5, kDay).verdict,
            TokenVerdict::kForged);
  // Another spelling of the same numbers.
  EXPECT_EQ(tokens.verify("0" + token, FormKind::kComment, 101, kNow + 5, kDay).verdict,
            TokenVerdict::kForged);
  // Cut short, or with something added.
  EXPECT_EQ(
      tokens.verify(token.substr(0, token.size() - 1), FormKind::kComment, 101, kNow + 5, kDay)
          .verdict,
      TokenVerdict::kForged);
  EXPECT_EQ(tokens.verify(token + "x", FormKind::kComment, 101, kNow + 5, kDay).verdict,
            TokenVerdict::kForged);
}

TEST(FormTokens, AnotherKeyOrFormKindIsForged) {
  const FormTokens tokens(kKey);
  const FormTokens other(std::string(FormTokens::kKeyBytes, 'o'));
  const std::string token = tokens.issue(FormKind::kComment, 101, kNow);
  EXPECT_EQ(other.verify(token, FormKind::kComment, 101, kNow + 5, kDay).verdict,
            TokenVerdict::kForged);
  EXPECT_EQ(tokens.verify(token, FormKind::kOrganization, 101, kNow + 5, kDay).verdict,
            TokenVerdict::kForged);
}

TEST(FormTokens, TokenFromTheFarFutureIsForged) {
  const FormTokens tokens(kKey);
  const std::string soon = tokens.issue(FormKind::kComment, 101, kNow + 60);
  EXPECT_EQ(tokens.verify(soon, FormKind::kComment, 101, kNow, kDay).verdict,
            TokenVerdict::kValid);  // A node whose clock runs a minute ahead.
  const std::string later = tokens.issue(FormKind::kComment, 101, kNow + 3600);
  EXPECT_EQ(tokens.verify(later, FormKind::kComment, 101, kNow, kDay).verdict,
            TokenVerdict::kForged);
}

TEST(FormTokens, GarbageIsMalformed) {
  const FormTokens tokens(kKey);
  for (const char* garbage : {"", "abc", "1.2", "1.2.", ".1.x", "a.1.x", "1.b.x", "-1.2.x",
                              "99999999999999999999999.1.x"}) {
    EXPECT_EQ(tokens.verify(garbage, FormKind::kComment, 1, kNow, kDay).verdict,
              TokenVerdict::kMalformed)
        << garbage;
  }
}

}  // namespace
}  // namespace reelpress::site
