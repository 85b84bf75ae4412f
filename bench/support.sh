#!/usr/bin/env bash
# Support-desk figures (docs/perf.md), on SQLite and on PostgreSQL, over 1,000,000 tickets:
#   1. the staff queue "breaching soon" (a running clock with less than 20 % of its working
#      time left), first page sorted by deadline;
#   2. a customer's ticket list, first page, newest first — the demo customer holds 200,000 of
#      the tickets;
#   plus, for reference, the other queues and a filtered customer list.
#   p50/p95/p99 under load (wrk, 16 connections, 10 s each).
# The deadline computation itself is measured in core: cargo bench -p kabinet-core --bench deadlines
# Usage: bench/support.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
#        bench/support.sh generate DATABASE_URL   (only loads the demo and the generated data)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh

# Generated data on top of the demo: 1,000,000 tickets opened over the last 700 days, one in
# five of them the first demo customer's and the rest spread over the other five. About one in
# ten is still being worked (one in a thousand of the first customer's, so its open tickets
# are a realistic few hundred); the rest were answered within the hour and closed. A worked
# ticket waits for its first reply with a reaction deadline from 100 minutes ago (flagged as
# breached, as the worker's sweep does) to 500 minutes ahead, one in ten of those breaching
# soon now; a third of all tickets are assigned to the demo support login.
generate() {
  local url=$1
  if [[ $url == sqlite* ]]; then
    series() { echo "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"; }
    ts() { echo "strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', '-' || ($1) || ' minutes')"; }
    deadline() { echo "strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', ($1) || ' minutes')"; }
  else
    series() { echo "WITH s(i) AS (SELECT generate_series(1::bigint, $1::bigint))"; }
    ts() { echo "(now() - (($1) || ' minutes')::interval)"; }
    deadline() { echo "(now() + (($1) || ' minutes')::interval)"; }
  fi
  local t0; t0=$(now_ms)
  sql "$url" <<SQL
BEGIN;
$(series 1000000),
t AS (SELECT i, CASE WHEN i % 10 = 3 OR i % 1000 = 0 THEN 1 ELSE 0 END AS live, ((i / 10) % 600) - 100 AS d FROM s)
INSERT INTO tickets (number, customer_id, requester_name, topic, request_class, title, description, priority, status,
                     assignee_user_id, sla_plan_id, notify_channel, opened_at, updated_at, paused_seconds,
                     reaction_due, reaction_warn_at, first_response_at, attention_at, due_at,
                     reaction_breached_at, breached_at, closed_at)
SELECT 'B-' || i,
       CASE WHEN i % 5 = 0 THEN (SELECT MIN(id) FROM customers) ELSE (SELECT MIN(id) FROM customers) + 1 + i % 5 END,
       'Бенч', CASE WHEN i % 7 = 0 THEN 'integration' ELSE 'usage_consulting' END,
       CASE WHEN i % 7 = 0 THEN 'non_standard' ELSE 'typical' END,
       'Обращение ' || i, 'Текст обращения ' || i,
       CASE i % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' ELSE 'urgent' END,
       CASE WHEN live = 0 THEN 'closed' WHEN i % 3 = 0 THEN 'in_review' ELSE 'open' END,
       CASE WHEN i % 3 = 0 THEN (SELECT id FROM users WHERE login = 'support') END,
       (SELECT id FROM sla_plans WHERE code = 'by_fact'), 'email',
       $(ts "(1000000 - i)"), $(ts "(1000000 - i)"), 0,
       CASE WHEN live = 1 THEN $(deadline "d") ELSE $(ts "(1000000 - i - 600)") END,
       CASE WHEN live = 1 THEN $(deadline "d - 60") END,
       CASE WHEN live = 0 THEN $(ts "(1000000 - i - 30)") END,
       CASE WHEN live = 1 AND d > 0 THEN $(deadline "d - 60") END,
       CASE WHEN live = 1 AND d > 0 THEN $(deadline "d") END,
       CASE WHEN live = 1 AND d <= 0 THEN $(deadline "d") END,
       CASE WHEN live = 1 AND d <= 0 THEN $(deadline "d") END,
       CASE WHEN live = 0 THEN $(ts "(1000000 - i - 60)") END
FROM t;
COMMIT;
SQL
  if [[ $url == sqlite* ]]; then sql "$url" <<<"ANALYZE;"; else sql "$url" <<<"VACUUM ANALYZE;"; fi
  echo "generated 1,000,000 tickets in $(( $(now_ms) - t0 )) ms"
}

bench_db() {
  local label=$1 url=$2
  load_and_start "$label" "$url"
  local staff cust
  staff=$(session /crm/login support)
  cust=$(session /login vector.coord)
  page "[$label] staff queue: breaching soon" "/crm/tickets?queue=breaching_soon" "$staff" "sla-breaching_soon"
  page "[$label] customer's tickets, first page" "/tickets" "$cust" "B-"
  page "[$label] staff queue: breached" "/crm/tickets?queue=breached" "$staff" "B-"
  page "[$label] staff queue: unassigned, urgent" "/crm/tickets?queue=unassigned&priority=urgent" "$staff" "B-"
  page "[$label] customer's tickets: open, by priority" "/tickets?status=open&sort=priority" "$cust" "B-"
  page "[$label] staff queue: mine" "/crm/tickets?queue=mine" "$staff" "B-"
  page "[$label] API: breaching soon" "/api/v1/crm/tickets?queue=breaching_soon" "$staff" "B-"
  stop
}

run_benches "$@" # one database, both, or only the generated data
