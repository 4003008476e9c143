#!/usr/bin/env bash
# ocop-host export: the mirror has exactly docs/mirror.md's schema, the
# meta rows, nothing private, a strictly increasing feed_version; a failed
# export leaves no file and the registry unchanged.
source "$(dirname "$0")/host_lib.sh"
src=${OCOP_SOURCE_DIR:-$(dirname "$0")/..}
db=$T/reg.db

expect 0 "$H" registry init --db "$db" --secret "$T/auth.sec" --public "$T/auth.pub"
auth=$(awk '/^authority key/{print $3}' "$T/out")
cat >"$T/p.csv" <<'EOF'
code,name,group,stars,province,producer,producer_name,producer_kind,producer_contact,certificate,certified,status,status_reason,status_date
QN-0001,Chả mực Hạ Long,food,4,QN,QN-P1,Hợp tác xã Hạ Long,cooperative,0912 345 678 (bí mật),1/QĐ,2024-01-01,,,
QN-0002,Rượu ba kích,beverages,proposed 5,QN,QN-P1,,,,2/QĐ,2024-01-01,suspended,kiểm tra,2025-01-01
EOF
expect 0 "$H" import --db "$db" "$T/p.csv"
"$H" keygen --secret "$T/k.sec" --public "$T/k.pub" >/dev/null || fail keygen
expect 0 "$H" key enroll --db "$db" --producer QN-P1 --public "$T/k.pub" --date 2024-01-02
before=$(dump "$db")
expect 3 "$H" clone --db "$db" --key-id 0123456789ABCDEF --product QN-0001 --lot L1 --serial 42
err_has "is not enrolled"
expect 3 "$H" clone --db "$db" --key-id "$(q "$db" 'SELECT key_id FROM keys')" --product QN-0009 --lot L1 --serial 42
err_has "no product QN-0009"
expect 2 "$H" clone --db "$db" --key-id "$(q "$db" 'SELECT key_id FROM keys')" --product QN-0001 --lot L1 --serial 0
[ "$(dump "$db")" = "$before" ] || fail "rejected clone changed the registry"
expect 0 "$H" clone --db "$db" --key-id "$(q "$db" 'SELECT key_id FROM keys')" \
    --product QN-0001 --lot L1 --serial 42 --date 2025-02-02

expect 0 "$H" export --db "$db" --out "$T/mirror.db"
out_has "feed_version 1"
[ -z "$(ls "$T" | grep '\.tmp\.')" ] || fail "temporary file left behind"

# The schema, table by table and column by column, against the document.
awk '/^```sql/{on=1; next} /^```/{on=0} on' "$src/docs/mirror.md" >"$T/schema.sql"
sqlite3 "$T/doc.db" <"$T/schema.sql" || fail "docs/mirror.md SQL does not load"
describe() {
    for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name"); do
        echo "table $t"
        sqlite3 "$1" "SELECT name, type, \"notnull\", ifnull(dflt_value,''), pk FROM pragma_table_info('$t')"
    done
}
describe "$T/doc.db" >"$T/doc.txt"
describe "$T/mirror.db" >"$T/mirror.txt"
diff -u "$T/doc.txt" "$T/mirror.txt" || fail "mirror schema differs from docs/mirror.md"

[ "$(q "$T/mirror.db" "SELECT value FROM meta WHERE key='schema_version'")" = 1 ] || fail schema_version
[ "$(q "$T/mirror.db" "SELECT value FROM meta WHERE key='feed_version'")" = 1 ] || fail feed_version
[ "$(q "$T/mirror.db" "SELECT value FROM meta WHERE key='authority'")" = "$auth" ] || fail "authority key ID"
q "$T/mirror.db" "SELECT value FROM meta WHERE key='published'" |
    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' || fail "published time"
[ "$(q "$T/mirror.db" 'SELECT count(*) FROM meta')" = 4 ] || fail "meta has extra rows"
[ "$(q "$T/mirror.db" "SELECT stars||proposed5||status||status_reason FROM products WHERE code='QN-0002'")" = "41suspendedkiểm tra" ] ||
    fail "product row not copied"
[ "$(q "$T/mirror.db" "SELECT serial FROM clones")" = 42 ] || fail "clone row not copied"
[ "$(q "$T/mirror.db" "SELECT length(public_key) FROM keys")" = 32 ] || fail "key not copied"
[ "$(q "$db" "SELECT contact FROM producers")" = "0912 345 678 (bí mật)" ] ||
    fail "the registry should keep the producer's contact"
grep -q "bí mật" "$T/mirror.db" && fail "private producer contact leaked into the mirror"
grep -q "0912 345" "$T/mirror.db" && fail "private producer contact leaked into the mirror"
[ "$(q "$T/mirror.db" 'PRAGMA integrity_check')" = ok ] || fail "mirror integrity"

expect 0 "$H" export --db "$db" --out "$T/mirror.db" --authority-key "$T/auth.pub"
out_has "feed_version 2"
[ "$(q "$T/mirror.db" "SELECT value FROM meta WHERE key='feed_version'")" = 2 ] || fail "feed_version 2"

# Failures: nothing written, registry (and its feed_version) unchanged.
before=$(dump "$db")
expect 3 "$H" export --db "$db" --out "$T/no/such/dir/mirror.db"
err_has "No such file or directory"
: >"$T/plainfile"
expect 3 "$H" export --db "$db" --out "$T/plainfile/mirror.db"
"$H" keygen --secret "$T/other.sec" --public "$T/other.pub" >/dev/null
expect 3 "$H" export --db "$db" --out "$T/m2.db" --authority-key "$T/other.pub"
err_has "is not the authority key this registry records"
expect 3 "$H" export --db "$db" --out "$T/m2.db" --authority-key "$T/auth.sec"
err_has "cannot use authority key"
expect 3 "$H" export --db "$db" --out "$db"
err_has "that is the registry itself"
[ ! -e "$T/m2.db" ] || fail "failed export left a file"
[ "$(dump "$db")" = "$before" ] || fail "failed export changed the registry"

# A registry made without an authority key needs one named.
expect 0 "$H" registry init --db "$T/bare.db"
expect 3 "$H" export --db "$T/bare.db" --out "$T/m3.db"
err_has "records no authority key"
expect 0 "$H" export --db "$T/bare.db" --out "$T/m3.db" --authority-key "$T/other.pub"
finish
