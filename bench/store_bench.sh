#!/usr/bin/env bash
# What a comment costs the store's writer (issue 4), without the network: comments committed
# per second on one core in batches of 1, 10 and 64 (bench/store_benchmark.cc), into a
# database that already holds 100,000 comments and replay digests, median of 3 repetitions;
# and the log pages (WAL frames) and write system calls per comment in batches of 10, counted
# from the calls themselves, figures that do not depend on how fast the machine is.
# The table is printed and appended to bench/results/store.txt.
#
# Usage: bench/store_bench.sh      (builds in build-bench/, Release, with benchmarks)
# Needs: libbenchmark-dev and strace (scripts/install-deps --bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-build-bench}
results="$root/bench/results/store.txt"
program="$root/$build/bench/store_benchmark"
mkdir -p "$(dirname "$results")"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
build_benchmark "$build" store_benchmark
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# CSV columns: name, iterations, real_time, cpu_time, time_unit, bytes_per_second,
# items_per_second, ...
medians=$(taskset -c 0 "$program" --benchmark_repetitions=3 --benchmark_min_time=2 \
  --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null | grep '_median"')
row() {
  awk -F, -v batch="$1" '$1 ~ "/" batch "_median" { printf "%.0f %.1f", $7, $4 / batch }' <<<"$medians"
}

# Log pages and write calls per comment: the writes of the setup alone, then of the setup
# and the batches of 10. pwrite64's third argument is the size.
writes() {
  strace -f -e trace=pwrite64 -o "$log" "$program" --benchmark_filter="$1" \
    --benchmark_min_time=2 --benchmark_format=csv 2>/dev/null | awk -F, '/Batch\/10"/ { print $2 }'
  awk -F', ' '/pwrite64\(/ { calls++; bytes += $3 } END { print calls + 0, bytes + 0 }' "$log"
}
read -r setup_calls setup_bytes <<<"$(writes NONE | tail -1)"
mapfile -t run < <(writes /10)
read -r run_calls run_bytes <<<"${run[1]}"
# A frame is a page and its 24-byte header; pages are 4,096 bytes.
per_comment=$(awk -v calls="$((run_calls - setup_calls))" -v bytes="$((run_bytes - setup_bytes))" \
  -v n="${run[0]}" 'BEGIN { printf "%.2f log pages and %.2f write calls", bytes / 4120 / (n * 10), calls / (n * 10) }')

{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no commit')," \
    "$(nproc) cores (run on one), load average $(cut -d' ' -f1-3 /proc/loadavg), median of 3"
  echo
  echo "| comments per commit | comments/s | CPU us per comment |"
  echo "| ------------------: | ---------: | -----------------: |"
  for batch in 1 10 64; do
    read -r rate cpu <<<"$(row "$batch")"
    printf "| %19s | %10s | %18s |\n" "$batch" "$rate" "$cpu"
  done
  echo
  echo "Written to the log per comment, in commits of 10: $per_comment"
} | tee -a "$results"
