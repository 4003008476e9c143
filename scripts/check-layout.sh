#!/usr/bin/env bash
# The tree's architecture, checked (docs/architecture.md):
#  - host/ and firmware/ never include each other's headers;
#  - a host/ module never includes a header from host/cmd/ (commands use
#    modules, never the reverse);
#  - no function is longer than MAX_LINES lines, data tables aside.
# Prints each offence; exits 1 if there is any.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0

# Folders whose long functions fail the check. Folders listed only in
# LONG_REPORTED are scanned and printed but do not fail it (yet).
LONG_CHECKED="${LONG_CHECKED-host}"
LONG_REPORTED="${LONG_REPORTED-labels firmware}"
MAX_LINES=120

# Every header each file includes with "..." or <...>, as "file:line:header".
includes() {
    git ls-files "$1/*.c" "$1/*.h" | xargs -r grep -nE \
        '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][^>"]+[>"]' |
        sed -E 's/^([^:]+:[0-9]+):.*include[[:space:]]*[<"]([^>"]+)[>"].*/\1:\2/'
}

# The basename of every header in a folder: what an include there names.
headers() {
    git ls-files "$1/*.h" | xargs -r -n1 basename | sort -u
}

# 1. host/ and firmware/ include none of each other's headers: neither a
# path through the other folder nor a header only the other side has (the
# CMake files never put the other program's folders on the include path, so
# such a name could only be reached by changing them).
check_cross() {
    local from=$1 to=$2 line hdr base
    local theirs ours
    theirs=$(headers "$to")
    ours=$( (headers "$from"; headers labels) | sort -u)
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        hdr=${line##*:}
        base=$(basename "$hdr")
        if [[ $hdr == *"$to/"* ]] ||
            { grep -qxF "$base" <<<"$theirs" &&
                ! grep -qxF "$base" <<<"$ours"; }; then
            echo "layering: ${line%:*} includes $hdr from $to/"
            bad=1
        fi
    done < <(includes "$from")
}
check_cross host firmware
check_cross firmware host

# 2. A host module (any host/ folder but cmd/, and not main.c) includes no
# header of host/cmd/.
cmd_headers=$(headers host/cmd)
while IFS= read -r line; do
    [ -n "$line" ] || continue
    file=${line%%:*}
    hdr=${line##*:}
    case $file in host/cmd/* | host/main.c) continue ;; esac
    if [[ $hdr == *cmd/* ]] ||
        { [ -n "$cmd_headers" ] &&
            grep -qxF "$(basename "$hdr")" <<<"$cmd_headers" &&
            [ ! -e "$(dirname "$file")/$(basename "$hdr")" ]; }; then
        echo "layering: ${line%:*} (a module) includes $hdr from host/cmd/"
        bad=1
    fi
done < <(includes host)

# 3. Long functions. clang-format (BreakBeforeBraces: Linux) puts a
# function's opening brace alone in column 0 and its closing brace alone in
# column 0; an initialised table opens on its declaration's line and ends
# with "};", so tables are never counted.
long_functions() {
    git ls-files "$1/*.c" | xargs -r awk -v max="$MAX_LINES" '
        FNR == 1 { start = 0; prev = "" }
        /^\{[[:space:]]*$/ { start = FNR; name = prev; next }
        /^\}[[:space:]]*$/ && start {
            n = FNR - start - 1
            if (n > max) {
                sub(/\(.*/, "", name)
                k = split(name, w, /[[:space:]*]+/)
                printf "%s:%d: %s is %d lines (over %d)\n", FILENAME, start,
                       w[k], n, max
            }
            start = 0
        }
        /^[^[:space:]#\/}{]/ { prev = $0 }'
}
for d in $LONG_CHECKED; do
    out=$(long_functions "$d")
    if [ -n "$out" ]; then
        echo "$out"
        bad=1
    fi
done
for d in $LONG_REPORTED; do
    out=$(long_functions "$d")
    [ -z "$out" ] || sed 's/$/ (reported, not failed yet)/' <<<"$out"
done
exit $bad
