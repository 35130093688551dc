#include "auth/sign_in_throttle.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "auth/sessions.h"
#include "util/client_address.h"
#include "util/text.h"

namespace reelpress::auth {

using util::fail;

namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kClientKeyBytes = 16;
constexpr std::size_t kNonceBytes = 16;
// How far in the future a genuine cookie may claim to be issued: nodes' clocks may disagree.
constexpr std::int64_t kClockSkewSeconds = 300;
constexpr std::string_view kClientSecret = "sign-in-client-key";
constexpr std::string_view kDeviceSecret = "sign-in-device-key";

static_assert(kSecretBytes == crypto_auth_KEYBYTES);

// The client's key: what names it (with a byte that keeps addresses and cookies apart),
// hashed under the secret.
std::string client_key(std::string_view secret, char kind, std::string_view identity) {
  std::string input(1, kind);
  input.append(identity);
  std::string out(kClientKeyBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  return out;
}

struct DeviceCookie {
  std::string_view nonce;  // base64url, as sent.
  util::UnixTime issued = 0;
  std::string_view mac;
};

std::optional<DeviceCookie> parse_device_cookie(std::string_view cookie) {
  const std::size_t first = cookie.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = cookie.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto issued = util::parse_non_negative(cookie.substr(first + 1, second - first - 1));
  if (!issued || first == 0 || second + 1 == cookie.size()) return std::nullopt;
  return DeviceCookie{cookie.substr(0, first), *issued, cookie.substr(second + 1)};
}

}  // namespace

SignInThrottle::SignInThrottle(store::Store& store, const util::Clock& clock, ThrottlePolicy policy)
    : store_(store), clock_(clock), policy_(policy) {}

std::int64_t SignInThrottle::delay_after(int failures, int free, const ThrottlePolicy& policy) {
  if (failures < free || failures <= 0) return 0;
  std::int64_t delay = std::max<std::int64_t>(policy.first_delay_seconds, 1);
  for (int i = free; i < failures && delay < policy.max_delay_seconds; ++i) delay *= 2;
  return std::min(delay, policy.max_delay_seconds);
}

util::Result<std::string> SignInThrottle::secret(std::string_view name,
                                                 std::optional<std::string>& kept) {
  std::lock_guard lock(secrets_mutex_);
  if (!kept) {
    auto read = store_.site_secret(std::string(name), kSecretBytes);
    if (!read) return fail(std::move(read.error()));
    kept = std::move(*read);
  }
  return *kept;
}

util::Result<std::string> SignInThrottle::device_mac(const content::User& user,
                                                     std::string_view nonce,
                                                     util::UnixTime issued) {
  auto key = secret(kDeviceSecret, device_secret_);
  if (!key) return fail(std::move(key.error()));
  std::string message = "reelpress-device-v1\n";
  message += std::to_string(user.id);
  message += '\n';
  message += user.password_hash;
  message += '\n';
  message += nonce;
  message += '\n';
  message += std::to_string(issued);
  std::array<unsigned char, crypto_auth_BYTES> tag;
  crypto_auth(tag.data(), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
              reinterpret_cast<const unsigned char*>(key->data()));
  std::string hex(tag.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), tag.data(), tag.size());
  hex.pop_back();  // The terminating NUL.
  return hex;
}

util::Result<std::string> SignInThrottle::issue_device_cookie(const content::User& user) {
  const std::string nonce = random_token(kNonceBytes);
  const util::UnixTime now = clock_.now();
  auto mac = device_mac(user, nonce, now);
  if (!mac) return fail(std::move(mac.error()));
  return nonce + "." + std::to_string(now) + "." + *mac;
}

util::Result<bool> SignInThrottle::valid_device_cookie(std::string_view cookie,
                                                       const content::User& user) {
  const auto parsed = parse_device_cookie(cookie);
  if (!parsed || user.password_hash.empty()) return false;
  const util::UnixTime now = clock_.now();
  if (parsed->issued > now + kClockSkewSeconds ||
      now - parsed->issued > policy_.device_lifetime_seconds) {
    return false;
  }
  auto expected = device_mac(user, parsed->nonce, parsed->issued);
  if (!expected) return fail(std::move(expected.error()));
  return expected->size() == parsed->mac.size() &&
         sodium_memcmp(expected->data(), parsed->mac.data(), expected->size()) == 0;
}

util::Result<SignInClient> SignInThrottle::identify(std::string_view address,
                                                    std::string_view device_cookie,
                                                    const content::User* user) {
  auto key = secret(kClientSecret, client_secret_);
  if (!key) return fail(std::move(key.error()));
  if (user != nullptr && !device_cookie.empty()) {
    auto valid = valid_device_cookie(device_cookie, *user);
    if (!valid) return fail(std::move(valid.error()));
    if (*valid) {
      return SignInClient{client_key(*key, 'd', parse_device_cookie(device_cookie)->nonce), true};
    }
  }
  return SignInClient{client_key(*key, 'a', util::client_identity(address)), false};
}

util::Result<ThrottleWait> SignInThrottle::wait(const std::string& login,
                                                const SignInClient& client) {
  const util::UnixTime now = clock_.now();
  const util::UnixTime since = now - policy_.window_seconds;
  auto remaining = [&](const store::SignInFailures& f, int free) {
    return std::max<std::int64_t>(0, f.latest + delay_after(f.count, free, policy_) - now);
  };
  auto by_client = store_.sign_in_failures_of_client(client.key, since);
  if (!by_client) return fail(std::move(by_client.error()));
  ThrottleWait wait{remaining(*by_client, policy_.free_client_failures), false};
  if (!client.trusted) {
    auto by_login = store_.sign_in_failures_of_login(login, since);
    if (!by_login) return fail(std::move(by_login.error()));
    const std::int64_t account = remaining(*by_login, policy_.free_account_failures);
    if (account > wait.seconds) wait = ThrottleWait{account, true};
  }
  return wait;
}

util::Status SignInThrottle::record_failure(const std::string& login, const SignInClient& client) {
  return store_.record_sign_in_failure(login, client.key, clock_.now());
}

}  // namespace reelpress::auth
