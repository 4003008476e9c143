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
T=$(mktemp -d)
chmod 755 "$T"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$T"' EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$T/k"
"$BENCH" keys "$T/k" "$THREADS" >"$T/pubs"
args=(); while read -r p; do args+=(--public "$p"); done <"$T/pubs"
"$HOST" kiosk enroll --collector-db "$T/c.db" "${args[@]}" --province bench --shop bench >/dev/null
"$HOST" serve --collector-db "$T/c.db" --listen 127.0.0.1:0 --rate 0 --max-per-ip 100000 ${SERVE_ARGS:-} >"$T/serve.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q '^listening' "$T/serve.out" && break; sleep 0.1; done
CPORT=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.out")

"$BENCH" upload "http://127.0.0.1:$CPORT/v1/scans" "$T/k" "$THREADS" "$PER" "$SCANS" | tee "$T/c.out"
size=$(sed -n 's/^batch_bytes //p' "$T/c.out")

NPORT=$(freeport)
mkdir -p "$T/www" "$T/ngx"
head -c "$size" /dev/urandom >"$T/www/batch.bin"
chmod -R a+rX "$T/www"
cat >"$T/nginx.conf" <<NGX
daemon off;
worker_processes 2;
pid $T/nginx.pid;
error_log $T/nginx.err;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $T/ngx; proxy_temp_path $T/ngx;
    fastcgi_temp_path $T/ngx; uwsgi_temp_path $T/ngx; scgi_temp_path $T/ngx;
    server { listen 127.0.0.1:$NPORT; root $T/www; }
}
NGX
/usr/sbin/nginx -c "$T/nginx.conf" -p "$T" &
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$NPORT/batch.bin" && break; sleep 0.1; done
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
