#!/usr/bin/env bash
# Load-test the production-like server (scripts/serve.sh) and nginx serving the same
# snapshot bytes as a static file, then measure a first visit to /map/ in chromium, and the
# time to map on a 50 KB/s, 300 ms connection (scripts/measure_slow_map.py).
#
#   make bench [BENCH_PORT=8000] [NGINX_PORT=8010] [DURATION=10s] [CONNECTIONS=64]
#
# Needs Debian's wrk and nginx (installed with apt-get when missing and run as root) and
# chromium for the first-visit measure. Uses its own SQLite database under var/bench/
# with the (labelled, invented) demo data, so the figures do not depend on your data.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_PORT=${BENCH_PORT:-8000}
NGINX_PORT=${NGINX_PORT:-8010}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS_WRK=${THREADS_WRK:-2}
OUT=var/bench
mkdir -p "$OUT"

need() {  # need <command> <debian package>
  if ! command -v "$1" >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "bench: installing $2 (apt-get install -y $2)"
      apt-get install -y -q "$2" >/dev/null
    else
      echo "bench: '$1' is required: sudo apt-get install -y $2" >&2
      exit 2
    fi
  fi
}
need wrk wrk
need nginx nginx
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# 1. The app, as `make serve` starts it, with the demo data, on its own database.
export SQLITE_PATH=${SQLITE_PATH:-$PWD/$OUT/db.sqlite3}
export SNAPSHOT_DIR=${SNAPSHOT_DIR:-$PWD/$OUT/snapshot}
PORT=$BENCH_PORT SEED_DEMO=1 ACCESS_LOG=/dev/null scripts/serve.sh > "$OUT/server.log" 2>&1 &
PIDS+=($!)
BASE=http://127.0.0.1:$BENCH_PORT
for _ in $(seq 1 900); do  # up to 7.5 min: the demo seed is slow on a busy machine
  curl -sf -o /dev/null "$BASE/data/snapshot.json" && break
  sleep 0.5
done
curl -sf -o /dev/null "$BASE/data/snapshot.json" || { cat "$OUT/server.log"; exit 1; }

ISO3=KEN
# The pages under their language prefix (issue 14): an unprefixed /map/ is a redirect.
URLS=("/en/" "/en/map/" "/data/snapshot.json" "/en/countries/$ISO3/" "/en/embed/map/")
# Warm every worker (each process keeps its own copy of the snapshot and the pages).
for url in "${URLS[@]}"; do
  for _ in $(seq 1 40); do
    curl -s -o /dev/null -H "Accept-Encoding: gzip, br" "$BASE$url"
    curl -s -o /dev/null "$BASE$url"
  done
done

# 2. nginx serving the very same snapshot bytes as a static file.
mkdir -p "$OUT/nginx/html/data" "$OUT/nginx/logs"
curl -s -o "$OUT/nginx/html/data/snapshot.json" "$BASE/data/snapshot.json"
curl -s -H "Accept-Encoding: br" -o "$OUT/nginx/html/data/snapshot.json.br" "$BASE/data/snapshot.json"
curl -s -o "$OUT/nginx/html/data/live.json" "$BASE/data/live.json"
cat > "$OUT/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $PWD/$OUT/nginx/nginx.pid;
error_log $PWD/$OUT/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { application/json json; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $PWD/$OUT/nginx/html;
    add_header Cache-Control "public, max-age=60";
    # The same brotli bytes the app sends to browsers, as a static file.
    location = /data/snapshot.json.br {
      types { } default_type application/json;
      add_header Content-Encoding br;
      add_header Cache-Control "public, max-age=60";
    }
  }
}
CONF
"$NGINX_BIN" -p "$PWD/$OUT/nginx" -c "$PWD/$OUT/nginx/nginx.conf" -g "daemon off;" &
PIDS+=($!)
for _ in $(seq 1 40); do curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/data/snapshot.json" && break; sleep 0.25; done

run_wrk() {  # run_wrk <label> <url> [header]
  local label=$1 url=$2 header=${3:-}
  local args=(-t"$THREADS_WRK" -c"$CONNECTIONS" -d"$DURATION" --latency)
  [ -n "$header" ] && args+=(-H "$header")
  local out
  out=$(wrk "${args[@]}" "$url")
  echo "$out" > "$OUT/wrk-$(echo "$label" | tr -c 'a-zA-Z0-9' '_').txt"
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}')
  printf "| %-38s | %9s | %8s | %8s | %s\n" "$label" "$rps" "$p50" "$p99" "${errors:-}|"
  echo "$rps" > "$OUT/rps-$(echo "$label" | tr -c 'a-zA-Z0-9' '_')"
}

{
  echo "## make bench — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Machine: $(nproc) CPUs, $(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) RAM; $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); $("$NGINX_BIN" -v 2>&1)"
  echo "Server: $(head -n 50 "$OUT/server.log" | grep -oE '(gunicorn [a-z]*|granian \(WSGI\)), [0-9]* workers x [0-9]* threads')"
  echo "Load: wrk -t$THREADS_WRK -c$CONNECTIONS -d$DURATION --latency (pages with Accept-Encoding: gzip, br, as browsers send; snapshot without, the same bytes nginx serves)"
  echo
  echo "| URL                                    |     req/s |      p50 |      p99 | errors |"
  echo "|----------------------------------------|----------:|---------:|---------:|--------|"
  run_wrk "nginx static snapshot.json" "http://127.0.0.1:$NGINX_PORT/data/snapshot.json"
  run_wrk "/data/snapshot.json" "$BASE/data/snapshot.json"
  run_wrk "nginx static snapshot.json.br" "http://127.0.0.1:$NGINX_PORT/data/snapshot.json.br"
  run_wrk "/data/snapshot.json (br)" "$BASE/data/snapshot.json" "Accept-Encoding: br"
  run_wrk "/en/" "$BASE/en/" "Accept-Encoding: gzip, br"
  run_wrk "/en/map/" "$BASE/en/map/" "Accept-Encoding: gzip, br"
  run_wrk "/en/countries/$ISO3/" "$BASE/en/countries/$ISO3/" "Accept-Encoding: gzip, br"
  run_wrk "/en/embed/map/" "$BASE/en/embed/map/" "Accept-Encoding: gzip, br"
  # Revalidation (issue 11): a viewer's poll of the live document when nothing changed.
  etag() { curl -sI "$1" | awk -F': ' 'tolower($1)=="etag" {sub(/\r$/, "", $2); print $2}'; }
  app_etag=$(etag "$BASE/data/live.json")
  nginx_etag=$(etag "http://127.0.0.1:$NGINX_PORT/data/live.json")
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $app_etag" "$BASE/data/live.json")" = 304 ] \
    || echo "bench: /data/live.json did not answer 304 to its own ETag" >&2
  run_wrk "nginx static live.json (304)" "http://127.0.0.1:$NGINX_PORT/data/live.json" "If-None-Match: $nginx_etag"
  run_wrk "/data/live.json (304)" "$BASE/data/live.json" "If-None-Match: $app_etag"
  nginx_rps=$(cat "$OUT/rps-nginx_static_snapshot_json_")
  app_rps=$(cat "$OUT/rps-_data_snapshot_json_")
  echo
  awk -v a="$app_rps" -v n="$nginx_rps" 'BEGIN {printf "Snapshot throughput, identity (%s bytes): %.2f x nginx (target >= 0.30)\n", "'"$(stat -c %s "$OUT/nginx/html/data/snapshot.json")"'", a / n}'
  awk -v a="$(cat "$OUT/rps-_data_snapshot_json__br__")" -v n="$(cat "$OUT/rps-nginx_static_snapshot_json_br_")" 'BEGIN {printf "Snapshot throughput, brotli (%s bytes): %.2f x nginx (target >= 0.30)\n", "'"$(stat -c %s "$OUT/nginx/html/data/snapshot.json.br")"'", a / n}'
  awk -v a="$(cat "$OUT/rps-_data_live_json__304__")" -v n="$(cat "$OUT/rps-nginx_static_live_json__304__")" 'BEGIN {printf "Live document revalidation (If-None-Match -> 304): %.2f x nginx (target >= 0.30)\n", a / n}'
  echo
  echo "First visit to /map/ (chromium, cold cache, compressed bytes on the wire):"
  echo
  echo '```'
  .venv/bin/python scripts/measure_first_visit.py "$BASE/en/map/" 700
  echo '```'
  echo
  echo "Time to map on a slow connection (50 KB/s, 300 ms; chromium, cold cache, 3 runs):"
  echo
  echo '```'
  .venv/bin/python scripts/measure_slow_map.py "$BASE/map/" 3
  echo '```'
} | tee "$OUT/results.md"
