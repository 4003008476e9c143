#!/usr/bin/env bash
# ocop-host demo: the world matches the January 2020 figures (1,129
# products, 752 producers, 24 provinces of 2020, 20 units of 2025; 16 proposed 5, 336 4-star, 777
# 3-star), is reproducible, and its sample labels are what expected.tsv
# says as far as a signature check can tell.
source "$(dirname "$0")/host_lib.sh"
w=$T/world

expect 0 "$H" demo "$w" --date 2026-11-29
for f in authority.sec authority.pub registry.db mirror.db products.csv labels/expected.tsv; do
    [ -s "$w/$f" ] || fail "demo did not write $f"
done

for db in "$w/registry.db" "$w/mirror.db"; do
    [ "$(q "$db" 'SELECT count(*) FROM products')" = 1129 ] || fail "$db: 1129 products"
    [ "$(q "$db" 'SELECT count(*) FROM producers')" = 752 ] || fail "$db: 752 producers"
    [ "$(q "$db" 'SELECT count(DISTINCT producer) FROM products')" = 752 ] || fail "$db: every producer has a product"
    # The 24 provinces of 2020 are 20 units of 2025.
    [ "$(q "$db" 'SELECT count(DISTINCT province) FROM products')" = 20 ] || fail "$db: 20 units of 2025"
    [ "$(q "$db" 'SELECT count(*) FROM products WHERE proposed5=1')" = 16 ] || fail "$db: 16 proposed 5"
    [ "$(q "$db" 'SELECT count(*) FROM products WHERE stars=4 AND proposed5=0')" = 336 ] || fail "$db: 336 4-star"
    [ "$(q "$db" 'SELECT count(*) FROM products WHERE stars=3')" = 777 ] || fail "$db: 777 3-star"
    [ "$(q "$db" 'SELECT count(DISTINCT grp) FROM products')" = 6 ] || fail "$db: all six groups"
    [ "$(q "$db" 'SELECT count(*) FROM keys')" = 753 ] || fail "$db: 752 keys + 1 replacement"
    [ "$(q "$db" "SELECT count(*) FROM keys WHERE revoke_reason='compromised'")" = 1 ] || fail "$db: one compromised key"
    [ "$(q "$db" 'SELECT count(*) FROM clones')" = 1 ] || fail "$db: one clone"
    for s in suspended revoked expired; do
        [ "$(q "$db" "SELECT count(*) FROM products WHERE status='$s'")" -gt 0 ] || fail "$db: no $s product"
    done
done
[ "$(q "$w/registry.db" 'SELECT count(DISTINCT certified_unit) FROM products')" = 24 ] ||
    fail "registry: certified in 24 units of 2020"
# The 2020 letter's table: 24 provinces; today's: the 34 units.
expect 0 "$H" stats --db "$w/registry.db" --csv --today 2026-11-29 --units 2020
tail -1 "$T/out" | grep -q '^nationwide,1129,752,777,336,0,16,' || fail "stats: $(tail -1 "$T/out")"
[ "$(wc -l <"$T/out")" = 26 ] || fail "stats --units 2020: header, 24 provinces, nationwide"
expect 0 "$H" stats --db "$w/registry.db" --csv --today 2026-11-29
tail -1 "$T/out" | grep -q '^nationwide,1129,752,777,336,0,16,' || fail "stats: $(tail -1 "$T/out")"
[ "$(wc -l <"$T/out")" = 36 ] || fail "stats: header, the 34 units, nationwide"
# Every province name is one of the 34 (stored with diacritics).
q "$w/registry.db" "SELECT DISTINCT province FROM products" | while read -r p; do
    "$H" stats --db "$w/registry.db" --province "$p" >/dev/null || fail "unknown province $p"
done
grep -q 'Hợp tác xã' "$w/products.csv" || fail "no cooperatives named"

# Secret keys private; only what the samples need.
for f in "$w"/authority.sec "$w"/producers/*.sec; do
    [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not 0600"
done
[ "$(ls "$w"/producers/*.sec | wc -l)" -lt 20 ] || fail "too many secret keys written"

# expected.tsv: existing files, every verdict word of docs/verdicts.md.
[ "$(wc -l <"$w/labels/expected.tsv")" -ge 13 ] || fail "expected.tsv too short"
while IFS=$'\t' read -r file verdict; do
    [ -s "$w/labels/$file" ] || fail "expected.tsv names missing $file"
done <"$w/labels/expected.tsv"
for v in genuine rating_changed expired suspended revoked unknown_product unknown_signer \
    signer_revoked signer_not_enrolled forged clone_reported malformed not_ocop; do
    grep -qP "\t$v\$" "$w/labels/expected.tsv" || fail "no sample for $v"
done

# What a signature check alone can confirm: genuine labels verify with a
# producer key from the demo, forged ones with none, and the last two are
# not labels at all.
verifies() { # FILE: 0 if some demo producer key verifies it
    for k in "$w"/producers/*.pub; do
        "$H" verify --public "$k" --image "$1" >/dev/null 2>&1 && return 0
    done
    return 1
}
while IFS=$'\t' read -r file verdict; do
    case $verdict in
    genuine | rating_changed | expired | suspended | revoked | unknown_product | signer_revoked | signer_not_enrolled | clone_reported)
        verifies "$w/labels/$file" || fail "$file ($verdict) has no valid signature" ;;
    forged | malformed | not_ocop | unknown_signer)
        if [ "$verdict" = unknown_signer ]; then
            "$H" verify --public "$w/producers/unenrolled.pub" --image "$w/labels/$file" >/dev/null ||
                fail "$file is not signed by the unenrolled key"
        else
            verifies "$w/labels/$file" && fail "$file ($verdict) verifies"
        fi ;;
    esac
done <"$w/labels/expected.tsv"

# Same date, same world (keys aside); a used folder is refused.
expect 0 "$H" demo "$T/again" --date 2026-11-29
cmp -s "$w/products.csv" "$T/again/products.csv" || fail "demo world is not reproducible"
expect 3 "$H" demo "$w"
err_has "is not empty"
expect 2 "$H" demo "$T/old" --date 2021-01-01
finish
