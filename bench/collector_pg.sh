#!/usr/bin/env bash
# The collector's two engines measured the same way (bench/bench_store.c):
# uploads per second and latency from concurrent kiosks, empty and after
# PRELOAD scans of a year (PostgreSQL: COPY beside a bare COPY of the same
# rows, the baseline), each scan counted stored once, bytes per stored
# scan; then every `ocop-host report` kind over that year, timed as a whole
# process, beside a bare count of the raw scans on the same engine in the
# same run. PostgreSQL runs in a private cluster with fsync on
# (tests/pg_lib.sh). ENGINES=pg or ENGINES=sqlite runs one.
# usage: bench/collector_pg.sh BUILD_DIR [THREADS] [BATCHES] [SCANS] [PRELOAD]
set -euo pipefail
B=${1:?build dir}
THREADS=${2:-200}
PER=${3:-10}
SCANS=${4:-50}
PRELOAD=${5:-1000000}
ENGINES=${ENGINES:-pg sqlite}
BENCH=$B/bench/bench_store
HOST=$B/host/ocop-host
. "$(dirname "$0")/../tests/pg_lib.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-pg.XXXXXX")
trap 'rm -rf "$W"' EXIT
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB} pg_start

"$HOST" demo "$W/world" --date 2026-11-30 >/dev/null
REG=$W/world/registry.db

# seconds CMD...: wall seconds of one run, its output thrown away.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}'
}

# reports ENGINE DB: every kind over everything stored (the preloaded
# year and the uploads), beside the baseline.
reports() {
    local engine=$1 db=$2 base kind s
    if [ "$engine" = pg ]; then
        base=$(seconds "$PG_BIN/psql" -X -q -At "$db" -c 'SELECT count(*) FROM collector.scans')
    else
        base=$(seconds python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("select count(*) from scans").fetchone()' "$db")
    fi
    echo "$engine baseline count(*) of the raw scans: ${base} s"
    for kind in verdicts hotspots clones findings reinspect expiring stats all; do
        s=$(seconds "$HOST" report "$kind" --collector-db "$db" --db "$REG" \
            --today 2026-09-21 --out "$W/$engine-$kind.txt")
        echo "$engine report $kind: $s s ($(awk -v a="$s" -v b="$base" 'BEGIN{printf "%.1f", b > 0 ? a / b : 0}') x baseline)"
    done
}

for e in $ENGINES; do
    if [ "$e" = pg ]; then
        echo "== PostgreSQL"
        "$BENCH" "$PG_CONN" "$THREADS" "$PER" "$SCANS" "$PRELOAD"
        reports pg "$PG_CONN"
    else
        echo "== SQLite"
        "$BENCH" "$W/collector.db" "$THREADS" "$PER" "$SCANS" "$PRELOAD"
        reports sqlite "$W/collector.db"
    fi
    df -h "$W" | tail -n1
done
