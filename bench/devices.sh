#!/usr/bin/env bash
# Device register figures (docs/perf.md), on SQLite and on PostgreSQL:
#   1. finding a device by its identifier (whole, or its beginning) among 1,000,000 devices of
#      10,000 buyers, on the register page and over the API — p50/p95/p99 under load (wrk,
#      16 connections, 10 s each); plus, for reference, the register's first page unfiltered
#      and narrowed by status and type;
#   2. `kabinet devices import` of a CSV file of 100,000 devices into that register: wall time
#      and the process's peak RSS, then the same file again (every row refused as taken,
#      nothing written).
# Usage: bench/devices.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/devices.sh generate DATABASE_URL   (only loads the demo and the generated data)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh

# 10,000 buyers (contracts DEV-1 … DEV-10000) with 100 devices each: serial numbers
# SN-0000001 … SN-1000000, one in ten a dongle id instead, of the demo's three types and five
# brands; one in twenty expired, one in fifty suspended, the rest in service.
generate() {
  local url=$1 ts
  if [[ $url == sqlite* ]]; then
    series() { echo "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"; }
    ts="strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', '-1 days')"
    pad() { echo "printf('%07d', $1)"; }
    day() { echo "date('now', ($1) || ' days')"; }
    num() { echo "CAST(substr($1, 4) AS INTEGER)"; }
  else
    series() { echo "WITH s(i) AS (SELECT generate_series(1::bigint, $1::bigint))"; }
    ts="(now() - interval '1 day')"
    pad() { echo "lpad(($1)::text, 7, '0')"; }
    day() { echo "(current_date + (($1)::int))"; }
    num() { echo "CAST(substr($1, 4) AS BIGINT)"; }
  fi
  local t0; t0=$(now_ms)
  sql "$url" <<SQL
BEGIN;
$(series 10000)
INSERT INTO customers (kind, name, contract_number, phone, email, city, support_group, language, time_zone, country, status, chain, created_at, updated_at, search_text)
SELECT 'individual', 'Покупатель ' || i, 'DEV-' || i, '+98912' || $(pad "i"), 'buyer' || i || '@bench.example',
       'Тегеран', 'C', 'fa', 'Asia/Tehran', 'IR', 'active', false, $ts, $ts, 'покупатель ' || i FROM s;
COMMIT;
BEGIN;
$(series 1000000)
INSERT INTO assets (customer_id, kind, status, is_demo, modules, key_id, key_hash, verification, started_on, ends_on, created_at, updated_at)
SELECT (SELECT MIN(id) FROM customers WHERE contract_number LIKE 'DEV-%') + (i % 10000), 'device',
       CASE WHEN i % 20 = 0 THEN 'expired' WHEN i % 50 = 1 THEN 'suspended' ELSE 'active' END, false, '[]',
       'BD-' || i, '', 'none', $(day "-400"),
       CASE WHEN i % 20 = 0 THEN $(day "-(i % 30) - 1") ELSE $(day "(i % 700)") END, $ts, $ts FROM s;
COMMIT;
BEGIN;
INSERT INTO devices (asset_id, device_type_id, brand, model, identifier_kind, identifier, operator_name, installed_on, warranty_ends_on)
SELECT a.id, (SELECT MIN(id) FROM device_types) + $(num "a.key_id") % 3,
       CASE $(num "a.key_id") % 5 WHEN 0 THEN 'Sarma' WHEN 1 THEN 'Zolal' WHEN 2 THEN 'Havaban' WHEN 3 THEN 'Pars' ELSE 'Arya' END,
       'M-' || ($(num "a.key_id") % 40),
       CASE WHEN $(num "a.key_id") % 10 = 0 THEN 'dongle' ELSE 'serial' END,
       'SN-' || $(pad "$(num "a.key_id")"), NULL, a.started_on, NULL
FROM assets a WHERE a.key_id LIKE 'BD-%';
COMMIT;
SQL
  if [[ $url == sqlite* ]]; then sql "$url" <<<"ANALYZE;"; else sql "$url" <<<"VACUUM ANALYZE;"; fi
  echo "generated 10,000 buyers and 1,000,000 devices in $(( $(now_ms) - t0 )) ms"
}

# The file of 100,000 devices for the import: the generated buyers, new identifiers.
import_file() {
  local file=$out/devices-import.csv
  [[ -f $file ]] && { echo "$file"; return; }
  python3 - "$file" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    f.write("\ufeffcustomer;device_type;brand;model;identifier_kind;identifier;operator_name;installed_on;warranty_ends_on;service_ends_on;status\r\n")
    for i in range(1, 100_001):
        f.write(f"DEV-{i % 10000 + 1};purifier;Zolal;RO-{i % 9};serial;IMP-{i:07d};Operator {i % 100};01.06.2026;2027-06-01;2027-06-01;\r\n")
PY
  echo "$file"
}

# Runs `kabinet devices import` and prints its exit status, wall time and peak RSS.
import_run() {
  local url=$1 file=$2
  python3 - "$bin" "$url" "$file" "$out/data" <<'PY'
import os, resource, subprocess, sys, time
binary, url, path, data = sys.argv[1:]
env = dict(os.environ, DATABASE_URL=url, KABINET_DATA_DIR=data, RUST_LOG="warn")
t0 = time.monotonic()
p = subprocess.run([binary, "devices", "import", path], env=env, capture_output=True, text=True)
took = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
said = (p.stdout.strip() or p.stderr.strip().splitlines()[-1]).replace(path, "file")
print(f"exit {p.returncode} in {took:.1f} s, peak RSS {rss:.0f} MB: {said}")
PY
}

bench_db() {
  local label=$1 url=$2 staff file
  load_and_start "$label" "$url"
  staff=$(session /crm/login support)
  page "[$label] register: whole identifier" "/crm/devices?q=SN-0421337" "$staff" "SN-0421337"
  page "[$label] register: beginning of an identifier" "/crm/devices?q=sn-04213" "$staff" "SN-0421399"
  page "[$label] API: whole identifier" "/api/v1/crm/devices?q=SN-0421337" "$staff" "SN-0421337"
  page "[$label] register: first page, no filter" "/crm/devices" "$staff" "SN-"
  page "[$label] register: expired, one type" "/crm/devices?status=expired&device_type=$(sql "$url" <<<"SELECT MIN(id) FROM device_types;")" "$staff" "SN-"
  stop
  file=$(import_file)
  echo "[$label] import of 100,000 devices:       $(import_run "$url" "$file")"
  echo "[$label] the same file again:             $(import_run "$url" "$file")"
  echo "[$label] devices now: $(sql "$url" <<<"SELECT COUNT(*) FROM devices;")"
}

run_benches "$@" # one database, both, or only the generated data
