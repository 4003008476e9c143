#!/usr/bin/env bash
# docs_paths.sh -- every build path the documents tell a reader to run
# exists after the documented build (issue 11, 3.11: bench_kiosk's paths
# did not). A path is build/<folder>/...; the folder must be one the
# scripts make, and a build/release/ program must exist in this build
# (benchmarks only when this build has them).
# usage: docs_paths.sh   (OCOP_SOURCE_DIR, OCOP_BUILD_DIR set by ctest)
set -euo pipefail
src=$OCOP_SOURCE_DIR build=$OCOP_BUILD_DIR
bad=0
while IFS=: read -r doc path; do
    case $path in
    build/release | build/release/ | build/release/bench/) continue ;;
    build/release/packages/*) continue ;; # made by package_deb, maybe later
    build/release/bench/*)
        [ -x "$build/bench/bench_labels" ] || continue ;; # benchmarks off
    build/release/*) ;;
    build/asan* | build/arm | build/arm/* | build/arm-sysroot* | build/arm-apt*) continue ;;
    *) echo "$doc names $path, which no documented build makes"; bad=1; continue ;;
    esac
    rel=${path#build/release/}
    rel=${rel%/}
    [ -e "$build/$rel" ] || { echo "$doc names $path: not in the build ($build/$rel)"; bad=1; }
done < <(cd "$src" && grep -o 'build/[A-Za-z0-9_./-]*[A-Za-z0-9_/]' README.md docs/*.md | sort -u)
[ "$bad" = 0 ] || exit 1
echo "docs_paths: ok"
