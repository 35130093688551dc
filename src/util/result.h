// Result<T>: the value a call that can fail returns inside the core.
//
// Errors are values, not exceptions: a layer returns Result<T> and the edge (an HTTP session,
// a command) decides what the user sees. Exceptions are caught at those edges only.
//
// Example:
//   Result<Entry> entry = store.entry_by_id(4990);
//   if (!entry) return util::Error{entry.error().code, "entry 4990: " + entry.error().message};
//   use(*entry);
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace reelpress::util {

// What went wrong, coarse enough that callers can branch on it; the message says the rest.
enum class ErrorCode {
  kNotFound,          // The thing asked for does not exist (a miss, not a fault).
  kInvalidArgument,   // The input is malformed or breaks a rule; the message names which.
  kAlreadyExists,     // A create would overwrite something that exists.
  kConflict,          // A write lost a race or breaks a uniqueness rule.
  kPermissionDenied,  // The caller may not do this (role, archive mode, closed comments).
  kIo,                // The file system or network failed (unwritable path, device error).
  kNoSpace,           // The disk or the file system's quota is full; nothing was written, and
                      // the same write works once there is room again.
  kCorrupt,           // Stored data is not what this version can read.
  kUnavailable,       // A dependency is busy or gone; trying again may work.
  kInternal,          // A bug: an invariant did not hold.
};

// The stable lower-case name of a code, for logs and messages ("not found").
std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // "not found: entry 4990"
  std::string describe() const;
};

template <typename T>
using Result = tl::expected<T, Error>;

// For calls that return nothing but can fail.
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}
inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

// Returns the error of a failed Status or Result from the enclosing function, which must
// itself return a Status or Result. For .cc files; keeps long chains of writes readable.
#define REELPRESS_RETURN_IF_ERROR(expr)                           \
  do {                                                            \
    if (auto result_ = (expr); !result_) {                        \
      return ::reelpress::util::fail(std::move(result_.error())); \
    }                                                             \
  } while (false)

}  // namespace reelpress::util
