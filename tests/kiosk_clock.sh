#!/usr/bin/env bash
# A kiosk whose clock is wrong (a board without a battery-backed RTC boots
# in 1970 or 2021; a bad NTP answer jumps years ahead), faked with
# libfaketime: certificate dates are still judged honestly and the stale
# flag says the data's age is unknown. Past: the mirror's publish day
# stands in for "today"; future: the certificate has run out by then.
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
clock "2045-01-01 00:00:00" expired true
# And the right clock, so the lines above cannot pass for another reason.
expect 0 "$K" check --config "$w/kiosk.conf" --json "$text"
grep '"verdict":"genuine"' "$T/out" | grep -q '"stale":false' || fail "true clock: $(cat "$T/out")"
finish
