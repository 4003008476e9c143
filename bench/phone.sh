#!/usr/bin/env bash
# Phone page benchmark: GET /V/<payload> requests/s and latency of
# ocop-host serve on loopback against a demo world (every sample label's
# URL in turn, so every verdict's page is in the mix), beside nginx
# serving a static file of the same size in the same run (the baseline),
# as a ratio; and the same server's /healthz (libmicrohttpd doing no
# work) to show what the check and the page add. They alternate for ROUNDS rounds, so load from other
# processes falls on both alike; each round's ratio is printed.
# usage: bench/phone.sh BUILD_DIR [CLIENTS] [REQUESTS_PER_CLIENT] [ROUNDS]
set -euo pipefail
B=${1:?build dir}
THREADS=${2:-16}
PER=${3:-1000}
ROUNDS=${4:-3}
BENCH=$B/bench/bench_phone
HOST=$B/host/ocop-host
T=$(mktemp -d)
chmod 755 "$T"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$T"' EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$HOST" demo "$T/w" >/dev/null
"$HOST" serve --world "$T/w" --listen 127.0.0.1:0 --max-per-ip 100000 ${SERVE_ARGS:-} >"$T/serve.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q '^listening' "$T/serve.out" && break; sleep 0.1; done
PPORT=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.out")

urls=()
while IFS=$'\t' read -r file _; do
    u=$(zbarimg --raw -q "$T/w/labels/$file" 2>/dev/null)
    p=${u#*://*/}
    case "$p" in V/*) urls+=("http://127.0.0.1:$PPORT/$p") ;; esac
done <"$T/w/labels/expected.tsv"
# The baseline file is as big as the average page.
size=$(for u in "${urls[@]}"; do curl -s "$u" | wc -c; done |
       awk '{s += $1} END {printf "%d", s / NR}')

NPORT=$(freeport)
mkdir -p "$T/www" "$T/ngx"
head -c "$size" /dev/urandom >"$T/www/page.html"
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
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$NPORT/page.html" && break; sleep 0.1; done
echo "pages: ${#urls[@]} sample URLs, average $size bytes; $THREADS clients x $PER requests"
for r in $(seq "$ROUNDS"); do
    "$BENCH" "$THREADS" "$PER" "${urls[@]}" >"$T/p.out"
    "$BENCH" "$THREADS" "$PER" "http://127.0.0.1:$NPORT/page.html" >"$T/n.out"
    "$BENCH" "$THREADS" "$PER" "http://127.0.0.1:$PPORT/healthz" >"$T/h.out"
    python3 - "$T/p.out" "$T/n.out" "$r" "$T/h.out" <<'PY'
import sys
def fig(path):
    w = open(path).read().split()
    return dict(zip(w[1::2], w[2::2]))
p, n, h = fig(sys.argv[1]), fig(sys.argv[2]), fig(sys.argv[4])
print("round %s: phone %6s req/s (p50 %5s ms, p99 %6s ms)  nginx %6s req/s "
      "(p50 %5s ms, p99 %6s ms)  ratio %.2f;  same server's /healthz %6s req/s"
      % (sys.argv[3], p['per_s'], p['p50_ms'], p['p99_ms'], n['per_s'],
         n['p50_ms'], n['p99_ms'], float(p['per_s']) / float(n['per_s']),
         h['per_s']))
PY
done
