#!/usr/bin/env bash
# Runs the browser tests against a fresh Kabinet server with the demo data.
#
#   KABINET_BIN=target/debug/kabinet e2e/run.sh sqlite:///tmp/e2e.db
#
# The database should be new (or at least not used by an earlier run in the last 15 minutes):
# the tests register a customer, change passwords and trip the login throttle.
# Extra arguments after the database URL go to `playwright test` (e.g. a file name, --grep).
# Env: KABINET_BIN (required), CHROMIUM_PATH (default /usr/bin/chromium).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: KABINET_BIN=path/to/kabinet $0 <database-url> [playwright args…]" >&2
  exit 2
fi
database_url=$1
shift
: "${KABINET_BIN:?KABINET_BIN must name the built kabinet binary}"

# Resolve the binary before leaving the caller's directory.
if [[ $KABINET_BIN != /* ]]; then
  KABINET_BIN="$(cd "$(dirname "$KABINET_BIN")" && pwd)/$(basename "$KABINET_BIN")"
fi
if [[ ! -x $KABINET_BIN ]]; then
  echo "KABINET_BIN=$KABINET_BIN is not an executable file" >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ ! -d node_modules/@playwright/test ]]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

# A free port: the kernel picks one for a socket bound to port 0.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base_url="http://127.0.0.1:$port"

# Playwright empties test-results/ when it starts, so the server logs to a temporary file that
# is copied to test-results/server-<port>.log at the end.
log=$(mktemp "${TMPDIR:-/tmp}/kabinet-e2e-server.XXXXXX")
server_pid=""

cleanup() {
  local status=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  mkdir -p test-results
  cp "$log" "test-results/server-$port.log" 2>/dev/null || true
  rm -f "$log"
  [[ -n ${data_dir:-} ]] && rm -rf "$data_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Exports and documents go to a directory of this run's own.
data_dir=$(mktemp -d "${TMPDIR:-/tmp}/kabinet-e2e-data.XXXXXX")
DATABASE_URL="$database_url" KABINET_PUBLIC_BASE_URL="$base_url" KABINET_DATA_DIR="$data_dir" \
  "$KABINET_BIN" serve --demo --listen "127.0.0.1:$port" >"$log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 60); do
  if curl -sf "$base_url/readyz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    break
  fi
  sleep 0.5
done
if [[ -z $ready ]]; then
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "kabinet did not answer $base_url/readyz within 30 s; its log:" >&2
  else
    echo "kabinet exited before answering $base_url/readyz; its log:" >&2
  fi
  cat "$log" >&2
  exit 1
fi
echo "kabinet is ready at $base_url (pid $server_pid)"

status=0
KABINET_URL="$base_url" npx playwright test "$@" || status=$?
echo "server log: e2e/test-results/server-$port.log"
exit "$status"
