#include "site/form_token.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <optional>

#include "util/text.h"

namespace reelpress::site {
namespace {

static_assert(FormTokens::kKeyBytes == crypto_auth_KEYBYTES);
static_assert(crypto_auth_BYTES == crypto_auth_hmacsha512256_BYTES);

std::string_view kind_name(FormKind kind) {
  switch (kind) {
    case FormKind::kComment: return "comment";
    case FormKind::kOrganization: return "organization";
  }
  return "comment";
}

// The token's two numbers, as written; std::nullopt for anything else.
struct Parsed {
  content::Id entry_id;
  util::UnixTime issued_at;
};

std::optional<Parsed> parse(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto entry = util::parse_non_negative(token.substr(0, first));
  const auto issued = util::parse_non_negative(token.substr(first + 1, second - first - 1));
  if (!entry || !issued || second + 1 == token.size()) return std::nullopt;
  return Parsed{*entry, *issued};
}

}  // namespace

FormTokens::FormTokens(std::string_view key) {
  if (key.size() != kKeyBytes || sodium_init() < 0) std::abort();
  crypto_auth_hmacsha512256_init(&keyed_, reinterpret_cast<const unsigned char*>(key.data()),
                                 key.size());
}

FormTokens::~FormTokens() { sodium_memzero(&keyed_, sizeof keyed_); }

std::string FormTokens::mac(FormKind kind, content::Id entry_id, util::UnixTime issued_at) const {
  std::string message = "reelpress-form-v1\n";
  message += kind_name(kind);
  message += '\n';
  message += std::to_string(entry_id);
  message += '\n';
  message += std::to_string(issued_at);
  // The same tag as crypto_auth(message, key), from the state the key left: half of HMAC's
  // four hash blocks are the key's, and every form post checks a token.
  crypto_auth_hmacsha512256_state state = keyed_;
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size());
  unsigned char tag[crypto_auth_BYTES];
  crypto_auth_hmacsha512256_final(&state, tag);
  sodium_memzero(&state, sizeof state);
  char encoded[sodium_base64_ENCODED_LEN(crypto_auth_BYTES,
                                         sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, tag, sizeof tag,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return encoded;
}

std::string FormTokens::issue(FormKind kind, content::Id entry_id, util::UnixTime issued_at) const {
  return std::to_string(entry_id) + "." + std::to_string(issued_at) + "." +
         mac(kind, entry_id, issued_at);
}

TokenCheck FormTokens::verify(std::string_view token, FormKind kind, content::Id entry_id,
                              util::UnixTime now, std::int64_t lifetime_seconds) const {
  TokenCheck check;
  const auto parsed = parse(token);
  if (!parsed) return check;
  // The whole token must be the one this key would issue for its numbers: comparing it
  // whole (not just the MAC) also refuses other spellings of the same numbers ("0101"), which
  // would otherwise make a replay look like a new token.
  const std::string expected = issue(kind, parsed->entry_id, parsed->issued_at);
  if (expected.size() != token.size() ||
      sodium_memcmp(expected.data(), token.data(), expected.size()) != 0) {
    check.verdict = TokenVerdict::kForged;
    return check;
  }
  check.issued_at = parsed->issued_at;
  if (parsed->issued_at > now + kClockSkewSeconds) {
    check.verdict = TokenVerdict::kForged;
  } else if (parsed->entry_id != entry_id) {
    check.verdict = TokenVerdict::kWrongEntry;
  } else if (now - parsed->issued_at > lifetime_seconds) {
    check.verdict = TokenVerdict::kExpired;
  } else {
    check.verdict = TokenVerdict::kValid;
  }
  return check;
}

}  // namespace reelpress::site
