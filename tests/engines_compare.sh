#!/usr/bin/env bash
# The two collector engines side by side (docs/collector.md): the same
# uploads through ocop-host serve on SQLite and on PostgreSQL give the same
# HTTP answers, and every report kind, in every format, gives the same bytes
# on both -- over the uploaded scans, and over a demo world's year moved
# into PostgreSQL with `collector import` (reports there read the rollups).
set -euo pipefail
. "$(dirname "$0")/upload_common.sh"
. "$(dirname "$0")/pg_lib.sh"
PG_FAST=1 pg_start
SQ=$T/collector.db
PGC=$PG_CONN

# --- the upload suite's batches, posted to both engines ---------------------
"$HOST" demo "$T/w" --date 2026-11-30 >/dev/null
REG=$T/w/registry.db
for k in 1 2 3; do
    mkdir -p "$T/k$k"
    "$DRV" keygen "$T/k$k" >/dev/null
    "$DRV" pubkey "$T/k$k" >"$T/k$k.pub"
done
mkdir -p "$T/stranger"
"$DRV" keygen "$T/stranger" >/dev/null
for db in "$SQ" "$PGC"; do
    "$HOST" kiosk enroll --collector-db "$db" --public "$T/k1.pub" \
        --province "Hà Nội" --shop "Siêu thị Số 1" >/dev/null
    "$HOST" kiosk enroll --collector-db "$db" --public "$T/k2.pub" \
        --province "Hà Nội" --shop "Chợ Đồng Xuân" >/dev/null
    "$HOST" kiosk enroll --collector-db "$db" --public "$T/k3.pub" \
        --province "Lào Cai" --shop "Sa Pa" >/dev/null
done
# Batches made once, so both engines receive the same bytes: new scans,
# a replay, an overlapping batch, a reused batch ID, an altered body, an
# unknown kiosk, garbage.
"$DRV" batch "$T/k1" "$T/b1" 40 1
"$DRV" batch "$T/k1" "$T/b2" 40 21
"$DRV" batch "$T/k2" "$T/b3" 60 1
"$DRV" batch "$T/k3" "$T/b4" 25 1
"$DRV" batch "$T/k3" "$T/b5" 5 1000 "$(sed -n 's/^batch //p' "$T/b4")"
sed '6s/ 0$/ 1/' "$T/b1" >"$T/b6"
"$DRV" batch "$T/stranger" "$T/b7" 3 1
printf 'hello\n' >"$T/b8"
# One label scanned four times in a Vietnam day at k1 (its first, then a
# row of three over 170 minutes), at k2 and k3 in between: within one
# hour, k2, k1's middle scan and k3. The clone report's --clone-hours 1
# needs that middle scan (PostgreSQL reads it from the raw scans).
t0=1790186400 # 2026-09-24 01:00, Vietnam
rec() {
    echo "scan $1 $((t0 + $2 * 60)) genuine HN-0001 0123456789ABCDEF L9 9001 9f86d081884c7d659a2feaa0c55ad015 0"
}
# signed KEYDIR KIOSK_BATCH OUT NUMBER RECORD...: a batch of these records
# from the kiosk of KIOSK_BATCH, signed by its key.
signed() {
    local key=$1 kid out=$3 no=$4
    kid=$(sed -n 's/^kiosk //p' "$2")
    shift 4
    {
        printf 'OCOP-SCANS/1\nkiosk %s\nbatch %032x\ncreated %d\ncount %d\n' \
            "$kid" "$no" $((t0 + 86400)) $#
        printf '%s\n' "$@"
    } >"$out.unsigned"
    "$DRV" sign "$key" "$out.unsigned" "$out"
}
signed "$T/k1" "$T/b1" "$T/b9" 9 "$(rec 5001 0)" "$(rec 5002 10)" \
    "$(rec 5003 90)" "$(rec 5004 180)"
signed "$T/k2" "$T/b3" "$T/b10" 10 "$(rec 5001 80)"
signed "$T/k3" "$T/b4" "$T/b11" 11 "$(rec 5001 100)"
for e in sqlite pg; do
    db=$SQ
    [ $e = pg ] && db=$PGC
    start_serve "serve_$e" --collector-db "$db"
    for b in b1 b1 b2 b3 b4 b5 b6 b7 b8 b3 b9 b10 b11; do
        printf '%s %s ' "$b" "$(post "http://127.0.0.1:$PORT/v1/scans" "$T/$b")"
        cat "$T/answer"
    done >"$T/http_$e"
    stop_serve "$SERVE_PID"
done
diff -u "$T/http_sqlite" "$T/http_pg" || fail "HTTP answers differ between the engines"
grep -q '^b1 200 .*stored 40 scans (40 new)' "$T/http_pg" || fail "first batch: $(head -n1 "$T/http_pg")"
grep -q '^b2 200 .*(20 new)' "$T/http_pg" || fail "overlap not stored once"
[ "$(grep -c 'already stored' "$T/http_pg")" = 2 ] || fail "replays not recognised"
ok "uploads: the same HTTP answers from both engines ($(wc -l <"$T/http_pg") requests)"

# --- the report suite on both engines ---------------------------------------
# reports DIR COLLECTOR ARGS...: every kind in every format, and the
# variants the report suite uses, into DIR.
reports() {
    local dir=$1 db=$2 kind fmt
    shift 2
    mkdir -p "$dir"
    local common=(--collector-db "$db" --db "$REG" --today 2026-11-30 "$@")
    for kind in verdicts hotspots clones findings reinspect expiring stats all; do
        for fmt in table csv html; do
            [ "$kind/$fmt" = all/csv ] && continue
            "$HOST" report "$kind" "${common[@]}" --format "$fmt" \
                --out "$dir/$kind.$fmt"
        done
    done
    for by in province kiosk day; do
        "$HOST" report verdicts "${common[@]}" --by "$by" --format csv \
            --out "$dir/verdicts_$by.csv"
    done
    "$HOST" report all "${common[@]}" --province "Hà Nội" --out "$dir/hanoi.txt"
    "$HOST" report all "${common[@]}" --from 2026-10-01 --to 2026-10-31 \
        --out "$dir/october.txt"
    "$HOST" report clones "${common[@]}" --clone-scans 2 --clone-kiosks 2 \
        --clone-hours 48 --limit 500 --format csv --out "$dir/clones_low.csv"
    # A window shorter than a day: PostgreSQL reads the raw scans of a
    # suspect scanned 3 times or more in a day at one kiosk over more
    # than an hour (docs/collector.md, "Reports on PostgreSQL").
    "$HOST" report clones "${common[@]}" --clone-scans 2 --clone-kiosks 2 \
        --clone-hours 1 --limit 500 --format csv --out "$dir/clones_1h.csv"
    "$HOST" report reinspect "${common[@]}" --reinspect-scans 1 --format csv \
        --out "$dir/reinspect_low.csv"
    # The HTML page says when it was made: the one line allowed to differ.
    sed -i -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/GENERATED/g' \
        "$dir"/*.html
}
same() {
    diff -r "$1" "$2" >"$T/diff" || { head -n 40 "$T/diff" >&2; fail "$3"; }
}
reports "$T/up_sqlite" "$SQ"
reports "$T/up_pg" "$PGC"
same "$T/up_sqlite" "$T/up_pg" "reports over the uploaded scans differ"
ok "reports over the uploaded scans: $(ls "$T/up_pg" | wc -l) files, the same bytes"

# A demo year: forgery hotspots, a planted clone, findings; moved in.
"$HOST" demo-scans --world "$T/w" --date 2026-11-30 --days 365 --count 30000 >/dev/null
"$PG_BIN/psql" -X -q "$PGC" -c 'CREATE DATABASE demo'
PGD=${PGC/dbname=ocop/dbname=demo}
"$HOST" collector import --from "$T/w/collector.db" --collector-db "$PGD" >/dev/null
reports "$T/demo_sqlite" "$T/w/collector.db"
reports "$T/demo_pg" "$PGD"
same "$T/demo_sqlite" "$T/demo_pg" "reports over the demo year differ"
grep -q '"provinces,count,burst"' "$T/demo_pg/clones.csv" ||
    fail "the planted clone not found on PostgreSQL"
[ "$(grep -c . "$T/demo_pg/verdicts_day.csv")" -gt 300 ] || fail "not a year of days"
ok "reports over a demo year ($(ls "$T/demo_pg" | wc -l) files): the same bytes on both engines"

# Rows a concurrent batch left without the label's first sighting
# (docs/collector.md, "Rollups"): the clone report looks it up in
# label_first and finds the same suspects.
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$PGD" -c "UPDATE collector.daily_labels
    SET first_kiosk = NULL, first_seen = NULL WHERE serial % 2 = 0" >/dev/null
reports "$T/demo_pg_nofirst" "$PGD"
for f in clones.csv clones_low.csv clones_1h.csv; do
    cmp -s "$T/demo_sqlite/$f" "$T/demo_pg_nofirst/$f" ||
        fail "$f differs when rows lack their first sighting"
done
ok "clone suspects the same when rows lack their first sighting"

# The reports' role of docs/collector.md (only its grants) reads the same.
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$PGD" \
    -c 'CREATE ROLE ocop_collector LOGIN' -c 'CREATE ROLE ocop_reports LOGIN'
sed -n '/^-- ocop collector grants/,/^```/p' "$OCOP_SOURCE_DIR/docs/collector.md" |
    grep -v '^```' >"$T/grants.sql"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$PGD" -f "$T/grants.sql"
"$HOST" report all --collector-db "${PGD/user=ocop/user=ocop_reports}" --db "$REG" \
    --today 2026-11-30 --out "$T/as_reports.txt"
cmp -s "$T/as_reports.txt" "$T/demo_pg/all.table" || fail "the reports role reads other figures"
ok "the reports role, with only its documented grants, gets the same report"

# Raw scans dropped by retention: the figures still come from the rollups,
# the clone suspects too (at the default window, from daily_labels alone).
for w in before after; do
    if [ $w = after ]; then
        "$HOST" collector retain --collector-db "$PGD" --months 0 >/dev/null
    fi
    "$HOST" report verdicts --collector-db "$PGD" --db "$REG" --by province \
        --format csv --out "$T/$w.csv"
    "$HOST" report clones --collector-db "$PGD" --db "$REG" --today 2026-11-30 \
        --clone-scans 2 --clone-kiosks 2 --limit 500 --format csv \
        --out "$T/${w}_clones.csv"
done
cmp -s "$T/before.csv" "$T/after.csv" || fail "verdict figures changed when raw months were dropped"
[ "$(grep -c . "$T/before_clones.csv")" -gt 2 ] || fail "no clone suspects before retention"
cmp -s "$T/before_clones.csv" "$T/after_clones.csv" ||
    fail "clone suspects changed when raw months were dropped"
ok "verdict figures and clone suspects unchanged after retention dropped the raw months"
echo "all engine comparison tests passed"
