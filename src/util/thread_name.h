// Names for the process's threads, as `top -H`, `ps -L`, `perf` and gdb show them, so that an
// operator can tell the server's loop threads from the store's writer and checkpointer.
#pragma once

#include <string>
#include <string_view>

namespace reelpress::util {

// Names the calling thread. Linux keeps 15 bytes of a name; a longer one is cut there. A
// failure is ignored: a name is only a help.
void name_this_thread(std::string_view name);

// The calling thread's name (for tests).
std::string this_thread_name();

}  // namespace reelpress::util
