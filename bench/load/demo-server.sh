# Sourced by the load scripts: `start_demo_server BUILD DB_FILE WORK_DIR`
# seeds the demo data into a fresh SQLite file, serves it on a free loopback
# port without the per-minute report limit or the per-client connection limit
# (wrk plays many clients from one address), and sets `pid` and `url`.
start_demo_server() {
  local build=$1 db=$2 work=$3
  "$build/stagepunt" demo --db "sqlite:$db" --data-dir "$work" >/dev/null
  "$build/stagepunt" serve --db "sqlite:$db" --data-dir "$work" --listen 127.0.0.1:0 \
    --report-rate-limit 0 --report-client-limit 0 --max-connections-per-client 0 >"$work/out" 2>"$work/err" &
  pid=$!
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/out" 2>/dev/null | head -1 || true)
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  echo "server did not start" >&2
  cat "$work/err" >&2
  exit 1
}
