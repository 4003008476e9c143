#!/usr/bin/env bash
# The main job on the built-in demo data: build the demo world (the
# January 2020 OCOP figures) with its signed feed, show its statistics,
# sync a kiosk's mirror from the feed, then read every sample label back
# from its image with ZBar and judge it against the kiosk's mirror, next
# to the verdict the world expects.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake -S . -B build/release >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
host=$PWD/build/release/host/ocop-host
kiosk=$PWD/build/release/firmware/ocop-kiosk
out=${1:-demo-out}
rm -rf "$out"

echo "== ocop-host demo $out: registry, keys, mirror, sample labels"
$host demo "$out"
echo
echo "== nationwide and per-province statistics"
$host stats --db "$out/registry.db" | head -40
echo
echo "== a kiosk syncs the signed feed the demo published (file://, no server)"
$kiosk sync --config "$out/kiosk.conf"
$kiosk status --config "$out/kiosk.conf"
echo
echo "== every sample label: image -> ZBar -> signature -> kiosk mirror -> verdict"
cd "$out/labels"
mapfile -t files < <(cut -f1 expected.tsv)
got=$($host check --mirror ../kiosk/mirror.db --image --tsv "${files[@]}") || true
printf '%-34s %-20s %-20s\n' "label image" "expected" "verdict"
bad=0
while IFS=$'\t' read -r file want; do
    have=$(awk -F'\t' -v f="$file" '$1==f{print $2}' <<<"$got")
    mark=ok
    [ "$have" = "$want" ] || { mark=MISMATCH; bad=1; }
    printf '%-34s %-20s %-20s %s\n' "$file" "$want" "$have" "$mark"
done < expected.tsv
echo
echo "== one genuine label in full"
$host check --mirror ../kiosk/mirror.db --image "${files[0]}" || true
exit $bad
