#!/usr/bin/env bash
# Build an arm64 (aarch64) sysroot for the cross build in build/arm-sysroot
# from Debian 12's arm64 packages, unpacked with dpkg-deb, never installed.
#
# Why not `apt-get install libzbar-dev:arm64`: on Debian 12 the arm64 -dev
# packages cannot sit beside the amd64 ones (libzbar-dev pulls in
# libmagick++-dev, whose multiarch files conflict). Unpacking their
# contents into a folder needs no change to the machine's dpkg database,
# and the apt used here has its own state folder (build/arm-apt), so the
# machine's apt configuration is not changed either (no
# `dpkg --add-architecture`).
#
# usage: scripts/arm-sysroot.sh [SYSROOT]   (default build/arm-sysroot)
# A stamp in the sysroot records what it was built from; a complete
# sysroot is reused without touching the network (remove it to take in
# newer Debian updates).
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/.."
root=$(realpath -m "${1:-build/arm-sysroot}")
apt_dir=$(realpath -m build/arm-apt)

# The -dev packages the build's pkg-config modules come from. Their
# runtime libraries and the -dev packages they need are found below.
wanted=(libc6-dev libqrencode-dev libzbar-dev libsodium-dev libpng-dev
        libjpeg62-turbo-dev libcmocka-dev libsqlite3-dev libcurl4-openssl-dev
        libcairo2-dev libpango1.0-dev libfontconfig-dev libsystemd-dev
        libmicrohttpd-dev libinih-dev libdrm-dev libzstd-dev libpq-dev
        libutf8proc-dev)
# Followed: libraries, their -dev packages and the header-only packages
# they depend on. Not followed: programs (the arm64 ones cannot run here),
# documentation, GObject introspection data, and libmagick++-dev (zbar.pc
# needs none of it; it is what makes the packages uninstallable).
follow='^(lib|zlib1g|linux-libc-dev|nettle-dev|x11proto-|xtrans-dev|uuid-dev|xorg-sgml-doctools|fontconfig-config$)'
skip='^(libicu-dev$|libmagick|libgraphicsmagick|graphicsmagick)|-(bin|tools|doc|utils)$|^lib.*-perl$|^libc-dev-bin$|^libc-bin$|^gir1\.2-'

stamp_want=$( { printf '%s\n' "${wanted[@]}"; cat "$self"; } | sha256sum | cut -d' ' -f1)
if [ -f "$root/.ocop-sysroot" ] && [ "$(cat "$root/.ocop-sysroot")" = "$stamp_want" ]; then
    exit 0
fi

echo "arm-sysroot: building $root from Debian 12 arm64 packages"
mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,etc/sources.list.d,etc/preferences.d,debs}
: > "$apt_dir/status"
# Debian 12's own archive; OCOP_DEBIAN_MIRROR points elsewhere (a local
# mirror or cache) when there is one.
mirror=${OCOP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${OCOP_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
key=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$apt_dir/etc/sources.list" <<EOF
deb [signed-by=$key] $mirror bookworm main
deb [signed-by=$key] $mirror bookworm-updates main
deb [signed-by=$key] $security bookworm-security main
EOF
cat > "$apt_dir/apt.conf" <<EOF
APT::Architecture "arm64";
APT::Architectures { "arm64"; };
Dir::State "$apt_dir";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir/cache";
Dir::Etc::SourceList "$apt_dir/etc/sources.list";
Dir::Etc::SourceParts "$apt_dir/etc/sources.list.d";
Dir::Etc::Preferences "$apt_dir/etc/preferences";
Dir::Etc::PreferencesParts "$apt_dir/etc/preferences.d";
Acquire::Languages "none";
EOF
export APT_CONFIG=$apt_dir/apt.conf

fail_fetch() {
    echo "arm-sysroot: cannot fetch Debian 12 arm64 $1 from $mirror" >&2
    echo "arm-sysroot: the ARM build needs Debian's archive (network, or set OCOP_DEBIAN_MIRROR)" >&2
    exit 1
}
apt-get update -qq --error-on=any >"$apt_dir/update.log" 2>&1 ||
    { cat "$apt_dir/update.log" >&2; fail_fetch "package lists"; }

# The dependency closure, level by level: for each dependency group the
# first alternative, for a virtual package its first provider.
closure() {
    apt-cache depends --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances "$@" | awk '
        /^[^ ]/ { in_group = 0; virt = 0; next }
        /^ [ |](Pre)?Depends:/ {
            alt = substr($0, 2, 1) == "|"
            if (!in_group) {
                name = $2
                if (name ~ /^</) virt = 1
                else { virt = 0; print name }
            } else virt = 0
            in_group = alt
            next
        }
        /^    / { if (virt) { print $1; virt = 0 } }'
}
declare -A seen=()
level=("${wanted[@]}")
for p in "${level[@]}"; do seen[$p]=1; done
while [ ${#level[@]} -gt 0 ]; do
    next=()
    while read -r p; do
        p=${p%:arm64}
        [ -n "${seen[$p]:-}" ] && continue
        seen[$p]=1
        [[ $p =~ $follow ]] && ! [[ $p =~ $skip ]] || continue
        next+=("$p")
    done < <(closure "${level[@]}" | sort -u)
    level=("${next[@]}")
done
pkgs=()
for p in "${!seen[@]}"; do
    [[ $p =~ $follow ]] && ! [[ $p =~ $skip ]] && pkgs+=("$p")
done
mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort)
echo "arm-sysroot: ${#pkgs[@]} packages (lists and dependencies: ${SECONDS}s)"

# Download (apt-get download skips the .debs already in the folder).
(cd "$apt_dir/debs" && apt-get download -qq "${pkgs[@]}" >"$apt_dir/download.log" 2>&1) ||
    { tail -5 "$apt_dir/download.log" >&2; fail_fetch packages; }
echo "arm-sysroot: downloaded ($(du -sh "$apt_dir/debs" | cut -f1) of .debs, ${SECONDS}s)"

# Unpack, and record each package in a dpkg database of the sysroot's own
# (var/lib/dpkg, files listed by their path here): dpkg-shlibdeps reads
# it (DPKG_ADMINDIR, cmake/cpack-cross.cmake) to turn the arm64 binary's
# libraries into Depends.
rm -rf "$root"
db=$root/var/lib/dpkg
mkdir -p "$db/info" "$db/updates"
echo 1 > "$db/info/format"
echo arm64 > "$db/arch"
: > "$db/status"
ctl=$(mktemp -d)
trap 'rm -rf "$ctl"' EXIT
shopt -s nullglob
for p in "${pkgs[@]}"; do
    debs=("$apt_dir"/debs/"$p"_*.deb)
    [ ${#debs[@]} -gt 0 ] || { echo "arm-sysroot: $p was not downloaded" >&2; exit 1; }
    # Older versions left from an earlier run only cost disk: drop them.
    mapfile -t debs < <(printf '%s\n' "${debs[@]}" | sort -V)
    rm -f "${debs[@]:0:${#debs[@]}-1}"
    deb=${debs[-1]}
    rm -rf "${ctl:?}"/*
    dpkg-deb -e "$deb" "$ctl"
    name=$p
    grep -qx 'Multi-Arch: same' "$ctl/control" && name=$p:arm64
    dpkg-deb -X "$deb" "$root" | sed -e "s|^\./|$root/|" -e 's|/$||' |
        grep -vx "$root" > "$db/info/$name.list"
    for f in shlibs symbols; do
        [ ! -f "$ctl/$f" ] || cp "$ctl/$f" "$db/info/$name.$f"
    done
    { sed '1a Status: install ok installed' "$ctl/control"; echo; } >> "$db/status"
done
shopt -u nullglob

# Absolute symlinks (libfoo.so -> /lib/aarch64-linux-gnu/libfoo.so.1,
# the dynamic loader) would point into the build machine's own /lib:
# make them relative, inside the sysroot.
find "$root" -type l -lname '/*' | while read -r l; do
    ln -sfnr "$root$(readlink "$l")" "$l"
done
# pkg-config prefixes -I/-L with PKG_CONFIG_SYSROOT_DIR; a .pc file that
# names another absolute path would still leak the build machine's files.
if grep -lE '^(Libs|Cflags).*[[:space:]]/(usr|lib)/' \
        "$root"/usr/lib/aarch64-linux-gnu/pkgconfig/*.pc "$root"/usr/share/pkgconfig/*.pc 2>/dev/null; then
    echo "arm-sysroot: the .pc files above name absolute paths" >&2
    exit 1
fi
[ -e "$root/lib/ld-linux-aarch64.so.1" ] || { echo "arm-sysroot: no dynamic loader in $root" >&2; exit 1; }

printf '%s\n' "${pkgs[@]}" > "$root/.ocop-packages"
echo "$stamp_want" > "$root/.ocop-sysroot"
echo "arm-sysroot: done ($(du -sh "$root" | cut -f1), ${SECONDS}s)"
