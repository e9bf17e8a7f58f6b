#!/usr/bin/env bash
# HTTP load figures for docs/performance.md, with wrk (Debian) on loopback.
#   bench/web-load.sh [BUILD_DIR] [CONNECTIONS] [SECONDS]
# Starts a server with fresh demo data on a free port, measures idle memory,
# then a small public page, the login page and a logged-in dashboard (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CONN=${2:-64}
SECS=${3:-10}
work=$(mktemp -d /tmp/stagepunt-load.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$BUILD/stagepunt" demo --db "sqlite:$work/load.db" --data-dir "$work" >/dev/null
# No per-client connection limit: wrk plays many clients from one address.
"$BUILD/stagepunt" serve --db "sqlite:$work/load.db" --data-dir "$work" --listen 127.0.0.1:0 \
  --max-connections-per-client 0 >"$work/out" 2>/dev/null &
pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/out" 2>/dev/null | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start" >&2; exit 1; }
sleep 1
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"

# Log in as the demo student to get a session cookie.
jar="$work/cookies"
csrf=$(curl -s -c "$jar" -b "$jar" "$url/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
  --data-urlencode "login=student@99dm.demo" --data-urlencode "password=stagepunt-demo-wachtwoord" "$url/login"
sid=$(awk '$6 == "sid" {print $7}' "$jar")
[ -n "$sid" ] || { echo "login failed" >&2; exit 1; }

run() {
  echo "== $1 ($CONN connections, ${SECS}s)"
  shift
  wrk -t2 -c"$CONN" -d"${SECS}s" --latency "$@" | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors'
}
run "healthz (tiny JSON)" "$url/healthz"
run "home page (anonymous, rendered once per language)" "$url/"
run "dashboard (logged in, SQLite session + school lookup)" -H "Cookie: sid=$sid" "$url/dashboard"
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
