#!/usr/bin/env bash
# The latency curve under load (issue 7 §9): report submission, the handler
# inbox and public pages at 32, 64, 128 and 256 connections, with wrk, on
# SQLite, against one server with the demo data.
#
#   bench/load/sweep.sh [BUILD_DIR] [SECONDS_PER_POINT]
#   SWEEP="32 256" bench/load/sweep.sh build-bench 10
#
# The inbox is measured with the cases that the submission runs created
# before it (thousands), as a handler who is a meldpunt lead (sees them all).
# Prints one line per endpoint and connection count: requests/s, p50, p99,
# and non-2xx replies. The knee is where p99 grows much faster than
# throughput; docs/performance.md records where it fell on our machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build-bench}
SECS=${2:-10}
SWEEP=${SWEEP:-32 64 128 256}
BRIN=99DM
export BRIN
work=$(mktemp -d "${TMPDIR:-/tmp}/stagepunt-sweep.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/load/demo-server.sh
. bench/load/demo-server.sh
start_demo_server "$BUILD" "$work/s.db" "$work"
cookie=$(node bench/load/login.mjs "$url" "meldpunt@99dm.demo")

echo "# $(nproc) cores, $(uname -r), ${SECS}s per point, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %6s %10s %9s %9s %8s\n' endpoint conns 'req/s' p50 p99 non2xx
point() {
  local name=$1 conn=$2
  shift 2
  wrk -t2 -c"$conn" -d"${SECS}s" --timeout 10s --latency "$@" >"$work/wrk" 2>&1 || true
  awk -v name="$name" -v conn="$conn" '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2}
    /^ +99%/ {p99=$2}
    /Non-2xx/ {non=$NF}
    END {printf "%-34s %6s %10s %9s %9s %8s\n", name, conn, rps, p50, p99, (non == "" ? 0 : non)}
  ' "$work/wrk"
}
for conn in $SWEEP; do
  point "POST /api/v1/schools/$BRIN/reports" "$conn" -s bench/load/report-submit.lua "$url"
done
echo "# cases in $BRIN now: $(sqlite3 "$work/s.db" "SELECT COUNT(*) FROM cases c JOIN schools s ON s.id = c.school_id WHERE s.brin = '$BRIN'")"
for conn in $SWEEP; do
  point "GET /meldpunt (inbox, lead)" "$conn" -H "Cookie: $cookie" "$url/meldpunt"
done
for conn in $SWEEP; do
  point "GET / (public home)" "$conn" "$url/"
done
for conn in $SWEEP; do
  point "GET /s/$BRIN/melden (report form)" "$conn" "$url/s/$BRIN/melden"
done
