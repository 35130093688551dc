#!/usr/bin/env bash
# Export benchmark (issue 6): the static export of the imported WordPress fixture
# tests/fixtures/wordpress-2010.wxr.gz against Hugo (Debian's package) building the same
# amount of content: 2,000 Markdown posts of 12 paragraphs in 50 categories with a minimal
# layout (generated here). Both write a whole site into an empty folder; medians of $RUNS runs,
# in one run of this script. Also times a second, incremental export (nothing changed) and the
# ZIM and WARC exports.
#
# Both write into a memory file system (/dev/shm, or $OUT_ROOT): on this machine's disk,
# creating the 2,600 folders and files of either site costs 1 to 4 s, more when the same
# names were just deleted (as between runs), and that noise would measure the disk, not the
# tools.
# The table is printed and appended to bench/results/export.txt.
#
# Target: the static export at least 2x faster than Hugo (hugo / reelpress >= 2).
#
# Usage: bench/export_bench.sh              (builds the release binary with `make build`)
#        RUNS=5 BUILD=build-rel bench/export_bench.sh
# Needs: hugo, python3 and GNU time, from `scripts/install-deps --bench`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
runs=${RUNS:-3}
fixture="$root/tests/fixtures/wordpress-2010.wxr.gz"
results="$root/bench/results/export.txt"

for tool in hugo python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "export_bench: $tool is missing (scripts/install-deps --bench)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/reelpress-export-bench.XXXXXX")
out_root=${OUT_ROOT:-/dev/shm}
[[ -d "$out_root" && -w "$out_root" ]] || out_root=$work
out=$(mktemp -d "$out_root/reelpress-export-bench-out.XXXXXX")
trap 'rm -rf "$work" "$out"' EXIT
source "$root/bench/lib.sh"
build_release

site="$work/site"
"$binary" init "$site" >/dev/null
"$binary" import "$site" "$fixture" >/dev/null

# The Hugo site: the same number of posts, each 12 paragraphs, in 50 categories.
hugo_site="$work/hugo"
python3 - "$hugo_site" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(2010)
words = ("river road salt water border family work home season film school clinic market "
         "village harvest truck rain night story camera interview map route doctor well").split()
os.makedirs(f"{root}/content/posts", exist_ok=True)
os.makedirs(f"{root}/layouts/_default", exist_ok=True)
with open(f"{root}/config.toml", "w") as f:
    f.write('baseURL = "http://www.example.org/"\ntitle = "WIDE ANGLE"\n'
            'disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]\n'
            '[taxonomies]\ncategory = "categories"\n')
layouts = {
    "baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}'
                   ' | {{ .Site.Title }}</title></head><body><header><a href="/">{{ .Site.Title }}'
                   '</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format '
                   '"January 2, 2006" }}</time>{{ .Content }}<p>{{ range .Params.categories }}'
                   '<a href="/categories/{{ . | urlize }}/">{{ . }}</a> {{ end }}</p></article>'
                   '{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<article>'
                 '<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p>'
                 '</article>{{ end }}{{ template "_internal/pagination.html" . }}{{ end }}\n',
}
for name, text in layouts.items():
    with open(f"{root}/layouts/_default/{name}", "w") as f:
        f.write(text)
for i in range(2000):
    paragraphs = "\n\n".join(
        " ".join(random.choice(words) for _ in range(70)).capitalize() + "." for _ in range(12))
    category = f"category-{i % 50}"
    with open(f"{root}/content/posts/post-{i}.md", "w") as f:
        f.write(f'---\ntitle: "Post {i}"\ndate: 2010-{i % 12 + 1:02d}-{i % 28 + 1:02d}T12:00:00Z\n'
                f'categories: ["{category}"]\n---\n\n{paragraphs}\n')
PY

# Wall seconds of one command, as "wall cpu": GNU time.
timed() {
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$work/time"
}
median() { sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2)'; }

reelpress_static() {
  for ((i = 0; i < runs; i++)); do
    rm -rf "$out/static"
    timed "$binary" export "$site" --format static --out "$out/static"
  done | median
}
reelpress_incremental() {
  for ((i = 0; i < runs; i++)); do timed "$binary" export "$site" --format static --out "$out/static"; done | median
}
reelpress_file() {
  local format=$1
  for ((i = 0; i < runs; i++)); do timed "$binary" export "$site" --format "$format" --out "$out/site.$format"; done | median
}
hugo_build() {
  for ((i = 0; i < runs; i++)); do
    rm -rf "$out/hugo" "$hugo_site/resources"
    timed hugo --source "$hugo_site" --quiet --destination "$out/hugo"
  done | median
}

read -r static_wall static_cpu < <(reelpress_static)
static_summary=$(head -1 "$work/out")
static_files=$(find "$out/static" -type f | wc -l)
read -r incr_wall incr_cpu < <(reelpress_incremental)
read -r zim_wall zim_cpu < <(reelpress_file zim)
read -r warc_wall warc_cpu < <(reelpress_file warc)
read -r hugo_wall hugo_cpu < <(hugo_build)
hugo_files=$(find "$out/hugo" -type f | wc -l)
ratio=$(awk -v h="$hugo_wall" -v r="$static_wall" 'BEGIN { printf "%.2f", (r > 0 ? h / r : 0) }')

{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no commit')," \
    "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), median of $runs; $(hugo version | cut -d' ' -f1-2); output in $out_root"
  echo
  echo "| build                                  | files | wall (s) | CPU (s) |"
  echo "| -------------------------------------- | ----: | -------: | ------: |"
  printf "| %-38s | %5s | %8s | %7s |\n" "reelpress export --format static" "$static_files" "$static_wall" "$static_cpu"
  printf "| %-38s | %5s | %8s | %7s |\n" "  again, nothing changed (incremental)" "$static_files" "$incr_wall" "$incr_cpu"
  printf "| %-38s | %5s | %8s | %7s |\n" "reelpress export --format zim" "1" "$zim_wall" "$zim_cpu"
  printf "| %-38s | %5s | %8s | %7s |\n" "reelpress export --format warc" "1" "$warc_wall" "$warc_cpu"
  printf "| %-38s | %5s | %8s | %7s |\n" "hugo (2,000 posts, 50 categories)" "$hugo_files" "$hugo_wall" "$hugo_cpu"
  echo
  echo "hugo / reelpress static: $ratio (target >= 2)"
  echo "Last static summary: $static_summary"
} | tee -a "$results"
