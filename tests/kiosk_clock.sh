#!/usr/bin/env bash
# A kiosk whose clock is wrong (a board without a battery-backed RTC boots
# in 1970 or 2021; a bad NTP answer jumps years ahead), faked with
# libfaketime: certificate dates are still judged honestly and the stale
# flag says the data's age is unknown. Past: the mirror's publish day
# stands in for "today"; future: the certificate has run out by then.
#
# Scans taken at 1970 still reach the collector (issue 12), dated at
# their arrival.
#
# Registered for unsanitized builds only: libfaketime 0.9.10 (Debian 12)
# can deadlock at start-up in clang's static ASan runtime
# (wolfcw/libfaketime#365), which hung a CI run for the whole timeout.
source "$(dirname "$0")/host_lib.sh"
K=${2:?usage: $0 ocop-host ocop-kiosk}
w=$T/world

expect 0 "$H" demo "$w" --date "$(date -u +%F)"
expect 0 "$K" sync --config "$w/kiosk.conf"
text=$(zbarimg -q --raw "$w/labels/01-genuine-3-stars.png")
[ -n "$text" ] || { fail "zbarimg read nothing from the demo label"; finish; }

# clock DATE VERDICT STALE: the kiosk's verdict and stale flag (one JSON
# line, fields in docs/verdicts.md's order) with its clock at DATE.
clock() {
    timeout 60 faketime "$1" "$K" check --config "$w/kiosk.conf" --json \
        "$text" >"$T/out" 2>"$T/err"
    local rc=$?
    [ $rc = 124 ] && fail "ocop-kiosk hung under faketime $1"
    grep "\"verdict\":\"$2\"" "$T/out" | grep -q "\"stale\":$3" ||
        fail "clock at $1: $(cat "$T/out" "$T/err")"
}
clock "1970-01-02 00:00:00" genuine true
clock "2021-01-01 00:00:00" genuine true

# The scans of 1970 reach the collector (issue 12): the kiosk sends their
# time as "_" (its clock was not set) and the collector dates them at
# their arrival, instead of refusing the batch for ever.
expect 0 "$K" device-key --config "$w/kiosk.conf"
cp "$T/out" "$T/kiosk.pub"
expect 0 "$H" kiosk enroll --collector-db "$T/c.db" --public "$T/kiosk.pub" \
    --province "Hà Nội" --shop "Cửa hàng 1"
"$H" serve --listen 127.0.0.1:0 --collector-db "$T/c.db" >"$T/serve.out" 2>"$T/serve.err" &
serve=$!
for _ in $(seq 100); do grep -q '^listening on' "$T/serve.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.out")
cp "$w/kiosk.conf" "$T/up.conf"
printf '\n[upload]\nurl = http://127.0.0.1:%s/v1/scans\n' "$port" >>"$T/up.conf"
before=$(date +%s)
expect 0 "$K" upload --config "$T/up.conf"
kill "$serve"; wait "$serve" 2>/dev/null
n=$(sqlite3 "$T/c.db" "SELECT count(*) FROM scans")
[ "$n" = 2 ] || fail "collector holds $n scans, not the 1970 and 2021 ones: $(cat "$T/err")"
[ "$(sqlite3 "$T/c.db" "SELECT count(*) FROM scans WHERE time >= $before")" = 1 ] ||
    fail "the 1970 scan is not dated at its arrival: $(sqlite3 "$T/c.db" "SELECT time FROM scans")"
[ "$(sqlite3 "$T/c.db" "SELECT count(*) FROM scans WHERE time BETWEEN 1609459200 AND 1609459260")" = 1 ] ||
    fail "the 2021 scan lost its own time: $(sqlite3 "$T/c.db" "SELECT time FROM scans")"
clock "2045-01-01 00:00:00" expired true
# And the right clock, so the lines above cannot pass for another reason.
expect 0 "$K" check --config "$w/kiosk.conf" --json "$text"
grep '"verdict":"genuine"' "$T/out" | grep -q '"stale":false' || fail "true clock: $(cat "$T/out")"
finish
