-- wrk script: requests on a fixed schedule of RP_RATE a second, whatever the answers' speed.
-- Alone (`wrk -s bench/paced.lua URL`) it GETs the URL at that rate; bench/comments_post.lua
-- loads it to pace its posts. Each connection takes the next free time on the thread's
-- schedule as it becomes free, so a request late against the schedule goes at once and the
-- schedule catches up. wrk waits in whole milliseconds, so requests leave in small clumps.
-- The clock is CLOCK_MONOTONIC, read through LuaJIT's FFI. Without RP_RATE: as fast as
-- answered (wrk's own behaviour).
local rate = tonumber(os.getenv("RP_RATE") or "")
if rate then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } rp_timespec;
    int clock_gettime(int clock, rp_timespec *now);
  ]]
  local clock_monotonic = 1
  local now = ffi.new("rp_timespec")
  local function now_ms()
    ffi.C.clock_gettime(clock_monotonic, now)
    return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
  end
  local interval_ms = 1000 / rate
  local next_ms = nil
  function delay()
    local t = now_ms()
    next_ms = next_ms or t
    local wait = next_ms - t
    next_ms = next_ms + interval_ms
    if wait <= 0 then
      return 0
    end
    return math.floor(wait)
  end
end
