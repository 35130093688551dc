#include "server/server_options.h"

#include <gtest/gtest.h>
#include <sched.h>

namespace reelpress::server {
namespace {

// Restricts the calling thread to the first `count` CPUs it may run on, and restores its
// affinity when destroyed.
class AffinityScope {
 public:
  explicit AffinityScope(int count) {
    EXPECT_EQ(sched_getaffinity(0, sizeof saved_, &saved_), 0);
    cpu_set_t narrowed;
    CPU_ZERO(&narrowed);
    for (int cpu = 0, taken = 0; cpu < CPU_SETSIZE && taken < count; ++cpu) {
      if (CPU_ISSET(cpu, &saved_)) {
        CPU_SET(cpu, &narrowed);
        ++taken;
      }
    }
    EXPECT_EQ(sched_setaffinity(0, sizeof narrowed, &narrowed), 0);
  }
  ~AffinityScope() { sched_setaffinity(0, sizeof saved_, &saved_); }
  AffinityScope(const AffinityScope&) = delete;
  AffinityScope& operator=(const AffinityScope&) = delete;

 private:
  cpu_set_t saved_;
};

int usable_cores() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  EXPECT_EQ(sched_getaffinity(0, sizeof cpus, &cpus), 0);
  return CPU_COUNT(&cpus);
}

TEST(DefaultThreadsTest, LeavesOneOfTheUsableCoresToTheRestOfTheMachine) {
  const int cores = usable_cores();
  EXPECT_EQ(default_threads(), cores > 1 ? cores - 1 : 1);
  EXPECT_EQ(ServerOptions().threads, default_threads());
}

TEST(DefaultThreadsTest, CountsTheCoresTheProcessMayRunOnNotTheMachines) {
  if (usable_cores() < 3) GTEST_SKIP() << "needs three usable cores";
  AffinityScope two(2);
  EXPECT_EQ(default_threads(), 1);
}

TEST(DefaultThreadsTest, RunsOneThreadOnOneCore) {
  AffinityScope one(1);
  EXPECT_EQ(default_threads(), 1);
}

}  // namespace
}  // namespace reelpress::server
