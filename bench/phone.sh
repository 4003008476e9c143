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
. "$(dirname "$0")/serve_lib.sh"

"$HOST" demo "$T/w" >/dev/null
start_serve --world "$T/w" ${SERVE_ARGS:-}
PPORT=$SPORT

urls=()
while IFS=$'\t' read -r file _; do
    u=$(zbarimg --raw -q "$T/w/labels/$file" 2>/dev/null)
    p=${u#*://*/}
    case "$p" in V/*) urls+=("http://127.0.0.1:$PPORT/$p") ;; esac
done <"$T/w/labels/expected.tsv"
# The baseline file is as big as the average page.
size=$(for u in "${urls[@]}"; do curl -s "$u" | wc -c; done |
       awk '{s += $1} END {printf "%d", s / NR}')

static_nginx page.html "$size"
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
