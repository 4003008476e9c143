#!/usr/bin/env bash
# The main job on the built-in demo data:
#  1. the authority builds the demo world (the January 2020 OCOP figures):
#     registry, keys, mirror, a signed feed, sample labels printed as a
#     producer would (PNG per label, an A4 PDF sheet);
#  2. a kiosk syncs its mirror from the feed (file://, no server needed);
#  3. the kiosk reads every sample label image (ZBar and the robust
#     reader) and gives its verdict, next to the one the world expects;
#  4. the authority's reports over a month of (made-up) kiosk scans.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake -S . -B build/release >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
host=$PWD/build/release/host/ocop-host
kiosk=$PWD/build/release/firmware/ocop-kiosk
out=${1:-demo-out}
rm -rf "$out"

echo "== 1. ocop-host demo $out: registry, keys, mirror, feed, sample labels"
$host demo "$out"
echo
$host stats --db "$out/registry.db" | tail -4
echo
echo "== 2. the kiosk syncs the signed feed"
$kiosk sync --config "$out/kiosk.conf"
$kiosk status --config "$out/kiosk.conf" || true
echo
echo "== 3. every sample label through the kiosk: image -> QR -> verdict"
cd "$out/labels"
mapfile -t files < <(cut -f1 expected.tsv)
# "FILE: verdict" lines; facts follow on indented lines.
got=$($kiosk scan --config ../kiosk.conf "${files[@]}" | grep -v '^ ') || true
printf '%-34s %-20s %-20s\n' "label image" "expected" "kiosk verdict"
bad=0
while IFS=$'\t' read -r file want; do
    have=$(awk -v f="$file:" '$1==f{print $2}' <<<"$got")
    mark=ok
    [ "$have" = "$want" ] || { mark=MISMATCH; bad=1; }
    printf '%-34s %-20s %-20s %s\n' "$file" "$want" "$have" "$mark"
done < expected.tsv
echo
echo "== one genuine label as the kiosk reports it (JSON)"
$kiosk scan --config ../kiosk.conf --json "${files[0]}" || true
cd - >/dev/null
echo
echo "== 4. a month of kiosk scans (made-up) and the authority's reports"
$host demo-scans --world "$out" >/dev/null
$host report hotspots --world "$out" --limit 5
$host report clones --world "$out" --limit 5
$host report all --world "$out" --format html --out "$out/report.html"
echo
echo "Printed labels: $out/labels/ (sheet.pdf), report: $out/report.html"
exit $bad
