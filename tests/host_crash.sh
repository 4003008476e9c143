#!/usr/bin/env bash
# An import that dies half-way -- the disk fills (file size limit: write
# fails with EFBIG), the process is killed by SIGXFSZ mid-write, or by
# kill -9 at random moments -- leaves the registry consistent and either
# unchanged or fully imported, never in between.
source "$(dirname "$0")/host_lib.sh"
db=$T/reg.db

expect 0 "$H" registry init --db "$db" --secret "$T/a.sec" --public "$T/a.pub"
cat >"$T/base.csv" <<'EOF'
code,name,group,stars,province,producer,producer_name,producer_kind,certificate,certified
QN-0001,Chả mực Hạ Long,food,4,QN,QN-P1,Hợp tác xã Hạ Long,cooperative,1/QĐ,2024-01-01
EOF
expect 0 "$H" import --db "$db" "$T/base.csv"
rows=2000
{
    echo "code,name,group,stars,province,producer,producer_name,producer_kind,certificate,certified"
    for i in $(seq 1 $rows); do
        printf 'BIG-%05d,Mật ong rừng U Minh số %d,food,3,Kiên Giang,BIG-P%05d,Hợp tác xã Ong mật U Minh %d,cooperative,%d/QĐ-UBND,2024-02-02\n' \
            "$i" "$i" "$i" "$i" "$i"
    done
} >"$T/big.csv"
before=$(dump "$db")
size_kb=$(( $(stat -c %s "$db") / 1024 + 16 ))

# Disk full: writes past the limit fail (SIGXFSZ ignored, so EFBIG).
( trap '' XFSZ; ulimit -f "$size_kb"; exec "$H" import --db "$db" "$T/big.csv" ) >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 3 ] || fail "disk full: exit $rc, wanted 3"
err_has "nothing imported"
[ "$(q "$db" 'PRAGMA integrity_check')" = ok ] || fail "disk full: registry corrupt"
[ "$(dump "$db")" = "$before" ] || fail "disk full: registry changed"

# Killed by the file size signal in the middle of a write.
( ulimit -f "$size_kb"; exec "$H" import --db "$db" "$T/big.csv" ) >/dev/null 2>&1
rc=$?
[ "$rc" -gt 128 ] || fail "SIGXFSZ: expected death by signal, exit $rc"
[ "$(q "$db" 'PRAGMA integrity_check')" = ok ] || fail "SIGXFSZ: registry corrupt"
[ "$(dump "$db")" = "$before" ] || fail "SIGXFSZ: registry changed"

# kill -9 at assorted moments: all or nothing.
for delay in 0.02 0.05 0.1 0.2 0.3 0.5; do
    "$H" import --db "$db" "$T/big.csv" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ "$(q "$db" 'PRAGMA integrity_check')" = ok ] || fail "kill -9 after ${delay}s: corrupt"
    n=$(q "$db" 'SELECT count(*) FROM products')
    case "$n" in
    1) [ "$(dump "$db")" = "$before" ] || fail "kill -9 after ${delay}s: changed" ;;
    $((rows + 1))) break ;; # it finished first: fine, and nothing more to kill
    *) fail "kill -9 after ${delay}s: $n products, half an import" ;;
    esac
done

# And the same import, left alone, goes in whole.
if [ "$(q "$db" 'SELECT count(*) FROM products')" = 1 ]; then
    expect 0 "$H" import --db "$db" "$T/big.csv"
fi
[ "$(q "$db" 'SELECT count(*) FROM products')" = $((rows + 1)) ] || fail "full import"

# An export that fills the disk: no mirror, no temporary, no new version.
before=$(dump "$db")
( trap '' XFSZ; ulimit -f 128; exec "$H" export --db "$db" --out "$T/mirror.db" ) >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 3 ] || fail "export on a full disk: exit $rc, wanted 3"
err_has "File too large"
[ -z "$(ls "$T" | grep mirror)" ] || fail "export on a full disk left $(ls "$T" | grep mirror)"
[ "$(dump "$db")" = "$before" ] || fail "export on a full disk changed the registry"
expect 0 "$H" export --db "$db" --out "$T/mirror.db"
out_has "feed_version 1"
finish
