#!/usr/bin/env bash
# End-to-end timing of `stagepunt match` on generated instances.
#
#   bench/match-e2e.sh [BUILD_DIR] [WORK_DIR]
#
# Generates the national instance (200,000 students, 40,000 companies, 10
# choices on average) and the 1M x 20 instance, then times `match --algorithm
# da` and `--algorithm optimal` (and LEMON for comparison) with /usr/bin/time -v,
# printing wall time, peak RSS and the JSON summary. Needs ~1.5 GB of disk.
set -euo pipefail
BUILD=${1:-build-match}
WORK=${2:-/tmp/stagepunt-bench}
BIN=$BUILD/stagepunt
mkdir -p "$WORK"

run() {
  local label=$1; shift
  echo "== $label"
  /usr/bin/time -v "$BIN" "$@" --json 2> "$WORK/time.txt" | tee "$WORK/json.txt"
  grep -E 'Elapsed \(wall clock\)|Maximum resident set size' "$WORK/time.txt"
}

echo "== generating national instance"
/usr/bin/time -f "gen-instance: %e s, %M KB" \
  "$BIN" gen-instance --out "$WORK/national" --students 200000 --companies 40000 --choices 10 --seed 1
du -sh "$WORK/national"
run "national DA" match --in "$WORK/national" --out "$WORK/national-da.csv" --algorithm da
run "national DA with --explain" match --in "$WORK/national" --out "$WORK/national-da.csv" \
  --algorithm da --explain "$WORK/national-why.csv"
run "national optimal (shortest paths)" match --in "$WORK/national" \
  --out "$WORK/national-opt.csv" --algorithm optimal
run "national optimal (LEMON NetworkSimplex)" match --in "$WORK/national" \
  --out "$WORK/national-lemon.csv" --algorithm optimal --solver lemon

if [[ "${SKIP_MILLION:-0}" != 1 ]]; then
  echo "== generating 1M x 20 instance"
  /usr/bin/time -f "gen-instance: %e s, %M KB" \
    "$BIN" gen-instance --out "$WORK/million" --students 1000000 --companies 200000 --choices 20 --seed 1
  du -sh "$WORK/million"
  run "1M x 20 DA" match --in "$WORK/million" --out "$WORK/million-da.csv" --algorithm da
fi
