#!/usr/bin/env bash
# The collector's two engines measured the same way, for issue 16
# (docs/performance.md, "Collector at national scale"). Per engine:
#  1. HTTP: THREADS kiosks (one kept-alive connection each) post BATCHES
#     batches of SCANS scans to ocop-host serve on the empty store
#     (bench/bench_collector.c); every scan counted stored once;
#  2. below HTTP (bench/bench_store.c): the same from THREADS threads into
#     the engine, then PRELOAD scans of a year loaded in bulk (PostgreSQL:
#     COPY, beside a bare COPY of the same rows into an unindexed table,
#     the baseline), the round again, bytes per stored scan;
#  3. HTTP again on the loaded store, against the empty figure of step 1;
#  4. every `ocop-host report` kind over that year, timed as a whole
#     process, beside a bare count(*) of the raw scans in the same run.
# PostgreSQL runs in a private cluster with fsync on (tests/pg_lib.sh).
# ENGINES=pg or ENGINES=sqlite runs one. On the loaded store, also: the
# open loop at OPEN_RATES batches/s (bench/collector_open.sh, 30 s each;
# default none) and the console's pages that read the collector
# (bench/console_pg.py). The bulk load stops before the free
# space of / would fall below BENCH_KEEP_GB (12). BENCH_HOLD=FILE keeps
# the PostgreSQL cluster up after the reports, its connection string in
# FILE, until FILE is removed (to study a query on the loaded store).
# usage: bench/collector_pg.sh BUILD_DIR [THREADS] [BATCHES] [SCANS] [PRELOAD]
set -euo pipefail
B=${1:?build dir}
THREADS=${2:-200}
PER=${3:-10}
SCANS=${4:-50}
PRELOAD=${5:-1000000}
ENGINES=${ENGINES:-pg sqlite}
BENCH=$B/bench/bench_store
HTTP=$B/bench/bench_collector
HOST=$B/host/ocop-host
. "$(dirname "$0")/serve_lib.sh"
. "$(dirname "$0")/../tests/pg_lib.sh"
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB} pg_start

"$HOST" demo "$T/world" --date 2026-11-30 >/dev/null
REG=$T/world/registry.db

# seconds CMD...: wall seconds of one run, its output thrown away.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null || echo "failed or timed out: $*" >&2
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}'
}

# count DB: scans stored (either engine).
count() {
    if [ "$1" = "$PG_CONN" ]; then
        "$PG_BIN/psql" -X -q -At "$1" -c 'SELECT count(*) FROM collector.scans'
    else
        python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from scans").fetchone()[0])' "$1"
    fi
}

# http NAME DB: a round of uploads through ocop-host serve with fresh
# kiosks, and the count check.
http() {
    local name=$1 db=$2 before after keys=$T/keys-$3-$1
    mkdir -p "$keys"
    "$HTTP" keys "$keys" "$THREADS" >"$keys.pubs"
    local args=()
    while read -r p; do args+=(--public "$p"); done <"$keys.pubs"
    "$HOST" kiosk enroll --collector-db "$db" "${args[@]}" --province "Hà Nội" \
        --shop bench >/dev/null
    start_serve --collector-db "$db" --rate 0
    before=$(count "$db")
    "$HTTP" upload "http://127.0.0.1:$SPORT/v1/scans" "$keys" \
        "$THREADS" "$PER" "$SCANS" | sed "s/^collector/http_$name/"
    after=$(count "$db")
    kill "${pids[-1]}"
    wait "${pids[-1]}" 2>/dev/null || true
    echo "http_$name stored $((after - before)) of $((THREADS * PER * SCANS)) sent: $([ $((after - before)) = $((THREADS * PER * SCANS)) ] && echo each once || echo WRONG)"
}

# reports ENGINE DB: every kind over everything stored.
reports() {
    local engine=$1 db=$2 base kind s
    if [ "$engine" = pg ]; then
        base=$(seconds "$PG_BIN/psql" -X -q -At "$db" -c 'SELECT count(*) FROM collector.scans')
    else
        base=$(seconds sqlite3 "$db" 'SELECT count(*) FROM scans')
    fi
    echo "$engine baseline count(*) of the raw scans: ${base} s"
    for kind in verdicts hotspots clones findings reinspect expiring stats all; do
        s=$(seconds timeout 900 "$HOST" report "$kind" --collector-db "$db" --db "$REG" \
            --today 2026-09-21 --out "$T/$engine-$kind.txt")
        echo "$engine report $kind: $s s ($(awk -v a="$s" -v b="$base" 'BEGIN{printf "%.1f", (b > 0 ? a / b : 0)}') x baseline)"
    done
}

for e in $ENGINES; do
    db=$T/collector.db
    [ "$e" = pg ] && db=$PG_CONN
    echo "== $e: $THREADS kiosks x $PER batches x $SCANS scans, preload $PRELOAD"
    echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
    http empty "$db" "$e"
    "$BENCH" "$db" "$THREADS" "$PER" "$SCANS" "$PRELOAD"
    http loaded "$db" "$e"
    if [ -n "${OPEN_RATES:-}" ]; then
        # shellcheck disable=SC2086 # the rates are words
        COLLECTOR_DB=$db bash "$(dirname "$0")/collector_open.sh" "$B" 1000 30 \
            "$SCANS" $OPEN_RATES
    fi
    PYTHONPATH=$(dirname "$0") python3 "$(dirname "$0")/console_pg.py" \
        "$B/tests/console_driver" "$REG" "$db" "$PG_BIN/psql"
    echo "machine: load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
    reports "$e" "$db"
    echo "machine: load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
    df -h "$T" | tail -n1
    if [ "$e" = pg ] && [ -n "${BENCH_HOLD:-}" ]; then
        echo "$db" >"$BENCH_HOLD"
        echo "holding the cluster until $BENCH_HOLD is removed"
        while [ -e "$BENCH_HOLD" ]; do sleep 5; done
    fi
done
