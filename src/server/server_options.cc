#include "server/server_options.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace reelpress::server {

int default_threads() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  int cores = sched_getaffinity(0, sizeof cpus, &cpus) == 0
                  ? CPU_COUNT(&cpus)
                  : static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, cores - 1);
}

}  // namespace reelpress::server
