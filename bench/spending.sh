#!/usr/bin/env bash
# Spending figures (docs/perf.md), on SQLite and on PostgreSQL: the demo haulage company's main
# account grown to 100,000 lines (bench/lines_data.sh), and twelve months of usage for the
# generated lines — 1.19 million line-months holding 4.76 million category amounts (calls,
# SMS, data, fee), with the account/group/label totals the import keeps. The coordinator's
# spending page for the twelve months (chart, table, top ten lines), narrowed to a group, a
# label and one line, and the API — p50/p95/p99 under load (wrk, 16 connections, 10 s each).
# Usage: bench/spending.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/spending.sh generate DATABASE_URL   (only loads the demo and the generated data)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh
# shellcheck source=bench/lines_data.sh
source bench/lines_data.sh
eval "$(declare -f generate | sed '1s/^generate/generate_lines/')"

generate() {
  local url=$1 month ts
  generate_lines "$url"
  if [[ $url == sqlite* ]]; then
    month() { echo "date('now', 'start of month', '-' || $1 || ' months')"; }
    months="WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 11)"
    ts="strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now')"
  else
    month() { echo "(date_trunc('month', now()) - ($1) * interval '1 month')::date"; }
    months="WITH m(k) AS (SELECT generate_series(0, 11))"
    ts="now()"
  fi
  local company="(SELECT id FROM customers WHERE contract_number = 'TL-2026-0001')"
  local account="(SELECT MIN(id) FROM accounts WHERE customer_id = $company)"
  local t0; t0=$(now_ms)
  sql "$url" <<SQL
BEGIN;
INSERT INTO usage_imports (file_name, digest, rows, lines, accounts, created_by, created_at)
VALUES ('bench.csv', 'bench', 0, 0, 1, 'bench', $ts);
$months
INSERT INTO line_usage (line_id, month, account_id, group_id, calls_minor, sms_minor, data_minor, fee_minor, other_minor,
                        total_minor, call_minutes, sms_count, data_mb, limit_told_percent, import_id)
SELECT l.asset_id, $(month m.k), l.account_id, l.group_id,
       (l.asset_id * 37 + m.k * 53) % 400 * 200, (l.asset_id + m.k) % 30 * 250, (l.asset_id * 97 + m.k * 31) % 8000 / 100 * 600,
       50000 + l.asset_id % 3 * 25000, NULL,
       (l.asset_id * 37 + m.k * 53) % 400 * 200 + (l.asset_id + m.k) % 30 * 250 + (l.asset_id * 97 + m.k * 31) % 8000 / 100 * 600
         + 50000 + l.asset_id % 3 * 25000,
       (l.asset_id * 37 + m.k * 53) % 400, (l.asset_id + m.k) % 30, (l.asset_id * 97 + m.k * 31) % 8000, 0,
       (SELECT id FROM usage_imports WHERE digest = 'bench')
FROM lines l CROSS JOIN m WHERE l.phone LIKE '+7937%';
INSERT INTO line_usage_labels (line_id, month, label_id)
SELECT u.line_id, u.month, k.label_id FROM line_usage u JOIN line_label_links k ON k.line_id = u.line_id
WHERE u.account_id = $account AND u.import_id = (SELECT id FROM usage_imports WHERE digest = 'bench');
COMMIT;
BEGIN;
DELETE FROM usage_totals WHERE account_id = $account;
INSERT INTO usage_totals (account_id, scope, scope_id, month, calls_minor, sms_minor, data_minor, fee_minor, other_minor, total_minor)
SELECT account_id, 'account', 0, month, SUM(COALESCE(calls_minor, 0)), SUM(COALESCE(sms_minor, 0)), SUM(COALESCE(data_minor, 0)),
       SUM(COALESCE(fee_minor, 0)), SUM(COALESCE(other_minor, 0)), SUM(total_minor)
FROM line_usage WHERE account_id = $account GROUP BY account_id, month;
INSERT INTO usage_totals (account_id, scope, scope_id, month, calls_minor, sms_minor, data_minor, fee_minor, other_minor, total_minor)
SELECT account_id, 'group', group_id, month, SUM(COALESCE(calls_minor, 0)), SUM(COALESCE(sms_minor, 0)), SUM(COALESCE(data_minor, 0)),
       SUM(COALESCE(fee_minor, 0)), SUM(COALESCE(other_minor, 0)), SUM(total_minor)
FROM line_usage WHERE account_id = $account AND group_id IS NOT NULL GROUP BY account_id, group_id, month;
INSERT INTO usage_totals (account_id, scope, scope_id, month, calls_minor, sms_minor, data_minor, fee_minor, other_minor, total_minor)
SELECT u.account_id, 'label', k.label_id, u.month, SUM(COALESCE(u.calls_minor, 0)), SUM(COALESCE(u.sms_minor, 0)), SUM(COALESCE(u.data_minor, 0)),
       SUM(COALESCE(u.fee_minor, 0)), SUM(COALESCE(u.other_minor, 0)), SUM(u.total_minor)
FROM line_usage u JOIN line_usage_labels k ON k.line_id = u.line_id AND k.month = u.month
WHERE u.account_id = $account GROUP BY u.account_id, k.label_id, u.month;
COMMIT;
SQL
  if [[ $url == sqlite* ]]; then sql "$url" <<<"ANALYZE;"; else sql "$url" <<<"VACUUM ANALYZE;"; fi
  echo "generated $(sql "$url" <<<"SELECT COUNT(*) FROM line_usage;") line-months of usage in $(( $(now_ms) - t0 )) ms"
}

bench_db() {
  local label=$1 url=$2 coord account group duty line from to
  load_and_start "$label" "$url"
  coord=$(session /login volga.coord)
  account=$(sql "$url" <<<"SELECT MIN(id) FROM accounts WHERE customer_id = (SELECT id FROM customers WHERE contract_number = 'TL-2026-0001');")
  group=$(sql "$url" <<<"SELECT MIN(id) FROM line_groups;")
  duty=$(sql "$url" <<<"SELECT id FROM line_labels WHERE name = 'Дежурный';")
  line=$(sql "$url" <<<"SELECT asset_id FROM lines WHERE phone = '+79370004236';")
  to=$(date -u +%Y-%m)
  from=$(date -u -d "$(date -u +%Y-%m-01) -11 months" +%Y-%m)
  local period="account=$account&from=$from&to=$to" name scope
  # The first view of each after the usage file counts its top ten (kept until the next file).
  for name in account group label; do
    case $name in account) scope="" ;; group) scope="&group=$group" ;; label) scope="&label=$duty" ;; esac
    printf '%-56s %s s\n' "[$label] first view of the $name, top ten counted" \
      "$(curl -s -o /dev/null -w '%{time_total}' -b "kabinet_session=$coord" "http://127.0.0.1:$port/lines/spending?$period$scope")"
  done
  page "[$label] account, 12 months (chart + top ten)" "/lines/spending?$period" "$coord" "spending-chart"
  page "[$label] one group, 12 months" "/lines/spending?$period&group=$group" "$coord" "spending-chart"
  page "[$label] one label, 12 months" "/lines/spending?$period&label=$duty" "$coord" "spending-chart"
  page "[$label] one line, 12 months" "/lines/spending?$period&line=$line" "$coord" "spending-chart"
  page "[$label] API: account, 12 months" "/api/v1/line-spending?$period" "$coord" "top_lines"
  stop
}

run_benches "$@" # one database, both, or only the generated data
