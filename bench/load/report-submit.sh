#!/usr/bin/env bash
# Report submissions per second (issue 4, "Performance"): POST
# /api/v1/schools/99DM/reports on SQLite with wrk, then checks that every 201
# was durably committed.
#
#   bench/load/report-submit.sh [BUILD_DIR] [CONNECTIONS] [SECONDS]
#   SWEEP="32 64 128 256" bench/load/report-submit.sh build-bench   # the knee
#   DELAY_MS=40 bench/load/report-submit.sh build-bench 32 30        # below saturation
#
# Per connection count: a fresh SQLite database with the demo data (on disk,
# not tmpfs, so each commit's fsync is real: synchronous=FULL), the server on a
# free loopback port with `--report-rate-limit 0 --report-client-limit 0` (no per-minute throttle),
# `wrk -t2 -cN -dS --latency -s bench/load/report-submit.lua`. Afterwards the
# server is stopped and the school's cases are counted with sqlite3: the new
# cases must be at least the 201s wrk saw (a request still in flight when wrk
# stops may commit without wrk reading its 201, so at most N more), and every
# other status must be 0. Exit status 1 when a check fails.
#
# WORK_DIR (default: a new directory under ${TMPDIR:-/tmp}) holds the database.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build-bench}
CONN=${2:-32}
SECS=${3:-30}
SWEEP=${SWEEP:-$CONN}
THREADS=${THREADS:-2}
BRIN=${BRIN:-99DM}
export BRIN
LUA=bench/load/report-submit.lua
# shellcheck source=bench/load/demo-server.sh
. bench/load/demo-server.sh

base=$(mktemp -d "${TMPDIR:-/tmp}/stagepunt-reports.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$base"
}
trap cleanup EXIT

count_cases() {
  sqlite3 "$1" "SELECT COUNT(*) FROM cases c JOIN schools s ON s.id = c.school_id WHERE s.brin = '$BRIN'"
}

echo "# $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
  "$(uname -r), $(stat -f -c %T "$base") under $base"
failed=0
for conn in $SWEEP; do
  work="$base/c$conn"
  mkdir -p "$work"
  db="$work/reports.db"
  start_demo_server "$BUILD" "$db" "$work"
  sleep 1
  before=$(count_cases "$db")
  echo "== POST /api/v1/schools/$BRIN/reports: $conn connections, ${SECS}s${DELAY_MS:+, DELAY_MS=$DELAY_MS}," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  threads=$((conn < THREADS ? conn : THREADS))  # wrk needs connections >= threads
  wrk -t"$threads" -c"$conn" -d"${SECS}s" --timeout 10s --latency -s "$LUA" "$url" >"$work/wrk" \
    2>"$work/wrk.err" || { cat "$work/wrk" "$work/wrk.err" >&2; exit 1; }
  grep -E 'Requests/sec|Latency  |50%|75%|90%|99%|Non-2xx|Socket errors|requests in' "$work/wrk"
  grep -E '^(created_201|other_status|latency_p99.9_ms|latency_max_ms):' "$work/wrk"
  [ -s "$work/wrk.err" ] && sed 's/^/wrk stderr: /' "$work/wrk.err" | head -5
  echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
  # Stop the server so every connection is closed, then count what was committed.
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  after=$(count_cases "$db")
  created=$(awk '/^created_201:/ {print $2}' "$work/wrk")
  other=$(awk '/^other_status:/ {print $2}' "$work/wrk")
  new=$((after - before))
  verdict=ok
  if [ "$other" -ne 0 ] || [ "$new" -lt "$created" ] || [ "$new" -gt $((created + conn)) ]; then
    verdict=FAILED
    failed=1
  fi
  echo "check: cases in $BRIN before $before, after $after: $new new; wrk counted $created x 201," \
    "$other other: $verdict"
  rm -rf "$work"
done
exit $failed
