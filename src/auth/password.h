// Passwords of the editors' accounts: argon2id hashes (libsodium), as OWASP ASVS level 2 asks,
// and the rules a new password must follow.
//
// Hashes are libsodium's self-describing strings ("$argon2id$v=19$m=65536,t=2,p=1$..."), so
// the cost can be raised later: needs_rehash() says when a stored hash is weaker than today's,
// and sign-in can then store a new one.
//
// Example:
//   if (auto problem = password_problem(typed)) return fail(*problem);
//   auto hash = hash_password(typed);            // store *hash in User::password_hash
//   bool ok = verify_password(hash_from_db, typed);
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace reelpress::auth {

// ASVS 2.1: at least 12 characters, at most 128, any characters (no rules about classes).
inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordChars = 128;

// Why `password` may not be used ("at least 12 characters"), or nullopt when it may. Counts
// characters (UTF-8 code points), not bytes; invalid UTF-8 is refused.
std::optional<std::string> password_problem(std::string_view password);

// An argon2id hash of `password` with a random salt. Takes about a tenth of a second and
// 64 MiB on purpose. kInternal only when the machine has not the memory for it.
util::Result<std::string> hash_password(std::string_view password);

// Whether `password` matches `hash`; false for an empty or malformed hash (an imported
// author with no password cannot sign in).
bool verify_password(const std::string& hash, std::string_view password);

// Whether `hash` was made with weaker parameters than hash_password() uses now.
bool needs_rehash(const std::string& hash);

}  // namespace reelpress::auth
