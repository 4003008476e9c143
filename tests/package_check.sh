#!/usr/bin/env bash
# Build the .deb packages of a build folder with cpack and check what a
# board or server would install: the binary for the right CPU, stripped,
# the systemd unit, the default configuration as a conffile, Depends from
# the linked libraries, and that the packaged binary runs and reads the
# packaged configuration.
# usage: package_check.sh BUILD_DIR DEB_ARCH [EMULATOR ARGS...]
set -euo pipefail
build=$1 arch=$2
shift 2
emu=("$@")
src=${OCOP_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
fail() { echo "package_check: $*" >&2; exit 1; }

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[ -n "$version" ] || fail "no CPackConfig.cmake in $build"
out=$build/packages
rm -f "$out"/*.deb
(cd "$build" && cpack -G DEB >"$build/cpack.log" 2>&1) ||
    { tail -20 "$build/cpack.log" >&2; fail "cpack failed"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

deb=$out/ocop-kiosk_${version}_${arch}.deb
[ -f "$deb" ] || fail "cpack wrote no $deb ($(ls "$out"))"
[ "$(dpkg-deb -f "$deb" Package)" = ocop-kiosk ] || fail "$deb: wrong Package"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$arch" ] || fail "$deb: Architecture is not $arch"
# dpkg-shlibdeps turned the linked libraries into versioned Depends.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libsqlite3-0 libcurl4 libsodium23 libinih1; do
    [[ $depends =~ (^|, )$lib\ \(\>= ]] || fail "$deb: Depends lacks $lib: $depends"
done

# docs/arm.md says what the package needs and weighs (issue 11, 3.11):
# its Depends line names the same libraries, and on amd64, where it was
# measured, the .deb is within a third of its figure.
doc=$src/docs/arm.md
names() { tr ',' '\n' | sed 's/^ *//; s/ .*//' | sort; }
want=$(sed -n 's/^Depends: //p' "$doc" | head -1 | names)
[ -n "$want" ] || fail "docs/arm.md has no 'Depends:' line"
[ "$want" = "$(printf '%s' "$depends" | names)" ] ||
    fail "docs/arm.md's Depends ($(echo $want)) differ from $deb's: $depends"
if [ "$arch" = amd64 ]; then
    # README says where the packages are and which command makes them
    # (the demo makes none).
    tr -s ' \n' ' ' <"$src/README.md" | grep -q "build/release/packages/ocop-kiosk_${version}_amd64.deb" ||
        fail "README.md does not say where ocop-kiosk_${version}_amd64.deb is made"
    tr -s ' \n' ' ' <"$src/README.md" | grep -q "ctest --test-dir build/release -R package_deb" ||
        fail "README.md does not give the command that makes the packages"
    said=$(sed -n 's/^| `ocop-kiosk_0.1.0_\*.deb` | .* | \([0-9 ]*\) B |$/\1/p' "$doc" | tr -d ' ')
    size=$(stat -c %s "$deb")
    [ -n "$said" ] || fail "docs/arm.md gives no amd64 .deb size"
    [ $((size * 3)) -ge $((said * 2)) ] && [ $((size * 3)) -le $((said * 4)) ] ||
        fail "$deb is $size B, docs/arm.md says $said B: measure it again"
fi

dpkg-deb -c "$deb" | awk '{print $6}' | sort > "$tmp/files"
for f in ./usr/bin/ocop-kiosk ./usr/bin/ocop-kiosk-net \
         ./lib/systemd/system/ocop-kiosk.service ./etc/ocop-kiosk/kiosk.conf; do
    grep -qxF "$f" "$tmp/files" || fail "$deb lacks $f"
done
# The default configuration survives upgrades and local edits.
[ "$(dpkg-deb -I "$deb" conffiles)" = /etc/ocop-kiosk/kiosk.conf ] ||
    fail "$deb: kiosk.conf is not its only conffile"
for s in postinst prerm postrm; do
    dpkg-deb -I "$deb" "$s" > "$tmp/$s" || fail "$deb has no $s"
    sh -n "$tmp/$s" || fail "$deb: $s is not valid sh"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -tvf - | awk '$6 ~ /post|pre/ && $1 != "-rwxr-xr-x" {exit 1}' ||
    fail "$deb: maintainer scripts are not 0755"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
bin=$root/usr/bin/ocop-kiosk
# The ELF header: 64-bit, little-endian, and e_machine (bytes 18-19) is
# the package's CPU: 0xb7 AArch64, 0x3e x86-64.
case $arch in
arm64) machine="b7 00" ;;
amd64) machine="3e 00" ;;
*) fail "no ELF machine known for $arch" ;;
esac
[ "$(od -An -tx1 -N6 "$bin" | xargs)" = "7f 45 4c 46 02 01" ] || fail "$bin is not a 64-bit LE ELF"
[ "$(od -An -tx1 -j18 -N2 "$bin" | xargs)" = "$machine" ] || fail "$bin is not built for $arch"
readelf -S "$bin" | grep -q '\.debug_info' && fail "$bin is not stripped"
# The scanning program never loads the network stack; its helper does
# (firmware/net_helper.h), and is built for the same CPU.
readelf -d "$bin" | grep -q 'NEEDED.*libcurl' && fail "$bin links libcurl"
readelf -d "$bin-net" | grep -q 'NEEDED.*libcurl' || fail "$bin-net does not link libcurl"
[ "$(od -An -tx1 -j18 -N2 "$bin-net" | xargs)" = "$machine" ] || fail "$bin-net is not built for $arch"
cmp -s "$root/lib/systemd/system/ocop-kiosk.service" "$src/firmware/ocop-kiosk.service" ||
    fail "packaged unit differs from firmware/ocop-kiosk.service"
cmp -s "$root/etc/ocop-kiosk/kiosk.conf" "$src/firmware/kiosk.conf.default" ||
    fail "packaged kiosk.conf differs from firmware/kiosk.conf.default"

# systemd reads the unit without a warning (pointed at the packaged
# binary, since nothing is installed in /usr/bin here).
if command -v systemd-analyze >/dev/null; then
    sed "s|^ExecStart=/usr/bin/ocop-kiosk |ExecStart=$bin |" \
        "$root/lib/systemd/system/ocop-kiosk.service" > "$tmp/ocop-kiosk.service"
    systemd-analyze verify "$tmp/ocop-kiosk.service" > "$tmp/verify" 2>&1 ||
        { cat "$tmp/verify" >&2; fail "systemd-analyze verify failed"; }
    [ ! -s "$tmp/verify" ] || { cat "$tmp/verify" >&2; fail "systemd warns about the unit"; }
    grep -qx 'Type=notify' "$tmp/ocop-kiosk.service" && grep -qx 'WatchdogSec=30' "$tmp/ocop-kiosk.service" ||
        fail "the unit is not Type=notify with a watchdog"
else
    echo "package_check: systemd-analyze not installed, unit not verified" >&2
fi

# The packaged binary runs on its CPU (under qemu-user for arm64) and
# reads the packaged configuration: everything in it parses, and only the
# feed's two lines, which the authority gives, are missing.
set +e
"${emu[@]}" "$bin" status --config "$root/etc/ocop-kiosk/kiosk.conf" > "$tmp/out" 2> "$tmp/err"
rc=$?
set -e
[ "$rc" = 3 ] && grep -q '\[feed\] needs url and authority_key' "$tmp/err" ||
    { cat "$tmp/out" "$tmp/err" >&2; fail "packaged ocop-kiosk on the packaged kiosk.conf: exit $rc"; }
cat > "$tmp/kiosk.conf" < "$root/etc/ocop-kiosk/kiosk.conf"
sed -i -e 's|^# url = .*|url = file:///nonexistent/feed/|' \
    -e "s|^# authority_key = .*|authority_key = $(sed -n 2p "$src/tests/vectors/signer.pub")|" \
    -e "s|/var/lib/ocop-kiosk/|$tmp/state/|" "$tmp/kiosk.conf"
set +e
"${emu[@]}" "$bin" status --config "$tmp/kiosk.conf" > "$tmp/out" 2> "$tmp/err"
rc=$?
set -e
# Nothing synced yet: status reads the configuration and reports a
# stale, never-synced mirror (exit 1).
[ "$rc" = 1 ] && grep -qx 'last_sync=never' "$tmp/out" ||
    { cat "$tmp/out" "$tmp/err" >&2; fail "packaged kiosk.conf with the feed filled in: exit $rc"; }

# dpkg installs it into an empty root (maintainer scripts run outside a
# chroot, with DPKG_ROOT): the conffile is registered, a local edit
# survives removal, and purge deletes the configuration and the state.
inst=$tmp/inst
mkdir -p "$inst/var/lib/dpkg/info" "$inst/var/lib/dpkg/updates"
: > "$inst/var/lib/dpkg/status"
idpkg() {
    dpkg --root="$inst" --log=/dev/null --force-script-chrootless \
        --force-depends --force-architecture "$@" >> "$tmp/dpkg.log" 2>&1 ||
        { cat "$tmp/dpkg.log" >&2; fail "dpkg $*"; }
}
idpkg -i "$deb"
for f in usr/bin/ocop-kiosk lib/systemd/system/ocop-kiosk.service etc/ocop-kiosk/kiosk.conf; do
    [ -f "$inst/$f" ] || fail "dpkg -i did not install /$f"
done
dpkg --root="$inst" -s ocop-kiosk | grep -q '^ /etc/ocop-kiosk/kiosk.conf [0-9a-f]\{32\}$' ||
    fail "dpkg did not register kiosk.conf as a conffile"
echo "# a local edit" >> "$inst/etc/ocop-kiosk/kiosk.conf"
mkdir -p "$inst/var/lib/private/ocop-kiosk"
echo state > "$inst/var/lib/private/ocop-kiosk/mirror.db"
idpkg -r ocop-kiosk
[ ! -e "$inst/usr/bin/ocop-kiosk" ] || fail "dpkg -r left the binary"
grep -q '^# a local edit$' "$inst/etc/ocop-kiosk/kiosk.conf" || fail "dpkg -r lost the edited kiosk.conf"
[ -f "$inst/var/lib/private/ocop-kiosk/mirror.db" ] || fail "dpkg -r deleted the kiosk's state"
idpkg -P ocop-kiosk
[ ! -e "$inst/etc/ocop-kiosk" ] || fail "dpkg -P left /etc/ocop-kiosk"
[ ! -e "$inst/var/lib/private/ocop-kiosk" ] || fail "dpkg -P left the kiosk's state"

if [ "$arch" = "$(dpkg --print-architecture)" ] && [ ${#emu[@]} -eq 0 ]; then
    hdeb=$out/ocop-host_${version}_${arch}.deb
    [ -f "$hdeb" ] || fail "cpack wrote no $hdeb"
    dpkg-deb -c "$hdeb" | awk '{print $6}' | grep -qxF ./usr/bin/ocop-host || fail "$hdeb lacks ocop-host"
    [ "$(dpkg-deb -f "$hdeb" Architecture)" = "$arch" ] || fail "$hdeb: wrong Architecture"
fi
ls -l "$out"/*.deb | awk '{print "package_check: " $5 " bytes " $9}'
echo "package_check: ok"
