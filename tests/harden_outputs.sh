#!/usr/bin/env bash
# Outputs that cannot be redirected (issue 12, defects 1 and 5): every
# --out of ocop-host replaces only a regular file or creates a new one. A
# symbolic link planted at the name is neither written through nor
# replaced; a FIFO, a device node (/dev/null) or a folder is refused with
# one clear sentence; the registry keeps its feed_version.
source "$(dirname "$0")/host_lib.sh"
W=$T/w
D=2026-11-29
expect 0 "$H" demo "$W" --date "$D"
expect 0 "$H" demo-scans --world "$W" --date "$D" --count 200
reg=$W/registry.db
mkdir "$T/outside"
echo precious >"$T/outside/victim"
mkfifo "$T/fifo"
mkdir "$T/folder"

# refused NAME CMD...: CMD must fail with the refusal, leave the victim
# untouched and leave the planted name as it was.
refused() {
    local name=$1
    shift
    local kind
    kind=$(stat -c %F "$name")
    expect 3 "$@"
    err_has "$name"
    err_has "not a regular file"
    [ "$(cat "$T/outside/victim")" = precious ] || fail "wrote through $name"
    [ "$(stat -c %F "$name")" = "$kind" ] || fail "$name replaced by $*"
    [ -z "$(ls -a "$(dirname "$name")" | grep '\.tmp\.')" ] ||
        fail "temporary file left next to $name"
}

for kind in link fifo folder; do
    case $kind in
    link) out=$T/link.out && ln -s "$T/outside/victim" "$out" ;;
    fifo) out=$T/fifo ;;
    folder) out=$T/folder ;;
    esac
    v=$(q "$reg" "SELECT value FROM meta WHERE key='feed_version'")
    refused "$out" "$H" export --db "$reg" --out "$out"
    [ "$(q "$reg" "SELECT value FROM meta WHERE key='feed_version'")" = "$v" ] ||
        fail "a refused export --out $kind spent a feed_version"
    refused "$out" "$H" report stats --world "$W" --today "$D" --out "$out"
done

# A device node: /dev/null. Only tried with a binary that passed the
# checks above: one that does not refuse would, run as root, replace the
# machine's /dev/null with a regular file (which is what issue 12 saw).
if [ "$failures" -eq 0 ]; then
    for cmd in "export --db $reg" "report stats --world $W --today $D"; do
        # shellcheck disable=SC2086
        expect 3 "$H" $cmd --out /dev/null
        err_has "not a regular file"
        [ -c /dev/null ] || fail "/dev/null replaced by $cmd"
    done
else
    fail "/dev/null as --out not tried: the refusals above failed"
fi

# A dangling link: nothing to write through, still not ours to replace.
ln -s "$T/outside/new-file" "$T/dangling.out"
refused "$T/dangling.out" "$H" export --db "$reg" --out "$T/dangling.out"
[ ! -e "$T/outside/new-file" ] || fail "export created the link's target"
refused "$T/dangling.out" "$H" report stats --world "$W" --today "$D" --out "$T/dangling.out"
[ ! -e "$T/outside/new-file" ] || fail "report created the link's target"

# print --out (a sheet or a printer file) likewise.
pr=(print --mirror "$W/mirror.db" --key "$W/producers/HN-P0001.sec"
    --product HN-0001 --lot L1 --serials 1-2)
for out in "$T/link.out" "$T/fifo"; do
    refused "$out" "$H" "${pr[@]}" --format pdf --out "$out"
    refused "$out" "$H" "${pr[@]}" --format zpl --out "$out"
done
expect 0 "$H" "${pr[@]}" --format pdf --out "$T/plain.out"
[ "$(head -c 4 "$T/plain.out")" = %PDF ] || fail "print over a regular file"

# publish: the feed's manifest a link.
mkdir "$T/feed"
ln -s "$T/outside/victim" "$T/feed/manifest"
expect 3 "$H" publish --mirror "$W/mirror.db" --key "$W/authority.sec" --feed "$T/feed"
err_has "cannot write the manifest"
err_has "not a regular file"
[ "$(cat "$T/outside/victim")" = precious ] || fail "publish wrote through its manifest"
[ -L "$T/feed/manifest" ] || fail "publish replaced the manifest's link"

# Regular files and new names still work.
echo old >"$T/plain.out"
expect 0 "$H" export --db "$reg" --out "$T/plain.out"
[ "$(q "$T/plain.out" "SELECT value FROM meta WHERE key='schema_version'")" = 1 ] ||
    fail "export over a regular file"
expect 0 "$H" report stats --world "$W" --today "$D" --out "$T/new.txt"
[ -s "$T/new.txt" ] || fail "report to a new file"
finish
