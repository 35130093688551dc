# Shared by the bench/*_bench.sh scripts (sourced, not run): building the release binary and
# starting a server on a free loopback port. Expects $root to be set, and $build and $work for
# build_release and start_server (start_work makes $work).

# require_tools BENCH TOOL...: fails, naming the tool, unless every TOOL can be run.
require_tools() {
  local bench=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "$bench: $tool is missing (scripts/install-deps --bench)" >&2; exit 1; }
  done
}

# start_work BENCH: makes $work, a fresh temporary folder that nginx's workers (which may run
# as another user) can read, and at exit stops the server and nginx ($server_pid, $nginx_pid)
# if they run and removes the folder.
start_work() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/reelpress-$1-bench.XXXXXX")
  chmod 755 "$work"
  server_pid=
  nginx_pid=
  trap stop_work EXIT
}
stop_work() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}

# Builds with `make build` into $build and sets $binary; prints the log and fails if it fails.
build_release() {
  if ! make -C "$root" --no-print-directory build BUILD="$build" >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    exit 1
  fi
  binary="$root/$build/reelpress"
}

# Configures $root/$1 as a Release build with the Google Benchmark programs (no tests) and
# builds the program $2 in it; prints the log and fails if either step fails.
build_benchmark() {
  local dir=$1 target=$2 log
  log=$(mktemp)
  if ! { cmake -S "$root" -B "$root/$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
           -DREELPRESS_BUILD_TESTS=OFF -DREELPRESS_BUILD_BENCHMARKS=ON &&
         ninja -C "$root/$dir" "$target"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

# `reelpress serve SITE` on 127.0.0.1 in the background, with THREADS event loop threads or,
# without, the server's default; sets $server_pid, $port, $base and $server_threads (how many
# the server runs) once the server has said where it listens.
start_server() {
  local site=$1 threads=${2:-}
  "$binary" serve "$site" --listen 127.0.0.1:0 ${threads:+--threads "$threads"} --quiet \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's|.*at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/server.log")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { cat "$work/server.log" >&2; exit 1; }
  base="http://127.0.0.1:$port"
  server_threads=$(sed -n 's|.*at http://.*/ (\([0-9]*\) threads*)$|\1|p' "$work/server.log")
}

# A latency percentile (50, 75, 90 or 99: what wrk prints) in milliseconds from
# `wrk --latency` output on standard input.
wrk_latency_ms() {
  awk -v p="$1%" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
       else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
       printf "%.2f", v }'
}
wrk_p99_ms() { wrk_latency_ms 99; }

# A free loopback port above $1.
free_port_after() {
  local p=$(($1 + 1))
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# start_nginx DIR WORKERS PORT DIRECTIVES: nginx (Debian's, or $NGINX) in the background on
# 127.0.0.1:PORT, its files under DIR, the server block holding DIRECTIVES: access log off,
# sendfile, long keep-alive. Sets $started_nginx_pid once it answers.
start_nginx() {
  local dir=$1 workers=$2 port=$3 directives=$4
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
$( [[ $(id -u) == 0 ]] && echo "user root;" )
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  default_type text/html;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    $directives
  }
}
CONF
  "${NGINX:-/usr/sbin/nginx}" -p "$dir" -c "$dir/nginx.conf" &
  started_nginx_pid=$!
  for _ in $(seq 50); do
    curl -so /dev/null "http://127.0.0.1:$port/" && return 0
    sleep 0.1
  done
  echo "nginx did not start: $(cat "$dir/error.log" 2>/dev/null)" >&2
  return 1
}
