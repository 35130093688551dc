-- wrk script for bench/comments_bench.sh: posts the comment form of one entry with a valid
-- token (RP_TOKEN, RP_ENTRY from the environment), each body different, so that the replay
-- defence (same token and same body) never refuses one. Accepted posts are counted in the
-- database by the script; wrk counts refusals ("Non-2xx or 3xx responses"). No response()
-- callback: running Lua on every answer would take CPU from the server on a small machine.
local token = os.getenv("RP_TOKEN")
local entry = os.getenv("RP_ENTRY")
local run = os.getenv("RP_RUN") or ""  -- Tells runs with the same token apart.
local threads = {}

-- RP_RATE paces the posts: the thread sends them on a fixed schedule of RP_RATE a second,
-- each connection taking the next free time as it becomes free, so that the rate does not
-- depend on how fast answers come (a post late against the schedule goes at once, and the
-- schedule catches up). The clock is CLOCK_MONOTONIC, read through LuaJIT's FFI.
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

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
end

function request()
  sent = sent + 1
  local body = "author=Bench+Reader&email=&url=&comment=A+benchmark+comment+number+" .. run .. id ..
      "-" .. sent .. "+about+the+film.&comment_post_ID=" .. entry .. "&comment_parent=0&rp_token=" .. token
  return wrk.format("POST", "/comments/",
                    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
