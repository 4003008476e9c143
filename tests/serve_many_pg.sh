#!/usr/bin/env bash
# Several ocop-host serve instances on one PostgreSQL (docs/collector.md,
# "Several servers"): a batch retried across two instances, also at the
# same moment, is stored once and every retry is "already stored"; a
# kiosk revoked through the database is refused by both at once; a
# kiosk's uploader switching instances between rounds resends nothing.
set -euo pipefail
. "$(dirname "$0")/upload_common.sh"
. "$(dirname "$0")/pg_lib.sh"
PG_FAST=1 pg_start
DB=$PG_CONN
pq() { PGOPTIONS=-csearch_path=collector "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$DB" -c "$1"; }

for k in k u; do
    mkdir -p "$T/$k"
    "$DRV" keygen "$T/$k" >/dev/null
    "$DRV" pubkey "$T/$k" >"$T/$k.pub"
    "$HOST" kiosk enroll --collector-db "$DB" --public "$T/$k.pub" \
        --province "Hà Nội" --shop "Siêu thị $k" >/dev/null
done
KID=$("$HOST" kiosk list --collector-db "$DB" | grep -P 'Siêu thị k(\t|$)' | cut -f1)
# Each instance keeps its own per-kiosk rate buckets (docs/upload.md):
# the burst here is above the 24 batches each gets at once below, which
# test storing once, not the limit.
start_serve a --collector-db "$DB" --burst 100
A=http://127.0.0.1:$PORT/v1/scans
PID_A=$SERVE_PID
start_serve b --collector-db "$DB" --burst 100
B=http://127.0.0.1:$PORT/v1/scans
PID_B=$SERVE_PID

# --- one batch, retried across the instances, one after the other ---------
"$DRV" batch "$T/k" "$T/b1" 50 1
[ "$(post "$A" "$T/b1")" = 200 ] && grep -q 'stored 50 scans (50 new)' "$T/answer" ||
    fail "first post: $(cat "$T/answer")"
for u in "$B" "$A" "$B"; do
    [ "$(post "$u" "$T/b1")" = 200 ] && grep -q 'already stored' "$T/answer" ||
        fail "retry through another instance: $(cat "$T/answer")"
done
[ "$(pq 'select count(*) from scans')" = 50 ] || fail "retries stored scans again"
ok "a batch retried across two instances: stored once, then already stored"

# --- at the same moment: 12 copies of each of 4 batches, through both --------
for i in 1 2 3 4; do "$DRV" batch "$T/k" "$T/c$i" 40 $((1000 * i)); done
for i in 1 2 3 4; do
    for j in $(seq 12); do
        u=$A
        [ $((j % 2)) = 0 ] && u=$B
        curl -s -o "$T/ans_${i}_$j" -w '%{http_code}\n' --max-time 30 \
            -H 'Content-Type: application/vnd.ocop.scans' -H 'Expect:' \
            --data-binary "@$T/c$i" "$u" >"$T/code_${i}_$j" &
    done
done
wait_curls() {
    local n
    for _ in $(seq 300); do
        n=$(cat "$T"/code_* 2>/dev/null | grep -c . || true)
        [ "$n" = 48 ] && return 0
        sleep 0.1
    done
    fail "only $n of 48 concurrent posts answered"
}
wait_curls
[ "$(cat "$T"/code_* | sort -u)" = 200 ] || fail "a concurrent post failed: $(cat "$T"/code_* | sort | uniq -c)"
for i in 1 2 3 4; do
    [ "$(cat "$T"/ans_"${i}"_* | grep -c '(40 new)')" = 1 ] || fail "batch c$i not stored exactly once"
    [ "$(cat "$T"/ans_"${i}"_* | grep -c 'already stored')" = 11 ] || fail "batch c$i: retries not already stored"
done
[ "$(pq 'select count(*) from scans')" = 210 ] || fail "not 210 scans after the concurrent posts"
[ "$(pq 'select count(*) from batches')" = 5 ] || fail "not 5 batches"
[ "$(pq 'select sum(scans) from daily_kiosks')" = 210 ] || fail "rollup counted a retry"
ok "4 batches posted 12 times each at once through two instances: each stored once, rollups exact"

# --- the kiosk's uploader moving between instances ------------------------------
"$DRV" scan "$T/u/scans.db" 120
"$DRV" upload "$T/u" "$T/u/scans.db" "$A" 50 >/dev/null
"$DRV" scan "$T/u/scans.db" 30
"$DRV" upload "$T/u" "$T/u/scans.db" "$B" 50 >/dev/null
"$DRV" upload "$T/u" "$T/u/scans.db" "$A" 50 | grep -q '^idle after 0' || fail "uploader resent after switching"
[ "$(pq 'select count(*) from scans')" = 360 ] || fail "not 360 scans after the uploader's rounds"
ok "an uploader alternating between instances: 150 scans stored once"

# --- revocation seen by every instance at once ----------------------------------
"$HOST" kiosk revoke --collector-db "$DB" "$KID" >/dev/null
"$DRV" batch "$T/k" "$T/late" 5 90000
for u in "$A" "$B"; do
    [ "$(post "$u" "$T/late")" = 403 ] || fail "revoked kiosk accepted by an instance"
done
ok "a kiosk revoked in the database: refused by both instances"
stop_serve "$PID_A"
stop_serve "$PID_B"
echo "all several-server tests passed"
