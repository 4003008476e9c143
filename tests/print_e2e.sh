#!/usr/bin/env bash
# End-to-end test of `ocop-host print`: sign batches against a mirror made
# here, decode every QR in the output (PDF pages rasterised at 300 dpi,
# PNG files, ZPL/TSPL QR commands), verify each against the producer's key
# and serial range, and check every refusal exits non-zero writing nothing.
# usage: print_e2e.sh OCOP-HOST PRINT-MIRROR PRINT-CHECK
set -euo pipefail
host=$1 mirror_tool=$2 check=$3
t=$(mktemp -d)
trap 'chmod -R u+w "$t" 2>/dev/null; rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for k in dt cm rev un; do
    "$host" keygen --secret "$t/$k.sec" --public "$t/$k.pub" >/dev/null
done
# dt and rev belong to the Dong Thap cooperative (rev revoked), cm to the
# U Minh enterprise; un is enrolled nowhere.
# m.db carries the authority's verify addresses; old.db is a mirror made
# before them (docs/mirror.md, "Verify addresses").
VERIFY_HOSTS="OCOP.GOV.VN LABELS.OCOP.GOV.VN" "$mirror_tool" "$t/m.db" \
    "$t/dt.pub:DT-P0001" "$t/cm.pub:CM-P0002" "$t/rev.pub:DT-P0001:2026-01-02"
"$mirror_tool" "$t/old.db" "$t/dt.pub:DT-P0001"

run() { "$host" print --mirror "$t/m.db" "$@"; }
honey=(--key "$t/dt.sec" --product HONEY-01 --lot L2026/11)

# PDF sheets: 30 labels on two A4 pages (21 a page), crop marks.
run "${honey[@]}" --serials 1-30 --format pdf --out "$t/a4.pdf" --crop-marks \
    >/dev/null
[ "$(pdfinfo "$t/a4.pdf" | awk '/^Pages:/ {print $2}')" = 2 ] ||
    fail "30 labels should fill 2 A4 pages"
# The text is the mirror's, with its Vietnamese marks intact.
pdftotext -f 1 -l 1 "$t/a4.pdf" "$t/a4.txt"
for want in "Mật ong rừng U" "Hợp tác xã Nông nghiệp" "Đồng Tháp" \
    "Lô: L2026/11" "Số: 21"; do
    grep -qF "$want" "$t/a4.txt" || fail "PDF text '$want'"
done
pdftoppm -r 300 -gray "$t/a4.pdf" "$t/a4"
"$check" "$t/dt.pub" HONEY-01 L2026/11 4 1-30 image "$t"/a4-*.pgm |
    grep -qx "30 labels checked" || fail "A4 sheet QR codes"

# Letter paper, explicit grid and label size: 5 labels, 2 x 2 a page.
run "${honey[@]}" --serials 100-104 --format pdf --out "$t/lt.pdf" \
    --paper letter --rows 2 --cols 2 --label-mm 80x50 --margin-mm 12 \
    --stars 4 >/dev/null
pdfinfo "$t/lt.pdf" | grep -q "612 x 792 pts (letter)" || fail "letter size"
[ "$(pdfinfo "$t/lt.pdf" | awk '/^Pages:/ {print $2}')" = 2 ] ||
    fail "5 labels at 2x2 should take 2 pages"
pdftoppm -r 300 -gray "$t/lt.pdf" "$t/lt"
"$check" "$t/dt.pub" HONEY-01 L2026/11 4 100-104 image "$t"/lt-*.pgm \
    >/dev/null || fail "letter sheet QR codes"
# A grid that does not fit the paper is a usage error.
set +e
run "${honey[@]}" --serials 1-2 --format pdf --out "$t/no.pdf" --rows 9 \
    2>/dev/null
[ $? = 2 ] || fail "a grid larger than the paper must be refused"
set -e

# PNG, one file per label, from another producer's product (5 stars).
run --key "$t/cm.sec" --product WAX-04 --lot A-7 --serials 41-45 \
    --format png --out "$t/png" --dpi 200 >/dev/null
[ "$(ls "$t/png" | wc -l)" = 5 ] || fail "5 PNG files"
"$check" "$t/cm.pub" WAX-04 A-7 5 41-45 image "$t"/png/*.png >/dev/null ||
    fail "PNG QR codes"

# SVG, one file per label.
run "${honey[@]}" --serials 7-8 --format svg --out "$t/svg" --reprint \
    >/dev/null
[ "$(ls "$t/svg" | wc -l)" = 2 ] || fail "2 SVG files"
# Well-formed, and 60 x 40 mm (written in points) as asked.
python3 - "$t/svg/label-0000000007.svg" <<'PY' || fail "SVG size"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
w, h = root.get("width"), root.get("height")
assert w.endswith("pt") and h.endswith("pt"), (w, h)
mm = [float(v[:-2]) * 25.4 / 72 for v in (w, h)]
assert abs(mm[0] - 60) < 0.01 and abs(mm[1] - 40) < 0.01, mm
PY

# Thermal printers: the QR commands carry exactly the signed label URL.
run "${honey[@]}" --serials 500-519 --format zpl --out "$t/l.zpl" >/dev/null
[ "$(grep -c '^\^XA$' "$t/l.zpl")" = 20 ] || fail "20 ZPL formats"
grep -qF '^FDMat ong rung U Minh Ha^FS' "$t/l.zpl" ||
    fail "ZPL text folded to ASCII"
"$check" "$t/dt.pub" HONEY-01 L2026/11 4 500-519 zpl "$t/l.zpl" >/dev/null ||
    fail "ZPL QR data"
# By default the URL names the authority's first verify host, never the
# demo host.
grep -q '\^FDMM,AHTTPS://OCOP.GOV.VN/V/' "$t/l.zpl" ||
    fail "ZPL QR under the authority's first verify host by default"
run "${honey[@]}" --serials 1-2 --format zpl --out "$t/h2.zpl" \
    --host ocop.gov.vn >/dev/null 2>&1 &&
    fail "a lowercase --host is a usage error as before"
run "${honey[@]}" --serials 1-2 --format zpl --out "$t/h2.zpl" \
    --host LABELS.OCOP.GOV.VN --reprint >/dev/null
grep -q '\^FDMM,AHTTPS://LABELS.OCOP.GOV.VN/V/' "$t/h2.zpl" ||
    fail "ZPL QR under the second verify host"
run "${honey[@]}" --serials 500-519 --format tspl --out "$t/l.tspl" \
    --host LABELS.OCOP.GOV.VN --reprint >/dev/null
[ "$(grep -c '^PRINT 1,1' "$t/l.tspl")" = 20 ] || fail "20 TSPL labels"
grep -q '^QRCODE [0-9]*,[0-9]*,M,[0-9]*,A,0,"HTTPS://LABELS.OCOP.GOV.VN/V/' \
    "$t/l.tspl" || fail "TSPL QRCODE with the given host"
"$check" "$t/dt.pub" HONEY-01 L2026/11 4 500-519 tspl "$t/l.tspl" \
    >/dev/null || fail "TSPL QR data"

# Refusals: exit status, a message, and nothing written.
mkdir "$t/out"
refuse() { # refuse STATUS MESSAGE-PATTERN ARGS...
    local want=$1 pattern=$2 rc=0
    shift 2
    "$host" print "$@" >"$t/stdout" 2>"$t/stderr" || rc=$?
    [ "$rc" = "$want" ] || fail "exit $rc, want $want: $*"
    grep -q "$pattern" "$t/stderr" || fail "message '$pattern' for: $*"
    [ -z "$(ls -A "$t/out")" ] || fail "files left behind: $(ls -A "$t/out")"
}
m=(--mirror "$t/m.db" --lot L1 --serials 1-5 --format pdf --out "$t/out/x.pdf")
refuse 1 "LOTUS-02 is suspended since 2026-10-01" \
    "${m[@]}" --key "$t/dt.sec" --product LOTUS-02
refuse 1 "RICE-03 expired on 2023-01-10" "${m[@]}" --key "$t/dt.sec" \
    --product RICE-03
refuse 1 "NOPE-9 is not in the mirror" "${m[@]}" --key "$t/dt.sec" \
    --product NOPE-9
refuse 1 "rated 4 stars, not 5" "${m[@]}" --key "$t/dt.sec" \
    --product HONEY-01 --stars 5
refuse 1 "not enrolled" "${m[@]}" --key "$t/un.sec" --product HONEY-01
refuse 1 "enrolled for producer CM-P0002" "${m[@]}" --key "$t/cm.sec" \
    --product HONEY-01
refuse 1 "revoked on 2026-01-02" "${m[@]}" --key "$t/rev.sec" \
    --product HONEY-01
for f in png zpl; do
    refuse 1 "not rated" --mirror "$t/m.db" --key "$t/dt.sec" \
        --product LOTUS-02 --lot L1 --serials 1-5 --format $f --out "$t/out/y"
done
refuse 2 "host must be" "${m[@]}" --key "$t/dt.sec" --product HONEY-01 \
    --host ocop.example
# Hosts that are not the authority's (issue 11): refused, nothing written.
refuse 1 "OCOP.EXAMPLE is not one of the authority's verify hosts" \
    "${m[@]}" --key "$t/dt.sec" --product HONEY-01 --host OCOP.EXAMPLE
refuse 1 "not one of the authority's verify hosts" "${m[@]}" \
    --key "$t/dt.sec" --product HONEY-01 --host OCOP.GOV.VN.EVIL.COM
refuse 1 "not one of the authority's verify hosts" "${m[@]}" \
    --key "$t/dt.sec" --product HONEY-01 --host OCOP.GOV.VN:8443
# A mirror from before the list: the demo host and no host are refused,
# the authority's address given by hand is printed.
o=(--mirror "$t/old.db" --lot L1 --serials 1-5 --format pdf
    --out "$t/out/x.pdf" --key "$t/dt.sec" --product HONEY-01)
refuse 1 "OCOP.EXAMPLE is the demo host" "${o[@]}" --host OCOP.EXAMPLE
refuse 1 "names no verify host" "${o[@]}"
"$host" print --mirror "$t/old.db" "${honey[@]}" --serials 1-2 --format zpl \
    --out "$t/old.zpl" --host OCOP.GOV.VN --reprint >/dev/null ||
    fail "an older mirror prints under the host given"
grep -q '\^FDMM,AHTTPS://OCOP.GOV.VN/V/' "$t/old.zpl" ||
    fail "older mirror: QR under the host given"
refuse 2 "serials takes" --mirror "$t/m.db" --key "$t/dt.sec" \
    --product HONEY-01 --lot L1 --serials 9-3 --format zpl --out "$t/out/z"
cp "$t/dt.sec" "$t/loose.sec"
chmod 0644 "$t/loose.sec"
refuse 3 "loose.sec" "${m[@]}" --key "$t/loose.sec" --product HONEY-01
refuse 3 "not a mirror" --mirror "$t/nothing.db" --key "$t/dt.sec" \
    --product HONEY-01 --lot L1 --serials 1-5 --format pdf --out "$t/out/x.pdf"
refuse 3 "cannot write" "${m[@]/$t\/out\/x.pdf/$t/out/missing/x.pdf}" \
    --key "$t/dt.sec" --product HONEY-01
# An output folder that exists is not overwritten.
mkdir "$t/out/png"
rc=0
run "${honey[@]}" --serials 1-2 --format png --out "$t/out/png" --reprint \
    2>/dev/null ||
    rc=$?
[ "$rc" = 3 ] && [ -z "$(ls -A "$t/out/png")" ] ||
    fail "an existing PNG folder must be refused"
rmdir "$t/out/png"
if [ "$(id -u)" != 0 ]; then
    chmod 0555 "$t/out"
    refuse 3 "Permission denied" "${m[@]}" --key "$t/dt.sec" --product HONEY-01
    chmod 0755 "$t/out"
fi
# A full disk, simulated with a file size limit: the write fails part way,
# the command says so, and neither the PDF nor its temporary file remains.
rc=0
(trap '' XFSZ; ulimit -f 64
 exec "$host" print --mirror "$t/m.db" "${honey[@]:0:6}" --serials 1-400 \
     --format pdf --out "$t/out/full.pdf" --reprint) 2>"$t/stderr" || rc=$?
[ "$rc" = 3 ] || fail "a full disk must fail with status 3, got $rc"
grep -q "File too large" "$t/stderr" || fail "disk full message"
[ -z "$(ls -A "$t/out")" ] || fail "partial PDF left: $(ls -A "$t/out")"
rc=0
(trap '' XFSZ; ulimit -f 16
 exec "$host" print --mirror "$t/m.db" "${honey[@]:0:6}" --serials 1-3 \
     --format png --out "$t/out/full" --reprint) 2>"$t/stderr" || rc=$?
[ "$rc" = 3 ] && [ -z "$(ls -A "$t/out")" ] || fail "partial PNG folder left"

# A cap per run (issue 12): a typo in --serials is a usage error, before
# the key or the mirror are read and before anything is written.
rc=0
run "${honey[@]}" --serials 1-4294967295 --format pdf --out "$t/out/all.pdf" \
    2>"$t/stderr" || rc=$?
[ "$rc" = 2 ] && grep -q "over the 100000 a run makes" "$t/stderr" ||
    fail "4294967295 labels not refused ($rc): $(cat "$t/stderr")"
rc=0
run "${honey[@]}" --serials 1-100001 --format zpl --out "$t/out/x.zpl" \
    2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "100001 labels not refused ($rc)"
run "${honey[@]}" --serials 1-3 --max-labels 3 --format zpl \
    --out "$t/out/three.zpl" --reprint >/dev/null || fail "--max-labels 3 with 3 labels"
rc=0
run "${honey[@]}" --serials 1-4 --max-labels 3 --format zpl \
    --out "$t/out/four.zpl" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "4 labels over --max-labels 3 not refused ($rc)"
rm -f "$t/out/three.zpl"
[ -z "$(ls -A "$t/out")" ] || fail "a refused run wrote $(ls -A "$t/out")"

# SIGTERM or SIGINT stops a run and removes what it wrote: a large PNG run
# (its temporary folder), a PDF (its temporary file); the output does not
# appear. Nothing else may stay in the folder.
stop_run() { # SIGNAL FORMAT OUT
    local sig=$1 fmt=$2 out=$3 pid i
    "$host" print --mirror "$t/m.db" "${honey[@]}" --serials 1-100000 \
        --format "$fmt" --out "$out" --reprint 2>"$t/stderr" &
    pid=$!
    # Wait until it is writing labels (its temporary exists).
    for i in $(seq 200); do
        [ -n "$(ls -A "$t/out")" ] && break
        sleep 0.05
    done
    [ -n "$(ls -A "$t/out")" ] || fail "$fmt run wrote no temporary"
    sleep 0.5
    kill -"$sig" "$pid"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -gt 128 ] || fail "$fmt run stopped by $sig exited $rc"
    [ -z "$(ls -A "$t/out")" ] ||
        fail "$fmt run stopped by $sig left $(ls -A "$t/out" | head -3)"
    grep -q "stopped by signal" "$t/stderr" || fail "no stop message"
}
stop_run TERM png "$t/out/many"
stop_run INT pdf "$t/out/many.pdf"
stop_run TERM svg "$t/out/many-svg"
# The record of printed ranges beside the key (issue 11, 3.10): every run
# above that printed is a line; an overlap of a lot already printed is
# refused (nothing written, the record unchanged) unless --reprint.
rec=$t/dt.sec.printed
[ "$(stat -c %a "$rec")" = 600 ] || fail "record mode $(stat -c %a "$rec")"
[ "$(head -1 "$rec")" = "# ocop printed ranges v1" ] || fail "record header"
today=$(date -u +%F)
grep -qx "L2026/11 1 30 $today" "$rec" || fail "first run not recorded: $(cat "$rec")"
grep -qx "L2026/11 500 519 $today" "$rec" || fail "ZPL run not recorded"
grep -q "L1 " "$rec" && fail "a refused or failed run was recorded"
tail -n +2 "$rec" | grep -vqE '^[^ ]+ [0-9]+ [0-9]+ [0-9]{4}-[0-9]{2}-[0-9]{2}$' &&
    fail "a record line out of format: $(cat "$rec")"
cp "$rec" "$t/rec.before"
refuse 1 "serials 1-30 of lot L2026/11 were printed already" \
    --mirror "$t/m.db" "${honey[@]}" --serials 25-35 --format pdf \
    --out "$t/out/again.pdf"
grep -q -- "--reprint" "$t/stderr" || fail "the refusal does not name --reprint"
cmp -s "$rec" "$t/rec.before" || fail "a refused run changed the record"
run "${honey[@]}" --serials 25-35 --format zpl --out "$t/out/again.zpl" \
    --reprint --issued 2026-11-20 >/dev/null || fail "--reprint refused"
tail -1 "$rec" | grep -qx "L2026/11 25 35 2026-11-20" || fail "reprint not recorded"
run --key "$t/dt.sec" --product HONEY-01 --lot L2026/12 --serials 25-35 \
    --format zpl --out "$t/out/lot12.zpl" >/dev/null || fail "another lot refused"
run "${honey[@]}" --serials 520-520 --format zpl --out "$t/out/520.zpl" \
    >/dev/null || fail "the next serial refused"
rm -f "$t"/out/*
# A record that is not one is an error, never overwritten.
printf 'hello\n' >"$rec"
refuse 3 "not a printed-range record" --mirror "$t/m.db" "${honey[@]}" \
    --serials 900-901 --format pdf --out "$t/out/x.pdf"
[ "$(cat "$rec")" = hello ] || fail "a foreign record was overwritten"

echo "print e2e: ok"
