#!/usr/bin/env bash
# Runs the API contract tests: Schemathesis (every check, a bounded number of examples)
# against a fresh `kabinet serve --demo`, once with an administrator's token and once with a
# customer coordinator's, so that both faces of the API are exercised.
#
#   KABINET_BIN=target/debug/kabinet e2e/contract/run.sh sqlite:///tmp/contract.db
#
# Env: KABINET_BIN (required), SCHEMATHESIS (the `st` command; default: a virtual environment
# under ~/.cache/kabinet made on first use), CONTRACT_EXAMPLES (default 3).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: KABINET_BIN=path/to/kabinet $0 <database-url>" >&2
  exit 2
fi
database_url=$1
: "${KABINET_BIN:?KABINET_BIN must name the built kabinet binary}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
examples=${CONTRACT_EXAMPLES:-3}

if [[ -z ${SCHEMATHESIS:-} ]]; then
  venv="$HOME/.cache/kabinet/schemathesis-4.32.5"
  if [[ ! -x $venv/bin/st ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
  fi
  SCHEMATHESIS="$venv/bin/st"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
work=$(mktemp -d)
KABINET_DATABASE_URL="$database_url" KABINET_DATA_DIR="$work/data" \
  "$KABINET_BIN" serve --demo --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf "$base/healthz" >/dev/null && break; sleep 1; done

# A personal token for `login`, made the way an integrator makes one: sign in, then ask.
token_for() {
  local jar="$work/jar.$1"
  curl -sf -c "$jar" -H 'Content-Type: application/json' \
    -d "{\"identifier\":\"$1\",\"password\":\"Kabinet-demo-2026\"}" "$base/api/v1/auth/login" >/dev/null
  curl -sf -b "$jar" -H "Origin: $base" -H 'Content-Type: application/json' \
    -d '{"name":"contract tests"}' "$base/api/v1/me/tokens" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

status=0
for login in admin vector.coord; do
  token=$(token_for "$login")
  echo "--- contract tests as $login"
  # Logging out with a token revokes it, and so does revoking a token by id: the run would
  # lose its own credential half-way. Both are covered by the HTTP tests.
  "$SCHEMATHESIS" --config-file "$here/schemathesis.toml" run "$base/api/v1/openapi.json" \
    --checks all --max-examples "$examples" --seed 20261203 \
    -H "Authorization: Bearer $token" --request-timeout 20 \
    --exclude-path /api/v1/auth/logout --exclude-path-regex '^/api/v1/me/tokens/' ||
    status=1
done
if ((status != 0)); then
  echo "server log: $work/server.log" >&2
fi
exit $status
