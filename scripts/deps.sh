#!/usr/bin/env bash
# Install the Debian 12 packages a task needs, only those missing.
# usage: scripts/deps.sh demo|test
set -euo pipefail

build=(cmake make gcc pkg-config libqrencode-dev libzbar-dev libsodium-dev
       libpng-dev libjpeg-dev libcmocka-dev libsqlite3-dev libcurl4-openssl-dev
       libcairo2-dev libpango1.0-dev libsystemd-dev libmicrohttpd-dev
       libinih-dev libdrm-dev libzstd-dev libpq-dev libutf8proc-dev fonts-noto-core fonts-dejavu-core)
# Tests also need clang (libFuzzer), real peers and the reference tools,
# and for the arm64 cross build (scripts/arm-sysroot.sh, docs/arm.md) the
# cross compiler, qemu-user to run its tests, dpkg-shlibdeps, Debian's
# archive keys, systemd-analyze to check the packaged unit, and the
# PostgreSQL server the collector tests start privately (tests/pg_lib.sh).
test_only=(clang libclang-rt-14-dev qrencode zbar-tools poppler-utils g++
           nginx-light libzxing-dev curl python3 sqlite3 openssl chromium
           clang-format faketime gcc-aarch64-linux-gnu qemu-user dpkg-dev
           debian-archive-keyring systemd postgresql-15)

case "${1:-}" in
demo) want=("${build[@]}") ;;
test) want=("${build[@]}" "${test_only[@]}") ;;
*) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
