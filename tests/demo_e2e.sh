#!/usr/bin/env bash
# The demo world end to end: ocop-host demo publishes a signed feed and a
# kiosk.conf; ocop-kiosk syncs it from the folder (file://, no server);
# every sample label read from its image gets its expected verdict from the
# kiosk's own synced mirror; a second sync costs nothing.
source "$(dirname "$0")/host_lib.sh"
K=${2:?usage: $0 ocop-host ocop-kiosk}
w=$T/world

expect 0 "$H" demo "$w" --date "$(date -u +%F)"
for f in kiosk.conf feed/manifest; do
    [ -s "$w/$f" ] || fail "demo did not write $f"
done
grep -q "^url = file://$w/feed/\$" "$w/kiosk.conf" ||
    grep -q "^url = file://.*/feed/\$" "$w/kiosk.conf" || fail "kiosk.conf url"

expect 0 "$K" sync --config "$w/kiosk.conf"
grep -q 'path=snapshot' "$T/out" || fail "first sync did not take the snapshot"
expect 0 "$K" sync --config "$w/kiosk.conf"
grep -q 'path=unchanged' "$T/out" || fail "second sync was not a no-op"
expect 0 "$K" status --config "$w/kiosk.conf"
grep -q '^stale=no$' "$T/out" || fail "fresh data reported stale"

cd "$w/labels"
mapfile -t files < <(cut -f1 expected.tsv)
expect 1 "$H" check --mirror "$w/kiosk/mirror.db" --image --tsv "${files[@]}"
diff -u expected.tsv "$T/out" || fail "kiosk mirror verdicts differ"

# A republish with a product change reaches the kiosk as a delta.
expect 0 "$H" product set-status --db "$w/registry.db" --code \
    "$(sqlite3 "$w/mirror.db" "SELECT code FROM products WHERE status='rated' LIMIT 1")" \
    --status suspended --reason "demo inspection" --date "$(date -u +%F)"
expect 0 "$H" export --db "$w/registry.db" --out "$w/mirror.db"
expect 0 "$H" publish --mirror "$w/mirror.db" --key "$w/authority.sec" --feed "$w/feed"
expect 0 "$K" sync --config "$w/kiosk.conf"
grep -q 'path=delta' "$T/out" || fail "republish did not arrive as a delta: $(cat "$T/out")"
# The kiosk keeps a delta's products in its overlay (docs/mirror.md).
now="SELECT status FROM products WHERE code NOT IN (SELECT code FROM products_overlay)
     UNION ALL SELECT status FROM products_overlay WHERE gone = 0"
[ "$(sqlite3 "$w/kiosk/mirror.db" "SELECT count(*) FROM ($now) WHERE status='suspended'")" = \
  "$(sqlite3 "$w/mirror.db" "SELECT count(*) FROM products WHERE status='suspended'")" ] ||
    fail "suspension did not reach the kiosk"
finish
