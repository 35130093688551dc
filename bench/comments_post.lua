-- wrk script for bench/comments_bench.sh: posts the comment form of one entry with a valid
-- token (RP_TOKEN, RP_ENTRY from the environment), each body different, so that the replay
-- defence (same token and same body) never refuses one. Accepted posts are counted in the
-- database by the script; wrk counts refusals ("Non-2xx or 3xx responses"). No response()
-- callback: running Lua on every answer would take CPU from the server on a small machine.
local token = os.getenv("RP_TOKEN")
local entry = os.getenv("RP_ENTRY")
local run = os.getenv("RP_RUN") or ""  -- Tells runs with the same token apart.
local threads = {}

-- RP_RATE paces the posts (bench/paced.lua, next to this script).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "paced.lua")

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
