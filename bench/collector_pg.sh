#!/usr/bin/env bash
# The collector's two engines measured the same way (bench/bench_store.c):
# uploads per second and latency from concurrent kiosks, empty and after
# PRELOAD scans, and bytes per stored scan. PostgreSQL runs in a private
# cluster with fsync on (tests/pg_lib.sh).
# usage: bench/collector_pg.sh BUILD_DIR [THREADS] [BATCHES] [SCANS] [PRELOAD]
set -euo pipefail
B=${1:?build dir}
THREADS=${2:-16}
PER=${3:-50}
SCANS=${4:-50}
PRELOAD=${5:-1000000}
BENCH=$B/bench/bench_store
. "$(dirname "$0")/../tests/pg_lib.sh"
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB} pg_start
W=$(mktemp -d)
trap 'pg_stop; rm -rf "$W"' EXIT

echo "== PostgreSQL"
"$BENCH" "$PG_CONN" "$THREADS" "$PER" "$SCANS" "$PRELOAD"
echo "== SQLite"
"$BENCH" "$W/collector.db" "$THREADS" "$PER" "$SCANS" "$PRELOAD"
