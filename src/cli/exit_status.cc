#include "cli/exit_status.h"

#include <iostream>

namespace reelpress::cli {

int report(const util::Error& error) {
  std::cerr << "reelpress: " << error.message << "\n";
  const bool usage = error.code == util::ErrorCode::kNotFound ||
                     error.code == util::ErrorCode::kInvalidArgument ||
                     error.code == util::ErrorCode::kAlreadyExists;
  return usage ? kUsageError : kFailure;
}

}  // namespace reelpress::cli
