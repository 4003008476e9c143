# host_lib.sh -- helpers for the ocop-host end-to-end tests (sourced).
# usage in a test: source host_lib.sh; then H is the binary under test.
set -u
H=${1:?usage: $0 path/to/ocop-host}
T=$(mktemp -d "${TMPDIR:-/tmp}/ocop-host-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect RC CMD...: run CMD, keep stdout/stderr in $T/out, $T/err. A
# command that hangs is killed after 120 s and named, instead of the
# whole test silently using up its ctest timeout.
expect() {
    local want=$1
    shift
    timeout -k 5 120 "$@" >"$T/out" 2>"$T/err"
    local got=$?
    [ "$got" = 124 ] && fail "hung for 120 s: $*"
    if [ "$got" != "$want" ]; then
        fail "exit $got (wanted $want): $*"
        sed 's/^/  stderr: /' "$T/err" >&2
    fi
}

# err_has TEXT: the last command's stderr mentions TEXT.
err_has() {
    grep -qF -- "$1" "$T/err" || fail "stderr lacks '$1': $(head -c 300 "$T/err")"
}
out_has() {
    grep -qF -- "$1" "$T/out" || fail "stdout lacks '$1': $(head -c 300 "$T/out")"
}

# A fingerprint of a registry's whole logical content.
dump() {
    sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1
}

q() {
    sqlite3 "$1" "$2"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)" >&2
        exit 1
    fi
    echo "all passed"
    exit 0
}
