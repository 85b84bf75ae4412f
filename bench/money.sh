#!/usr/bin/env bash
# Money figures (docs/perf.md), on SQLite and on PostgreSQL:
#   1. a filtered payments page over 1,000,000 payments on 10,000 accounts — p50/p95/p99 under
#      load (wrk, 16 connections) for the back office (all accounts) and the cabinet (one
#      customer's accounts);
#   2. exports of all 1,000,000 payments to csv and xlsx — wall time and the server's peak RSS;
#   3. 200 concurrent clients posting payments and charges to 50 accounts for 30 s — every
#      balance must equal the sum of its entries and the clients' own count of what succeeded;
#   4. a billing run over 100,000 subscriptions, then a second run for the same date;
#   5. documents: a payment receipt rendered to PDF under load, and orders of one invoice PDF
#      timed by the server from placing to done (median of 20, worker in the server).
# Usage: bench/money.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/money.sh generate DATABASE_URL   (only loads the demo and the generated data,
#                                                 to look at query plans)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh

# Generated data: 10,000 customers with one account each (on top of the demo), 1,000,000
# succeeded payments spread over every account and the last 365 days, 100,000 subscriptions.
generate() {
  local url=$1 series
  if [[ $url == sqlite* ]]; then
    series() { echo "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"; }
    ts() { echo "strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', $1)"; }
    dt() { echo "date('now', $1)"; }
    days() { echo "'-' || ($1) || ' days'"; }
  else
    series() { echo "WITH s(i) AS (SELECT generate_series(1::bigint, $1::bigint))"; }
    ts() { echo "(now() + ($1)::interval)"; }
    dt() { echo "(current_date + ($1)::interval)::date"; }
    days() { echo "'-' || ($1) || ' days'"; }
  fi
  local t0; t0=$(now_ms)
  sql "$url" <<SQL
BEGIN;
$(series 10000)
INSERT INTO customers (kind, name, contract_number, phone, email, city, language, time_zone, status, created_at, updated_at)
SELECT 'legal_entity', 'Bench customer ' || i, 'BENCH-' || i, NULL, NULL, 'Bench', 'ru', 'Europe/Moscow', 'active', $(ts "'-1 days'"), $(ts "'-1 days'") FROM s;
INSERT INTO accounts (number, customer_id, kind, title, currency, balance, credit_limit, below_warning, time_zone, status, created_at, updated_at)
SELECT 'B' || id, id, 'customer', 'Bench', 'RUB', 0, 100000000, false, 'Europe/Moscow', 'active', $(ts "'-1 days'"), $(ts "'-1 days'")
FROM customers WHERE contract_number LIKE 'BENCH-%';
COMMIT;
BEGIN;
$(series 1000000)
INSERT INTO payments (account_id, customer_id, method, status, amount, refunded, currency, document_number, document_date, idempotence_key, description, created_at, paid_at)
SELECT a.id, a.customer_id,
       CASE i % 4 WHEN 0 THEN 'bank_transfer' WHEN 1 THEN 'gateway' WHEN 2 THEN 'cash' ELSE 'autopay' END,
       'succeeded', 10000 + (i * 7919) % 5000000, 0, 'RUB', 'D' || i, NULL, 'bench-' || i, 'Bench payment ' || i,
       $(ts "$(days "i % 365")"), $(ts "$(days "i % 365")")
FROM s JOIN accounts a ON a.id = (SELECT MIN(id) FROM accounts) + i % (SELECT COUNT(*) FROM accounts);
COMMIT;
SQL
  sql "$url" <<SQL
BEGIN;
INSERT INTO plans (name, asset_kind, price, period, currency, status, created_at) VALUES ('Bench plan', 'line', 99000, 'month', 'RUB', 'active', $(ts "'-1 days'"));
$(series 100000)
INSERT INTO subscriptions (customer_id, account_id, plan_id, title, started_on, next_charge_on, status, created_at, updated_at)
SELECT a.customer_id, a.id, (SELECT MAX(id) FROM plans), 'Bench line ' || i, $(dt "'-21 days'"), $(dt "'-21 days'"), 'active', $(ts "'-1 days'"), $(ts "'-1 days'")
FROM s JOIN accounts a ON a.id = (SELECT MIN(id) FROM accounts WHERE number LIKE 'B%') + i % 10000;
COMMIT;
SQL
  # A long-lived PostgreSQL table is vacuumed by autovacuum, which marks its pages all-visible
  # so that counts read the indexes alone; a table loaded a moment ago needs it done by hand.
  if [[ $url == sqlite* ]]; then sql "$url" <<<"ANALYZE;"; else sql "$url" <<<"VACUUM ANALYZE;"; fi
  echo "generated 10,000 accounts, 1,000,000 payments, 100,000 subscriptions in $(( $(now_ms) - t0 )) ms"
}

# 200 clients for 30 s, each request a payment (+100.00) or a charge (−30.00) on one of 50
# accounts, every request with its own idempotency key; the script counts what succeeded.
cat >"$out/ledger.lua" <<'LUA'
local counter = 0
local threads = {}
local accounts = {}
setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
init = function(args)
  for a in string.gmatch(args[1], "[^,]+") do table.insert(accounts, a) end
  payments, charges, failures = 0, 0, 0
end
-- wrk.format replaces the command line's headers (the session cookie) when given its own.
local function json_headers()
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  h["Content-Type"] = "application/json"
  return h
end
request = function()
  counter = counter + 1
  local account = accounts[(counter % #accounts) + 1]
  local key = string.format("bench-%d-%d", id, counter)
  last_kind = (counter % 3 == 0) and "charge" or "payment"
  if last_kind == "payment" then
    return wrk.format("POST", "/api/v1/crm/accounts/" .. account .. "/payments", json_headers(),
      '{"amount":10000,"method":"bank_transfer","document_number":"' .. key .. '","document_date":"2026-11-01","idempotency_key":"' .. key .. '"}')
  end
  return wrk.format("POST", "/api/v1/crm/accounts/" .. account .. "/entries", json_headers(),
    '{"kind":"charge","amount":3000,"description":"bench","idempotency_key":"' .. key .. '"}')
end
response = function(status, headers, body)
  if status == 201 then
    if string.find(body, '"kind":"charge"') then charges = charges + 1 else payments = payments + 1 end
  else
    failures = failures + 1
  end
end
done = function(summary, latency, requests)
  local p, c, f = 0, 0, 0
  for _, t in ipairs(threads) do
    p = p + t:get("payments"); c = c + t:get("charges"); f = f + t:get("failures")
  end
  io.write(string.format("rps=%.0f p50=%.1fms p99=%.1fms payments=%d charges=%d failures=%d expected_total=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    p, c, f, p * 10000 - c * 3000))
end
LUA

# Orders one invoice PDF at a time through the API and reads how long the server took from
# placing each order to finishing it.
invoice_orders() {
  local cookie=$1 account=$2
  python3 - "$port" "$cookie" "$account" <<'PY'
import datetime, json, statistics, sys, time, urllib.request
port, cookie, account = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
first = datetime.date.today().replace(day=1)
month = (first - datetime.timedelta(days=1)).strftime("%Y-%m")
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Cookie": f"kabinet_session={cookie}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
took = []
for _ in range(20):
    o = call("POST", "/api/v1/document-orders", {"account_ids": [account], "kinds": ["invoice"],
                                                  "period_from": month, "period_to": month})
    while o["status"] not in ("done", "failed"):
        time.sleep(0.01)
        o = call("GET", f"/api/v1/document-orders/{o['id']}")
    assert o["status"] == "done" and o["skipped"] == [], o
    t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    took.append((t(o["finished_at"]) - t(o["created_at"])).total_seconds() * 1000)
print(f"one invoice PDF, placed to done: median {statistics.median(took):.1f} ms, max {max(took):.1f} ms over {len(took)} orders")
PY
}

bench_db() {
  local label=$1 url=$2
  load_and_start "$label" "$url"
  local staff cust
  staff=$(session /crm/login accountant)
  cust=$(session /login vector.coord)
  # Each page is checked to be the list itself first, not a sign-in page it was sent to.
  page "[$label] back office, 1M payments, one month + method" "/crm/payments?from=2026-06-01&to=2026-06-30&method=bank_transfer" "$staff" 'id="payments-list"'
  page "[$label] back office, amount range, sorted by amount" "/crm/payments?min=1000&max=2000&sort=amount&dir=desc" "$staff" 'id="payments-list"'
  page "[$label] back office, first page, no filter" "/crm/payments" "$staff" 'id="payments-list"'
  page "[$label] cabinet, one customer, one quarter" "/payments?from=2026-07-01&to=2026-09-30" "$cust" 'id="payments-list"'
  export_job "$staff" /api/v1/crm/payments/exports '{"format":"csv"}' csv export
  export_job "$staff" /api/v1/crm/payments/exports '{"format":"xlsx"}' xlsx export
  local receipt_id
  receipt_id=$(sql "$url" <<<"SELECT MIN(id) FROM payments WHERE customer_id = 1;" | tr -d ' ' | grep -E '^[0-9]+$')
  page "[$label] receipt PDF of one payment" "/payments/$receipt_id/receipt.pdf" "$cust"

  # The 50 accounts of the ledger test: fresh ones, so their sums are the test's alone.
  local ids
  ids=$(sql "$url" <<<"SELECT id FROM accounts WHERE number LIKE 'B%' ORDER BY id LIMIT 50;" | tr -d ' ' | grep -E '^[0-9]+$' | paste -sd, -)
  local before
  before=$(sql "$url" <<<"SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE id IN ($ids);" | tr -d ' ' | grep -E '^-?[0-9]+$')
  printf '[%s] 200 clients, 50 accounts, 30 s: ' "$label"
  local result
  result=$(wrk -t2 -c200 -d30s --timeout 10s -s "$out/ledger.lua" -H "Cookie: kabinet_session=$staff" "http://127.0.0.1:$port" -- "$ids" | tail -n1)
  echo "$result"
  local expected; expected=$(sed -n 's/.*expected_total=\(-\{0,1\}[0-9]*\).*/\1/p' <<<"$result")
  sql "$url" <<SQL >"$out/ledger-check.txt"
SELECT a.id, a.balance, COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.account_id = a.id), 0) FROM accounts a WHERE a.id IN ($ids);
SQL
  local mismatched total server_payments server_charges
  mismatched=$(awk -F'[|[:space:]]+' 'NF>=3 && $2 != $3 {n++} END {print n+0}' <(sed 's/^ *//' "$out/ledger-check.txt"))
  total=$(sql "$url" <<<"SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE id IN ($ids);" | tr -d ' ' | grep -E '^-?[0-9]+$')
  # Requests still in flight when wrk stops are done by the server but never counted by the
  # clients; the server's own entries, one per key, are what the total must match exactly.
  server_payments=$(sql "$url" <<<"SELECT COUNT(*) FROM ledger_entries WHERE account_id IN ($ids) AND kind = 'payment' AND idempotency_key LIKE 'payment:%';" | tr -d ' ' | grep -E '^[0-9]+$')
  server_charges=$(sql "$url" <<<"SELECT COUNT(*) FROM ledger_entries WHERE account_id IN ($ids) AND kind = 'charge' AND idempotency_key LIKE 'manual:bench-%';" | tr -d ' ' | grep -E '^[0-9]+$')
  echo "[$label] balances that differ from their entries: $mismatched; total moved $((total - before)); entries $server_payments payments and $server_charges charges make $((server_payments * 10000 - server_charges * 3000)); the clients counted $expected before the stop"
  stop

  local t0 report
  t0=$(now_ms)
  report=$(DATABASE_URL="$url" "$bin" billing run --date "$(date -u +%F)")
  echo "[$label] billing run over 100,000 subscriptions: $(( $(now_ms) - t0 )) ms $report"
  t0=$(now_ms)
  report=$(DATABASE_URL="$url" "$bin" billing run --date "$(date -u +%F)")
  echo "[$label] second run, same date: $(( $(now_ms) - t0 )) ms $report"

  # Last, as the worker in this server runs the billing run when it starts.
  start "$url" ""
  cust=$(session /login vector.coord)
  printf '[%s] ' "$label"
  invoice_orders "$cust" "$(sql "$url" <<<"SELECT MIN(id) FROM accounts WHERE customer_id = 1;" | tr -d ' ' | grep -E '^[0-9]+$')"
  stop
}

run_benches "$@" # one database, both, or only the generated data
