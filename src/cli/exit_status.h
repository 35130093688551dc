// How every command ends: 0 when done; 2 when it was given something it cannot use (a
// folder that is not a site, an unknown id, a bad value: the user can fix the command);
// 1 for a failure while working (a disk, a database). Errors go to stderr as
// "reelpress: MESSAGE".
#pragma once

#include "util/result.h"

namespace reelpress::cli {

inline constexpr int kDone = 0;
inline constexpr int kFailure = 1;
inline constexpr int kUsageError = 2;

// Prints the error and returns the exit status its code calls for.
int report(const util::Error& error);

}  // namespace reelpress::cli
