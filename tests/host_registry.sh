#!/usr/bin/env bash
# The registry from the command line: CSV import (all rows or none), every
# kind of bad input leaving the registry unchanged, product edits and the
# audit history, key enrolment and revocation, statistics.
source "$(dirname "$0")/host_lib.sh"
db=$T/reg.db

expect 0 "$H" registry init --db "$db" --secret "$T/auth.sec" --public "$T/auth.pub"
out_has "registry $db created"
[ "$(stat -c %a "$T/auth.sec")" = 600 ] || fail "authority secret key not 0600"
[ "$(q "$db" 'PRAGMA journal_mode')" = wal ] || fail "registry not in WAL mode"
expect 3 "$H" registry init --db "$db"
err_has "already exists"

# A spreadsheet export: BOM, CRLF, quotes, a comma and a newline inside
# names, provinces written four ways, columns in their own order.
printf '\xef\xbb\xbf' >"$T/good.csv"
cat >>"$T/good.csv" <<'EOF'
producer,producer_name,producer_kind,code,name,group,stars,province,certificate,certified,expires
QN-P0001,Hợp tác xã Hải sản Hạ Long,cooperative,QN-0001,Chả mực Hạ Long,food,4,Quảng Ninh,123/QĐ-UBND,2019-06-01,
QN-P0001,,,QN-0002,"Rượu ba kích ""Đặc biệt"", chai 500ml",beverages,proposed 5,QN,124/QĐ-UBND,2019-06-01,
HN-P0001,"Công ty TNHH Trà Việt
(chi nhánh Ba Vì)",doanh nghiệp,HN-0001,Trà Shan Tuyết,beverages,3,Ha Noi,55/QĐ,2020-02-29,
HCM-P01,Hộ kinh doanh Nguyễn Văn An,household,HCM-0001,Bánh tráng,food,5,TP. Hồ Chí Minh,9/QĐ,2021-03-15,2023-01-01
BR-P01,Hợp tác xã Muối,hợp tác xã,BRVT-0001,Muối tôm,food,3,Bà Rịa - Vũng Tàu,10/QĐ,2021-01-10,
EOF
sed -i 's/$/\r/' "$T/good.csv"
expect 0 "$H" import --db "$db" "$T/good.csv"
out_has "imported 5 products (4 new producers)"
[ "$(q "$db" 'SELECT count(*) FROM products')" = 5 ] || fail "5 products expected"
[ "$(q "$db" "SELECT name FROM products WHERE code='QN-0002'")" = 'Rượu ba kích "Đặc biệt", chai 500ml' ] ||
    fail "quoted name mangled"
[ "$(q "$db" "SELECT stars||'/'||proposed5 FROM products WHERE code='QN-0002'")" = 4/1 ] ||
    fail "proposed 5 is stored as 4 stars + proposed5"
[ "$(q "$db" "SELECT province FROM products WHERE code='HN-0001'")" = "Hà Nội" ] ||
    fail "province not stored with diacritics"
[ "$(q "$db" "SELECT province FROM products WHERE code='BRVT-0001'")" = "Bà Rịa – Vũng Tàu" ] ||
    fail "hyphen for en dash not accepted"
[ "$(q "$db" "SELECT province FROM products WHERE code='HCM-0001'")" = "Hồ Chí Minh" ] ||
    fail "TP. prefix not accepted"
[ "$(q "$db" "SELECT expires FROM products WHERE code='QN-0001'")" = 2022-06-01 ] ||
    fail "expiry default is not 36 months"
[ "$(q "$db" "SELECT expires FROM products WHERE code='HN-0001'")" = 2023-02-28 ] ||
    fail "36 months after 29 February is 28 February"
[ "$(q "$db" "SELECT expires FROM products WHERE code='HCM-0001'")" = 2023-01-01 ] ||
    fail "given expiry not kept"
[ "$(q "$db" "SELECT name FROM producers WHERE code='HN-P0001'")" = "Công ty TNHH Trà Việt (chi nhánh Ba Vì)" ] ||
    fail "a line break inside a cell should become a space"
[ "$(q "$db" "SELECT kind FROM producers WHERE code='HN-P0001'")" = enterprise ] ||
    fail "Vietnamese producer kind not mapped"

# Every bad input: clear FILE:LINE message, exit 3, registry unchanged.
before=$(dump "$db")
header="code,name,group,stars,province,producer,producer_name,producer_kind,certificate,certified"
ok_row="TB-0001,Bánh cáy,food,3,Thái Bình,TB-P1,Hợp tác xã Bánh cáy,cooperative,1/QĐ,2020-05-05"
bad_import() { # NAME ROW EXPECTED-MESSAGE
    printf '%s\n%s\n%s\n' "$header" "$ok_row" "$2" >"$T/$1.csv"
    expect 3 "$H" import --db "$db" "$T/$1.csv"
    err_has "$T/$1.csv:3: $3"
    err_has "nothing imported"
    [ "$(dump "$db")" = "$before" ] || fail "$1: registry changed"
}
bad_import province "TB-0002,Bánh,food,3,Atlantis,TB-P1,,,2/QĐ,2020-05-05" "unknown province 'Atlantis'"
bad_import group "TB-0002,Bánh,cars,3,TB,TB-P1,,,2/QĐ,2020-05-05" "unknown product group 'cars'"
bad_import dup_file "TB-0001,Bánh,food,3,TB,TB-P1,,,2/QĐ,2020-05-05" "duplicate product code TB-0001 (also on line 2 of this file)"
bad_import dup_registry "QN-0001,Bánh,food,3,TB,TB-P1,,,2/QĐ,2020-05-05" "product code QN-0001 is already in the registry"
bad_import date "TB-0002,Bánh,food,3,TB,TB-P1,,,2/QĐ,2019-02-30" "certification date '2019-02-30' is not a real date"
bad_import date_shape "TB-0002,Bánh,food,3,TB,TB-P1,,,2/QĐ,31/02/2020" "certification date '31/02/2020' is not a real date"
bad_import stars2 "TB-0002,Bánh,food,2,TB,TB-P1,,,2/QĐ,2020-05-05" "2-star products are not OCOP-certified"
bad_import stars6 "TB-0002,Bánh,food,6,TB,TB-P1,,,2/QĐ,2020-05-05" "stars '6' is not 3, 4, 5 or 'proposed 5'"
bad_import code "TB_0002,Bánh,food,3,TB,TB-P1,,,2/QĐ,2020-05-05" "product code 'TB_0002' must be 1-12 characters"
bad_import code_long "TB-0002-2020-X,Bánh,food,3,TB,TB-P1,,,2/QĐ,2020-05-05" "product code 'TB-0002-2020-X' must be 1-12 characters"
bad_import fields "TB-0002,Bánh,food,3,TB" "5 fields, the header has 10"
bad_import quote 'TB-0002,Bá"nh,food,3,TB,TB-P1,,,2/QĐ,2020-05-05' "a quote inside an unquoted field"
bad_import after_quote '"TB-0002"x,Bánh,food,3,TB,TB-P1,,,2/QĐ,2020-05-05' "text after a closing quote"
bad_import unclosed '"TB-0002,Bánh,food,3,TB,TB-P1,,,2/QĐ,2020-05-05' "quoted field opened on line 3 never closes"
bad_import new_producer "TB-0002,Bánh,food,3,TB,TB-P9,,,2/QĐ,2020-05-05" "producer TB-P9 is not in the registry"
bad_import other_name "TB-0002,Bánh,food,3,TB,QN-P0001,Another name,cooperative,2/QĐ,2020-05-05" "producer QN-P0001 is registered as"
bad_import empty_name "TB-0002,,food,3,TB,TB-P1,,,2/QĐ,2020-05-05" "name is empty"
bad_import latin1 "$(printf 'TB-0002,B\xe1nh,food,3,TB,TB-P1,,,2/QĐ,2020-05-05')" "name is not valid UTF-8"
# Several bad rows are all reported, each with its line.
printf '%s\n%s\n%s\n%s\n' "$header" "X-1,A,food,9,TB,TB-P1,,,1,2020-01-01" "$ok_row" \
    "X-2,A,food,3,Nowhere,TB-P1,,,1,2020-01-01" >"$T/two.csv"
expect 3 "$H" import --db "$db" "$T/two.csv"
err_has "two.csv:2: stars '9'"
err_has "two.csv:4: unknown province 'Nowhere'"
err_has "2 bad rows; nothing imported"
printf 'code,name,colour\n' >"$T/hdr.csv"
expect 3 "$H" import --db "$db" "$T/hdr.csv"
err_has "unknown column 'colour'"
err_has "missing column 'group'"
: >"$T/empty.csv"
expect 3 "$H" import --db "$db" "$T/empty.csv"
err_has "empty file"
expect 3 "$H" import --db "$db" "$T/no-such.csv"
err_has "cannot read"
expect 3 "$H" import --db "$T/no-such.db" "$T/good.csv"
err_has "cannot open registry"
[ ! -e "$T/no-such.db" ] || fail "import created a registry"
[ "$(dump "$db")" = "$before" ] || fail "registry changed by bad input"

# Products from the command line, with their audit trail.
expect 0 "$H" product add --db "$db" --code NA-0001 --name "Cam Vinh" --group food \
    --stars 3 --province "$(printf 'Nghe\xcc\x82\xcc\xa3 An')" --producer NA-P1 --producer-name "Hợp tác xã Cam Xã Đoài" \
    --producer-kind cooperative --certificate 77/QĐ --certified 2021-04-01
out_has "expires 2024-04-01"
before=$(dump "$db")
expect 3 "$H" product add --db "$db" --code NA-0002 --name X --group food --stars 1 \
    --province NA --producer NA-P1 --certificate 1 --certified 2021-04-01
err_has "1-star products are not OCOP-certified"
expect 3 "$H" product add --db "$db" --code NA-0002 --name X --group food --stars 3 \
    --province NA --producer NA-P1 --certificate 1 --certified 2021-04-01 --expires 2021-01-01
err_has "is not after the certification date"
expect 3 "$H" product edit --db "$db" --code NO-SUCH --stars 4
err_has "no product NO-SUCH"
expect 3 "$H" product edit --db "$db" --code NA-0001 --province Narnia
err_has "unknown province"
expect 3 "$H" product set-status --db "$db" --code NA-0001 --status suspended
err_has "status suspended needs a reason"
expect 3 "$H" product set-status --db "$db" --code NA-0001 --status banned --reason x
err_has "is not rated, suspended, revoked or expired"
expect 2 "$H" product add --db "$db"
[ "$(dump "$db")" = "$before" ] || fail "registry changed by a rejected edit"

expect 0 "$H" product edit --db "$db" --code NA-0001 --stars 4 --name "Cam Vinh Xã Đoài"
expect 0 "$H" product set-status --db "$db" --code NA-0001 --status suspended \
    --reason "vi phạm ghi nhãn" --date 2022-01-10
expect 0 "$H" product show --db "$db" --code NA-0001
out_has "status:        suspended"
out_has "status reason: vi phạm ghi nhãn (2022-01-10)"
expect 0 "$H" history --db "$db" --product NA-0001
grep -qP '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\tproduct NA-0001\tstars\t3\t4$' "$T/out" ||
    fail "history lacks the stars change 3 -> 4"
grep -qP '\tproduct NA-0001\tname\tCam Vinh\tCam Vinh Xã Đoài$' "$T/out" ||
    fail "history lacks the name change"
grep -qP '\tproduct NA-0001\tstatus\trated\tsuspended$' "$T/out" ||
    fail "history lacks the status change"
grep -qP '\tproduct NA-0001\tstatus_reason\t\tvi phạm ghi nhãn$' "$T/out" ||
    fail "history lacks the status reason"
grep -qP '\tproduct NA-0001\t\(added\)\t\tCam Vinh \| food' "$T/out" ||
    fail "history lacks the creation"
[ "$(grep -c 'product NA-0001' "$T/out")" = 6 ] || fail "history of NA-0001 should have 6 rows"
expect 0 "$H" product list --db "$db" --province QN
[ "$(wc -l <"$T/out")" = 3 ] || fail "product list --province QN: 2 products + header"

# Producers: add, edit, refuse doubles and unknowns.
expect 0 "$H" producer add --db "$db" --code HY-P1 --name "Hộ kinh doanh Nhãn lồng" \
    --kind household --province "Hưng Yên" --contact "0987 654 321"
before=$(dump "$db")
expect 3 "$H" producer add --db "$db" --code HY-P1 --name X --kind household --province HY
err_has "already in the registry"
expect 3 "$H" producer add --db "$db" --code HY-P2 --name X --kind household
err_has "needs --name, --kind and --province"
expect 3 "$H" producer edit --db "$db" --code HY-P9 --name X
err_has "no producer HY-P9"
expect 3 "$H" producer edit --db "$db" --code HY-P1 --kind guild
err_has "is not cooperative, enterprise or household"
[ "$(dump "$db")" = "$before" ] || fail "registry changed by a rejected producer command"
expect 0 "$H" producer edit --db "$db" --code HY-P1 --kind cooperative --name "Hợp tác xã Nhãn lồng Phố Hiến"
expect 0 "$H" history --db "$db" --producer HY-P1
grep -qP '\tproducer HY-P1\tkind\thousehold\tcooperative$' "$T/out" || fail "history lacks the kind change"
expect 0 "$H" producer list --db "$db" --province HY
out_has "HY-P1	cooperative	Hưng Yên	0	Hợp tác xã Nhãn lồng Phố Hiến"

# Keys: enroll, refuse doubles and strangers, revoke once.
"$H" keygen --secret "$T/p.sec" --public "$T/p.pub" >"$T/keygen.out" || fail keygen
kid=$(awk '{print $2}' "$T/keygen.out")
expect 0 "$H" key enroll --db "$db" --producer QN-P0001 --public "$T/p.pub" --date 2020-01-05
out_has "key $kid enrolled for QN-P0001 on 2020-01-05"
before=$(dump "$db")
expect 3 "$H" key enroll --db "$db" --producer HN-P0001 --public "$T/p.pub"
err_has "already enrolled for producer QN-P0001"
expect 3 "$H" key enroll --db "$db" --producer NOBODY --public "$T/p.pub"
expect 3 "$H" key enroll --db "$db" --producer QN-P0001 --public "$T/p.sec"
err_has "cannot use public key"
expect 3 "$H" key enroll --db "$db" --producer QN-P0001 --public "$T"
err_has "cannot use public key"
expect 3 "$H" key enroll --db "$db" --producer QN-P0001 --public "$T/missing.pub"
expect 2 "$H" key enroll --db "$db" --producer QN-P0001 --public "$T/p.pub" --date 2020-13-01
expect 2 "$H" key revoke --db "$db" --key-id "$kid" --reason lost
expect 2 "$H" key revoke --db "$db" --key-id XYZ --reason superseded
expect 3 "$H" key revoke --db "$db" --key-id 0000000000000000 --reason superseded
err_has "is not enrolled"
expect 3 "$H" key revoke --db "$db" --key-id "$kid" --reason compromised --date 2019-12-31
err_has "before the key's enrolment"
[ "$(dump "$db")" = "$before" ] || fail "registry changed by a rejected key command"
expect 0 "$H" key revoke --db "$db" --key-id "$kid" --reason compromised --date 2021-02-03
expect 3 "$H" key revoke --db "$db" --key-id "$kid" --reason superseded
err_has "already revoked on 2021-02-03"
[ "$(q "$db" "SELECT revoked||' '||revoke_reason FROM keys WHERE key_id='$kid'")" = "2021-02-03 compromised" ] ||
    fail "revocation not stored"
expect 0 "$H" history --db "$db" --key-id "$kid"
grep -qP "\tkey $kid\trevoke_reason\t\tcompromised$" "$T/out" || fail "history lacks the revocation"

# Statistics, per province and nationwide, table and CSV.
expect 0 "$H" stats --db "$db" --csv --today 2022-05-01 --expiring-days 60
cat >"$T/want.csv" <<'EOF'
province,products,producers,stars3,stars4,stars5,proposed5,food,beverages,herbal,textiles,souvenirs,tourism,expiring,expired
Bà Rịa – Vũng Tàu,1,1,1,0,0,0,1,0,0,0,0,0,0,0
Hà Nội,1,1,1,0,0,0,0,1,0,0,0,0,0,0
Hồ Chí Minh,1,1,0,0,1,0,1,0,0,0,0,0,0,0
Nghệ An,1,1,0,1,0,0,1,0,0,0,0,0,0,0
Quảng Ninh,2,1,0,1,0,1,1,1,0,0,0,0,2,0
nationwide,6,5,2,2,1,1,4,2,0,0,0,0,2,0
EOF
diff -u "$T/want.csv" "$T/out" || fail "stats CSV differs"
expect 0 "$H" stats --db "$db" --province HN --csv --today 2022-05-01
[ "$(tail -1 "$T/out")" = "Hà Nội,1,1,1,0,0,0,0,1,0,0,0,0,0,0" ] || fail "stats --province"
expect 0 "$H" stats --db "$db" --today 2022-05-01 --expiring-days 60
out_has "5 provinces"
grep -qE '^Cả nước \(nationwide\) +6 +5 +2 +2 +1 +1 ' "$T/out" || fail "stats table total row"
expect 2 "$H" stats --db "$db" --province Narnia
expect 2 "$H" stats --db "$db" --expiring-days -3

for c in registry import product producer key clone history stats export demo; do
    expect 0 "$H" $c --help
    out_has "usage: ocop-host $c"
done
finish
