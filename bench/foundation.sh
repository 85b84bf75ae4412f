#!/usr/bin/env bash
# Foundation figures (docs/perf.md):
#   1. signed-in cabinet dashboards under load — requests/s and latency percentiles at 64
#      connections — next to /healthz in the same run, on SQLite and on PostgreSQL: a company's
#      (licences, users, payments) and a guarded household's (objects with their latest events,
#      open requests, amount due);
#   2. `kabinet serve --demo` from the built binary to the first 200 on /readyz (SQLite);
#   3. resident memory of the idle server.
# Load comes from wrk on 127.0.0.1 only. Usage: bench/foundation.sh [duration, default 20s]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-20s}
connections=${CONNECTIONS:-64}
pg_admin=${KABINET_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
target=${CARGO_TARGET_DIR:-target}
out=bench/out
mkdir -p "$out"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
# KABINET_BIN measures an already built binary instead of building one.
if [[ -z ${KABINET_BIN:-} ]]; then cargo build --release -p kabinet; fi
bin=${KABINET_BIN:-$target/release/kabinet}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pid=""
stop() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; pid=""; }
trap stop EXIT

# Starts the server on `url`; sets $pid, $port and $started_ms (milliseconds from launch to
# the first 200 on /readyz).
start() {
  local url=$1
  port=$(free_port)
  local t0 t1
  t0=$(date +%s%N)
  DATABASE_URL="$url" RUST_LOG=warn "$bin" serve --demo --no-worker --listen "127.0.0.1:$port" >"$out/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.005; done
  t1=$(date +%s%N)
  started_ms=$(((t1 - t0) / 1000000))
}

session() {
  local login=${1:-vector.coord}
  curl -s -D - -o /dev/null -H "Origin: http://127.0.0.1:$port" \
    --data-urlencode identifier="$login" --data-urlencode password=Kabinet-demo-2026 \
    "http://127.0.0.1:$port/login" | sed -n 's/^[Ss]et-[Cc]ookie: kabinet_session=\([^;]*\).*/\1/p'
}

load() {
  local name=$1 path=$2 cookie=$3
  wrk -t2 -c"$connections" -d"$duration" --latency -H "Cookie: kabinet_session=$cookie" "http://127.0.0.1:$port$path" >"$out/$name.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/$name.txt")
  p50=$(awk '$1=="50%" {print $2}' "$out/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$out/$name.txt")
  printf '%-22s %10s req/s   p50 %-8s p99 %-8s\n' "$name" "$rps" "$p50" "$p99"
}

# Median requests/s and p99 over the rounds of one measurement.
median() {
  local name=$1
  local rps p99
  rps=$(for f in "$out/$name"-?.txt; do awk '/Requests\/sec/ {print $2}' "$f"; done | sort -n | sed -n 2p)
  p99=$(for f in "$out/$name"-?.txt; do awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$f"; done | sort -n | sed -n 2p)
  printf '%-22s median %10s req/s   p99 %s ms\n' "$name" "$rps" "$p99"
}

bench_db() {
  local label=$1 url=$2
  start "$url"
  echo "[$label] serve --demo to first /readyz 200: ${started_ms} ms"
  sleep 2
  echo "[$label] idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
  local cookie guarded
  cookie=$(session)
  guarded=$(session orlov.home)
  [[ -n $cookie && -n $guarded ]] || { echo "login failed"; cat "$out/server.log"; exit 1; }
  curl -sf -o /dev/null -b "kabinet_session=$cookie" "http://127.0.0.1:$port/" || { echo "dashboard failed"; exit 1; }
  curl -sf -b "kabinet_session=$guarded" "http://127.0.0.1:$port/" | grep -q 'latest-events' ||
    { echo "the guarded dashboard shows no events"; exit 1; }
  # Alternate the pages so that all see the same machine; report each run and the medians.
  for round in 1 2 3; do
    load "$label-healthz-$round" /healthz "$cookie"
    load "$label-dashboard-$round" / "$cookie"
    load "$label-guarded-$round" / "$guarded"
  done
  median "$label-healthz"
  median "$label-dashboard"
  median "$label-guarded"
  echo "[$label] RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
  stop
}

echo "wrk: $connections connections, 2 threads, $duration per run, $(nproc) cores"
tmp=$(mktemp -d)
bench_db sqlite "sqlite://$tmp/bench.db"
# The first start above created and migrated the file; this measures a cold start on a new file.
rm -rf "$tmp"; tmp=$(mktemp -d)
for i in 1 2 3 4 5; do
  rm -f "$tmp"/*.db*
  start "sqlite://$tmp/bench.db"; stop
  echo "cold start $i (new SQLite file, migrations + demo data): ${started_ms} ms"
done
rm -rf "$tmp"

if psql "$pg_admin" -qc 'select 1' >/dev/null 2>&1; then
  db="kabinet_bench_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $db"
  bench_db postgres "${pg_admin%/*}/$db"
  psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)"
else
  echo "PostgreSQL not reachable at $pg_admin: skipped"
fi
