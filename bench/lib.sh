# Shared by the bench/*_bench.sh scripts (sourced, not run): building the release binary and
# starting a server on a free loopback port. Expects $root, $build and $work to be set.

# Builds with `make build` into $build and sets $binary; prints the log and fails if it fails.
build_release() {
  if ! make -C "$root" --no-print-directory build BUILD="$build" >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    exit 1
  fi
  binary="$root/$build/reelpress"
}

# `reelpress serve SITE` on 127.0.0.1 with THREADS worker threads, in the background; sets
# $server_pid, $port and $base once the server has said where it listens.
start_server() {
  local site=$1 threads=$2
  "$binary" serve "$site" --listen 127.0.0.1:0 --threads "$threads" --quiet >"$work/server.log" 2>&1 &
  server_pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's|.*at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/server.log")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { cat "$work/server.log" >&2; exit 1; }
  base="http://127.0.0.1:$port"
}

# The 99th percentile latency in milliseconds from `wrk --latency` output on standard input.
wrk_p99_ms() {
  awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
       else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
       printf "%.2f", v }'
}
