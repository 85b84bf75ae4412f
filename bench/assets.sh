#!/usr/bin/env bash
# Asset lifecycle figures (docs/perf.md), on SQLite and on PostgreSQL: the daily sweep over
# 1,000,000 assets of 10,000 customers, of which 10,000 ran out before the day (to expire, with
# a notice each) and 10,000 end within the reminder thresholds (a reminder each), run twice for
# the same day through `kabinet assets sweep` — the first run's wall time, and that the second
# changes nothing.
# Usage: bench/assets.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/assets.sh generate DATABASE_URL   (only loads the demo and the generated data)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh

# The day the sweep runs for; the generated ends are placed around it.
sweep_day=2027-06-01

generate() {
  local url=$1 series ts day
  if [[ $url == sqlite* ]]; then
    series() { echo "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"; }
    ts="strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', '-1 days')"
    day() { echo "date('$sweep_day', ($1) || ' days')"; }
  else
    series() { echo "WITH s(i) AS (SELECT generate_series(1::bigint, $1::bigint))"; }
    ts="(now() - interval '1 day')"
    day() { echo "(date '$sweep_day' + (($1)::int))"; }
  fi
  local t0; t0=$(now_ms)
  # Every hundredth asset ran out 1-7 days before the day, the next one ends within 30 days of
  # it, the rest end 60 days or more after it.
  sql "$url" <<SQL
BEGIN;
$(series 10000)
INSERT INTO customers (kind, name, contract_number, phone, email, city, support_group, language, time_zone, status, chain, created_at, updated_at, search_text)
SELECT 'legal_entity', 'Актив ' || i, 'AST-' || i, '+7911' || substr('0000000' || i, -7), 'asset' || i || '@bench.example',
       'Город', 'A', 'ru', 'Europe/Moscow', 'active', false, $ts, $ts, 'актив ' || i FROM s;
COMMIT;
BEGIN;
$(series 1000000)
INSERT INTO assets (customer_id, kind, status, cabinet_type, billing_period, router_ownership, is_demo, modules, key_id, key_hash, verification, started_on, ends_on, created_at, updated_at)
SELECT (SELECT MIN(id) FROM customers WHERE contract_number LIKE 'AST-%') + (i % 10000), 'hotspot', 'active', 'full', 'year', 'provider', false, '[]',
       'BA' || i, 'bench', 'none', $(day "-365"),
       CASE i % 100 WHEN 0 THEN $(day "-1 - (i % 7)") WHEN 1 THEN $(day "i % 30") ELSE $(day "60 + (i % 300)") END,
       $ts, $ts FROM s;
COMMIT;
SQL
  if [[ $url == sqlite* ]]; then sql "$url" <<<"ANALYZE;"; else sql "$url" <<<"VACUUM ANALYZE;"; fi
  echo "generated 10,000 customers and 1,000,000 assets in $(( $(now_ms) - t0 )) ms"
}

sweep() {
  local url=$1 t0 result
  t0=$(now_ms)
  result=$(DATABASE_URL="$url" KABINET_DATA_DIR="$out/data" RUST_LOG=warn "$bin" assets sweep --date "$sweep_day")
  echo "$result in $(( $(now_ms) - t0 )) ms"
}

bench_db() {
  local label=$1 url=$2
  echo "== $label"
  [[ -n ${preloaded:-} ]] || load "$url"
  echo "[$label] first sweep:  $(sweep "$url")"
  echo "[$label] second sweep: $(sweep "$url")"
  echo "[$label] expired: $(sql "$url" <<<"SELECT COUNT(*) FROM assets WHERE status = 'expired' AND key_id LIKE 'BA%';")," \
    "reminders: $(sql "$url" <<<"SELECT COUNT(*) FROM asset_reminders;")," \
    "messages: $(sql "$url" <<<"SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'asset-end:%';")"
}

run_benches "$@" # one database, both, or only the generated data
