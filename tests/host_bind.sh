#!/usr/bin/env bash
# A genuine payload under someone else's address (issue 11, item 2): a
# label URL whose host is not one of the authority's verify hosts is
# wrong_host on the kiosk (never genuine, exit 1); suffix, port, trailing
# dot and userinfo tricks are not the authority's; a bare payload is judged
# as before; a mirror from before the list still opens and judges as
# before; `registry hosts --set` changes the list with an audit row and the
# next export carries it.
source "$(dirname "$0")/host_lib.sh"
K=${2:?usage: $0 ocop-host ocop-kiosk}
w=$T/world

expect 0 "$H" demo "$w" --date "$(date -u +%F)"
expect 0 "$K" sync --config "$w/kiosk.conf"
g=$(awk -F'\t' '$2=="genuine"{print $1; exit}' "$w/labels/expected.tsv")
text=$(zbarimg -q --raw "$w/labels/$g" 2>/dev/null)
case $text in
HTTPS://OCOP.EXAMPLE/V/*) ;;
*) fail "demo sample is not under the demo host: $text" ;;
esac
payload=${text#HTTPS://OCOP.EXAMPLE/V/}

verdict() { # WANT-RC WANT-VERDICT TEXT [CONFIG]
    expect "$1" "$K" check --config "${4:-$w/kiosk.conf}" --json "$3"
    grep -q "\"verdict\":\"$2\"" "$T/out" ||
        fail "$3: want $2, got $(head -c 200 "$T/out")"
}
verdict 0 genuine "$text"
verdict 0 genuine "https://ocop.example/v/$payload"
verdict 0 genuine "$payload"
verdict 1 wrong_host "HTTPS://ANY-SITE.VN/V/$payload"
verdict 1 wrong_host "HTTPS://OCOP.EXAMPLE.EVIL.COM/V/$payload"
verdict 1 wrong_host "HTTPS://EVIL-OCOP.EXAMPLE/V/$payload"
verdict 1 wrong_host "HTTPS://XOCOP.EXAMPLE/V/$payload"
verdict 1 wrong_host "HTTPS://OCOP.EXAMPLE:8443/V/$payload"
verdict 1 wrong_host "HTTPS://OCOP.EXAMPLE./V/$payload"
verdict 1 wrong_host "HTTPS://OCOP.EXAMPL/V/$payload"
expect 1 "$K" check --config "$w/kiosk.conf" --json \
    "HTTPS://OCOP.EXAMPLE@ANY-SITE.VN/V/$payload"
grep -q '"verdict":"genuine"' "$T/out" && fail "userinfo trick is genuine"
# A forged label under another host is still forged.
forged=$(awk -F'\t' '$2=="forged"{print $1; exit}' "$w/labels/expected.tsv")
ftext=$(zbarimg -q --raw "$w/labels/$forged" 2>/dev/null)
verdict 1 forged "HTTPS://ANY-SITE.VN/V/${ftext#HTTPS://*/V/}"

# Without --json, the word alone, and the exit status says "no".
expect 1 "$K" check --config "$w/kiosk.conf" "HTTPS://ANY-SITE.VN/V/$payload"
[ "$(cat "$T/out")" = wrong_host ] || fail "plain check: $(cat "$T/out")"

# A mirror from before the list opens, and judges as before (any host):
# kiosks keep working until their next sync brings the list.
mirror=$(sed -n 's/^mirror = //p' "$w/kiosk.conf")
mkdir -p "$T/old"
cp "$mirror" "$T/old/mirror.db"
sqlite3 "$T/old/mirror.db" "DELETE FROM meta WHERE key = 'verify_hosts'"
sed "s|^mirror = .*|mirror = $T/old/mirror.db|" "$w/kiosk.conf" >"$T/old.conf"
verdict 0 genuine "$text" "$T/old.conf"
verdict 0 genuine "HTTPS://ANY-SITE.VN/V/$payload" "$T/old.conf"

# The registry's list: shown, changed with an audit row, exported.
expect 0 "$H" registry hosts --db "$w/registry.db"
out_has "verify hosts OCOP.EXAMPLE"
expect 2 "$H" registry hosts --db "$w/registry.db" --set
expect 3 "$H" registry hosts --db "$w/registry.db" --set OCOP.GOV.VN:443
expect 3 "$H" registry hosts --db "$w/registry.db" --set ocop..gov.vn
expect 0 "$H" registry hosts --db "$w/registry.db" --set ocop.gov.vn \
    WWW.OCOP.GOV.VN
out_has "verify hosts OCOP.GOV.VN WWW.OCOP.GOV.VN"
expect 0 "$H" history --db "$w/registry.db"
out_has "verify_hosts"
out_has "OCOP.GOV.VN WWW.OCOP.GOV.VN"
expect 0 "$H" export --db "$w/registry.db" --out "$T/new.db"
[ "$(sqlite3 "$T/new.db" "SELECT value FROM meta WHERE key='verify_hosts'")" = \
    "OCOP.GOV.VN WWW.OCOP.GOV.VN" ] || fail "export does not carry the hosts"
mkdir -p "$T/new"
mv "$T/new.db" "$T/new/mirror.db"
sed "s|^mirror = .*|mirror = $T/new/mirror.db|" "$w/kiosk.conf" >"$T/new.conf"
verdict 1 wrong_host "$text" "$T/new.conf"
verdict 0 genuine "HTTPS://WWW.OCOP.GOV.VN/V/$payload" "$T/new.conf"
verdict 0 genuine "HTTPS://ocop.gov.vn/V/$payload" "$T/new.conf"
verdict 1 wrong_host "HTTPS://OCOP.GOV.VN.EVIL.COM/V/$payload" "$T/new.conf"

# registry init takes the list; without it, a note says what that means.
expect 0 "$H" registry init --db "$T/r1.db" --verify-host OCOP.GOV.VN
out_has "verify hosts OCOP.GOV.VN"
expect 0 "$H" registry init --db "$T/r2.db"
err_has "no --verify-host"
expect 1 "$H" registry hosts --db "$T/r2.db"
expect 2 "$H" registry init --db "$T/r3.db" --verify-host "BAD HOST"
finish
