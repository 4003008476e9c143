#!/usr/bin/env bash
# Inspectors end to end on the demo world: ocop-host badge issue, export,
# publish, ocop-kiosk sync, then ocop-kiosk inspect: a valid badge opens
# inspector mode, a product scan shows the full record, findings are
# recorded durably and shown on the next scan; expired, revoked, forged
# and foreign badges are refused; a label's text is never a badge.
# usage: inspect_e2e.sh ocop-host ocop-kiosk inspect_badge_tool
source "$(dirname "$0")/host_lib.sh"
K=${2:?usage: $0 ocop-host ocop-kiosk badge-tool}
BT=${3:?usage: $0 ocop-host ocop-kiosk badge-tool}
w=$T/world
today=$(date -u +%F)
next_year=$(date -u -d '+1 year' +%F)

expect 0 "$H" demo "$w" --date "$today"
conf=$w/kiosk.conf
publish() {
    expect 0 "$H" export --db "$w/registry.db" --out "$w/mirror.db"
    expect 0 "$H" publish --mirror "$w/mirror.db" --key "$w/authority.sec" --feed "$w/feed"
    expect 0 "$K" sync --config "$conf"
}

# Issue: QR text on stdout, a PNG that decodes to it, audited.
expect 0 "$H" badge issue --db "$w/registry.db" --key "$w/authority.sec" \
    --inspector HN-INS-1 --name "Nguyễn Văn An" --province "Hà Nội" \
    --valid-until "$next_year" --png "$T/badge.png"
badge=$(cat "$T/out")
case $badge in OCOPI:*) ;; *) fail "badge text: $badge" ;; esac
[ "$(zbarimg -q --raw "$T/badge.png" | tr -d '\n')" = "$badge" ] || fail "badge PNG does not decode to its text"
expect 0 "$H" badge issue --db "$w/registry.db" --key "$w/authority.sec" \
    --inspector HN-INS-2 --name "Lê Thị Bình" --province HN --valid-until "$next_year"
badge2=$(cat "$T/out")
expect 2 "$H" badge issue --db "$w/registry.db" --key "$w/authority.sec" \
    --inspector HN-INS-3 --name X --province HN --valid-until 2020-01-02
err_has "in the past"
expect 2 "$H" badge issue --db "$w/registry.db" --key "$w/authority.sec" \
    --inspector hn-lower --name X --province HN --valid-until "$next_year"
expect 0 "$H" history --db "$w/registry.db"
out_has "inspector HN-INS-1"
expect 0 "$H" badge list --db "$w/registry.db"
out_has "HN-INS-2"
publish

# Labels from the demo sheet.
genuine=$(zbarimg -q --raw "$w/labels/01-genuine-3-stars.png" | tr -d '\n')
expired=$(zbarimg -q --raw "$w/labels/05-expired.png" | tr -d '\n')
[ -n "$genuine" ] && [ -n "$expired" ] || fail "cannot read the demo labels"

# Forged: one payload character changed. Foreign: another key. Expired:
# signed by the authority, last valid yesterday.
forged=$(python3 -c "import sys; t=sys.argv[1]; i=len(t)//2; print(t[:i] + ('B' if t[i] != 'B' else 'C') + t[i+1:])" "$badge")
"$H" keygen --secret "$T/other.sec" --public "$T/other.pub" >/dev/null 2>&1 || fail keygen
foreign=$("$BT" "$T/other.sec" HN-INS-9 "$next_year")
old=$("$BT" "$w/authority.sec" HN-INS-8 "$(date -u -d '-1 day' +%F)")

session() {
    printf '%s\n' "$@" | "$K" inspect --config "$conf" --json >"$T/out" 2>"$T/err"
    echo $? >"$T/rc"
}
session "F1 before any badge" "$genuine" "F1 no badge yet" "$badge" "F2 no product yet" \
    "$genuine" "F5 seal printed, not embossed" "expired_on_sale: hạn dùng 2025" \
    "$expired" "compliant" "$badge2" "$genuine" "END" "$genuine" "F1 after end"
py_check() { python3 - "$T/out" "$@"; }
py_check <<'PY' || fail "inspector session: $(cat "$T/out")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
kinds = [(l["kind"], l.get("mode") if l["kind"] in ("scan", "mode")
          else l.get("status")) for l in lines]
want = [("finding", "error"), ("scan", "normal"), ("finding", "error"),
        ("mode", "inspector"), ("finding", "error"), ("scan", "inspector"),
        ("finding", "recorded"), ("finding", "recorded"), ("scan", "inspector"),
        ("finding", "recorded"), ("mode", "inspector"), ("scan", "inspector"),
        ("previous_finding", None), ("previous_finding", None),
        ("mode", "normal"), ("scan", "normal"), ("finding", "error")]
assert kinds == want, kinds
normal, full = lines[1], lines[5]
assert normal["verdict"] == "genuine" and "certificate" not in normal, normal
for k in ("certificate", "certified", "expires", "producer", "producer_code",
          "status", "key_id", "issued"):
    assert full.get(k), (k, full)
assert full["previous_findings"] == 0, full
assert lines[3]["inspector"] == "HN-INS-1" and lines[3]["name"] == "Nguyễn Văn An"
f1, f2, f3 = lines[6], lines[7], lines[9]
assert f1["finding"] == "suspected_counterfeit" and f1["note"] == "seal printed, not embossed", f1
assert f1["product"] == full["product"] and f1["serial"] == full["serial"], f1
assert f1["scan_id"] == full["scan_id"] and f1["inspector"] == "HN-INS-1", f1
assert f2["finding"] == "expired_on_sale" and f2["note"] == "hạn dùng 2025", f2
assert lines[8]["verdict"] == "expired" and f3["finding"] == "compliant", (lines[8], f3)
# A second inspector's badge switches; the product shows earlier findings.
assert lines[10]["inspector"] == "HN-INS-2", lines[10]
assert lines[11]["previous_findings"] == 2, lines[11]
assert {l["finding"] for l in lines[12:14]} == {"suspected_counterfeit", "expired_on_sale"}
PY
[ "$(cat "$T/rc")" = 1 ] || fail "refused findings should exit 1, got $(cat "$T/rc")"
n=$(sqlite3 "$w/kiosk/scans.db" "SELECT count(*) FROM findings WHERE uploaded = 0")
[ "$n" = 3 ] || fail "scan log holds $n pending findings, wanted 3"
[ "$(sqlite3 "$w/kiosk/scans.db" "SELECT count(*) FROM scans")" -ge 5 ] || fail "inspector scans not logged"

# The same badge twice toggles the mode off.
session "$badge" "$badge"
py_check <<'PY' || fail "badge toggle: $(cat "$T/out")"
import json, sys
l = [json.loads(x) for x in open(sys.argv[1])]
assert [x["mode"] for x in l] == ["inspector", "normal"], l
PY

# Refused badges: each leaves the kiosk out of inspector mode.
refused() {
    local want=$1 text=$2
    session "$text" "$genuine" "F1 should not be recorded"
    python3 - "$T/out" "$want" <<'PY' || fail "badge $want: $(cat "$T/out")"
import json, sys
l = [json.loads(x) for x in open(sys.argv[1])]
assert l[0]["kind"] == "badge" and l[0]["status"] == "refused", l[0]
assert l[0]["reason"] == sys.argv[2] and l[0]["error"], l[0]
assert l[1]["mode"] == "normal" and "certificate" not in l[1], l[1]
assert l[2]["status"] == "error", l[2]
PY
}
refused forged "$forged"
refused untrusted "$foreign"
refused expired "$old"
refused malformed "OCOPI:AAAA"
refused malformed "ocopi:$(echo "${badge#OCOPI:}" | tr A-Z a-z)"

# A label's text is never a badge, and a badge is never a label.
session "$genuine"
grep -q '"kind":"scan"' "$T/out" || fail "label taken for something else"
expect 1 "$K" check --config "$conf" --json "$badge"
out_has '"verdict":"not_ocop"'

# Revoke: refused after export, publish and sync -- not before.
expect 0 "$H" badge revoke --db "$w/registry.db" --inspector HN-INS-1
session "$badge" "END"
grep -q '"mode":"inspector"' "$T/out" || fail "revocation reached the kiosk before publishing"
publish
[ "$(sqlite3 "$w/kiosk/mirror.db" "SELECT inspector FROM revoked_badges")" = HN-INS-1 ] ||
    fail "revoked_badges not in the synced mirror"
refused revoked "$badge"
session "$badge2" "END"
grep -q '"mode":"inspector"' "$T/out" || fail "another inspector's badge refused"
expect 1 "$H" badge issue --db "$w/registry.db" --key "$w/authority.sec" \
    --inspector HN-INS-1 --name X --province HN --valid-until "$next_year"
err_has "revoked"

# After a feed key rotation the kiosk also trusts the new key for badges
# (the configured root still counts); an unrelated key still does not.
"$H" keygen --secret "$T/feed2.sec" --public "$T/feed2.pub" >/dev/null 2>&1 || fail keygen2
rotated=$("$BT" "$T/feed2.sec" HN-INS-7 "$next_year")
refused untrusted "$rotated"
expect 0 "$H" export --db "$w/registry.db" --out "$w/mirror.db"
expect 0 "$H" publish --mirror "$w/mirror.db" --key "$T/feed2.sec" --announce-from "$w/authority.sec" --feed "$w/feed"
expect 0 "$K" sync --config "$conf"
session "$rotated" "END" "$badge2" "END"
grep -c '"mode":"inspector"' "$T/out" | grep -qx 2 || fail "rotated or root key badge refused: $(cat "$T/out")"
refused untrusted "$foreign"

# Findings reach the collector in the kiosk's signed batches (the
# uploader ocop-kiosk links, driven by tests/upload_driver), once each.
DRV=${OCOP_BUILD_DIR:?}/tests/upload_driver
mkdir "$T/dev"
"$DRV" keygen "$T/dev" >/dev/null || fail "device keygen"
"$DRV" pubkey "$T/dev" >"$T/dev.pub" || fail "device pubkey"
col=$w/collector.db
expect 0 "$H" kiosk enroll --collector-db "$col" --public "$T/dev.pub" \
    --province "Hà Nội" --shop "Cửa hàng số 1"
"$H" serve --listen 127.0.0.1:0 --collector-db "$col" >"$T/serve.out" 2>"$T/serve.err" &
spid=$!
trap 'kill $spid 2>/dev/null; wait $spid 2>/dev/null; rm -rf "$T"' EXIT
port=
for _ in $(seq 100); do
    port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.out")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || fail "ocop-host serve did not start: $(cat "$T/serve.err")"
url=http://127.0.0.1:$port/v1/scans
"$DRV" upload "$T/dev" "$w/kiosk/scans.db" "$url" 100 >"$T/up" 2>&1 || fail "upload: $(cat "$T/up")"
[ "$(sqlite3 "$col" "SELECT count(*) FROM findings")" = 3 ] ||
    fail "collector holds $(sqlite3 "$col" "SELECT count(*) FROM findings") findings, wanted 3"
[ "$(sqlite3 "$col" "SELECT inspector || '|' || finding || '|' || note FROM findings WHERE finding = 'expired_on_sale'")" = "HN-INS-1|expired_on_sale|hạn dùng 2025" ] ||
    fail "finding fields changed on the way: $(sqlite3 "$col" "SELECT * FROM findings")"
[ "$(sqlite3 "$w/kiosk/scans.db" "SELECT count(*) FROM findings WHERE uploaded = 0")" = 0 ] ||
    fail "findings not marked uploaded"
kscans=$(sqlite3 "$w/kiosk/scans.db" "SELECT count(*) FROM scans")
[ "$(sqlite3 "$col" "SELECT count(*) FROM scans")" = "$kscans" ] || fail "scans did not all arrive"
# A new finding goes in the next batch; killed between the collector's
# 200 and marking it uploaded, the resent batch is absorbed: each finding
# is stored once and then marked.
session "$badge2" "$expired" "F4 mốc trong hộp"
bash -c '"$@"; exit 0' _ "$DRV" upload "$T/dev" "$w/kiosk/scans.db" "$url" 100 die-after-post >/dev/null 2>&1
[ "$(sqlite3 "$col" "SELECT count(*) FROM findings")" = 4 ] || fail "second finding batch not stored"
[ "$(sqlite3 "$w/kiosk/scans.db" "SELECT count(*) FROM findings WHERE uploaded = 0")" = 1 ] ||
    fail "finding marked despite the kill"
head -1 "$T/dev/upload.pending" | grep -q ' 1$' || fail "pending batch does not name its finding: $(head -1 "$T/dev/upload.pending")"
"$DRV" upload "$T/dev" "$w/kiosk/scans.db" "$url" 100 >"$T/up" 2>&1 || fail "upload 2: $(cat "$T/up")"
grep -q 'already stored' "$T/up" || fail "resent batch not absorbed: $(cat "$T/up")"
[ "$(sqlite3 "$col" "SELECT count(*) FROM findings")" = 4 ] || fail "finding stored twice"
[ "$(sqlite3 "$w/kiosk/scans.db" "SELECT count(*) FROM findings WHERE uploaded = 0")" = 0 ] ||
    fail "finding not marked after the retry"
[ "$(sqlite3 "$col" "SELECT count(*) FROM findings WHERE inspector = 'HN-INS-2' AND finding = 'quality_complaint'")" = 1 ] ||
    fail "quality_complaint finding missing"
expect 0 "$H" report findings --world "$w"
out_has "mốc trong hộp"
out_has "seal printed, not embossed"
kill "$spid"
wait "$spid" 2>/dev/null

[ -n "${INSPECT_E2E_KEEP:-}" ] && cp -r "$w" "$INSPECT_E2E_KEEP"
finish
