#include "util/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <array>

namespace reelpress::util {
namespace {
constexpr std::size_t kMaxName = 15;  // TASK_COMM_LEN less the NUL.
}  // namespace

void name_this_thread(std::string_view name) {
  std::array<char, kMaxName + 1> cut{};
  name.copy(cut.data(), std::min(name.size(), kMaxName));
  pthread_setname_np(pthread_self(), cut.data());
}

std::string this_thread_name() {
  std::array<char, kMaxName + 1> name{};
  if (pthread_getname_np(pthread_self(), name.data(), name.size()) != 0) return {};
  return name.data();
}

}  // namespace reelpress::util
