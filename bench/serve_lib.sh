# serve_lib.sh -- shared by the loopback server benchmarks (collector.sh,
# phone.sh): a temp folder cleaned at exit, ocop-host serve started on a
# free port, and the baseline, nginx serving one static file. Source it
# after setting HOST; it sets T and keeps started processes in pids.
T=$(mktemp -d)
chmod 755 "$T"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$T"' EXIT

# start_serve ARGS...: ocop-host serve on 127.0.0.1, any port; sets SPORT.
# One address plays every client here, so no per-address limit.
start_serve() {
    "$HOST" serve --listen 127.0.0.1:0 --max-per-ip 100000 "$@" \
        >"$T/serve.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do grep -q '^listening' "$T/serve.out" && break; sleep 0.1; done
    SPORT=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.out")
}

# static_nginx NAME SIZE: nginx on a free loopback port serving SIZE
# random bytes at /NAME; sets NPORT once it answers.
static_nginx() {
    NPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$T/www" "$T/ngx"
    head -c "$2" /dev/urandom >"$T/www/$1"
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
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$NPORT/$1" && break; sleep 0.1; done
}
