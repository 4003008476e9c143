#!/usr/bin/env bash
# CSV import as offices make it (issue 11, items 3.2-3.4): Excel in a
# Vietnamese locale (';', byte-order mark, Vietnamese column heads,
# DD/MM/YYYY, lowercase codes), NUL bytes, names saved decomposed (NFD),
# the update mode (dry run, then --yes; all rows or none), and
# certificates past their end date shown as the kiosk shows them.
source "$(dirname "$0")/host_lib.sh"
db=$T/reg.db
expect 0 "$H" registry init --db "$db"

# ---- Excel, Vietnamese locale --------------------------------------------
printf '\xef\xbb\xbf' >"$T/excel.csv"
cat >>"$T/excel.csv" <<'EOF2'
Mã sản phẩm;Tên sản phẩm;Nhóm;Số sao;Tỉnh/thành;Mã nhà sản xuất;Tên nhà sản xuất;Loại hình nhà sản xuất;Giấy chứng nhận;Ngày chứng nhận;Ngày hết hạn
qn-0001;"Chả mực; loại 1";food;4;Quảng Ninh;qn-p1;Hợp tác xã Hạ Long;cooperative;1/QĐ;01/06/2024;31/05/2027
qn-0002;Nước mắm;food;3;Quảng Ninh;QN-P1;;;2/QĐ;5/6/2024;
EOF2
sed -i 's/$/\r/' "$T/excel.csv"
expect 0 "$H" import --db "$db" "$T/excel.csv"
out_has "imported 2 products (1 new producers)"
[ "$(q "$db" "SELECT code||'|'||producer||'|'||name||'|'||certified||'|'||expires FROM products ORDER BY code" | head -1)" = \
  "QN-0001|QN-P1|Chả mực; loại 1|2024-06-01|2027-05-31" ] || fail "Excel row not read as meant"
[ "$(q "$db" "SELECT certified||' '||expires FROM products WHERE code='QN-0002'")" = "2024-06-05 2027-06-05" ] ||
    fail "D/M/YYYY date not read"

# A NUL byte inside a field: an error with its line and column.
before=$(dump "$db")
printf 'code,name,group,stars,province,producer,certificate,certified\nQN-0003,Mu\0c,food,3,QN,QN-P1,3/QD,2024-06-01\n' >"$T/nul.csv"
expect 3 "$H" import --db "$db" "$T/nul.csv"
err_has "nul.csv:2: a NUL byte in column 2"
err_has "nothing imported"
[ "$(dump "$db")" = "$before" ] || fail "a NUL row changed the registry"

# ---- Decomposed (NFD) names, as macOS saves them ---------------------------
nfd() { python3 -c 'import sys, unicodedata; print(unicodedata.normalize("NFD", sys.argv[1]), end="")' "$1"; }
{
    echo "code,name,group,stars,province,producer,producer_name,producer_kind,certificate,certified"
    echo "QN-0004,$(nfd 'Bánh gai Ninh Giang'),food,3,$(nfd 'Quảng Ninh'),QN-P1,$(nfd 'Hợp tác xã Hạ Long'),cooperative,4/QĐ,2024-06-01"
} >"$T/nfd.csv"
[ "$(nfd 'Hợp tác xã Hạ Long')" != 'Hợp tác xã Hạ Long' ] || fail "the test's NFD is NFC"
expect 0 "$H" import --db "$db" "$T/nfd.csv"
out_has "imported 1 products (0 new producers)"
[ "$(q "$db" "SELECT code FROM products WHERE name='Bánh gai Ninh Giang'")" = QN-0004 ] ||
    fail "the name is not stored in NFC (a search in NFC misses it)"

# ---- Update: a summary first, then all rows or none ------------------------
cat >"$T/upd.csv" <<'EOF2'
code;name;stars;Ngày hết hạn
qn-0001;Chả mực Hạ Long;5;
QN-0002;Nước mắm;;01/01/2028
QN-0004;;;
EOF2
before=$(dump "$db")
expect 0 "$H" import --update --db "$db" "$T/upd.csv"
out_has "upd.csv:2: QN-0001 name: 'Chả mực; loại 1' -> 'Chả mực Hạ Long'"
out_has "upd.csv:2: QN-0001 stars: '4' -> '5'"
out_has "upd.csv:3: QN-0002 expires: '2027-06-05' -> '2028-01-01'"
out_has "would change 2 products (3 fields, 0 new producers), 1 unchanged"
out_has "run again with --yes"
[ "$(dump "$db")" = "$before" ] || fail "a dry run changed the registry"
expect 0 "$H" import --update --yes --db "$db" "$T/upd.csv"
out_has "changed 2 products (3 fields, 0 new producers), 1 unchanged"
[ "$(q "$db" "SELECT name||' '||stars FROM products WHERE code='QN-0001'")" = "Chả mực Hạ Long 5" ] ||
    fail "update not applied"
[ "$(q "$db" "SELECT count(*) FROM audit WHERE ref='QN-0001' AND field IN ('name','stars')")" = 2 ] ||
    fail "update left no audit rows"
# One bad row: nothing changes.
printf 'code,name\nQN-0001,Tên mới\nQN-9999,Không có\n' >"$T/upd-bad.csv"
before=$(dump "$db")
expect 3 "$H" import --update --yes --db "$db" "$T/upd-bad.csv"
err_has "upd-bad.csv:3: product code QN-9999 is not in the registry"
err_has "1 bad row; nothing changed"
[ "$(dump "$db")" = "$before" ] || fail "a refused update changed the registry"
# A producer's name must still match, even on a row that changes nothing.
printf 'code,producer,producer_name\nQN-0002,QN-P1,Another name\n' >"$T/upd-prod.csv"
expect 3 "$H" import --update --db "$db" "$T/upd-prod.csv"
err_has "upd-prod.csv:2: producer QN-P1 is registered as"
# A plain import still refuses a code that exists.
expect 3 "$H" import --db "$db" "$T/excel.csv"
err_has "product code QN-0001 is already in the registry"
expect 2 "$H" import --yes --db "$db" "$T/excel.csv"

# ---- Past the end date while still rated: what the kiosk says --------------
printf 'code,name,group,stars,province,producer,certificate,certified,expires\nQN-0005,Cũ,food,3,QN,QN-P1,5/QĐ,2019-01-01,2022-01-01\n' >"$T/old.csv"
expect 0 "$H" import --db "$db" "$T/old.csv"
expect 0 "$H" product show --db "$db" --code QN-0005
out_has "status:        expired (the certificate ended 2022-01-01; the registry still says rated)"
expect 0 "$H" product list --db "$db" --status expired
out_has "QN-0005"
grep -q "^QN-0005	3	expired	" "$T/out" || fail "list does not say expired"
expect 0 "$H" product list --db "$db" --status rated
grep -q QN-0005 "$T/out" && fail "a lapsed certificate listed as rated"
expect 0 "$H" stats --db "$db" --csv
[ "$(tail -1 "$T/out" | awk -F, '{print $NF}')" = 1 ] || fail "stats does not count the lapsed certificate as expired"
finish
