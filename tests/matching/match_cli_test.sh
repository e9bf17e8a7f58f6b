#!/usr/bin/env bash
# End-to-end checks of `stagepunt match` / `gen-instance` (spec: matching-io.md).
# Usage: match_cli_test.sh PATH/TO/stagepunt
set -u
BIN=${1:?usage: $0 path/to/stagepunt}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A valid round: 3 students, 3 positions, company "bolt" with two positions.
make_good() {
  local d=$1
  rm -rf "$d"; mkdir -p "$d"
  printf 'student_id,extra\nanna,x\nbram,y\n"c,3",z\n' > "$d/students.csv"
  printf 'company_id,position_id,capacity\nacme,p1,1\nbolt,p2,1\nbolt,p3,1\n' > "$d/positions.csv"
  printf 'rank,student_id,position_id\n1,anna,p1\n2,anna,p2\n1,bram,p1\n2,bram,p3\n1,"c,3",p1\n' \
    > "$d/preferences.csv"
  printf 'position_id,student_id,priority\np1,bram,0\np1,anna,1\np1,"c,3",2\n' > "$d/priorities.csv"
}

# expect_reject NAME EXPECTED_STDERR_REGEX: runs match on $WORK/in, wants exit 2,
# the message, and no output file.
expect_reject() {
  local name=$1 pattern=$2
  rm -f "$WORK/out.csv"
  "$BIN" match --in "$WORK/in" --out "$WORK/out.csv" 2> "$WORK/err" > /dev/null
  local rc=$?
  [[ $rc -eq 2 ]] || fail "$name: exit $rc, want 2 ($(cat "$WORK/err"))"
  grep -Eq "$pattern" "$WORK/err" || fail "$name: stderr '$(cat "$WORK/err")' !~ /$pattern/"
  [[ ! -e "$WORK/out.csv" ]] || fail "$name: output written despite rejection"
  ls "$WORK" | grep -q 'out.csv.tmp' && fail "$name: temporary file left behind"
}

# --- good run -----------------------------------------------------------------
make_good "$WORK/in"
"$BIN" match --in "$WORK/in" --out "$WORK/out.csv" --explain "$WORK/why.csv" --json \
  > "$WORK/json" 2> "$WORK/err" || fail "good run exited $? ($(cat "$WORK/err"))"
expected='student_id,position_id,rank
anna,p2,2
bram,p1,1
"c,3",,'
[[ "$(cat "$WORK/out.csv")" == "$expected" ]] || fail "good run output: $(cat "$WORK/out.csv")"
for key in '"students":3' '"assigned":2' '"rank_histogram":\[1,1\]' '"algorithm":"da"' \
           '"seed":1' '"seconds":' '"stable":true'; do
  grep -Eq "$key" "$WORK/json" || fail "json lacks $key: $(cat "$WORK/json")"
done
[[ $(wc -l < "$WORK/json") -eq 1 ]] || fail "json is not one line"
grep -q '^anna,p2,2,p1,1,acme,full_with_better_priority,0,' "$WORK/why.csv" \
  || fail "explain lacks anna's cutoff: $(cat "$WORK/why.csv")"
grep -q '^"c,3",,,p1,1,acme,full_with_better_priority' "$WORK/why.csv" \
  || fail "explain lacks c,3: $(cat "$WORK/why.csv")"

# Same seed, same output; optimal places everyone it can.
"$BIN" match --in "$WORK/in" --out "$WORK/out2.csv" --seed 1 || fail "rerun failed"
cmp -s "$WORK/out.csv" "$WORK/out2.csv" || fail "same seed gave different output"
"$BIN" match --in "$WORK/in" --out "$WORK/opt.csv" --algorithm optimal --json > "$WORK/json" \
  || fail "optimal run failed"
grep -q '"assigned":3' "$WORK/json" || fail "optimal should place 3: $(cat "$WORK/json")"
grep -q '"algorithm":"optimal"' "$WORK/json" || fail "optimal json: $(cat "$WORK/json")"

# Exclusion: bolt excluded, so anna's p2 is skipped and explained.
printf 'company_id\nbolt\n' > "$WORK/in/exclusions.csv"
"$BIN" match --in "$WORK/in" --out "$WORK/out.csv" --explain "$WORK/why.csv" || fail "exclusion run"
grep -q '^anna,,$' "$WORK/out.csv" || fail "anna should be unplaced: $(cat "$WORK/out.csv")"
grep -q '^anna,,,p2,2,bolt,company_excluded' "$WORK/why.csv" || fail "exclusion not explained"

# Ids are any non-empty string (matching-io.md), also ones a spreadsheet would
# take for a formula: the output spells them exactly as the input did, with
# no apostrophe guard (common/csv.h's AppendCsvExact), so files can be joined.
mkdir -p "$WORK/odd"
printf 'student_id\n-7\n=S1\n"@x,1"\n' > "$WORK/odd/students.csv"
printf 'position_id,company_id,capacity\n+p,=c,2\n' > "$WORK/odd/positions.csv"
printf 'student_id,position_id,rank\n-7,+p,1\n=S1,+p,1\n' > "$WORK/odd/preferences.csv"
"$BIN" match --in "$WORK/odd" --out "$WORK/odd.csv" --explain "$WORK/odd-why.csv" \
  2> "$WORK/err" || fail "odd ids run exited $? ($(cat "$WORK/err"))"
expected='student_id,position_id,rank
-7,+p,1
=S1,+p,1
"@x,1",,'
[[ "$(cat "$WORK/odd.csv")" == "$expected" ]] || fail "odd ids output: $(cat "$WORK/odd.csv")"

# --- bad input: exit 2, FILE:LINE: message, nothing written ----------------------
make_good "$WORK/in"; rm "$WORK/in/positions.csv"
expect_reject "missing file" 'positions\.csv:0: cannot open file'
make_good "$WORK/in"; printf 'id\nanna\n' > "$WORK/in/students.csv"
expect_reject "missing column" "students\.csv:1: missing column 'student_id'"
make_good "$WORK/in"; printf 'student_id\nanna\nbram\nanna\n' > "$WORK/in/students.csv"
expect_reject "duplicate student" "students\.csv:4: duplicate student_id 'anna'"
make_good "$WORK/in"; printf 'position_id,company_id,capacity\np1,a,1\np1,b,1\n' > "$WORK/in/positions.csv"
expect_reject "duplicate position" "positions\.csv:3: duplicate position_id 'p1'"
make_good "$WORK/in"; printf 'student_id,position_id,rank\nanna,p1,1\nzoe,p1,1\n' > "$WORK/in/preferences.csv"
expect_reject "unknown student" "preferences\.csv:3: unknown student_id 'zoe'"
make_good "$WORK/in"; printf 'student_id,position_id,rank\nanna,p7,1\n' > "$WORK/in/preferences.csv"
expect_reject "unknown position" "preferences\.csv:2: unknown position_id 'p7'"
make_good "$WORK/in"; printf 'company_id\nnobody\n' > "$WORK/in/exclusions.csv"
expect_reject "unknown company" "exclusions\.csv:2: unknown company_id 'nobody'"
make_good "$WORK/in"; printf 'position_id,student_id,priority\np1,ghost,1\n' > "$WORK/in/priorities.csv"
expect_reject "unknown student in priorities" "priorities\.csv:2: unknown student_id 'ghost'"
make_good "$WORK/in"; printf 'student_id,position_id,rank\nanna,p1,1\nanna,p2,1\n' > "$WORK/in/preferences.csv"
expect_reject "duplicate rank" "preferences\.csv:3: duplicate rank 1"
make_good "$WORK/in"; printf 'position_id,company_id,capacity\np1,a,-2\n' > "$WORK/in/positions.csv"
expect_reject "negative capacity" "positions\.csv:2: capacity '-2' is negative"
make_good "$WORK/in"; printf 'position_id,company_id,capacity\np1,a,two\n' > "$WORK/in/positions.csv"
expect_reject "non-integer capacity" "positions\.csv:2: capacity 'two' is not an integer"
make_good "$WORK/in"; printf 'student_id,position_id,rank\nanna,p1,1.5\n' > "$WORK/in/preferences.csv"
expect_reject "non-integer rank" "preferences\.csv:2: rank '1.5' is not an integer"
make_good "$WORK/in"; printf 'position_id,student_id,priority\np1,anna,-1\n' > "$WORK/in/priorities.csv"
expect_reject "negative priority" "priorities\.csv:2: priority '-1' is negative"
make_good "$WORK/in"; printf 'student_id,position_id,rank\nanna,p1,99999999999\n' > "$WORK/in/preferences.csv"
expect_reject "huge rank" "preferences\.csv:2: rank '99999999999' is too large"
make_good "$WORK/in"; printf 'student_id\nanna\n"open\n' > "$WORK/in/students.csv"
expect_reject "unterminated quote" "students\.csv:3: unterminated quoted field"
make_good "$WORK/in"; printf 'student_id\n\xff\xfe\n' > "$WORK/in/students.csv"
expect_reject "invalid utf-8" "students\.csv:2: student_id is not valid UTF-8"
make_good "$WORK/in"; : > "$WORK/in/students.csv"
expect_reject "empty file" "students\.csv:1: empty file"

# A rejected input must not replace an existing output either.
make_good "$WORK/in"
echo "previous" > "$WORK/keep.csv"
printf 'student_id\nanna\nanna\n' > "$WORK/in/students.csv"
"$BIN" match --in "$WORK/in" --out "$WORK/keep.csv" 2> /dev/null
[[ "$(cat "$WORK/keep.csv")" == "previous" ]] || fail "rejected run overwrote existing output"

# --- usage errors: exit 2 ---------------------------------------------------------
make_good "$WORK/in"
"$BIN" match --in "$WORK/in" --out "$WORK/o.csv" --algorithm magic > /dev/null 2>&1
[[ $? -eq 2 ]] || fail "bad --algorithm should exit 2"
"$BIN" match --in "$WORK/in" > /dev/null 2>&1
[[ $? -eq 2 ]] || fail "missing --out should exit 2"
"$BIN" match --in "$WORK/in" --out "$WORK/o.csv" --seed -3 > /dev/null 2>&1
[[ $? -eq 2 ]] || fail "negative --seed should exit 2"
"$BIN" match --in "$WORK/in" --out "$WORK/no/such/dir/o.csv" 2> "$WORK/err" > /dev/null
[[ $? -eq 2 ]] || fail "unwritable --out should exit 2"
grep -q 'o.csv:0: cannot create output file' "$WORK/err" || fail "unwritable out msg: $(cat "$WORK/err")"

# --- gen-instance round trip ---------------------------------------------------------
"$BIN" gen-instance --out "$WORK/gen" --students 1500 --companies 300 --choices 10 --seed 7 \
  --excluded 3 || fail "gen-instance failed"
for f in students positions preferences priorities exclusions; do
  [[ -s "$WORK/gen/$f.csv" ]] || fail "gen-instance did not write $f.csv"
done
"$BIN" match --in "$WORK/gen" --out "$WORK/g1.csv" --json > "$WORK/json" || fail "match on generated"
grep -q '"students":1500' "$WORK/json" || fail "generated json: $(cat "$WORK/json")"
[[ $(wc -l < "$WORK/g1.csv") -eq 1501 ]] || fail "every student must appear once"
"$BIN" gen-instance --out "$WORK/gen2" --students 1500 --companies 300 --choices 10 --seed 7 \
  --excluded 3 || fail "gen-instance rerun"
diff -r "$WORK/gen" "$WORK/gen2" > /dev/null || fail "gen-instance is not deterministic"
"$BIN" match --in "$WORK/gen" --out "$WORK/g2.csv" --seed 2 || fail "seed 2"
cmp -s "$WORK/g1.csv" "$WORK/g2.csv" && fail "different seeds gave identical results"
"$BIN" gen-instance --out "$WORK/gen3" --students 0 > /dev/null 2>&1
[[ $? -eq 2 ]] || fail "gen-instance --students 0 should exit 2"

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all matching CLI checks passed"
