#!/usr/bin/env bash
# 200 kiosks uploading at once to the real ocop-host serve: every scan
# stored exactly once, every replayed batch absorbed.
set -euo pipefail
. "$(dirname "$0")/upload_common.sh"

KIOSKS=${UPLOAD_LOAD_KIOSKS:-200}
BATCHES=5
SCANS=20
DB=$T/collector.db
mkdir -p "$T/k"
"$DRV" loadkeys "$T/k" "$KIOSKS" >"$T/pubs"
args=()
while read -r p; do args+=(--public "$p"); done <"$T/pubs"
"$HOST" kiosk enroll --collector-db "$DB" "${args[@]}" --province "Lào Cai" --shop load >/dev/null
[ "$(q "$DB" 'select count(*) from kiosks')" = "$KIOSKS" ] || fail "not all kiosks enrolled"

# 200 kiosks are 200 addresses in the field, one here.
start_serve load --collector-db "$DB" --max-per-ip 1000
"$DRV" load "http://127.0.0.1:$PORT/v1/scans" "$T/k" "$KIOSKS" "$BATCHES" "$SCANS" | tee "$T/load.out"
want=$((KIOSKS * BATCHES * SCANS))
grep -q "stored $((KIOSKS * BATCHES)) duplicates $KIOSKS .* failed 0" "$T/load.out" || fail "not every batch accepted"
[ "$(q "$DB" 'select count(*) from scans')" = "$want" ] || fail "scan count is not $want"
[ "$(q "$DB" 'select count(*) from (select distinct kiosk, scan_id from scans)')" = "$want" ] || fail "duplicate scans"
[ "$(q "$DB" 'select count(*) from batches')" = $((KIOSKS * BATCHES)) ] || fail "batch count"
[ "$(q "$DB" 'select sum(new_scans) from batches')" = "$want" ] || fail "new_scans does not add up"
stop_serve "$SERVE_PID"
echo "ok - $KIOSKS kiosks x $BATCHES batches x $SCANS scans: $want scans stored exactly once"
