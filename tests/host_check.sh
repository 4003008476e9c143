#!/usr/bin/env bash
# ocop-host check: every sample label image of the demo world, read back
# by ZBar from its PNG and judged against the world's mirror, gets the
# verdict expected.tsv names; texts and bad input get honest answers.
source "$(dirname "$0")/host_lib.sh"
w=$T/world

expect 0 "$H" demo "$w" --date 2026-11-29
cd "$w/labels"
mapfile -t files < <(cut -f1 expected.tsv)
[ ${#files[@]} -ge 13 ] || fail "expected.tsv lists too few samples"
# Some samples are not genuine, so the whole run answers 1.
expect 1 "$H" check --mirror ../mirror.db --today 2026-11-29 --image --tsv "${files[@]}"
diff -u expected.tsv "$T/out" || fail "verdicts differ from expected.tsv"
for v in genuine rating_changed expired suspended revoked unknown_product \
         unknown_signer signer_revoked signer_not_enrolled forged \
         clone_reported malformed not_ocop; do
    grep -q "	$v\$" expected.tsv || fail "no sample for $v"
done

# The PDF sticker sheet holds every printable sample: rasterised and read
# back, its codes get the same verdicts as the PNGs.
[ -s sheet.pdf ] || fail "demo wrote no sheet.pdf"
pdftoppm -r 300 -gray -png sheet.pdf "$T/page" || fail "pdftoppm failed"
zbarimg -q --raw -Sdisable -Sqrcode.enable "$T"/page*.png 2>/dev/null |
    sort > "$T/sheet-texts" || true
mapfile -t texts < "$T/sheet-texts"
expect 1 "$H" check --mirror ../mirror.db --today 2026-11-29 --tsv "${texts[@]}"
cut -f2 "$T/out" | sort > "$T/sheet-verdicts"
awk -F'\t' '$2!="not_ocop"{print $2}' expected.tsv |
    sort > "$T/png-verdicts"
diff -u "$T/png-verdicts" "$T/sheet-verdicts" || fail "sheet verdicts differ"

# One genuine image alone answers 0 and shows the product's facts.
g=$(awk -F'\t' '$2=="genuine"{print $1; exit}' expected.tsv)
expect 0 "$H" check --mirror ../mirror.db --today 2026-11-29 --image "$g"
grep -q '^  product:  ' "$T/out" || fail "no product facts for $g"
grep -q 'certificate' "$T/out" || fail "no certificate facts for $g"

# Texts: not ours, and ours but broken.
expect 1 "$H" check --mirror ../mirror.db --tsv "8935049500018" \
    "HTTPS://OCOP.EXAMPLE/V/AAAA"
[ "$(cut -f2 "$T/out" | tr '\n' ' ')" = "not_ocop malformed " ] ||
    fail "text verdicts: $(cat "$T/out")"

# Bad input: a clear message and the "could not check" code.
expect 3 "$H" check --mirror "$T/nope.db" "x"
grep -q 'cannot open mirror' "$T/err" || fail "missing mirror message"
echo "not a database" > "$T/bad.db"
expect 3 "$H" check --mirror "$T/bad.db" "x"
head -c 100 /dev/urandom > "$T/junk.png"
expect 3 "$H" check --mirror ../mirror.db --image "$T/junk.png"
grep -q 'cannot read image' "$T/err" || fail "junk image message"
expect 2 "$H" check --mirror ../mirror.db
finish
