#!/usr/bin/env bash
# Large media benchmark: a whole episode (a 1 GiB file) streamed to 8 clients at once, and what
# that costs the server's memory and the readers of its pages meanwhile, against nginx serving
# the same file and page in the same run, on loopback.
#
#   1. Builds the release binary (`make build`), makes a demo site with a 1 GiB file in its
#      media folder (sparse: no disk) and serves it; nginx (Debian package: sendfile on,
#      access log off, workers = cores) serves the same file (a hard link) and the home page
#      as reelpress sends it, from a static tree.
#   2. For each server: the home page read at a steady RATE (paced, wrk --latency, 8
#      connections) for DURATION seconds alone, then again while another wrk downloads the
#      file over 8 connections (each download whole, from the start, again and again). The
#      four phases take TURNS turns, each in the order reelpress, nginx alone, then reelpress,
#      nginx with the downloads.
#   3. Reports the download rate, the page's median and p99 with and without the downloads
#      (medians over the turns, and in how many turns reelpress's p99 was at or below
#      nginx's), and each server's resident memory before the downloads and its peak (VmHWM;
#      nginx: the sum over its processes).
# The table is printed and appended to bench/results/media.txt. 4 x TURNS phases of DURATION
# seconds: 60 s with the defaults, plus the build.
#
# Targets: the peak resident memory stays within 50 MB of what it was before the downloads
# (the file is 1,024 MB); the page's p99 among the downloads within a few times nginx's.
#
# Usage: bench/media_bench.sh                        (builds with `make build`)
#        TURNS=1 RATE=500 bench/media_bench.sh       (a quicker run)
#        SERVER_THREADS=2 bench/media_bench.sh       (reelpress's event loop threads; its
#                                                      default otherwise: cores less one)
# Needs: wrk, nginx, curl (scripts/install-deps --bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
duration=${DURATION:-5}
turns=${TURNS:-3}
rate=${RATE:-1000}
downloads=${DOWNLOADS:-8}
file_mb=${FILE_MB:-1024}
cores=$(nproc)
results="$root/bench/results/media.txt"
mkdir -p "$(dirname "$results")"
nginx_bin=${NGINX:-/usr/sbin/nginx}

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
require_tools media_bench wrk curl "$nginx_bin"
start_work media
build_release

site="$work/site"
"$binary" init "$site" --demo >/dev/null
mkdir -p "$site/media/video"
truncate -s "${file_mb}M" "$site/media/video/episode.mp4"
file_path=/files/video/episode.mp4
start_server "$site" "${SERVER_THREADS:-}"

docroot="$work/static"
mkdir -p "$docroot/files/video"
chmod -R 755 "$site/media"
ln "$site/media/video/episode.mp4" "$docroot/files/video/episode.mp4"
curl -sf "$base/" -o "$docroot/index.html"
nginx_port=$(free_port_after "$port")
start_nginx "$work/nginx" "$cores" "$nginx_port" "root $docroot; charset utf-8; types { video/mp4 mp4; }"
nginx_pid=$started_nginx_pid
nginx_base="http://127.0.0.1:$nginx_port"
for b in "$base" "$nginx_base"; do
  length=$(curl -sfI "$b$file_path" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ength: //p')
  [[ $length == $((file_mb * 1024 * 1024)) ]] ||
    { echo "media_bench: $b$file_path has length '$length'" >&2; exit 1; }
done

# Resident memory in MB of a process and its children (nginx's workers), field $2 of
# /proc/PID/status: VmRSS now or VmHWM, the peak.
resident_mb() {
  local pid=$1 field=$2 pids
  pids="$pid $(pgrep -P "$pid" || true)"
  for p in $pids; do awk -v f="$field:" '$1 == f { print $2 }' "/proc/$p/status"; done |
    awk '{ s += $1 } END { printf "%d", s / 1024 }'
}

# "p50 p99" in ms of the page read at $rate/s for $duration s from base URL $1.
read_page() {
  local out
  out=$(RP_RATE=$rate wrk -t1 -c8 -d"${duration}s" --latency -s "$root/bench/paced.lua" "$1/")
  echo "$(wrk_latency_ms 50 <<<"$out") $(wrk_latency_ms 99 <<<"$out")"
}

# Reads the page as read_page does while wrk downloads the file on $downloads connections;
# prints "p50 p99 download_MB/s".
read_page_during_downloads() {
  local base_url=$1 latency rate_mb
  wrk -t1 -c"$downloads" -d"$((duration + 1))s" --timeout 120s "$base_url$file_path" \
    >"$work/downloads.txt" &
  local downloader=$!
  latency=$(read_page "$base_url")
  wait "$downloader"
  rate_mb=$(sed -n 's/^Transfer\/sec: *//p' "$work/downloads.txt" |
    awk '{ v = $1; if (v ~ /GB$/) v *= 1024; else if (v ~ /KB$/) v /= 1024; else if (v !~ /MB$/) v /= 1048576;
           printf "%d", v }')
  echo "$latency $rate_mb"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# A server's row from its file of turns (lines "alone_p50 alone_p99 p50 p99 MB/s") and its
# resident memory before the downloads and at its peak: the medians over the turns.
row() { printf "| %-9s | %13s | %18s | %27s | %15s | %13s |\n" "$@"; }
server_row() {
  local turns=$2
  col() { cut -d' ' -f"$1" "$turns" | median; }
  row "$1" "$(col 5)" "$(col 1) / $(col 2) ms" "$(col 3) / $(col 4) ms" "$3 MB" "$4 MB"
}

{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no commit')," \
    "$cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg); a ${file_mb} MB file downloaded on" \
    "$downloads connections while the home page is read at $rate/s on 8, ${duration} s a phase," \
    "median of $turns turns; reelpress $server_threads threads;" \
    "nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||'), $cores workers, sendfile"
  echo
  row "server" "download MB/s" "page p50 / p99" "page p50 / p99, downloads" "resident before" "peak resident"
  row "---------" "------------:" "-----------------:" "--------------------------:" "--------------:" "------------:"
} | tee -a "$results"
r_before=$(resident_mb "$server_pid" VmRSS)
n_before=$(resident_mb "$nginx_pid" VmRSS)
# Each turn runs both servers' phases side by side (alone, alone, downloads, downloads), so
# that the machine's load, which swings a phase's p99 by tens of milliseconds on a shared
# host, weighs on both alike; the p99s are also compared turn by turn.
: >"$work/reelpress.txt"
: >"$work/nginx.txt"
at_or_below=0
for ((turn = 0; turn < turns; turn++)); do
  r_alone=$(read_page "$base")
  n_alone=$(read_page "$nginx_base")
  r_during=$(read_page_during_downloads "$base")
  n_during=$(read_page_during_downloads "$nginx_base")
  echo "$r_alone $r_during" >>"$work/reelpress.txt"
  echo "$n_alone $n_during" >>"$work/nginx.txt"
  read -r _ r99 _ <<<"$r_during"
  read -r _ n99 _ <<<"$n_during"
  awk -v r="$r99" -v n="$n99" 'BEGIN { exit !(r <= n) }' && at_or_below=$((at_or_below + 1))
done
server_row reelpress "$work/reelpress.txt" "$r_before" "$(resident_mb "$server_pid" VmHWM)" |
  tee -a "$results"
server_row nginx "$work/nginx.txt" "$n_before" "$(resident_mb "$nginx_pid" VmHWM)" |
  tee -a "$results"
{
  echo
  echo "reelpress's p99 among the downloads at or below nginx's in $at_or_below of $turns turns."
} | tee -a "$results"
