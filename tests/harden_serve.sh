#!/usr/bin/env bash
# Issue 12 defects 4, 6, 7 and 8 against the real ocop-host serve, with
# raw requests (curl, python3 sockets) and batches signed by a real kiosk
# key (upload_driver sign):
#  4  a finding note with a bidirectional control is a malformed batch;
#  6  a %00 in the path is 404 on every route (never a truncated path),
#     in a query 400;
#  7  two Content-Length headers are 400 and the connection is closed;
#  8  scan and finding times outside 2020-01-01 .. now + 1 day are
#     refused, and the scans at the window's edges are counted by report.
# OCOP_TEST_HOST=path runs it against another ocop-host (an older build).
set -euo pipefail
. "$(dirname "$0")/upload_common.sh"
HOST=${OCOP_TEST_HOST:-$HOST}

W=$T/world
DAY=$(date -u +%F)
"$HOST" demo "$W" --date "$DAY" >/dev/null || fail "demo"
DB=$W/collector.db
K=$T/kiosk
mkdir -p "$K"
kid=$("$DRV" keygen "$K")
kid=${kid#created }
"$DRV" pubkey "$K" >"$T/k.pub"
"$HOST" kiosk enroll --collector-db "$DB" --public "$T/k.pub" \
    --province "Hà Nội" --shop "Kiểm thử" >/dev/null
start_serve s --world "$W" --today "$DAY"
BASE=http://127.0.0.1:$PORT
URL=$BASE/v1/scans

# sign FILE RECORD...: a batch of these record lines, signed by the kiosk.
nb=0
sign() {
    local out=$1
    shift
    nb=$((nb + 1))
    {
        printf 'OCOP-SCANS/1\nkiosk %s\nbatch %032x\ncreated 1790000000\n' \
            "$kid" "$nb"
        printf 'count %d\n' $#
        printf '%s\n' "$@"
    } >"$out.unsigned"
    "$DRV" sign "$K" "$out.unsigned" "$out" || fail "upload_driver sign"
}
scan() { echo "scan $1 $2 genuine HN-0007 A1B2C3D4E5F60718 L3 1207 9f86d081884c7d659a2feaa0c55ad015 0"; }
finding() { echo "finding $1 $2 HN-INS-1 HN-0007 A1B2C3D4E5F60718 L3 1207 suspected_counterfeit $3"; }
hex() { printf '%b' "$1" | od -An -tx1 -v | tr -d ' \n'; }
# expect_post STATUS WHAT RECORD...: sign the records, post, check status.
expect_post() {
    local want=$1 what=$2
    shift 2
    sign "$T/b" "$@"
    local got
    got=$(post "$URL" "$T/b")
    [ "$got" = "$want" ] || fail "$what: HTTP $got, want $want ($(cat "$T/answer"))"
}
scans() { q "$DB" "select count(*) from scans where kiosk='$kid'"; }
findings() { q "$DB" "select count(*) from findings where kiosk='$kid'"; }

# ---- 4: bidirectional controls in a finding note ---------------------------
expect_post 200 "plain note" "$(finding 1 1790000000 "$(hex 'tem gi\xe1\xba\xa3')")"
[ "$(findings)" = 1 ] || fail "plain note not stored"
fid=2
for cp in '\xe2\x80\xaa' '\xe2\x80\xab' '\xe2\x80\xac' '\xe2\x80\xad' \
    '\xe2\x80\xae' '\xe2\x81\xa6' '\xe2\x81\xa7' '\xe2\x81\xa8' '\xe2\x81\xa9'; do
    expect_post 400 "note with bidi control $cp" \
        "$(scan 1 1790000000)" \
        "$(finding $fid 1790000000 "$(hex "ok ${cp}lac.exe")")"
    grep -q '^malformed batch' "$T/answer" || fail "bidi answer: $(cat "$T/answer")"
    fid=$((fid + 1))
done
[ "$(findings)" = 1 ] && [ "$(scans)" = 0 ] ||
    fail "a batch with a bidi note stored something"
ok "finding notes with U+202A-U+202E or U+2066-U+2069: 400, nothing stored"

# ---- 8: times outside the window ------------------------------------------
now=$(date +%s)
for t in 0 1577836799 4611686018427387904 9223372036854775807 \
    $((now + 86400 + 300)); do
    expect_post 400 "scan at time $t" "$(scan 10 1790000000)" "$(scan 11 "$t")"
    expect_post 400 "finding at time $t" "$(finding 50 "$t" _)"
done
[ "$(scans)" = 0 ] && [ "$(findings)" = 1 ] ||
    fail "a batch with an out-of-window time stored something"
# The edges themselves are stored and reported.
before=$("$HOST" report verdicts --world "$W" --format csv --by province |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "genuine") c = i }
             $1 == "nationwide" && c { s = $c } END { print s + 0 }')
lo=1577836800
hi=$((now + 86400 - 300))
expect_post 200 "scans at the window's edges" "$(scan 20 $lo)" "$(scan 21 $hi)"
[ "$(scans)" = 2 ] || fail "edge scans not stored"
after=$("$HOST" report verdicts --world "$W" --format csv --by province |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "genuine") c = i }
             $1 == "nationwide" && c { s = $c } END { print s + 0 }')
[ "$after" = $((before + 2)) ] ||
    fail "report counts $after genuine scans, want $((before + 2))"
# Report days are Vietnam days (UTC+7, REPORT_TZ_OFFSET).
to=$(date -u -d "@$((hi + 7 * 3600))" +%F)
ranged=$("$HOST" report verdicts --world "$W" --format csv --by province \
    --from 2020-01-01 --to "$to" |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "genuine") c = i }
             $1 == "nationwide" && c { s = $c } END { print s + 0 }')
[ "$ranged" = "$after" ] ||
    fail "--from 2020-01-01 --to $to counts $ranged, want $after"
ok "times before 2020, at 2^62, 2^63-1 and past now + 1 day: 400; the edges counted"

# ---- 6: %00 in the path ---------------------------------------------------
text=$(zbarimg -q --raw "$W/labels/01-genuine-3-stars.png" 2>/dev/null) || fail "zbarimg"
payload=${text#*/V/}
get() { curl -s --path-as-is -o "$T/page" -w '%{http_code}' --max-time 10 "$@"; }
[ "$(get "$BASE/V/$payload")" = 200 ] && grep -q 'content="genuine"' "$T/page" ||
    fail "the genuine label is not genuine"
for path in "/V/$payload%00" "/V/$payload%00x" "/feed/manifest%00.txt" \
    "/feed/manifest%00" "/healthz%00" "/V/%00"; do
    code=$(get "$BASE$path")
    [ "$code" = 404 ] || fail "GET $path: HTTP $code, want 404"
    grep -q 'content="genuine"' "$T/page" && fail "GET $path judged genuine"
done
[ "$(get "$BASE/feed/manifest")" = 200 ] || fail "the manifest is not served"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --path-as-is \
    --data-binary "@$T/b" "$BASE/v1/scans%00")
[ "$code" = 404 ] || fail "POST /v1/scans%00: HTTP $code, want 404"
ok "%00 in the path: 404 on /V/, /feed/, /healthz and /v1/scans"
code=$(get "$BASE/V/$payload?lang=en%00x")
[ "$code" = 400 ] || fail "GET /V/...?lang=en%00x: HTTP $code, want 400"
ok "%00 in a query value: 400 (the front shared with the console)"

# ---- 7: two Content-Length headers ----------------------------------------
sign "$T/good" "$(scan 30 1790000000)"
python3 - "$PORT" "$T/good" <<'PY' || fail "duplicate Content-Length accepted"
import socket, sys
port, body = int(sys.argv[1]), open(sys.argv[2], "rb").read()
def ask(headers, payload):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /v1/scans HTTP/1.1\r\nHost: x\r\n" + headers +
              b"\r\n" + payload)
    data = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
    except socket.timeout:
        pass
    s.close()
    return data
n = len(body)
# A smuggled request after the short length must never be answered.
smuggled = body + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
for hs in (b"Content-Length: %d\r\nContent-Length: %d\r\n" % (n, len(smuggled)),
           b"Content-Length: %d\r\ncontent-length: %d\r\n" % (len(smuggled), n),
           b"Content-Length: %d\r\nContent-Length: %d\r\n" % (n, n)):
    a = ask(hs + b"Connection: keep-alive\r\n", smuggled)
    if not a.startswith(b"HTTP/1.1 400"):
        sys.exit("two Content-Length headers: %r" % a[:200])
    if a.count(b"HTTP/1.1 ") != 1:
        sys.exit("a second request was answered: %r" % a)
a = ask(b"Content-Length: %d\r\nConnection: close\r\n" % n, body)
if not a.startswith(b"HTTP/1.1 200"):
    sys.exit("one Content-Length: %r" % a[:200])
PY
[ "$(scans)" = 3 ] || fail "the batch behind two Content-Length headers was stored"
ok "two Content-Length headers: 400, connection closed, nothing stored"

[ "$(curl -s --max-time 5 "$BASE/healthz")" = ok ] || fail "server not healthy"
stop_serve "$SERVE_PID"
echo "all harden_serve checks passed"
