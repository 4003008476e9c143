# phone_screens.sh [OUT_DIR] -- the phone page as a phone shows it:
# headless Chromium (Debian's chromium) at 390x844 screenshots pages from
# the real `ocop-host serve`, and each screenshot must be a real page
# (many colours, not blank) whose top band has the verdict's colour.
# With OUT_DIR, the screenshots are kept there as
# phone-<verdict>-<lang>.png (docs/screens/ is made this way).
set -euo pipefail
source "$(dirname "$0")/upload_common.sh"
OUT=${1:-$T/screens}
mkdir -p "$OUT"
command -v chromium >/dev/null || { echo "chromium not installed: skipped"; exit 77; }

DAY=2026-06-15
W=$T/w
"$HOST" demo "$W" --date "$DAY" >/dev/null || fail "demo"
start_serve phone --world "$W" --today "$DAY"

path_of() { # SAMPLE_FILE: the URL path its QR holds
    local url
    url=$(zbarimg --raw -q "$W/labels/$1" 2>/dev/null) || fail "zbarimg $1"
    echo "${url#*://*/}"
}

# verdict lang path band-colour (the header's background, docs/phone-page.md)
cases=(
    "genuine vi $(path_of 01-genuine-3-stars.png) 23,117,58"
    "genuine en $(path_of 01-genuine-3-stars.png)?lang=en 23,117,58"
    "expired vi $(path_of 05-expired.png) 184,101,10"
    "forged vi $(path_of 12-forged-stars.png) 179,22,27"
    "forged en $(path_of 12-forged-stars.png)?lang=en 179,22,27"
    "not_ocop vi V/HTTPS-SHOP-EXAMPLE-VN 91,96,102"
)
for c in "${cases[@]}"; do
    read -r verdict lang path band <<<"$c"
    png=$OUT/phone-$verdict-$lang.png
    rm -f "$png"
    profile=$(mktemp -d "$T/chromium.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --hide-scrollbars --user-data-dir="$profile" \
        --window-size=390,844 --screenshot="$png" \
        "http://127.0.0.1:$PORT/$path" >"$T/chromium.log" 2>&1 ||
        fail "chromium failed for $verdict $lang: $(tail -3 "$T/chromium.log")"
    [ -s "$png" ] || fail "no screenshot for $verdict $lang"
    read -r w h colours px <<<"$(python3 "$(dirname "$0")/phone_png.py" "$png")"
    [ "$w" = 390 ] && [ "$h" = 844 ] || fail "$verdict $lang: ${w}x$h, not phone size"
    [ "$colours" -ge 50 ] || fail "$verdict $lang: blank-looking page ($colours colours)"
    [ "$px" = "$band" ] || fail "$verdict $lang: band colour $px, wanted $band"
    ok "$verdict ($lang): ${w}x$h, $colours colours, band $px"
done
stop_serve "$SERVE_PID"
