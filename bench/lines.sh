#!/usr/bin/env bash
# Telecom line register figures (docs/perf.md), on SQLite and on PostgreSQL: the demo haulage
# company's main account grown to 100,000 lines (six groups, labels on a quarter of them),
# its coordinator's register page narrowed by group + label + text, and for reference by text
# alone, by group alone and unfiltered — p50/p95/p99 under load (wrk, 16 connections, 10 s
# each), and the same filter over the API.
# Usage: bench/lines.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/lines.sh generate DATABASE_URL   (only loads the demo and the generated data)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh

# shellcheck source=bench/lines_data.sh
source bench/lines_data.sh

bench_db() {
  local label=$1 url=$2 coord account group duty
  load_and_start "$label" "$url"
  coord=$(session /login volga.coord)
  account=$(sql "$url" <<<"SELECT MIN(id) FROM accounts WHERE customer_id = (SELECT id FROM customers WHERE contract_number = 'TL-2026-0001');")
  group=$(sql "$url" <<<"SELECT MIN(id) FROM line_groups;")
  duty=$(sql "$url" <<<"SELECT id FROM line_labels WHERE name = 'Дежурный';")
  # "Работник 4236" is in the first group (4236 % 6 = 0) and on duty (4236 % 4 = 0).
  page "[$label] group + label + text" "/lines?account=$account&group=$group&label=$duty&q=%D1%80%D0%B0%D0%B1%D0%BE%D1%82%D0%BD%D0%B8%D0%BA+4236" "$coord" "+79370004236"
  page "[$label] group + label + part of a number" "/lines?account=$account&group=$group&label=$duty&q=00042" "$coord" "+7937000420"
  page "[$label] text only (a surname part)" "/lines?account=$account&q=%D1%80%D0%B0%D0%B1%D0%BE%D1%82%D0%BD%D0%B8%D0%BA+98765" "$coord" "+79370098765"
  page "[$label] group only" "/lines?account=$account&group=$group" "$coord" "data-id"
  page "[$label] first page, no filter" "/lines?account=$account" "$coord" "data-id"
  page "[$label] API: group + label + text" "/api/v1/lines?account_id=$account&group_id=$group&label_id=$duty&q=%D1%80%D0%B0%D0%B1%D0%BE%D1%82%D0%BD%D0%B8%D0%BA+4236" "$coord" "+79370004236"
  stop
}

run_benches "$@" # one database, both, or only the generated data
