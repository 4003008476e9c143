# Shared by the upload tests: a temp dir, the binaries, a collector on a
# free loopback port, SQLite queries. Source it; set -euo pipefail first.
HOST=$OCOP_BUILD_DIR/host/ocop-host
DRV=$OCOP_BUILD_DIR/tests/upload_driver
T=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

# OCOP_COLLECTOR_PG=1: the collector is PostgreSQL, in a private cluster
# (tests/pg_lib.sh) stopped at exit; COLLECTOR_DB names it either way.
if [ "${OCOP_COLLECTOR_PG:-0}" = 1 ]; then
    . "$(dirname "${BASH_SOURCE[0]}")/pg_lib.sh"
    PG_FAST=1 pg_start
    COLLECTOR_DB=$PG_CONN
else
    COLLECTOR_DB=$T/collector.db
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# start_serve NAME ARGS...: run ocop-host serve on 127.0.0.1:0 and set
# PORT and SERVE_PID once it listens.
start_serve() {
    local name=$1; shift
    "$HOST" serve --listen 127.0.0.1:0 "$@" >"$T/$name.out" 2>"$T/$name.err" &
    SERVE_PID=$!
    PIDS+=("$SERVE_PID")
    for _ in $(seq 100); do
        if grep -q '^listening on' "$T/$name.out" 2>/dev/null; then
            PORT=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/$name.out")
            return 0
        fi
        kill -0 "$SERVE_PID" 2>/dev/null || { cat "$T/$name.err" >&2; fail "serve $name died"; }
        sleep 0.1
    done
    fail "serve $name did not start"
}

stop_serve() {
    kill -TERM "$1"
    wait "$1" || fail "serve did not exit 0 on SIGTERM"
}

# q DB SQL: the first column of the first row (DB: a SQLite file, or a
# PostgreSQL connection string, where the tables are in schema collector).
q() {
    if [ "${OCOP_COLLECTOR_PG:-0}" = 1 ]; then
        PGOPTIONS=-csearch_path=collector "$PG_BIN/psql" -X -q -At \
            -v ON_ERROR_STOP=1 "$1" -c "$2" | head -n1
    else
        python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$1" "$2"
    fi
}

# post URL FILE: print the HTTP status; the body goes to $T/answer.
post() {
    curl -s -o "$T/answer" -w '%{http_code}' --max-time 20 \
        -H 'Content-Type: application/vnd.ocop.scans' -H 'Expect:' \
        --data-binary "@$2" "$1"
}
