#include "util/thread_name.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace reelpress::util {
namespace {

// Each test names a thread of its own: the test runner's main thread keeps its name.
std::string named_in_a_thread(std::string_view name) {
  std::string seen;
  std::thread([&] {
    name_this_thread(name);
    seen = this_thread_name();
  }).join();
  return seen;
}

TEST(ThreadName, NamesTheCallingThread) { EXPECT_EQ(named_in_a_thread("rp-writer"), "rp-writer"); }

TEST(ThreadName, CutsALongNameAtFifteenBytes) {
  EXPECT_EQ(named_in_a_thread("rp-a-name-longer-than-the-kernel-keeps"), "rp-a-name-longe");
}

}  // namespace
}  // namespace reelpress::util
