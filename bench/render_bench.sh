#!/usr/bin/env bash
# Cache-miss render benchmark (issue 5): entry pages per second on one core, with Google
# Benchmark (bench/render_benchmark.cc), median of 3 repetitions, without and with the gzip
# and brotli forms that a page gets when it enters the cache.
# The table is printed and appended to bench/results/render.txt.
#
# Target: >= 10,000 entry pages per second on one core (without compression).
#
# Usage: bench/render_bench.sh      (builds in build-bench/, Release, with benchmarks)
# Needs: libbenchmark-dev (scripts/install-deps --bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-build-bench}
fixture="$root/tests/fixtures/wordpress-2010.wxr.gz"
results="$root/bench/results/render.txt"
mkdir -p "$(dirname "$results")"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
build_benchmark "$build" render_benchmark

median_rate() {
  taskset -c 0 "$root/$build/bench/render_benchmark" "$fixture" "$@" --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null |
    awk -F, '/_median"/ { printf "%.0f", $7 }'
}
plain=$(median_rate)
compressed=$(median_rate --compress)
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no commit')," \
    "$(nproc) cores (run on one), load average $(cut -d' ' -f1-3 /proc/loadavg), median of 3"
  echo
  echo "| cache-miss render, entry pages        | pages/s | target   |"
  echo "| ------------------------------------- | ------: | -------- |"
  printf "| %-37s | %7s | %-8s |\n" "HTML only" "$plain" ">= 10000"
  printf "| %-37s | %7s | %-8s |\n" "HTML with its gzip and brotli forms" "$compressed" "-"
} | tee -a "$results"
