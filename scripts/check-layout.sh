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
LONG_CHECKED="${LONG_CHECKED-labels host firmware}"
LONG_REPORTED="${LONG_REPORTED-}"
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
    local from=$1 to=$2 out
    out=$(includes "$from" | awk -F: -v to="$to" \
        -v theirs="$(headers "$to" | tr '\n' ' ')" \
        -v ours="$( (headers "$from"; headers labels) | tr '\n' ' ')" '
        BEGIN {
            n = split(theirs, t, " "); for (i = 1; i <= n; i++) T[t[i]] = 1
            n = split(ours, o, " "); for (i = 1; i <= n; i++) O[o[i]] = 1
        }
        {
            hdr = $3; base = hdr; sub(/.*\//, "", base)
            if (index(hdr, to "/") || (base in T && !(base in O)))
                printf "layering: %s:%s includes %s from %s/\n", $1, $2,
                       hdr, to
        }')
    if [ -n "$out" ]; then
        echo "$out"
        bad=1
    fi
}
check_cross host firmware
check_cross firmware host

# 2. A host module (any host/ folder but cmd/, and not main.c) includes no
# header of host/cmd/.
out=$(includes host | awk -F: -v cmdh="$(headers host/cmd | tr '\n' ' ')" '
    BEGIN { n = split(cmdh, c, " "); for (i = 1; i <= n; i++) C[c[i]] = 1 }
    $1 ~ /^host\/cmd\// || $1 == "host/main.c" { next }
    {
        hdr = $3; base = hdr; sub(/.*\//, "", base)
        if (index(hdr, "cmd/") || base in C)
            printf "layering: %s:%s (a module) includes %s from host/cmd/\n",
                   $1, $2, hdr
    }')
if [ -n "$out" ]; then
    echo "$out"
    bad=1
fi

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
