# Shared by the bench scripts: tools, the binary, a server on a free port, SQL on either
# database, a signed-in session and a latency-percentiles script for wrk.
# Expects `out` (the output folder) to be set by the script that sources it.

pg_admin=${KABINET_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$out"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
if [[ -z ${KABINET_BIN:-} ]]; then cargo build --release -p kabinet; fi
bin=$(realpath "${KABINET_BIN:-$target/release/kabinet}")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

pid=""
stop() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; pid=""; }
trap stop EXIT

# Runs SQL on the database behind $url.
sql() {
  local url=$1
  if [[ $url == sqlite* ]]; then sqlite3 "${url#sqlite://}"; else psql -q -t -A -F '|' -v ON_ERROR_STOP=1 "$url"; fi
}

# Starts the server on $url; the second argument is `--no-worker` (the default) or empty.
start() {
  local url=$1 worker=${2---no-worker}
  port=$(free_port)
  # shellcheck disable=SC2086 # the flag is one word or none
  # Staff sign in with the password alone, as in the demo: the scripts measure pages, not the
  # second step of signing in that administrators and accountants get by default.
  DATABASE_URL="$url" KABINET_DATA_DIR="$out/data" KABINET_EMAIL__TRANSPORT=log KABINET_SMS__TRANSPORT=log \
    KABINET_SECOND_FACTOR_ROLES='[]' \
    RUST_LOG=warn "$bin" serve $worker --listen "127.0.0.1:$port" >"$out/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
}

# Signs in through the login form at $1 as $2 and prints the session cookie's value.
session() {
  local path=$1 login=$2
  curl -s -D - -o /dev/null -H "Origin: http://127.0.0.1:$port" \
    --data-urlencode identifier="$login" --data-urlencode password=Kabinet-demo-2026 \
    "http://127.0.0.1:$port$path" | sed -n 's/^[Ss]et-[Cc]ookie: kabinet_session=\([^;]*\).*/\1/p'
}

# Latency percentiles of one page under load: wrk with a script that prints p50/p95/p99.
cat >"$out/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("rps=%.0f p50=%.1fms p95=%.1fms p99=%.1fms errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

# One page under load; first checks that it answers 200 and finds what it should.
page() {
  local label=$1 path=$2 cookie=$3 expect=${4:-}
  if [[ -n $expect ]]; then
    # The whole page first: grep -q stopping early would fail curl under pipefail.
    local body; body=$(curl -sf -b "kabinet_session=$cookie" "http://127.0.0.1:$port$path")
    grep -q -- "$expect" <<<"$body" || { echo "$label: the page does not show '$expect'"; exit 1; }
  fi
  printf '%-56s ' "$label"
  # Two seconds unmeasured first: the steady state is measured, not a server's first requests
  # (plans cached, pages of the tables in memory).
  wrk -t2 -c16 -d2s -H "Cookie: kabinet_session=$cookie" "http://127.0.0.1:$port$path" >/dev/null
  wrk -t2 -c16 -d10s -s "$out/percentiles.lua" -H "Cookie: kabinet_session=$cookie" "http://127.0.0.1:$port$path" | tail -n1
}

# Starts an export job with a POST of the JSON $3 to $2 as the session $1, waits for it and
# prints its status, rows, time, size and the server's peak RSS before and after; $4 is the
# file format, $5 a label.
export_job() {
  local cookie=$1 path=$2 body=$3 format=$4 label=$5 t0 token status hwm0 hwm1 size
  hwm0=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  t0=$(now_ms)
  token=$(curl -sf -X POST -H 'Content-Type: application/json' -b "kabinet_session=$cookie" \
    -d "$body" "http://127.0.0.1:$port$path" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  while true; do
    status=$(curl -sf -b "kabinet_session=$cookie" "http://127.0.0.1:$port/api/v1/exports/$token" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["rows_done"])')
    [[ $status == done* || $status == failed* ]] && break
    sleep 0.2
  done
  hwm1=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  size=$(ls -l "$out/data/exports/$token.$format" 2>/dev/null | awk '{print $5}')
  echo "$label $format: $status rows in $(( $(now_ms) - t0 )) ms, $((size / 1048576)) MiB, server peak RSS $((hwm0 / 1024)) → $((hwm1 / 1024)) MB"
}

# A database with the demo and the script's generated data (`generate URL`), and a server on it;
# in a comparison the data is loaded already (a copy of one generated database per binary).
load_and_start() {
  local label=$1 url=$2
  echo "== $label"
  [[ -n ${preloaded:-} ]] || load "$url"
  start "$url"
}

load() {
  DATABASE_URL="$1" "$bin" migrate >/dev/null
  DATABASE_URL="$1" KABINET_DATA_DIR="$out/data" "$bin" demo >/dev/null
  generate "$1"
}

# Two binaries on the same data: KABINET_COMPARE="before=PATH after=PATH" generates each
# database once (with the last binary) and gives every binary its own copy of it (a file copy
# on SQLite, a template database on PostgreSQL), so the runs differ only by the binary, and
# the writes one run makes (payments, a billing run) never reach the next one.
compare_on() {
  local kind=$1 name=$2 entry label path tmp db template
  local measured_with=$bin
  if [[ $kind == sqlite ]]; then
    tmp=$(mktemp -d)
    load "sqlite://$tmp/template.db"
  else
    template="kabinet_${name}_template_$$"
    psql "$pg_admin" -qc "CREATE DATABASE $template"
    load "${pg_admin%/*}/$template"
  fi
  for entry in $KABINET_COMPARE; do
    label=${entry%%=*} path=${entry#*=}
    bin=$(realpath "$path")
    if [[ $kind == sqlite ]]; then
      cp "$tmp/template.db" "$tmp/$label.db"
      preloaded=1 bench_db "$kind $label" "sqlite://$tmp/$label.db"
      rm -f "$tmp/$label.db"
    else
      db="kabinet_${name}_${label}_$$"
      psql "$pg_admin" -qc "CREATE DATABASE $db TEMPLATE $template"
      preloaded=1 bench_db "$kind $label" "${pg_admin%/*}/$db"
      psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)"
    fi
  done
  bin=$measured_with
  if [[ $kind == sqlite ]]; then rm -rf "$tmp"; else psql "$pg_admin" -qc "DROP DATABASE $template WITH (FORCE)"; fi
}

# What every bench script ends with: `generate DATABASE_URL` only loads the demo and the
# generated data (to look at query plans); `sqlite`, `postgres` or `both` (the default) runs
# the script's `bench_db LABEL URL` on a fresh database of each kind, or, with KABINET_COMPARE,
# each listed binary on a copy of one database of each kind.
run_benches() {
  local which=${1:-both} name
  name=$(basename "$0" .sh)
  if [[ $which == generate ]]; then
    load "$2"
    return
  fi
  echo "$(nproc) cores; $(date -u +%FT%TZ)"
  if [[ -n ${KABINET_COMPARE:-} ]]; then
    if [[ $which == sqlite || $which == both ]]; then compare_on sqlite "$name"; fi
    if [[ $which == postgres || $which == both ]]; then compare_on postgres "$name"; fi
    return
  fi
  if [[ $which == sqlite || $which == both ]]; then
    local tmp; tmp=$(mktemp -d)
    bench_db sqlite "sqlite://$tmp/$name.db"
    rm -rf "$tmp"
  fi
  if [[ $which == postgres || $which == both ]]; then
    local db="kabinet_${name}_$$"
    psql "$pg_admin" -qc "CREATE DATABASE $db"
    bench_db postgres "${pg_admin%/*}/$db"
    psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)"
  fi
}
