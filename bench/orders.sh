#!/usr/bin/env bash
# Order figures (docs/perf.md), on SQLite and on PostgreSQL: the demo haulage company grown to
# 100,000 lines (bench/lines_data.sh); its coordinator orders a tariff for 10,000 ticked lines
# over the API three times (three tariffs in turn). Each order: how long until it is accepted,
# and how fast the in-process order worker carries it out with the stand-in operator (no
# delay) — items per second from the first answer recorded to the last, read off the order's
# progress as a person watching it would.
# Usage: bench/orders.sh [sqlite|postgres|both]  (KABINET_BIN=… measures a built binary)
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
# shellcheck source=bench/lib.sh
source bench/lib.sh
# shellcheck source=bench/lines_data.sh
source bench/lines_data.sh

# Prints "accepted_ms items_per_second total_ms" for one order of the JSON $2 as session $1.
order() {
  local cookie=$1 body=$2 t0 accepted id first="" last progress done total status
  t0=$(now_ms)
  id=$(curl -sf -X POST -H 'Content-Type: application/json' -H "Origin: http://127.0.0.1:$port" \
    -b "kabinet_session=$cookie" --data-binary @"$body" "http://127.0.0.1:$port/api/v1/line-orders" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  accepted=$(( $(now_ms) - t0 ))
  while true; do
    progress=$(curl -sf -b "kabinet_session=$cookie" "http://127.0.0.1:$port/api/v1/line-orders/$id" |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["items_done"] + d["items_refused"], d["items_total"])')
    read -r status done total <<<"$progress"
    if [[ -z $first && $done -gt 0 ]]; then first=$(now_ms); first_done=$done; fi
    [[ $status != in_progress ]] && break
    sleep 0.1
  done
  last=$(now_ms)
  local span=$(( last - ${first:-$t0} ))
  (( span > 0 )) || span=1
  echo "$accepted $(( (total - ${first_done:-0}) * 1000 / span )) $(( last - t0 ))"
}

bench_db() {
  local label=$1 url=$2 coord account tariff results=() ids
  echo "== $label"
  [[ -n ${preloaded:-} ]] || load "$url"
  # The order worker runs in the server, handing lines to the stand-in operator.
  KABINET_LINES__PROVISIONING=fake KABINET_LINES__FAKE_DELAY_MILLIS=0 start "$url" ""
  coord=$(session /login volga.coord)
  account=$(sql "$url" <<<"SELECT MIN(id) FROM accounts WHERE customer_id = (SELECT id FROM customers WHERE contract_number = 'TL-2026-0001');")
  for code in BIZ-UNLIM BIZ-PRO BIZ-START; do
    tariff=$(sql "$url" <<<"SELECT id FROM line_tariffs WHERE code = '$code';")
    # 10,000 active generated lines, a different tariff each time so every line takes it.
    ids=$(sql "$url" <<<"SELECT asset_id FROM lines WHERE account_id = $account AND line_status = 'active' AND phone LIKE '+7937%' ORDER BY phone LIMIT 10000;" | paste -sd, -)
    printf '{"kind":"tariff","offer_id":%s,"notice":"sms","line_ids":[%s]}' "$tariff" "$ids" >"$out/order.json"
    results+=("$(order "$coord" "$out/order.json")")
    echo "[$label] $code: accepted/items-per-s/total-ms ${results[-1]}"
  done
  # Medians of the three orders.
  printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
rows = [list(map(int, l.split())) for l in sys.stdin if l.strip()]
acc, rate, total = (statistics.median(c) for c in zip(*rows))
print(f"['"$label"'] median of {len(rows)} orders of 10,000 lines: accepted in {acc:.0f} ms, carried out at {rate:.0f} items/s, whole order {total/1000:.1f} s")'
  stop
}

run_benches "$@"
