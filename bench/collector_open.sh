#!/usr/bin/env bash
# The collector under an open loop, for issue 16 (docs/performance.md,
# "Open loop"): KIOSKS enrolled kiosks upload batches of SCANS scans at a
# fixed mean rate (Poisson arrivals; e.g. 10 000 kiosks every 5 minutes is
# 33 batches/s), whatever the server answers, for SECONDS per rate, and
# each latency runs from the batch's scheduled time, so queueing at the
# server is counted, never hidden by a client that waits
# (bench/bench_collector.c, "open"). Per engine and rate, beside the
# baseline measured the same way in the same run: GET /healthz of the
# same server at the same rate (HTTP and the machine, no store). Every
# scan sent is counted stored once. PostgreSQL is a private cluster with
# fsync on (tests/pg_lib.sh); SQLite as the collector opens it.
# ENGINES=pg or ENGINES=sqlite runs one. COLLECTOR_DB=CONNINFO|FILE runs
# the rates on that store as it is (bench/collector_pg.sh: on the loaded
# year), with no cluster of its own.
# usage: bench/collector_open.sh BUILD_DIR [KIOSKS] [SECONDS] [SCANS] [RATE...]
set -euo pipefail
B=${1:?build dir}
KIOSKS=${2:-1000}
SECONDS_PER=${3:-30}
SCANS=${4:-50}
shift $(($# < 4 ? $# : 4))
RATES=${*:-10 25 50 75 100 150}
ENGINES=${ENGINES:-pg sqlite}
HTTP=$B/bench/bench_collector
HOST=$B/host/ocop-host
. "$(dirname "$0")/serve_lib.sh"
. "$(dirname "$0")/../tests/pg_lib.sh"
if [ -n "${COLLECTOR_DB:-}" ]; then
    # A libpq string ("host=... dbname=...", postgresql://...) or a file.
    case $COLLECTOR_DB in
    *=* | postgres*://*) PG_CONN=$COLLECTOR_DB ENGINES=pg ;;
    *) PG_CONN= ENGINES=sqlite ;;
    esac
else
    PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB} pg_start
fi

# count DB: the scans stored from 2026-09-21 on, where every upload of
# bench_collector falls (on PostgreSQL only those months are read, not a
# preloaded year).
count() {
    if [ "$1" = "$PG_CONN" ]; then
        "$PG_BIN/psql" -X -q -At "$1" -c 'SELECT count(*) FROM collector.scans WHERE time >= 1790000000'
    else
        python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from scans").fetchone()[0])' "$1"
    fi
}

mkdir -p "$T/keys"
"$HTTP" keys "$T/keys" "$KIOSKS" >"$T/keys.pubs"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for e in $ENGINES; do
    db=$T/collector.db
    [ "$e" = pg ] && db=$PG_CONN
    [ -n "${COLLECTOR_DB:-}" ] && db=$COLLECTOR_DB
    args=()
    while read -r p; do args+=(--public "$p"); done <"$T/keys.pubs"
    "$HOST" kiosk enroll --collector-db "$db" "${args[@]}" --province "Hà Nội" \
        --shop bench >/dev/null
    start_serve --collector-db "$db" --rate 0
    first=0
    for r in $RATES; do
        echo "== $e rate $r batches/s, $KIOSKS kiosks, $SECONDS_PER s (load $(cut -d' ' -f1 /proc/loadavg))"
        "$HTTP" open "http://127.0.0.1:$SPORT/healthz" - "$KIOSKS" "$r" \
            "$SECONDS_PER" "$SCANS" 0 | sed "s/^static/$e baseline/" || true
        before=$(count "$db")
        out=$("$HTTP" open "http://127.0.0.1:$SPORT/v1/scans" "$T/keys" \
            "$KIOSKS" "$r" "$SECONDS_PER" "$SCANS" "$first") || true
        after=$(count "$db")
        echo "$out" | sed "s/^collector/$e upload/"
        sent=$(echo "$out" | sed -n 's/.* scans \([0-9]*\) .*/\1/p')
        echo "$e stored $((after - before)) of ${sent:-?} sent: $([ "$((after - before))" = "${sent:-x}" ] && echo each once || echo WRONG)"
        first=$((first + 100000000))
    done
    kill "${pids[-1]}"
    wait "${pids[-1]}" 2>/dev/null || true
done
