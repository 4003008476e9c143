#!/usr/bin/env bash
# Build everything twice (gcc with -Werror; clang with ASan+UBSan and the
# libFuzzer targets) and run every test under the sanitizers; then
# cross-build for arm64 and run the compiled tests under qemu-user
# (docs/arm.md). Both builds' .deb packages are made and checked.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc)

cmake -S . -B build/release -DOCOP_WERROR=ON >/dev/null
cmake --build build/release -j"$jobs"

cmake -S . -B build/asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
      -DOCOP_SANITIZE=ON -DOCOP_FUZZ=ON -DOCOP_WERROR=ON -DOCOP_BENCH=OFF >/dev/null
cmake --build build/asan -j"$jobs"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# fontconfig keeps a few hundred bytes for the life of the process.
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
ctest --test-dir build/asan --output-on-failure -j"$jobs"

# The amd64 packages, from the -Werror build: build/release/packages/;
# and the wrong-clock test, which libfaketime cannot run under ASan.
ctest --test-dir build/release -R '^(package_deb|kiosk_clock)$' --output-on-failure

# Linux-on-ARM: a sysroot of Debian's arm64 packages (downloaded once, no
# network after), the cross build, its tests under qemu-user and the arm64
# package: build/arm/packages/.
scripts/arm-sysroot.sh
# (The toolchain file is read at the first configure only.)
toolchain=()
[ -f build/arm/CMakeCache.txt ] ||
    toolchain=(-DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake)
# The release build's ocop-host plays the authority in arm_demo_e2e.
cmake -S . -B build/arm "${toolchain[@]}" -DOCOP_WERROR=ON -DOCOP_BENCH=OFF \
      -DOCOP_NATIVE_BUILD_DIR="$PWD/build/release" >/dev/null
cmake --build build/arm -j"$jobs"
ctest --test-dir build/arm --output-on-failure -j"$jobs"
