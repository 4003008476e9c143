#!/usr/bin/env bash
# phone_home_e2e.sh -- one answer everywhere (issue 11, 3.6): a label's
# text lowercased (by a phone, a wedge in caps lock, a person typing) is
# the same label on the kiosk (`ocop-kiosk check`), in `ocop-host check`
# and on the phone page (/V/ and /v/, and the home page's box); `/` is a
# home page in Vietnamese and English with a GET form and no script.
set -euo pipefail
source "$(dirname "$0")/upload_common.sh"
K=$OCOP_BUILD_DIR/firmware/ocop-kiosk

W=$T/w
"$HOST" demo "$W" >/dev/null || fail "demo"
"$K" sync --config "$W/kiosk.conf" >/dev/null 2>&1 || fail "kiosk sync"
start_serve phone --world "$W"
BASE=http://127.0.0.1:$PORT

get() { # PATH: status in $STATUS, body in $T/page, headers in $T/headers
    STATUS=$(curl -s --max-time 20 -D "$T/headers" -o "$T/page" -w '%{http_code}' \
        --path-as-is "$BASE/$1")
}
marker() {
    sed -n 's/.*<meta name="ocop-verdict" content="\([a-z_]*\)">.*/\1/p' "$T/page"
}
csp() { tr -d '\r' <"$T/headers" | sed -n 's/^Content-Security-Policy: //Ip'; }

text=$(zbarimg -q --raw "$W/labels/01-genuine-3-stars.png")
[ -n "$text" ] || fail "zbarimg read nothing"
lower=$(printf '%s' "$text" | tr 'A-Z' 'a-z')
payload=${text##*/}
lpayload=$(printf '%s' "$payload" | tr 'A-Z' 'a-z')

# ---- the kiosk and ocop-host check -------------------------------------
for t in "$text" "$lower" "$lpayload"; do
    out=$("$K" check --config "$W/kiosk.conf" --json "$t" 2>&1) || true
    grep -q '"verdict":"genuine"' <<<"$out" || fail "kiosk on '${t:0:30}': $out"
    out=$("$HOST" check --mirror "$W/mirror.db" "$t" 2>&1) || true
    grep -q 'genuine' <<<"$out" || fail "ocop-host check on '${t:0:30}': $out"
done
ok "a lowercased label text is genuine on the kiosk and in ocop-host check"

# ---- the phone page: /V/ and /v/, in any case ---------------------------
for p in "V/$payload" "V/$lpayload" "v/$payload" "v/$lpayload"; do
    get "$p"
    [ "$STATUS" = 200 ] || fail "$p: status $STATUS"
    [ "$(marker)" = genuine ] || fail "$p: page says '$(marker)'"
done
get "v/NOT-A-LABEL"
[ "$(marker)" = not_ocop ] || fail "/v/ garbage: '$(marker)'"
grep -q 'Đây không phải tem OCOP hợp lệ' "$T/page" || fail "/v/ garbage: not the friendly page"
ok "/V/ and /v/ give the verdict for a payload in any case"

# ---- the home page ----------------------------------------------------------
get ""
[ "$STATUS" = 200 ] || fail "/: status $STATUS"
grep -q '<html lang="vi">' "$T/page" || fail "/ is not Vietnamese by default"
grep -q 'Kiểm tra tem OCOP' "$T/page" || fail "/: no title"
grep -q 'Nhập mã bằng tay' "$T/page" || fail "/: no box to type a code"
grep -q '<form method="get" action="/">' "$T/page" || fail "/: no GET form"
grep -q 'name="code"' "$T/page" || fail "/: no code field"
grep -qi '<script' "$T/page" && fail "/: a script"
grep -q 'href="?lang=en"' "$T/page" || fail "/: no link to English"
csp | grep -q "default-src 'none'" || fail "/: CSP $(csp)"
csp | grep -q "form-action 'self'" || fail "/: the form may not post: $(csp)"
get "?lang=en"
grep -q '<html lang="en">' "$T/page" || fail "/?lang=en is not English"
grep -q 'Type the code by hand' "$T/page" || fail "/?lang=en: no box"
grep -q 'name="lang" value="en"' "$T/page" || fail "/?lang=en: the form forgets the language"
ok "/ is a home page in Vietnamese and English with a GET form, no script"

# ---- the box: a typed code, judged as the kiosk judges it ------------------
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
for t in "$text" "$lower" "$lpayload" "${payload:0:40} ${payload:40}"; do
    get "?code=$(enc "$t")&lang=en"
    [ "$STATUS" = 200 ] || fail "typed '${t:0:30}': status $STATUS"
    [ "$(marker)" = genuine ] || fail "typed '${t:0:30}': page says '$(marker)'"
    grep -q '<html lang="en">' "$T/page" || fail "typed: not in English"
done
get "?code=$(enc "HTTPS://ELSEWHERE.EXAMPLE/V/$payload")"
[ "$(marker)" = wrong_host ] || fail "typed foreign host: '$(marker)'"
get "?code=hello"
[ "$STATUS" = 404 ] && [ "$(marker)" = not_ocop ] || fail "typed garbage: $STATUS '$(marker)'"
get "?code=$(enc '<script>alert(1)</script>')"
grep -q '<script>alert' "$T/page" && fail "typed markup echoed"
ok "a code typed in the box gets the kiosk's verdict"
kill -0 "$SERVE_PID" || fail "server died"
