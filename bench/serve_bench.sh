#!/usr/bin/env bash
# Serving benchmark (issue 5): reelpress's cached dynamic pages against nginx serving the same
# bytes as static files, in the same run, on loopback.
#
#   1. Builds the release binary (`make build`), imports tests/fixtures/wordpress-2010.wxr.gz
#      into a fresh site (page cache large enough for the whole site) and serves it.
#   2. Saves an entry page, the home page and a category page, as reelpress serves them, into
#      a static tree, and starts nginx (Debian package: sendfile on, access log off, workers =
#      cores unless NGINX_WORKERS, long keep-alive) on it.
#   3. For each page and each server: a warm-up, then wrk (1 thread, 64 connections, 10 s,
#      --latency), RUNS times alternating between the servers; medians of req/s and p99.
#   4. Fetches every page of the site (the list from `reelpress export`) through the server
#      so that all are cached, and reads the server's resident memory.
# The table is printed and appended to bench/results/serve.txt.
#
# Targets: entry page reelpress/nginx >= 1.0 with p99 no worse than nginx's; the whole site
# cached in <= 150 MB resident.
#
# Usage: bench/serve_bench.sh                         (builds with `make build`)
#        RUNS=1 DURATION=5 bench/serve_bench.sh       (a quicker run)
#        SERVER_THREADS=2 bench/serve_bench.sh        (reelpress's event loop threads; its
#                                                       default otherwise: cores less one)
#        NGINX_WORKERS=1 bench/serve_bench.sh         (nginx's workers; cores otherwise, as
#                                                       Debian's "worker_processes auto")
# Needs: wrk, nginx, curl (scripts/install-deps --bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
runs=${RUNS:-3}
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
cores=$(nproc)
nginx_workers=${NGINX_WORKERS:-$cores}
fixture="$root/tests/fixtures/wordpress-2010.wxr.gz"
results="$root/bench/results/serve.txt"
nginx_bin=${NGINX:-/usr/sbin/nginx}

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
require_tools serve_bench wrk curl "$nginx_bin"
start_work serve
build_release

site="$work/site"
"$binary" init "$site" >/dev/null
sed -i 's/^size_mb = .*/size_mb = 1024/' "$site/site.toml"
"$binary" import "$site" "$fixture" >/dev/null

start_server "$site" "${SERVER_THREADS:-}"

# The three pages: the newest entry linked from the home page, the home page, and the first
# category that entry links to.
first_link() { { grep -o "href=\"$1\"" || true; } | head -1 | sed 's/href="//; s/"$//'; }
entry_path=$(curl -sf "$base/" | first_link '/[^"]*/[0-9]*/')
category_path=$(curl -sf "$base$entry_path" | first_link '/category/[^"]*/')
[[ -n $entry_path && -n $category_path ]] || { echo "serve_bench: no entry or category link on /" >&2; exit 1; }

# The static copy: the same bytes, at the same URLs.
docroot="$work/static"
for path in "$entry_path" / "$category_path"; do
  mkdir -p "$docroot$path"
  curl -sf "$base$path" -o "$docroot${path}index.html"
done

nginx_port=$(free_port_after "$port")
start_nginx "$work/nginx" "$nginx_workers" "$nginx_port" "root $docroot; charset utf-8;"
nginx_pid=$started_nginx_pid
nginx_base="http://127.0.0.1:$nginx_port"
for path in "$entry_path" / "$category_path"; do
  cmp -s <(curl -sf "$base$path") <(curl -sf "$nginx_base$path") ||
    { echo "serve_bench: nginx does not serve the same bytes for $path" >&2; exit 1; }
done

# "req/s p99_ms" of one wrk run.
measure() {
  local url=$1 out
  wrk -t1 -c"$connections" -d2s "$url" >/dev/null  # Warm-up.
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "$url")
  local rps p99
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' <<<"$out")
  p99=$(wrk_p99_ms <<<"$out")
  echo "$rps $p99"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

row() { printf "| %-14s | %10s | %10s | %6s | %12s | %12s |\n" "$@"; }
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no commit')," \
    "$cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg), wrk 1 thread x $connections connections," \
    "${duration} s, median of $runs; reelpress $server_threads threads; nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||'), $nginx_workers workers, sendfile"
  echo
  row "page" "reelpress" "nginx" "ratio" "p99 reelpress" "p99 nginx"
  row "--------------" "---------:" "---------:" "-----:" "-----------:" "-----------:"
} | tee -a "$results"

for name in entry home category; do
  case $name in
    entry) path=$entry_path ;;
    home) path=/ ;;
    category) path=$category_path ;;
  esac
  : >"$work/r.txt"
  : >"$work/n.txt"
  for ((i = 0; i < runs; i++)); do
    measure "$base$path" >>"$work/r.txt"
    measure "$nginx_base$path" >>"$work/n.txt"
  done
  r_rps=$(cut -d' ' -f1 "$work/r.txt" | median)
  n_rps=$(cut -d' ' -f1 "$work/n.txt" | median)
  r_p99=$(cut -d' ' -f2 "$work/r.txt" | median)
  n_p99=$(cut -d' ' -f2 "$work/n.txt" | median)
  ratio=$(awk -v a="$r_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  row "$name" "$r_rps" "$n_rps" "$ratio" "${r_p99} ms" "${n_p99} ms" | tee -a "$results"
done

# Every page of the site, cached: the list of pages from a static export of the same site.
"$binary" export "$site" --out "$work/export" >/dev/null
(cd "$work/export" && find . -name index.html | sed 's|^\.||; s|index\.html$||') |
  sed "s|^|url = \"$base|; s|\$|\"\noutput = \"/dev/null\"|" >"$work/urls.txt"
pages=$(grep -c '^url' "$work/urls.txt")
rss_before=$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status")
curl -s -K "$work/urls.txt"
curl -s -K "$work/urls.txt"  # Twice: every page is a hit the second time.
rss_after=$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status")
{
  echo
  echo "Resident memory with all $pages pages of the site cached: $((rss_after / 1024)) MB" \
    "(before: $((rss_before / 1024)) MB); target <= 150 MB."
  echo "Pages: entry $entry_path, category $category_path."
} | tee -a "$results"
