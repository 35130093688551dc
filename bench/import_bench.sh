#!/usr/bin/env bash
# Import benchmark (issue 3): times `reelpress import` of the WordPress fixture
# tests/fixtures/wordpress-2010.wxr.gz (median of 3, a fresh site each time) and of a
# generated 100 MB export (bench/wxr_generate.py), and reports MB/s, CPU time and peak memory.
# The table is printed and appended to bench/results/import.txt.
#
# Targets: the 2010 fixture in under 3 s; 100 MB at 20 MB/s or faster with peak RSS < 150 MB.
#
# Usage: bench/import_bench.sh             (builds the release binary with `make build`)
#        BUILD=build-rel bench/import_bench.sh   (another build directory)
#        SIZE_MB=20 RUNS=1 bench/import_bench.sh (a quicker run)
# Needs: python3 and GNU time (/usr/bin/time), from `scripts/install-deps --bench`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
size_mb=${SIZE_MB:-100}
runs=${RUNS:-3}
fixture="$root/tests/fixtures/wordpress-2010.wxr.gz"
results="$root/bench/results/import.txt"

for tool in python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "import_bench: $tool is missing (scripts/install-deps --bench)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/reelpress-import-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! make -C "$root" --no-print-directory build BUILD="$build" >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  exit 1
fi
binary="$root/$build/reelpress"

generated="$work/generated-${size_mb}mb.wxr"
python3 "$root/bench/wxr_generate.py" --size-mb "$size_mb" --output "$generated"

# One import into a fresh site: prints "wall_seconds cpu_seconds peak_kb".
import_once() {
  local file=$1 site="$work/site-$RANDOM$RANDOM"
  "$binary" init "$site" >/dev/null
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$binary" import "$site" "$file" >"$work/summary"
  rm -rf "$site"
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time"
}

# Median of $runs runs, by wall time: "wall cpu peak_kb".
measure() {
  local file=$1
  for ((i = 0; i < runs; i++)); do import_once "$file"; done | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2)'
}

row() {
  local name=$1 file=$2 target=$3
  local bytes mb wall cpu peak rate
  if [[ $file == *.gz ]]; then bytes=$(gzip -dc "$file" | wc -c); else bytes=$(stat -c %s "$file"); fi
  read -r wall cpu peak < <(measure "$file")
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
  rate=$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.1f", (w > 0 ? b / 1048576 / w : 0) }')
  printf "| %-28s | %8s | %8s | %7s | %7s | %9s | %-25s |\n" "$name" "$mb" "$wall" "$cpu" "$rate" \
    "$((peak / 1024))" "$target"
}

{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no commit')," \
    "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), median of $runs"
  echo
  echo "| input                        | XML (MB) | wall (s) | CPU (s) |    MB/s | peak (MB) | target                    |"
  echo "| ---------------------------- | -------: | -------: | ------: | ------: | --------: | ------------------------- |"
  row "wordpress-2010.wxr.gz" "$fixture" "< 3 s"
  row "generated ${size_mb} MB" "$generated" ">= 20 MB/s, peak < 150 MB"
  echo
  echo "Last summary: $(cat "$work/summary")"
} | tee -a "$results"
