#!/usr/bin/env bash
# ocop-kiosk scan and check, end to end on the demo world: every sample
# image gets its expected verdict as JSON; scanner lines of any bytes give
# valid JSON and never "genuine"; without a mirror the kiosk says it is
# not ready and gives no verdict; an unusable scan log does not stop the
# verdicts; stale data is flagged; every verdict is in the scan log.
# (A wrong clock is kiosk_clock.sh.)
source "$(dirname "$0")/host_lib.sh"
K=${2:?usage: $0 ocop-host ocop-kiosk}
w=$T/world
py() { python3 - "$@"; }

expect 0 "$H" demo "$w" --date "$(date -u +%F)"
expect 0 "$K" sync --config "$w/kiosk.conf"
cd "$w/labels"
mapfile -t files < <(cut -f1 expected.tsv)

# Every sample image: one JSON line each, with the expected verdict.
expect 1 "$K" scan --config "$w/kiosk.conf" --json "${files[@]}"
py "$T/out" expected.tsv <<'PY' || fail "scan verdicts"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[2]))
seen = {g["file"]: g for g in got}
bad = [(f, v, seen.get(f, {}).get("verdict")) for f, v in want.items()
       if seen.get(f, {}).get("verdict") != v]
assert not bad, bad
g = seen[next(f for f, v in want.items() if v == "genuine")]
assert g["product_name"] and g["producer"] and g["province"], g
assert g["stale"] is False and g["scan_id"] > 0, g
assert len(got) == len(want), (len(got), len(want))
PY
n=$(sqlite3 "$w/kiosk/scans.db" "SELECT count(*) FROM scans")
[ "$n" = "${#files[@]}" ] || fail "scan log holds $n scans, wanted ${#files[@]}"
[ "$(sqlite3 "$w/kiosk/scans.db" "SELECT count(*) FROM scans WHERE verdict='genuine'")" -ge 1 ] ||
    fail "no genuine scan logged"

# An image without a code, and one that is not an image.
python3 -c "import sys; sys.stdout.buffer.write(b'P5 64 64 255\n' + bytes([200]) * 4096)" > "$T/blank.pgm"
expect 1 "$K" scan --config "$w/kiosk.conf" --json "$T/blank.pgm"
grep -q '"status":"no_code"' "$T/out" || fail "blank image: $(cat "$T/out")"
head -c 3000 /dev/urandom > "$T/junk.png"
expect 3 "$K" scan --config "$w/kiosk.conf" --json "$T/junk.png"
grep -q '"status":"unreadable"' "$T/out" || fail "junk image: $(cat "$T/out")"

# A 20000x20000 PNG (a valid header, deflated rows of white) is refused
# before any pixel memory is taken: a clear error, no crash.
python3 - "$T/huge.png" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
row = b"\0" + b"\xff" * 20000
z = zlib.compressobj(9)
data = b"".join(z.compress(row) for _ in range(200)) + z.flush()
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
       + chunk(b"IDAT", data) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
expect 3 "$K" scan --config "$w/kiosk.conf" --json "$T/huge.png"
grep -q '"status":"unreadable"' "$T/out" || fail "huge image: $(cat "$T/out")"
grep -q 'too large' "$T/err" || fail "huge image message: $(cat "$T/err")"

# Keyboard-wedge lines: CRLF, garbage, a 5000-byte line, non-UTF-8 bytes,
# a partial last line. Each line is one valid JSON object; none genuine.
genuine_text=$(zbarimg -q --raw "${files[0]}" 2>/dev/null)
{
    printf '%s\r\n' "$genuine_text"
    printf 'garbage\x01\x02"quoted"\\\n'
    head -c 5000 /dev/zero | tr '\0' 'A'; printf '\n'
    printf '\xff\xfe\xc3\x28\n'
    printf 'HTTPS://OCOP.EXAMPLE/V/TRUNC'
} > "$T/wedge.txt"
expect 1 "$K" check --config "$w/kiosk.conf" --json - < "$T/wedge.txt"
py "$T/out" <<'PY' || fail "wedge lines: $(head -c 600 "$T/out")"
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
objs = [json.loads(l.decode("utf-8")) for l in lines]
assert [o["verdict"] for o in objs] == ["genuine", "not_ocop", "malformed",
                                        "not_ocop", "malformed"], objs
PY

# Not ready: no mirror, then a corrupt one. No verdict at all.
sed "s|^mirror = .*|mirror = $T/none/mirror.db|" "$w/kiosk.conf" > "$T/none.conf"
expect 3 "$K" check --config "$T/none.conf" --json "$genuine_text"
grep -q '"status":"not_ready"' "$T/out" || fail "missing mirror: $(cat "$T/out")"
grep -q '"verdict"' "$T/out" && fail "a verdict without a mirror"
mkdir -p "$T/bad"
head -c 100000 /dev/urandom > "$T/bad/mirror.db"
sed "s|^mirror = .*|mirror = $T/bad/mirror.db|" "$w/kiosk.conf" > "$T/bad.conf"
expect 3 "$K" check --config "$T/bad.conf" --json "$genuine_text"
grep -q '"status":"not_ready"' "$T/out" || fail "corrupt mirror: $(cat "$T/out")"

# The scan log cannot be written: verdicts go on, the problem is said.
{ cat "$w/kiosk.conf"; echo "scans = /proc/ocop-no-such-dir/scans.db"; } > "$T/nolog.conf"
expect 0 "$K" check --config "$T/nolog.conf" --json "$genuine_text"
grep -q '"verdict":"genuine"' "$T/out" || fail "no verdict without a log"
grep -q 'scan log' "$T/err" || fail "scan log problem not reported"

# status names the network helper and says when it cannot be run (a
# broken install would otherwise only show as a kiosk that never syncs).
expect 0 "$K" status --config "$w/kiosk.conf"
grep -q '^net_helper_ok=yes$' "$T/out" || fail "helper not found: $(cat "$T/out")"
OCOP_KIOSK_NET=$T/nowhere expect 3 "$K" status --config "$w/kiosk.conf"
grep -q '^net_helper_ok=no$' "$T/out" || fail "missing helper not reported: $(cat "$T/out")"
grep -q "cannot run the network helper $T/nowhere" "$T/err" || fail "no message: $(cat "$T/err")"

# Stale: the held manifest expired yesterday. The verdict stays, flagged.
sed -i "s|^expires=.*|expires=$(date -u -d yesterday +%FT%TZ)|" "$w/kiosk/sync.state"
expect 0 "$K" check --config "$w/kiosk.conf" --json "$genuine_text"
grep '"verdict":"genuine"' "$T/out" | grep -q '"stale":true' || fail "stale flag: $(cat "$T/out")"
finish
