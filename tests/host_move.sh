#!/usr/bin/env bash
# Moving a product or a producer to another province from the command
# line (issue 13): `product move` and `producer move` go through the
# registry functions the console calls, one transaction each, with an
# audit row naming the command's author; the producer's products that
# were in its old province follow it; the unit that certified a product
# stays; a refused move changes nothing; the exported mirror carries the
# new provinces.
source "$(dirname "$0")/host_lib.sh"
db=$T/reg.db
me="cli:$(id -un)"

expect 0 "$H" registry init --db "$db" --secret "$T/auth.sec" --public "$T/auth.pub"
add() { # code province producer
    expect 0 "$H" product add --db "$db" --code "$1" --name "Sản phẩm $1" \
        --group food --stars 4 --province "$2" --producer "$3" \
        --producer-name "Cơ sở $3" --producer-kind household \
        --certificate "C-$1" --certified 2025-01-10
}
add HG001 "Hà Giang" HTX-A
add HG002 "Hà Giang" HTX-A
add HN001 "Hà Nội" HTX-A # certified elsewhere: stays where it is
add HN002 "Hà Nội" DN-B

# A product alone: its province changes, its certifying unit does not.
expect 0 "$H" product move --db "$db" --code HN002 --province "Hải Phòng"
out_has "moved HN002 to Hải Phòng"
[ "$(q "$db" "SELECT province||'/'||certified_unit FROM products WHERE code='HN002'")" = "Hải Phòng/Hà Nội" ] ||
    fail "product move: $(q "$db" "SELECT province||'/'||certified_unit FROM products WHERE code='HN002'")"
[ "$(q "$db" "SELECT a.old||'>'||a.new||' '||w.who FROM audit a JOIN audit_who w ON w.audit_id=a.id WHERE a.entity='product' AND a.ref='HN002' AND a.field='province'")" = "Hà Nội>Hải Phòng $me" ] ||
    fail "product move: audit row with its author missing"

# Refused moves change nothing: the same province, an unknown one, no
# such product or producer, no --province.
before=$(dump "$db")
expect 3 "$H" product move --db "$db" --code HN002 --province "Hai Phong"
err_has "is in Hải Phòng already"
expect 3 "$H" product move --db "$db" --code HN002 --province "Atlantis"
expect 3 "$H" product move --db "$db" --code NOPE --province "Hà Nội"
err_has "no product NOPE"
expect 3 "$H" producer move --db "$db" --code NOPE --province "Hà Nội"
err_has "no producer NOPE"
expect 2 "$H" producer move --db "$db" --code HTX-A
err_has "needs --province"
[ "$(dump "$db")" = "$before" ] || fail "a refused move changed the registry"

# A producer: it and its products of its old province move together.
expect 0 "$H" producer move --db "$db" --code HTX-A --province "Lào Cai"
out_has "moved HTX-A to Lào Cai with 2 products"
[ "$(q "$db" "SELECT province FROM producers WHERE code='HTX-A'")" = "Lào Cai" ] ||
    fail "producer move: producer not moved"
[ "$(q "$db" "SELECT group_concat(code||'='||province, ' ') FROM (SELECT * FROM products WHERE producer='HTX-A' ORDER BY code)")" = \
    "HG001=Lào Cai HG002=Lào Cai HN001=Hà Nội" ] ||
    fail "producer move: products $(q "$db" "SELECT group_concat(code||'='||province) FROM products WHERE producer='HTX-A'")"
[ "$(q "$db" "SELECT count(*) FROM audit a JOIN audit_who w ON w.audit_id=a.id WHERE a.field='province' AND a.new='Lào Cai' AND w.who='$me'")" = 3 ] ||
    fail "producer move: three audit rows (producer and two products) naming $me"

# The mirror the feed publishes carries the new provinces.
expect 0 "$H" export --db "$db" --out "$T/mirror.db"
[ "$(q "$T/mirror.db" "SELECT province FROM producers WHERE code='HTX-A'")" = "Lào Cai" ] ||
    fail "the mirror keeps the producer's old province"
[ "$(q "$T/mirror.db" "SELECT group_concat(code||'='||province, ' ') FROM (SELECT * FROM products ORDER BY code)")" = \
    "HG001=Lào Cai HG002=Lào Cai HN001=Hà Nội HN002=Hải Phòng" ] ||
    fail "the mirror's products: $(q "$T/mirror.db" "SELECT group_concat(code||'='||province) FROM products")"

# edit and set-status still work through the same functions.
expect 0 "$H" product set-status --db "$db" --code HG001 --status suspended --reason "Kiểm tra"
out_has "HG001 is now suspended"
expect 0 "$H" product edit --db "$db" --code HG001 --stars "proposed 5"
[ "$(q "$db" "SELECT stars||'/'||proposed5||'/'||status FROM products WHERE code='HG001'")" = "4/1/suspended" ] ||
    fail "edit after set-status"
expect 3 "$H" product edit --db "$db" --code HG001 --producer NOPE
err_has "no producer NOPE"
finish
