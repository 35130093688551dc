// What names a client for limits and throttles: its address, with the parts a client can
// change at will cut off.
//
// Example:
//   std::string who = util::client_identity(request.client_address);  // then hash it, keyed
//
// Thread-safe: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace reelpress::util {

// The bytes that name the client at `address` ("203.0.113.7", "2001:db8::1", as the server saw
// it): an IPv4 address as its 4 bytes, an IPv6 address cut to its /64 (the block one
// subscriber usually has, or a client could take a fresh address for every try) as 8 bytes,
// an IPv4 address reached over IPv6 ("::ffff:203.0.113.7") as the IPv4 address, anything else
// as given. Never stored as is: callers hash it under a key.
std::string client_identity(std::string_view address);

}  // namespace reelpress::util
