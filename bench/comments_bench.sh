#!/usr/bin/env bash
# Comment submission benchmark (issue 4): at least 2,000 accepted comment submissions per
# second, sustained and durable, while reads of an entry page keep their speed.
#
# Builds the release binary (`make build`), serves a fresh demo site with the per-client rate
# limit and the hourly bound off ([comments] rate_per_minute = 0, pending_per_hour = 0: every
# post comes from 127.0.0.1), fetches an entry's comment form, and then:
#   1. reads alone: wrk GETs the entry page for DURATION seconds;
#   2. reads and writes together: wrk POSTs the form (a valid token, every body different,
#      bench/comments_post.lua) as fast as it is answered while another wrk GETs the page;
#   3. the same with posts paced at the target rate (RATE, 2,000/s): what readers see while
#      the site takes comments at that rate;
#   4. the control for 3: the same paced posts sent to a stub (nginx answering 303) while wrk
#      reads from reelpress, so that what the posting wrk itself takes from the readers on a
#      small machine is not counted against the server;
#   5. and 6. the same as 3 and 4 with the reads paced too, at READ_RATE (10,000/s): how fast
#      a page comes while the site takes comments, when the server is not saturated by the
#      readers, as a public site's server is not. Both runs read the same pages, so the
#      difference in the server's CPU is what the comments cost it.
#   7. and 8. the reference of the serving target (bench/serve_bench.sh): the same page as a
#      static file from nginx (workers = cores), read as in 4 and 6 while the same posts go
#      to the stub. Whether reelpress, taking comments, still reads as fast as nginx serves a
#      file with no comments to take.
#   9. and 10. the controls that ask whether comments cost the readers more than the CPU
#      they take: 6 and 8 again while another process (stress-ng) takes as much CPU as the
#      comments took the server in 5 (5's CPU less 6's), in slices of 5 ms as the store's
#      writer takes it in batches. On 2 cores shared with both load generators any CPU the
#      comments need is taken from the readers; if 5 reads as fast as 9, what the comments
#      cost the readers is that CPU and nothing else, and 10 says how nginx would read then.
# 3 to 10 take turns PAIRS times (3), each turn in the order 3, 4, 7, 6, 8, 5, 9, 10: every
# run of reelpress sits next to those it is compared with. On a shared machine the latency's
# tail swings with the host's load, in bursts of seconds, by more than the differences
# measured here, so besides the medians the p99s are compared within each turn: in how many
# turns reelpress's was at or below the reference's.
# Accepted submissions are counted in the database afterwards (rows that were committed), not
# only from the 303 answers. Every submission is a transaction that is durable against a crash
# of the process when acknowledged (WAL, synchronous=NORMAL; see docs/architecture.md).
# From each pair of 3 and 4 comes what a comment costs the server among the reads: the paced
# run's server CPU less its reads at the stub run's CPU per read, per accepted comment; from
# each pair of 5 and 6, the difference of the server's CPU per accepted comment.
# The table is printed and appended to bench/results/comments.txt.
#
# Usage: bench/comments_bench.sh                   (builds with `make build`)
#        BUILD=build-rel bench/comments_bench.sh   (another build directory)
#        DURATION=5 CONNECTIONS=8 bench/comments_bench.sh
#        PAIRS=5 bench/comments_bench.sh             (more runs of phases 3 to 6)
#        READ_RATE=5000 bench/comments_bench.sh      (the readers' pace in phases 5 and 6)
#        THREADS=2 bench/comments_bench.sh           (event loop threads; the server's default
#                                                     otherwise)
# Needs: wrk, sqlite3, nginx and stress-ng (scripts/install-deps --bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
duration=${DURATION:-10}
connections=${CONNECTIONS:-16}
rate=${RATE:-2000}
pairs=${PAIRS:-3}
read_rate=${READ_RATE:-10000}
results="$root/bench/results/comments.txt"
mkdir -p "$(dirname "$results")"
entry_path=/episodes/the-well-keepers/the-well-keepers/101/

for tool in wrk sqlite3 curl stress-ng "${NGINX:-/usr/sbin/nginx}"; do
  command -v "$tool" >/dev/null || { echo "comments_bench: $tool is missing (scripts/install-deps --bench)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/reelpress-comments-bench.XXXXXX")
server_pid=
stub_pid=
static_pid=
cleanup() {
  [[ -n $stub_pid ]] && kill "$stub_pid" 2>/dev/null && wait "$stub_pid" 2>/dev/null
  [[ -n $static_pid ]] && kill "$static_pid" 2>/dev/null && wait "$static_pid" 2>/dev/null
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
build_release

site="$work/site"
"$binary" init "$site" --demo >/dev/null
sed -i 's/^rate_per_minute = .*/rate_per_minute = 0/' "$site/site.toml"
sed -i 's/^pending_per_hour = .*/pending_per_hour = 0/' "$site/site.toml"
min_fill=$(sed -n 's/^min_fill_seconds = //p' "$site/site.toml")

start_server "$site" "${THREADS:-}"

page=$(curl -sf "$base$entry_path")
token=$(grep -o 'name="rp_token" value="[^"]*"' <<<"$page" | tail -1 | sed 's/.*value="//; s/"$//')
entry=$(grep -o 'name="comment_post_ID" value="[^"]*"' <<<"$page" | sed 's/.*value="//; s/"$//')
[[ -n $token && -n $entry ]] || { echo "comments_bench: no comment form on $entry_path" >&2; exit 1; }
sleep "$min_fill"  # The form's minimum fill time, from the token's issue.

count() { sqlite3 "$site/content.db" "SELECT count(*) FROM comments WHERE status = 'pending'"; }
# The server's CPU time so far (user + system), in clock ticks: what a request costs does not
# depend on how busy the machine is, unlike the rates.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
tick=$(getconf CLK_TCK)
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$1"; }
errors() { local n; n=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\)/\1/p' "$1"); echo "${n:-0}"; }
sent() { sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$1"; }  # Requests wrk sent (file $1).
per_s() { awk -v n="$1" -v d="$duration" 'BEGIN { printf "%.0f", n / d }'; }  # $1 in the run.

# 1. Reads alone.
cpu0=$(cpu_ticks)
wrk -t1 -c"$connections" -d"${duration}s" --latency "$base$entry_path" >"$work/read-alone.txt"
cpu1=$(cpu_ticks)

# 2. Writes and reads together.
before=$(count)
RP_TOKEN=$token RP_ENTRY=$entry wrk -t1 -c"$connections" -d"${duration}s" --latency \
  -s "$root/bench/comments_post.lua" "$base" >"$work/write.txt" &
writer=$!
wrk -t1 -c"$connections" -d"${duration}s" --latency "$base$entry_path" >"$work/read-mixed.txt"
wait "$writer"
cpu2=$(cpu_ticks)
after=$(count)
committed=$((after - before))
posted=$(sent "$work/write.txt")
acknowledged=$((posted - $(errors "$work/write.txt")))
accepted_per_s=$(per_s "$committed")

# 3 and 4. Reads while posts come at the target rate (3), and its control (4): the same paced
# posts sent to a stub (nginx answering every request with 303 and nothing else) while wrk
# reads from reelpress. On a machine whose cores the two load generators share with the
# server, the readers lose speed to the posting wrk too; the difference between 3 and 4 is
# what taking the comments costs the readers. Read rates on a small shared machine swing by a
# fifth between identical runs, so the two alternate PAIRS times and the table has medians.
# Posts on a fixed schedule (bench/comments_post.lua), over enough connections that one
# answered late does not hold the next back: 64 at 2,000/s leave each post 32 ms.
paced_connections=64
journal=$(sqlite3 "$site/content.db" "PRAGMA journal_mode")
stub_port=$(free_port_after "$port")
start_nginx "$work/stub" 1 "$stub_port" "location / { return 303 /; }"
stub_pid=$started_nginx_pid
# The entry page as reelpress serves it, as a static file at the same path (7 and 8).
docroot="$work/static"
mkdir -p "$docroot$entry_path"
curl -sf "$base$entry_path" -o "$docroot${entry_path}index.html"
static_port=$(free_port_after "$stub_port")
start_nginx "$work/static-nginx" "$(nproc)" "$static_port" "root $docroot; charset utf-8;"
static_pid=$started_nginx_pid

# Posts at the paced rate to $1 while wrk reads the entry page, as fast as answered or, with
# a third argument, at that rate; from reelpress or, with a fourth, from that server; outputs
# in $2-write.txt and $2-read.txt. RP_RUN keeps every body different from every other run's.
paced_run() {
  local reads_from=${4:-$base}
  RP_TOKEN=$token RP_ENTRY=$entry RP_RUN=$2 RP_RATE=$rate wrk -t1 \
    -c"$paced_connections" -d"${duration}s" --latency -s "$root/bench/comments_post.lua" "$1" \
    >"$work/$2-write.txt" &
  local writer=$!
  if [[ -n ${3:-} ]]; then
    RP_RATE=$3 wrk -t1 -c"$paced_connections" -d"${duration}s" --latency \
      -s "$root/bench/paced.lua" "$reads_from$entry_path" >"$work/$2-read.txt"
  else
    wrk -t1 -c"$connections" -d"${duration}s" --latency "$reads_from$entry_path" >"$work/$2-read.txt"
  fi
  wait "$writer"
}
# paced_run while stress-ng keeps $1 percent of one core busy (1 to 100).
burdened_run() {
  local percent=$(($1 < 1 ? 1 : $1 > 100 ? 100 : $1))
  shift
  stress-ng --cpu 1 --cpu-load "$percent" --cpu-load-slice 5 --timeout "$((duration + 1))s" \
    --quiet &
  local burner=$!
  paced_run "$@"
  kill "$burner" 2>/dev/null
  wait "$burner" 2>/dev/null || true
}
paced_cpu=0
stub_cpu=0
steady_cpu=0
steady_stub_cpu=0
: >"$work/pairs.txt"
for pair in $(seq "$pairs"); do
  before_paced=$(count)
  c0=$(cpu_ticks)
  paced_run "$base" "paced$pair"
  c1=$(cpu_ticks)
  paced_accepted=$(($(count) - before_paced))
  paced_run "http://127.0.0.1:$stub_port" "stub$pair"
  c2=$(cpu_ticks)
  paced_run "http://127.0.0.1:$stub_port" "static$pair" "" "http://127.0.0.1:$static_port"
  c3=$(cpu_ticks)
  paced_run "http://127.0.0.1:$stub_port" "steadystub$pair" "$read_rate"
  c4=$(cpu_ticks)
  paced_run "http://127.0.0.1:$stub_port" "steadystatic$pair" "$read_rate" \
    "http://127.0.0.1:$static_port"
  before_steady=$(count)
  c5=$(cpu_ticks)
  paced_run "$base" "steady$pair" "$read_rate"
  c6=$(cpu_ticks)
  steady_accepted=$(($(count) - before_steady))
  # The comments' share of a core in 5: its CPU less that of 6, which read as many pages.
  burden=$(awk -v a=$((c6 - c5)) -v b=$((c4 - c3)) -v t="$tick" -v d="$duration" \
    'BEGIN { printf "%.0f", (a - b) / t / d * 100 }')
  burdened_run "$burden" "http://127.0.0.1:$stub_port" "burdened$pair" "$read_rate"
  burdened_run "$burden" "http://127.0.0.1:$stub_port" "burdenedstatic$pair" "$read_rate" \
    "http://127.0.0.1:$static_port"
  paced_cpu=$((paced_cpu + c1 - c0))
  stub_cpu=$((stub_cpu + c2 - c1))
  steady_cpu=$((steady_cpu + c6 - c5))
  steady_stub_cpu=$((steady_stub_cpu + c4 - c3))
  # One line per pair: reads, p99 and accepted posts/s with reelpress; the same with the stub;
  # refused posts; the posts' p99 with reelpress and with the stub; the server's CPU ticks in
  # the paced run and in the stub's. Then the same for the steady reads (5 and 6): reads/s,
  # their p50 and p99, accepted posts/s with reelpress; reads/s, p50 and p99 with the stub;
  # the posts' p99 with reelpress; refused posts; the server's CPU ticks in both runs. Then
  # nginx's static reads (7): reads/s and p99; and at the steady rate (8): p50 and p99.
  # Last, the share of a core stress-ng took in 9 and 10, and their p50 and p99.
  steady=$work/steady$pair steady_stub=$work/steadystub$pair
  static=$work/static$pair steady_static=$work/steadystatic$pair
  burdened=$work/burdened$pair burdened_static=$work/burdenedstatic$pair
  echo "$(rps "$work/paced$pair-read.txt") $(wrk_p99_ms <"$work/paced$pair-read.txt")" \
    "$(per_s "$paced_accepted")" \
    "$(rps "$work/stub$pair-read.txt") $(wrk_p99_ms <"$work/stub$pair-read.txt")" \
    "$(per_s "$(sent "$work/stub$pair-write.txt")")" \
    "$(errors "$work/paced$pair-write.txt")" \
    "$(wrk_p99_ms <"$work/paced$pair-write.txt") $(wrk_p99_ms <"$work/stub$pair-write.txt")" \
    "$((c1 - c0)) $((c2 - c1))" \
    "$(rps "$steady-read.txt") $(wrk_latency_ms 50 <"$steady-read.txt")" \
    "$(wrk_p99_ms <"$steady-read.txt") $(per_s "$steady_accepted")" \
    "$(rps "$steady_stub-read.txt") $(wrk_latency_ms 50 <"$steady_stub-read.txt")" \
    "$(wrk_p99_ms <"$steady_stub-read.txt") $(wrk_p99_ms <"$steady-write.txt")" \
    "$(errors "$steady-write.txt") $((c6 - c5)) $((c4 - c3))" \
    "$(rps "$static-read.txt") $(wrk_p99_ms <"$static-read.txt")" \
    "$(wrk_latency_ms 50 <"$steady_static-read.txt") $(wrk_p99_ms <"$steady_static-read.txt")" \
    "$burden $(wrk_latency_ms 50 <"$burdened-read.txt") $(wrk_p99_ms <"$burdened-read.txt")" \
    "$(wrk_latency_ms 50 <"$burdened_static-read.txt") $(wrk_p99_ms <"$burdened_static-read.txt")" \
    >>"$work/pairs.txt"
done
kill "$stub_pid" 2>/dev/null && wait "$stub_pid" 2>/dev/null
kill "$static_pid" 2>/dev/null && wait "$static_pid" 2>/dev/null
stub_pid=
static_pid=
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
median_of() { awk -v f="$1" '{ print $f }' "$work/pairs.txt" | median; }
list_of() { awk -v f="$1" '{ print $f }' "$work/pairs.txt" | paste -sd, | sed 's/,/, /g'; }
# Column $1 over column $2 of each pair, as a percentage: the median, and the list.
ratio_median() { awk -v a="$1" -v b="$2" '{ printf "%.1f\n", $a / $b * 100 }' "$work/pairs.txt" | median; }
# In how many pairs column $1 is at or below column $2 (a latency: reelpress's no worse).
at_or_below() { awk -v a="$1" -v b="$2" '$a <= $b { n++ } END { print n + 0 }' "$work/pairs.txt"; }
ratio_list() {
  awk -v a="$1" -v b="$2" '{ printf "%s%.0f%%", (NR > 1 ? ", " : ""), $a / $b * 100 }' "$work/pairs.txt"
}
# What a comment costs the server while readers read, per pair: the paced run's CPU less its
# reads at the stub run's CPU per read (the stub's posts never reach reelpress), per accepted
# comment. Both runs of a pair come a few seconds apart, so the machine's speed of the moment
# mostly cancels out; this is the CPU the readers lose to each comment.
pair_post_us() {
  awk -v t="$tick" -v d="$duration" '{
    read_s = $11 / t / ($4 * d); printf "%.0f\n", ($10 / t - $1 * d * read_s) / ($3 * d) * 1e6 }' \
    "$work/pairs.txt"
}
paced_post_us=$(pair_post_us | median)
paced_post_list=$(pair_post_us | paste -sd, | sed 's/,/, /g')
# The same at steady reads (5 and 6): both runs read about as many pages, so the difference
# of the server's CPU (less the few reads more or fewer, at the stub run's CPU per read) is
# what the comments cost, per accepted comment.
steady_post_us() {
  awk -v t="$tick" -v d="$duration" '{
    read_s = $22 / t / ($16 * d); printf "%.0f\n", ($21 / t - $22 / t - ($12 - $16) * d * read_s) / ($15 * d) * 1e6 }' \
    "$work/pairs.txt"
}

# CPU per request: a read from phase 1; an accepted post from phase 2, less its reads' share.
reads_alone=$(rps "$work/read-alone.txt")
reads_mixed=$(rps "$work/read-mixed.txt")
read_us=$(awk -v c=$((cpu1 - cpu0)) -v t="$tick" -v r="$reads_alone" -v d="$duration" \
  'BEGIN { printf "%.0f", c / t / (r * d) * 1e6 }')
post_us=$(awk -v c=$((cpu2 - cpu1)) -v t="$tick" -v r="$reads_mixed" -v d="$duration" \
  -v g="$read_us" -v n="$committed" 'BEGIN { printf "%.0f", (c / t - r * d * g / 1e6) / n * 1e6 }')
cores() { awk -v c="$1" -v t="$tick" -v d="$duration" 'BEGIN { printf "%.2f", c / t / d }'; }

row() { printf "| %-40s | %14s | %11s | %16s | %12s | %14s | %18s |\n" "$@"; }
p99() { wrk_p99_ms <"$1"; }
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no commit')," \
    "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), server threads $server_threads," \
    "wrk 1 thread x $connections connections each, ${duration} s, journal $journal, synchronous NORMAL"
  echo
  row "phase" "GET entry req/s" "GET p99 ms" "POST accepted/s" "POST p99 ms" "POST refused" \
    "server CPU (cores)"
  row "----------------------------------------" "-------------:" "----------:" "---------------:" \
    "-----------:" "-------------:" "-----------------:"
  row "reads alone" "$reads_alone" "$(p99 "$work/read-alone.txt")" "-" "-" "-" \
    "$(cores $((cpu1 - cpu0)))"
  row "reads + comment posts" "$reads_mixed" "$(p99 "$work/read-mixed.txt")" "$accepted_per_s" \
    "$(p99 "$work/write.txt")" "$(errors "$work/write.txt")" "$(cores $((cpu2 - cpu1)))"
  row "reads + posts paced at $rate/s" "$(median_of 1)" "$(median_of 2)" "$(median_of 3)" \
    "$(median_of 8)" "$(awk '{ n += $7 } END { print n + 0 }' "$work/pairs.txt")" \
    "$(cores $((paced_cpu / pairs)))"
  row "reads + the same posts to a stub" "$(median_of 4)" "$(median_of 5)" "($(median_of 6))" \
    "$(median_of 9)" "-" "$(cores $((stub_cpu / pairs)))"
  row "reads at $read_rate/s + posts at $rate/s" "$(median_of 12)" "$(median_of 14)" \
    "$(median_of 15)" "$(median_of 19)" "$(awk '{ n += $20 } END { print n + 0 }' "$work/pairs.txt")" \
    "$(cores $((steady_cpu / pairs)))"
  row "reads at $read_rate/s + posts to the stub" "$(median_of 16)" "$(median_of 18)" "-" "-" "-" \
    "$(cores $((steady_stub_cpu / pairs)))"
  row "nginx static reads + posts to the stub" "$(median_of 23)" "$(median_of 24)" "-" "-" "-" "-"
  row "nginx at $read_rate/s + posts to the stub" "-" "$(median_of 26)" "-" "-" "-" "-"
  row "reads at $read_rate/s + stub + comments' CPU" "-" "$(median_of 29)" "-" "-" "-" "-"
  row "nginx at $read_rate/s + stub + comments' CPU" "-" "$(median_of 31)" "-" "-" "-" "-"
  echo
  echo "Reads while reelpress takes $rate comments/s: $(ratio_median 1 4)% (median of $pairs pairs:" \
    "$(ratio_list 1 4)) of the reads while the same posts go to a stub that only answers 303 (the" \
    "load generators' own share of the cores taken out). Paced rows: medians of $pairs runs."
  echo "Against the serving target, nginx serving the page as a static file while the same posts" \
    "go to the stub: reads $(ratio_median 1 23)% ($(ratio_list 1 23)), p99 $(median_of 2) ms" \
    "($(list_of 2)) against $(median_of 24) ms ($(list_of 24)), at or below in $(at_or_below 2 24)" \
    "of $pairs pairs; at $read_rate/s, median $(median_of 13) ms against $(median_of 25) ms" \
    "($(list_of 25)), p99 $(median_of 14) ms against $(median_of 26) ms ($(list_of 26)), at or" \
    "below in $(at_or_below 14 26) of $pairs pairs."
  echo "Committed $committed comments in ${duration} s ($acknowledged acknowledged with 303); target >= 2000/s."
  echo "Server CPU per request: ${read_us} us per page read (a cache hit), ${post_us} us per accepted" \
    "comment, so one core takes about $(awk -v u="$post_us" 'BEGIN { printf "%.0f", 1e6 / u }') comments/s."
  echo "Server CPU per comment at $rate/s among the reads: ${paced_post_us} us (median of $pairs pairs:" \
    "$paced_post_list us): the paced run's CPU less its reads at the stub run's CPU per read."
  echo "Reads at $read_rate/s while reelpress takes $rate comments/s: median latency $(median_of 13) ms" \
    "($(list_of 13)) against $(median_of 17) ms ($(list_of 17)) while the posts go to the stub;" \
    "p99 $(median_of 14) ms ($(list_of 14)) against $(median_of 18) ms ($(list_of 18)), at or" \
    "below in $(at_or_below 14 18) of $pairs pairs."
  echo "With the comments' CPU ($(median_of 27)% of a core: $(list_of 27)) taken by stress-ng" \
    "instead, while the posts go to the stub: reelpress's reads at $read_rate/s median" \
    "$(median_of 28) ms ($(list_of 28)), p99 $(median_of 29) ms ($(list_of 29)); nginx's median" \
    "$(median_of 30) ms ($(list_of 30)), p99 $(median_of 31) ms ($(list_of 31)). Reads among the" \
    "comments themselves: p99 at or below reelpress's with stress-ng in $(at_or_below 14 29) of" \
    "$pairs pairs, at or below nginx's in $(at_or_below 14 31); median at or below in" \
    "$(at_or_below 13 28) and $(at_or_below 13 30)."
  echo "Server CPU per comment at $rate/s among reads at $read_rate/s: $(steady_post_us | median) us" \
    "(median of $pairs pairs: $(steady_post_us | paste -sd, | sed 's/,/, /g') us): the difference of" \
    "the server's CPU between the two runs."
  echo "The rates depend on the CPU the server gets: the load average above includes other work."
} | tee -a "$results"
