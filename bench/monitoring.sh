#!/usr/bin/env bash
# Guarded property figures (docs/perf.md), on SQLite and on PostgreSQL:
#   1. event ingestion: a monitoring console posts batches of 1,000 new events (8 connections,
#      20 s), a tenth of them of objects with SMS alerts — events taken per second; then the
#      same batches again — duplicates skipped per second;
#   2. an object's event log for one month over 10,000,000 events of 10,000 objects — p50/p95/p99
#      of the back office's object page and of the API under load (wrk, 16 connections, 10 s).
# Usage: bench/monitoring.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/monitoring.sh generate DATABASE_URL   (only loads the demo and the generated data)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh

# On top of the demo: a customer with 10,000 protected objects (key numbers B-1 … B-10000)
# and 1,000 events of each, one every 8 hours and 46 minutes back from now (a year), reported
# by the demo's console.
generate() {
  local url=$1 series ts at
  if [[ $url == sqlite* ]]; then
    series() { echo "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"; }
    ts="strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', '-1 days')"
    at() { echo "strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', '-' || (($1) * 526) || ' minutes')"; }
    today="date('now')"
  else
    series() { echo "WITH s(i) AS (SELECT generate_series(1::bigint, $1::bigint))"; }
    ts="(now() - interval '1 day')"
    at() { echo "(now() - ($1) * interval '526 minutes')"; }
    today="current_date"
  fi
  local t0; t0=$(now_ms)
  sql "$url" <<SQL
BEGIN;
INSERT INTO customers (kind, name, contract_number, language, time_zone, status, chain, created_at, updated_at, search_text)
VALUES ('individual', 'Бенч охрана', 'OX-BENCH', 'ru', 'Europe/Moscow', 'active', false, $ts, $ts, 'бенч охрана | ox-bench');
$(series 10000)
INSERT INTO assets (customer_id, kind, status, is_demo, modules, key_id, key_hash, verification, started_on, created_at, updated_at)
SELECT (SELECT id FROM customers WHERE contract_number = 'OX-BENCH'), 'security_object', 'active', false, '[]',
       'bo-' || i, '', 'none', $today, $ts, $ts FROM s;
INSERT INTO security_objects (asset_id, name, address, object_kind, key_number, contract_number, monitoring, panic_button, sms_alerts)
SELECT id, 'Объект ' || substr(key_id, 4), 'Казань, ул. Бенч, ' || substr(key_id, 4), 'flat', 'B-' || substr(key_id, 4), '', true, false, false
FROM assets WHERE key_id LIKE 'bo-%';
-- Every tenth object has SMS alerts switched on by a done request, so that ingestion also
-- queues alerts (one per kind, object and minute).
INSERT INTO service_requests (customer_id, kind, status, comment, created_at, updated_at)
VALUES ((SELECT id FROM customers WHERE contract_number = 'OX-BENCH'), 'sms_alerts', 'done', '', $ts, $ts);
INSERT INTO sms_alert_subscriptions (object_id, phone, starts_on, request_id, updated_at)
SELECT asset_id, '+79' || (900000000 + CAST(substr(key_number, 3) AS integer)), '2020-01-01',
       (SELECT MAX(id) FROM service_requests), $ts
FROM security_objects WHERE key_number LIKE 'B-%' AND CAST(substr(key_number, 3) AS integer) % 10 = 0;
UPDATE security_objects SET sms_alerts = true WHERE asset_id IN (SELECT object_id FROM sms_alert_subscriptions);
COMMIT;
SQL
  # Ten statements of a million events each, so that neither database holds ten million rows
  # of a statement at once.
  for part in 0 1 2 3 4 5 6 7 8 9; do
    sql "$url" <<SQL
BEGIN;
$(series 1000000)
INSERT INTO security_events (object_id, source_id, event_ref, kind, occurred_at, received_at)
SELECT (SELECT MIN(asset_id) FROM security_objects WHERE key_number LIKE 'B-%') + ((i - 1) % 10000),
       (SELECT MIN(id) FROM event_sources), 'bench-$part-' || i,
       CASE i % 4 WHEN 0 THEN 'armed' WHEN 1 THEN 'disarmed' WHEN 2 THEN 'armed' ELSE 'disarmed' END,
       $(at "$part * 100 + (i - 1) / 10000"), $ts
FROM s;
COMMIT;
SQL
  done
  if [[ $url != sqlite* ]]; then sql "$url" <<<"ANALYZE security_events; ANALYZE security_objects; ANALYZE assets;"; fi
  echo "generated 10,000 objects and 10,000,000 events in $(( $(now_ms) - t0 )) ms"
}

cat >"$out/ingest.lua" <<'LUA'
-- Batches of 1,000 events, each id new (thread, run and counter in it) unless `repeat` is
-- given, in which case every request sends the same batch.
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
init = function(args)
  token, run, again = args[1], args[2], args[3] == "repeat"
  counter = 0
  at = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 60)
end
request = function()
  if not again then counter = counter + 1 end
  local parts = {}
  for i = 1, 1000 do
    local n = counter * 1000 + i
    parts[i] = string.format('{"event_id":"%s-%d-%d","key_number":"B-%d","kind":"alarm","occurred_at":"%s"}',
      run, tid, n, (n % 10000) + 1, at)
  end
  return wrk.format("POST", "/api/v1/security/events",
    {["Content-Type"] = "application/json", ["Authorization"] = "Console " .. token},
    '{"events":[' .. table.concat(parts, ",") .. ']}')
end
done = function(summary, latency, requests)
  io.write(string.format("batches/s=%.1f events/s=%.0f p50=%.1fms p95=%.1fms errors=%d\n",
    summary.requests / (summary.duration / 1e6), 1000 * summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

bench_db() {
  local label=$1 url=$2 staff token object run from to
  load_and_start "$label" "$url"
  token=$(DATABASE_URL="$url" "$bin" consoles add bench | sed -n 's/^token (shown once): //p')
  staff=$(session /crm/login manager)
  run="r$(date +%s)"
  printf '%-56s ' "[$label] ingest new events, batches of 1,000"
  wrk -t2 -c8 -d20s --timeout 10s -s "$out/ingest.lua" "http://127.0.0.1:$port" -- "$token" "$run" | tail -n1
  printf '%-56s ' "[$label] ingest the same batch again (duplicates)"
  wrk -t2 -c8 -d10s --timeout 10s -s "$out/ingest.lua" "http://127.0.0.1:$port" -- "$token" "$run" repeat | tail -n1
  object=$(sql "$url" <<<"SELECT asset_id FROM security_objects WHERE key_number = 'B-5000';")
  to=$(date -u +%F)
  from=$(date -u -d '29 days ago' +%F)
  page "[$label] object's month, back office page" "/crm/security-objects/$object?from=$from&to=$to" "$staff" 'data-kind='
  page "[$label] object's month, API" "/api/v1/crm/security-objects/$object/events?from=$from&to=$to" "$staff" '"kind"'
  page "[$label] object's month, API page 2" "/api/v1/crm/security-objects/$object/events?from=$from&to=$to&per_page=20&page=2" "$staff" '"kind"'
  stop
}

run_benches "$@" # one database, both, or only the generated data
