#!/usr/bin/env bash
# ocop-host on a PostgreSQL collector: kiosk enroll/list/revoke through
# --collector-db CONNINFO, a demo world's SQLite collector moved in with
# `collector import` (checked by counts, resumable, nothing doubled), and
# `collector retain` dropping raw months while the rollups stay.
set -euo pipefail
HOST=$OCOP_BUILD_DIR/host/ocop-host
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/pg_lib.sh"
PG_FAST=1 pg_start
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
pq() { PGOPTIONS=-csearch_path=collector "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$PG_CONN" -c "$1"; }
sq() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$1" "$2"; }

# --- the world: a SQLite collector with demo scans ---------------------------
"$HOST" demo "$T/w" --date 2026-11-30 >/dev/null
"$HOST" demo-scans --world "$T/w" --date 2026-11-30 --days 90 --count 20000 >/dev/null
C=$T/w/collector.db
n=$(sq "$C" 'select count(*) from scans')
[ "$n" -ge 20000 ] || fail "demo scans: $n"

# --- import, then again ------------------------------------------------------------
set +e; "$HOST" collector import --from "$C" --collector-db "$C" 2>"$T/err"; rc=$?; set -e
[ $rc = 2 ] && grep -q 'not a connection string' "$T/err" || fail "a file taken for PostgreSQL ($rc)"
"$HOST" collector import --from "$C" --collector-db "$PG_CONN" >"$T/imp1"
grep -q "scans $n read, $n new; $n scans in the file, all in PostgreSQL" "$T/imp1" || fail "import: $(cat "$T/imp1")"
[ "$(pq 'select count(*) from scans')" = "$n" ] || fail "not $n scans in PostgreSQL"
for t in kiosks batches findings; do
    [ "$(pq "select count(*) from $t")" = "$(sq "$C" "select count(*) from $t")" ] || fail "$t differ"
done
# The same verdict counts per kiosk, from the rollup, as SQLite's raw scans.
sq_sum=$(sq "$C" "select group_concat(x, ',') from (select kiosk || ':' || verdict || ':' || count(*) as x from scans group by kiosk, verdict order by kiosk, verdict)")
pg_sum=$(pq "select string_agg(x, ',') from (select kiosk || ':' || verdict || ':' || sum(scans) as x from daily_kiosks group by kiosk, verdict order by kiosk collate \"C\", verdict collate \"C\") y")
[ "$sq_sum" = "$pg_sum" ] || fail "rollup differs from SQLite's counts"
"$HOST" collector import --from "$C" --collector-db "$PG_CONN" >"$T/imp2"
grep -q "scans 0 read, 0 new; $n scans in the file, all in PostgreSQL" "$T/imp2" || fail "second import: $(cat "$T/imp2")"
ok "SQLite collector imported ($n scans), counts and rollups checked, a second run copies nothing"

# --- kiosks through --collector-db CONNINFO -------------------------------------
"$HOST" kiosk list --collector-db "$C" >"$T/l_sqlite"
"$HOST" kiosk list --collector-db "$PG_CONN" >"$T/l_pg"
cmp -s "$T/l_sqlite" "$T/l_pg" || fail "kiosk list differs between the engines"
kid=$(head -n1 "$T/l_pg" | cut -f1)
"$HOST" kiosk revoke --collector-db "$PG_CONN" "$kid" >/dev/null
"$HOST" kiosk list --collector-db "$PG_CONN" >"$T/l_pg2"
grep -q "^$kid	revoked" "$T/l_pg2" || fail "revocation not listed"
ok "kiosk list equal on both engines; revoke on PostgreSQL"

# --- retention ----------------------------------------------------------------------
# Months that ended before this one go with --months 0.
this_month=$(date -u +%Y_%m)
old=$(pq "select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid where inhparent = 'scans'::regclass and c.relname ~ '^scans_[0-9]{4}_[0-9]{2}$' and c.relname < 'scans_$this_month'")
[ "$old" -ge 3 ] || fail "expected 3 or more past month partitions, got $old"
kept=$(pq "select count(*) from scans where time >= extract(epoch from date_trunc('month', now() at time zone 'UTC'))")
rolled=$(pq 'select sum(scans) from daily_products')
[ "${rolled:-0}" -gt 0 ] || fail "no rollups before retention"
"$HOST" collector retain --collector-db "$PG_CONN" --months 0 >"$T/ret"
grep -q "dropped $old months" "$T/ret" || fail "retain: $(cat "$T/ret")"
[ "$(pq 'select count(*) from scans')" = "$kept" ] || fail "raw scans of past months left after retain --months 0"
[ "$(pq 'select sum(scans) from daily_products')" = "$rolled" ] || fail "rollups changed by retention"
ok "retain --months 0: $old months dropped, rollups kept"
echo "all PostgreSQL collector command tests passed"
