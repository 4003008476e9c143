# pg_lib.sh -- a private PostgreSQL cluster for a test or a benchmark
# (sourced). Never the system's service: initdb and pg_ctl in a temporary
# folder, as an unprivileged user, on a Unix socket only.
#
#   . tests/pg_lib.sh
#   pg_start            # sets PG_CONN (a libpq connection string), PG_DIR,
#                       # PG_SOCK, PG_PORT, PG_BIN; stops itself at exit
#   psql "$PG_CONN" -c 'select 1'
#   pg_stop             # optional: stop and remove it now
#
# PG_FAST=1 before pg_start turns off fsync (tests that do not measure
# durability or speed). Root cannot run postgres: as root the cluster runs
# as the system user ocop-pg when it exists, else as nobody; the folder
# is given to that user. The caller's EXIT trap, if any, still runs,
# before the cluster is stopped. A watchdog stops the cluster if the calling
# shell dies without running its traps (kill -9, a ctest timeout).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# Run a PostgreSQL program as the cluster's owner.
_pg_as() {
    if [ -n "${_PG_USER:-}" ]; then
        runuser -u "$_PG_USER" -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    [ -x "$PG_BIN/initdb" ] || {
        echo "pg_lib: no $PG_BIN/initdb (scripts/deps.sh test installs postgresql-15)" >&2
        return 1
    }
    _PG_USER=
    if [ "$(id -u)" = 0 ]; then
        if getent passwd ocop-pg >/dev/null; then _PG_USER=ocop-pg; else _PG_USER=nobody; fi
    fi
    # /tmp, not a long TMPDIR: a Unix socket path has at most 107 bytes.
    PG_DIR=$(mktemp -d /tmp/ocop-pg.XXXXXX) || return 1
    PG_SOCK=$PG_DIR
    [ -n "$_PG_USER" ] && chown "$_PG_USER" "$PG_DIR"
    # The watchdog: when this shell is gone (even by kill -9, or a ctest
    # timeout killing its process group), stop the cluster and remove the
    # folder. In a session of its own, so neither that kill nor a caller's
    # bare `wait` reaches it; it ends by itself once pg_stop removed the
    # folder.
    setsid -f bash -c '
        while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done
        [ -d "$2" ] || exit 0
        if [ -d "$2/data" ]; then
            if [ -n "$4" ]; then
                runuser -u "$4" -- "$3/pg_ctl" -D "$2/data" -m immediate stop
            else
                "$3/pg_ctl" -D "$2/data" -m immediate stop
            fi
        fi
        rm -rf "$2"' watchdog "$$" "$PG_DIR" "$PG_BIN" "$_PG_USER" \
        </dev/null >/dev/null 2>&1
    chmod 700 "$PG_DIR"
    # Only the socket's file name depends on the port, so any free-looking
    # number does; it is never bound on TCP.
    PG_PORT=$((20000 + RANDOM % 40000))
    if ! _pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U ocop --auth=trust \
        -E UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1; then
        cat "$PG_DIR/initdb.log" >&2
        rm -rf "$PG_DIR"
        return 1
    fi
    {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$PG_SOCK'"
        echo "port = $PG_PORT"
        echo "max_connections = 60"
        echo "shared_buffers = ${PG_SHARED_BUFFERS:-64MB}"
        if [ "${PG_FAST:-0}" = 1 ]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } | _pg_as tee -a "$PG_DIR/data/postgresql.conf" >/dev/null
    if ! _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
        -w -t 60 start </dev/null >/dev/null 2>&1; then
        echo "pg_lib: the private cluster did not start:" >&2
        tail -20 "$PG_DIR/server.log" >&2
        rm -rf "$PG_DIR"
        return 1
    fi
    PG_CONN="host=$PG_SOCK port=$PG_PORT user=ocop dbname=ocop"
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
        "host=$PG_SOCK port=$PG_PORT user=ocop dbname=postgres" \
        -c 'CREATE DATABASE ocop' >/dev/null || { pg_stop; return 1; }

    # At exit: the caller's own EXIT trap first (it stops the clients),
    # then the cluster.
    local prev
    prev=$(trap -p EXIT)
    _PG_PREV_EXIT=
    if [ -n "$prev" ]; then
        eval "set -- $prev"
        _PG_PREV_EXIT=$3
    fi
    trap 'eval "$_PG_PREV_EXIT" || true; pg_stop' EXIT
    [ -z "$(trap -p INT)" ] && trap 'exit 130' INT
    [ -z "$(trap -p TERM)" ] && trap 'exit 143' TERM

}

pg_stop() {
    [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
    _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop \
        </dev/null >/dev/null 2>&1 ||
        _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop \
            </dev/null >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=
    return 0
}
