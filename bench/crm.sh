#!/usr/bin/env bash
# Customer CRM figures (docs/perf.md), on SQLite and on PostgreSQL:
#   1. 1,000,000 customers (each with a counterparty, a cabinet login, a phone and a contract)
#      and 1,500,000 licences: the back office's customer search by INN, by contract, by phone
#      and by any part of a name, login, INN or contract in any case, and filtered lists — p50/p95/p99 under load (wrk, 16 connections, 10 s each);
#   2. the guest-phone export of 1,000,000 guests of one licence to csv — wall time and the
#      server's peak RSS before and after.
# Usage: bench/crm.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/crm.sh generate DATABASE_URL   (only loads the demo and the generated data)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh

# Generated data on top of the demo: 1,000,000 legal-entity customers, each with its own
# counterparty (INN 7700000000 + i) and coordinator login (point<i>.coord), phone +7 900 000-00-00 + i and contract CRM-i, spread over
# 50 cities, three support groups, three statuses and (one in ten each) the two demo partners;
# a hotspot licence for every customer and a radar for every other pair of them; 1,000,000 guests of the
# demo customer's verified hotspot.
generate() {
  local url=$1 series ts
  if [[ $url == sqlite* ]]; then
    series() { echo "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"; }
    ts="strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', '-1 days')"
    pad() { echo "substr('0000000000' || ($1), -$2)"; }
    today="date('now')"
  else
    series() { echo "WITH s(i) AS (SELECT generate_series(1::bigint, $1::bigint))"; }
    ts="(now() - interval '1 day')"
    pad() { echo "lpad(($1)::text, $2, '0')"; }
    today="current_date"
  fi
  local t0; t0=$(now_ms)
  sql "$url" <<SQL
BEGIN;
$(series 1000000)
INSERT INTO counterparties (kind, inn, kpp, full_name, short_name, emails, created_at, updated_at, search_text)
SELECT 'legal_entity', '77' || $(pad "i" 8), '770101001', 'Общество с ограниченной ответственностью «Бенч ' || i || '»', 'ООО «Бенч ' || i || '»', '', $ts, $ts,
       '77' || $(pad "i" 8) || ' | ооо «бенч ' || i || '» | общество с ограниченной ответственностью «бенч ' || i || '»' FROM s;
COMMIT;
BEGIN;
$(series 1000000)
INSERT INTO customers (kind, name, contract_number, phone, email, city, partner_id, support_group, language, time_zone, status, counterparty_id, chain, created_at, updated_at, search_text)
SELECT 'legal_entity', 'Точка ' || i || '/ООО «Бенч ' || i || '»', 'CRM-' || i, '+7900' || $(pad "i" 7), 'point' || i || '@bench.example',
       'Город ' || (i % 50), CASE i % 10 WHEN 3 THEN 1 WHEN 7 THEN 2 END,
       CASE i % 3 WHEN 0 THEN 'A' WHEN 1 THEN 'B' ELSE 'C' END, 'ru', 'Europe/Moscow',
       CASE WHEN i % 20 = 0 THEN 'suspended' WHEN i % 50 = 1 THEN 'closed' ELSE 'active' END,
       (SELECT MIN(id) FROM counterparties WHERE inn LIKE '77%') + i - 1, false, $ts, $ts,
       'точка ' || i || '/ооо «бенч ' || i || '» | crm-' || i || ' | +7900' || $(pad "i" 7) || ' | 7900' || $(pad "i" 7)
         || ' | point' || i || '@bench.example | город ' || (i % 50) FROM s;
COMMIT;
BEGIN;
INSERT INTO users (login, display_name, password_hash, customer_id, customer_role, language, status, must_change_password, created_at, updated_at, password_changed_at, search_text)
SELECT 'point' || substr(contract_number, 5) || '.coord', 'Координатор Точки ' || substr(contract_number, 5), 'bench', id, 'coordinator', 'ru', 'active', false, $ts, $ts, $ts,
       'point' || substr(contract_number, 5) || '.coord | координатор точки ' || substr(contract_number, 5)
FROM customers WHERE contract_number LIKE 'CRM-%';
COMMIT;
BEGIN;
INSERT INTO assets (customer_id, kind, status, cabinet_type, billing_period, router_ownership, is_demo, modules, key_id, key_hash, verification, started_on, created_at, updated_at)
SELECT id, 'hotspot', CASE WHEN id % 25 = 0 THEN 'expired' ELSE 'active' END, 'full', 'month', 'provider', false, '[]', 'BH' || id, 'bench', 'none', $today, $ts, $ts
FROM customers WHERE contract_number LIKE 'CRM-%';
INSERT INTO assets (customer_id, kind, status, cabinet_type, billing_period, router_ownership, is_demo, modules, key_id, key_hash, verification, started_on, created_at, updated_at)
SELECT id, 'radar', 'active', 'lite', 'year', 'customer', false, '[]', 'BR' || id, 'bench', 'none', $today, $ts, $ts
FROM customers WHERE contract_number LIKE 'CRM-%' AND (id / 2) % 2 = 0;
COMMIT;
BEGIN;
$(series 1000000)
INSERT INTO guests (asset_id, customer_id, phone, first_seen, last_seen, visits)
SELECT 1, (SELECT customer_id FROM assets WHERE id = 1), '+7901' || $(pad "i" 7), $ts, $ts, 1 + i % 9 FROM s;
COMMIT;
SQL
  if [[ $url == sqlite* ]]; then
    # A bulk load leaves the search indexes in many segments; merge them as after a backfill.
    sql "$url" <<<"INSERT INTO customers_search(customers_search) VALUES ('optimize');
      INSERT INTO users_search(users_search) VALUES ('optimize');
      INSERT INTO counterparties_search(counterparties_search) VALUES ('optimize');
      ANALYZE;"
  else
    sql "$url" <<<"VACUUM ANALYZE;"
  fi
  echo "generated 1,000,000 customers and counterparties, 1,500,000 licences, 1,000,000 guests in $(( $(now_ms) - t0 )) ms"
}

bench_db() {
  local label=$1 url=$2
  load_and_start "$label" "$url"
  local staff cust
  staff=$(session /crm/login manager)
  cust=$(session /login vector.coord)
  page "[$label] search by INN" "/crm/customers?q=7700512345" "$staff" "CRM-512345"
  page "[$label] search by contract" "/crm/customers?q=CRM-512345" "$staff" "CRM-512345"
  page "[$label] search by phone" "/crm/customers?q=%2B7%20900%20051-23-45" "$staff" "CRM-512345"
  # Any part in any case (CRM-3): a rare name part, a login part, part of an INN, a common word
  # (checked row by row in the list's order), two words, and a word too short for the index.
  page "[$label] search: name part, lower case" "/crm/customers?q=%D0%B1%D0%B5%D0%BD%D1%87%20512345" "$staff" "CRM-512345"
  page "[$label] search: part of a login" "/crm/customers?q=point51234.co" "$staff" "CRM-51234<"
  page "[$label] search: part of an INN" "/crm/customers?q=00512345" "$staff" "CRM-512345"
  page "[$label] search: contract part" "/crm/customers?q=m-51234" "$staff" "CRM-51234"
  page "[$label] search: a common word" "/crm/customers?q=%D1%82%D0%BE%D1%87%D0%BA%D0%B0" "$staff" "CRM-"
  page "[$label] search: city and name words" "/crm/customers?q=%D0%B3%D0%BE%D1%80%D0%BE%D0%B4%207%20%D1%82%D0%BE%D1%87%D0%BA%D0%B0%2099" "$staff" "CRM-"
  page "[$label] search: two letters" "/crm/customers?q=%D1%82%D0%BE" "$staff" "CRM-"
  page "[$label] list: status + group, by name" "/crm/customers?status=active&group=B" "$staff" "CRM-"
  page "[$label] list: city + licence type radar" "/crm/customers?city=%D0%93%D0%BE%D1%80%D0%BE%D0%B4%207&licence=radar" "$staff" "CRM-"
  page "[$label] list: partner + status, by contract" "/crm/customers?partner=1&status=active&sort=contract" "$staff" "CRM-"
  page "[$label] list: no filter, first page" "/crm/customers" "$staff" "CRM-"
  export_job "$cust" /api/v1/licences/1/guest-exports '{"format":"csv"}' csv "guest export"
  stop
}

run_benches "$@" # one database, both, or only the generated data
