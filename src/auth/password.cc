#include "auth/password.h"

#include <sodium.h>

#include "util/text.h"

namespace reelpress::auth {
namespace {

// libsodium's "interactive" argon2id cost: 2 passes over 64 MiB, above ASVS's floor (19 MiB,
// 2 passes) and quick enough for a sign-in form.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

bool ready() {
  static const bool initialised = sodium_init() >= 0;
  return initialised;
}

}  // namespace

std::optional<std::string> password_problem(std::string_view password) {
  if (!util::is_valid_utf8(password)) return "a password must be text (UTF-8)";
  const std::size_t chars = util::code_points(password);
  if (chars < kMinPasswordChars) {
    return "a password needs at least " + std::to_string(kMinPasswordChars) + " characters";
  }
  if (chars > kMaxPasswordChars) {
    return "a password may have at most " + std::to_string(kMaxPasswordChars) + " characters";
  }
  return std::nullopt;
}

util::Result<std::string> hash_password(std::string_view password) {
  if (!ready()) return util::fail(util::ErrorCode::kInternal, "libsodium cannot start");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return util::fail(util::ErrorCode::kInternal,
                      "not enough memory to hash a password (argon2id needs 64 MiB)");
  }
  return std::string(hash);
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (!ready() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& hash) {
  if (!ready()) return false;
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kOpsLimit, kMemLimit) != 0;
}

}  // namespace reelpress::auth
