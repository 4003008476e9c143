#!/usr/bin/env bash
# Collector benchmark: uploads/s and latency of ocop-host serve on
# loopback, beside nginx serving a static file of the same size in the
# same run (the baseline), as a ratio.
# usage: bench/collector.sh BUILD_DIR [THREADS] [PER_THREAD] [SCANS]
set -euo pipefail
B=${1:?build dir}
THREADS=${2:-16}
PER=${3:-50}
SCANS=${4:-50}
BENCH=$B/bench/bench_collector
HOST=$B/host/ocop-host
. "$(dirname "$0")/serve_lib.sh"

mkdir -p "$T/k"
"$BENCH" keys "$T/k" "$THREADS" >"$T/pubs"
args=(); while read -r p; do args+=(--public "$p"); done <"$T/pubs"
"$HOST" kiosk enroll --collector-db "$T/c.db" "${args[@]}" --province "Hà Nội" --shop bench >/dev/null
start_serve --collector-db "$T/c.db" --rate 0 ${SERVE_ARGS:-}
CPORT=$SPORT

"$BENCH" upload "http://127.0.0.1:$CPORT/v1/scans" "$T/k" "$THREADS" "$PER" "$SCANS" | tee "$T/c.out"
size=$(sed -n 's/^batch_bytes //p' "$T/c.out")

static_nginx batch.bin "$size"
"$BENCH" get "http://127.0.0.1:$NPORT/batch.bin" "$THREADS" "$PER" | tee "$T/n.out"

python3 - "$T/c.out" "$T/n.out" "$size" "$SCANS" <<'PY'
import sys
def fig(path):
    for line in open(path):
        if line.startswith(('collector', 'static')):
            w = line.split(); return dict(zip(w[1::2], w[2::2]))
c, n = fig(sys.argv[1]), fig(sys.argv[2])
print("body %s bytes (%s scans per batch)" % (sys.argv[3], sys.argv[4]))
print("collector POST: %6s uploads/s  p50 %6s ms  p99 %6s ms" % (c['per_s'], c['p50_ms'], c['p99_ms']))
print("nginx static GET: %6s req/s   p50 %6s ms  p99 %6s ms" % (n['per_s'], n['p50_ms'], n['p99_ms']))
print("ratio collector/nginx: throughput %.2f, p99 latency %.1fx" % (
    float(c['per_s']) / float(n['per_s']), float(c['p99_ms']) / float(n['p99_ms'])))
print("scans stored per second: %.0f" % (float(c['per_s']) * int(sys.argv[4])))
PY
