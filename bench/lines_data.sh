# The generated lines the line benches share (sourced by bench/lines.sh and bench/orders.sh).

# 99,200 more lines on the company's first account (with the demo's 800 there, 100,000):
# numbers +7937xxxxxxx, employees "Работник N" with one of six
# positions, the group by N, label "Дежурный" on every fourth line and "Руководитель" on
# every tenth.
generate() {
  local url=$1 ts pad
  if [[ $url == sqlite* ]]; then
    series() { echo "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"; }
    ts="strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', 'now', '-1 days')"
    pad() { echo "printf('%07d', $1)"; }
    num() { echo "CAST(substr($1, 4) AS INTEGER)"; }
  else
    series() { echo "WITH s(i) AS (SELECT generate_series(1::bigint, $1::bigint))"; }
    ts="(now() - interval '1 day')"
    pad() { echo "lpad(($1)::text, 7, '0')"; }
    num() { echo "CAST(substr($1, 4) AS BIGINT)"; }
  fi
  local company="(SELECT id FROM customers WHERE contract_number = 'TL-2026-0001')"
  local account="(SELECT MIN(id) FROM accounts WHERE customer_id = $company)"
  local t0; t0=$(now_ms)
  sql "$url" <<SQL
BEGIN;
$(series 99200)
INSERT INTO assets (customer_id, kind, status, service_mode, is_demo, modules, key_id, key_hash, verification, started_on, created_at, updated_at)
SELECT $company, 'line', 'active', 'contract', false, '[]', 'BL-' || i, '', 'none', '2026-01-01', $ts, $ts FROM s;
COMMIT;
BEGIN;
INSERT INTO lines (asset_id, account_id, phone, icc, line_status, employee_name, employee_position, employee_email, employee_comment, spending_limit_minor, group_id, search_text, updated_at)
SELECT a.id, $account, '+7937' || $(pad "$(num "a.key_id")"), '8970177' || $(pad "$(num "a.key_id")") || '00000',
       CASE WHEN $(num "a.key_id") % 40 = 7 THEN 'blocked' ELSE 'active' END,
       'Работник ' || $(num "a.key_id"),
       CASE $(num "a.key_id") % 6 WHEN 0 THEN 'Водитель' WHEN 1 THEN 'Кладовщик' WHEN 2 THEN 'Менеджер' WHEN 3 THEN 'Диспетчер' WHEN 4 THEN 'Инженер' ELSE 'Охранник' END,
       NULL, NULL, NULL,
       (SELECT MIN(id) FROM line_groups WHERE customer_id = $company) + $(num "a.key_id") % 6,
       '+7937' || $(pad "$(num "a.key_id")") || ' | 7937' || $(pad "$(num "a.key_id")") || ' | работник ' || $(num "a.key_id") || ' | '
         || CASE $(num "a.key_id") % 6 WHEN 0 THEN 'водитель' WHEN 1 THEN 'кладовщик' WHEN 2 THEN 'менеджер' WHEN 3 THEN 'диспетчер' WHEN 4 THEN 'инженер' ELSE 'охранник' END
         || ' | 8970177' || $(pad "$(num "a.key_id")") || '00000',
       $ts
FROM assets a WHERE a.key_id LIKE 'BL-%';
INSERT INTO line_label_links (line_id, label_id)
SELECT l.asset_id, (SELECT id FROM line_labels WHERE customer_id = $company AND name = 'Дежурный')
FROM lines l JOIN assets a ON a.id = l.asset_id WHERE a.key_id LIKE 'BL-%' AND $(num "a.key_id") % 4 = 0;
INSERT INTO line_label_links (line_id, label_id)
SELECT l.asset_id, (SELECT id FROM line_labels WHERE customer_id = $company AND name = 'Руководитель')
FROM lines l JOIN assets a ON a.id = l.asset_id WHERE a.key_id LIKE 'BL-%' AND $(num "a.key_id") % 10 = 0;
COMMIT;
SQL
  if [[ $url == sqlite* ]]; then sql "$url" <<<"ANALYZE;"; else sql "$url" <<<"VACUUM ANALYZE;"; fi
  echo "generated $(sql "$url" <<<"SELECT COUNT(*) FROM lines WHERE account_id = $account;") lines on one account in $(( $(now_ms) - t0 )) ms"
}
