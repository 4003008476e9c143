#!/usr/bin/env bash
# The 34 provinces of 2025 (issue 11, item 1): a registry and a collector
# made by the ocop-host of before (tests/data/*-2020.sql, dumped from the
# binary of main at 8876e0a) migrate in place with audit rows; every
# command that takes a province refuses "Atlantis" and maps old names and
# codes; stats list the 34 units by default and the 2020 table with
# --units 2020, in Vietnamese order, as CSV, HTML and XLSX.
source "$(dirname "$0")/host_lib.sh"
D=$(dirname "$0")/data
reg=$T/reg.db
coll=$T/coll.db
sqlite3 "$reg" <"$D/registry-2020.sql" || fail "cannot load the registry fixture"
sqlite3 "$coll" <"$D/collector-2020.sql" || fail "cannot load the collector fixture"
scans_before=$(q "$coll" 'SELECT count(*) FROM scans')

# ---- A registry of schema 1 says how to move it, then moves once. --------
expect 3 "$H" stats --db "$reg"
err_has "registry migrate --db"
audit_before=$(q "$reg" 'SELECT count(*) FROM audit')
expect 1 "$H" registry migrate --db "$reg" --collector-db "$coll"
out_has "kiosk 20B938F780D0E6C0: province 'Atlantis' is no province"
out_has "schema 1 -> 2"
while IFS='|' read -r code prov unit; do
    [ "$(q "$reg" "SELECT province||'|'||certified_unit FROM products WHERE code='$code'")" = "$prov|$unit" ] ||
        fail "product $code: $(q "$reg" "SELECT province||'|'||certified_unit FROM products WHERE code='$code'") (wanted $prov|$unit)"
done <<'ROWS'
HG001|Tuyên Quang|Hà Giang
HG002|Tuyên Quang|Hà Giang
BD001|Hồ Chí Minh|Bình Dương
BD002|Đồng Nai|Đồng Nai
QNA001|Đà Nẵng|Quảng Nam
HN001|Hà Nội|Hà Nội
TTH001|Huế|Thừa Thiên Huế
ROWS
[ "$(q "$reg" "SELECT province FROM producers WHERE code='HG-HTX01'")" = "Tuyên Quang" ] || fail "producer not moved"
[ "$(q "$reg" "SELECT province FROM inspectors WHERE inspector='INS1'")" = "Đà Nẵng" ] || fail "inspector not moved"
[ "$(q "$reg" "SELECT province FROM console_users WHERE name='anna'")" = "Tuyên Quang" ] || fail "account not moved"
# Audit rows: one per changed field of a row, and one for the move.
for row in "product|HG001|province|Hà Giang|Tuyên Quang" \
    "product|HG001|certified_unit||Hà Giang" \
    "producer|HG-HTX01|province|Hà Giang|Tuyên Quang" \
    "user|anna|province|Hà Giang|Tuyên Quang" \
    "meta|registry_schema|value|1|2" \
    "authority|provinces|units|63 units of 2020|34 units of 2025 (Resolution 202/2025/QH15)"; do
    q "$reg" "SELECT entity||'|'||ref||'|'||field||'|'||coalesce(old,'')||'|'||new FROM audit" |
        grep -qxF "$row" || fail "no audit row $row"
done
[ "$(q "$reg" "SELECT count(*) FROM audit WHERE ref='HN001' AND field='province'")" = 0 ] ||
    fail "an unchanged province has an audit row"
# Kiosks: what maps moves, the rest stays (and is listed), no scan lost.
[ "$(q "$coll" "SELECT group_concat(province, '|') FROM (SELECT province FROM kiosks ORDER BY key_id)")" = \
    "Atlantis|Hà Nội|Hà Nội|Tuyên Quang|Hồ Chí Minh" ] || fail "kiosks: $(q "$coll" 'SELECT province FROM kiosks ORDER BY key_id')"
[ "$(q "$coll" 'SELECT count(*) FROM scans')" = "$scans_before" ] || fail "scans lost"
# Once is enough: a second run changes nothing.
audit_after=$(q "$reg" 'SELECT count(*) FROM audit')
[ "$audit_after" -gt "$audit_before" ] || fail "no audit rows"
expect 0 "$H" registry migrate --db "$reg"
[ "$(q "$reg" 'SELECT count(*) FROM audit')" = "$audit_after" ] || fail "second migration changed rows"
expect 0 "$H" product show --db "$reg" --code HG001
out_has "certified by:  Hà Giang (now Tuyên Quang)"

# ---- Every command that takes a province validates it. -------------------
"$H" keygen --secret "$T/k.sec" --public "$T/k.pub" >/dev/null || fail keygen
expect 2 "$H" kiosk enroll --collector-db "$coll" --public "$T/k.pub" --province Atlantis --shop X
err_has "unknown province 'Atlantis'"
err_has "ocop-host provinces"
expect 0 "$H" kiosk enroll --collector-db "$coll" --public "$T/k.pub" --province HN --shop "Chợ"
out_has "(Hà Nội, Chợ)"
expect 0 "$H" kiosk enroll --collector-db "$coll" --public "$T/k.pub" --province "Hà Giang" --shop "Chợ"
out_has "(Tuyên Quang, Chợ)"
expect 2 "$H" stats --db "$reg" --province Atlantis
expect 2 "$H" producer list --db "$reg" --province Atlantis
expect 3 "$H" producer add --db "$reg" --code X-1 --name X --kind household --province Atlantis
err_has "unknown province 'Atlantis'"
expect 2 "$H" report verdicts --collector-db "$coll" --db "$reg" --province Atlantis
err_has "unknown province 'Atlantis'"
printf 'correct horse battery\n' >"$T/pw"
expect 3 "$H" user add --db "$reg" --user bob --role province --province Atlantis --password-file "$T/pw"
err_has "unknown province 'Atlantis'"
expect 0 "$H" user add --db "$reg" --user bob --role province --province HG --password-file "$T/pw"
[ "$(q "$reg" "SELECT province FROM console_users WHERE name='bob'")" = "Tuyên Quang" ] || fail "user province"
expect 0 "$H" product add --db "$reg" --code HB001 --name "Cam Cao Phong" --group food --stars 3 \
    --province "Hoa Binh" --producer HB-1 --producer-name "HTX Cam" --producer-kind cooperative \
    --certificate 7 --certified 2024-02-02
[ "$(q "$reg" "SELECT province||'|'||certified_unit FROM products WHERE code='HB001'")" = "Phú Thọ|Hòa Bình" ] ||
    fail "Hòa Bình not kept as the certifying unit"
expect 0 "$H" provinces
[ "$(wc -l <"$T/out")" = 34 ] || fail "provinces: 34 lines"
expect 0 "$H" provinces --units 2020
[ "$(wc -l <"$T/out")" = 63 ] || fail "provinces --units 2020: 63 lines"
grep -qxF "$(printf 'HG\tHà Giang\tTuyên Quang')" "$T/out" || fail "provinces --units 2020: HG"
expect 1 "$H" provinces "ha giang" Atlantis
out_has "Tuyên Quang (2020: Hà Giang)"

# ---- The mirror: provinces of 2025, the certifying unit in meta rows (the
# schema stays, so older kiosks read it; docs/mirror.md). -----------------
expect 0 "$H" export --db "$reg" --out "$T/mirror.db"
[ "$(q "$T/mirror.db" "SELECT province FROM products WHERE code='HG001'")" = "Tuyên Quang" ] ||
    fail "mirror: HG001 not in Tuyên Quang"
[ "$(q "$T/mirror.db" "SELECT value FROM meta WHERE key='certified_unit:HG001'")" = "Hà Giang" ] ||
    fail "mirror: no certified_unit row for HG001"
[ "$(q "$T/mirror.db" "SELECT group_concat(substr(key,16),' ') FROM (SELECT key FROM meta WHERE key LIKE 'certified_unit:%' ORDER BY key)")" = \
    "BD001 HB001 HG001 HG002 QNA001 TTH001" ] || fail "mirror: certified_unit rows"
expect 1 "$H" check --mirror "$T/mirror.db" --today 2025-01-01 "HTTPS://OCOP.GOV.VN/V/AAAA"
grep -qi "mirror" "$T/err" && fail "the mirror does not open: $(cat "$T/err")"

# ---- Statistics: 34 units by default, the 2020 table on demand. ----------
expect 0 "$H" stats --db "$reg" --csv --today 2025-01-01
[ "$(wc -l <"$T/out")" = 36 ] || fail "stats: header, the 34 units and nationwide"
grep -q '^Tuyên Quang,2,1,' "$T/out" || fail "stats: Tuyên Quang holds Hà Giang's products"
expect 0 "$H" stats --db "$reg" --csv --today 2025-01-01 --units 2020
[ "$(cut -d, -f1 "$T/out" | tr '\n' '|')" = \
    "province|Bình Dương|Đồng Nai|Hà Giang|Hà Nội|Hòa Bình|Quảng Nam|Thừa Thiên Huế|nationwide|" ] ||
    fail "stats --units 2020 rows: $(cut -d, -f1 "$T/out" | tr '\n' '|')"
expect 0 "$H" stats --db "$reg" --today 2025-01-01
out_has "Tỉnh, thành phố"
out_has "Số sản phẩm"
# Vietnamese alphabetical order: Hòa Bình before Hồ Chí Minh (o before ô).
expect 0 "$H" product add --db "$reg" --code HCM002 --name "Bánh pía" --group food --stars 3 \
    --province "Hồ Chí Minh" --producer BD-DN01 --certificate 8 --certified 2024-02-02
expect 0 "$H" stats --db "$reg" --csv --today 2025-01-01 --units 2020
grep -n '' "$T/out" | grep -E 'Hòa Bình|Hồ Chí Minh' | cut -d, -f1 | tr '\n' ' ' |
    grep -qE '^[0-9]+:Hòa Bình [0-9]+:Hồ Chí Minh $' || fail "Hòa Bình does not come before Hồ Chí Minh"

# XLSX (and HTML) from the registry alone; and any report kind as XLSX.
expect 0 "$H" stats --db "$reg" --today 2025-01-01 --format xlsx --out "$T/stats.xlsx"
expect 0 "$H" stats --db "$reg" --today 2025-01-01 --format html --out "$T/stats.html"
grep -qF "Đề xuất 5 sao" "$T/stats.html" || fail "html headings"
expect 2 "$H" stats --db "$reg" --format xlsx
expect 0 "$H" report stats --collector-db "$coll" --db "$reg" --format xlsx --out "$T/report.xlsx"
expect 0 "$H" report verdicts --collector-db "$coll" --db "$reg" --format xlsx --out "$T/verdicts.xlsx"
python3 - "$T/stats.xlsx" "$T/report.xlsx" "$T/verdicts.xlsx" <<'PY' || fail "xlsx contents"
import re, sys, zipfile
def sheet(path):
    z = zipfile.ZipFile(path)
    assert z.testzip() is None
    strings = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
    xml = z.read("xl/worksheets/sheet1.xml").decode()
    return strings, xml
strings, xml = sheet(sys.argv[1])
for head in ["Tỉnh, thành phố", "Số sản phẩm", "Số chủ thể", "3 sao", "Đề xuất 5 sao",
             "Thực phẩm", "Sắp hết hạn", "Tuyên Quang", "Hà Nội", "Cả nước (nationwide)"]:
    assert head in strings, head
rows = re.findall(r'<row r="(\d+)"', xml)
# heading, title, note, (blank), column headings, 34 units, nationwide
assert len(rows) == 4 + 34 + 1, len(rows)
assert '<c r="B6"' in xml and 't="s"' in xml
# numbers are numbers: a cell without t="s" in the products column
assert re.search(r'<c r="B\d+"( s="\d+")?><v>\d+</v></c>', xml), "no numeric cells"
for p in sys.argv[2:]:
    strings, xml = sheet(p)
    assert len(re.findall(r"<row ", xml)) >= 5, p
PY
finish
