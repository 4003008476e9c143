#!/usr/bin/env bash
# fuzz-long.sh -- run every libFuzzer target for a long time (issue 12's
# "longer fuzz run"); ctest runs the same targets for seconds only.
# usage: scripts/fuzz-long.sh [BUILD_DIR] [SECONDS_PER_TARGET]
# BUILD_DIR is a clang build with -DOCOP_FUZZ=ON -DOCOP_SANITIZE=ON
# (default build/asan); SECONDS defaults to 600. Prints one summary line a
# target and exits non-zero when any target found a crash, leak or report;
# its reproducer stays in the work folder named at the end.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build/asan}" && pwd) || exit 2
seconds=${2:-600}
work=$(mktemp -d /tmp/ocop-fuzz.XXXXXX)
fail=0

need() {
	[ -x "$build/tests/$1" ] || {
		echo "fuzz-long: $build/tests/$1 missing: build with -DOCOP_FUZZ=ON" >&2
		exit 2
	}
}
for t in fuzz_parse fuzz_image fuzz_host_csv fuzz_badge test_collector_fuzz \
	fuzz_feed_manifest upload_driver inspect_badge_tool; do
	need "$t"
done
host=$build/host/ocop-host
[ -x "$host" ] || { echo "fuzz-long: $host missing" >&2; exit 2; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$here/tests/lsan.supp
# One input may take this long before it counts as a hang: a long run
# shares the machine, and a starved process is not a slow parser.
export FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-60}

# run NAME CMD...: one target, its log kept, one summary line printed.
run() {
	local name=$1
	shift
	local log=$work/$name.log start end rc
	start=$(date +%s)
	(cd "$work" && "$@") >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	local execs cov
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
	printf '%-20s rc=%d  %5ds  %12s execs  cov %s\n' "$name" "$rc" \
		$((end - start)) "${execs:-?}" "${cov:-?}"
	[ $rc = 0 ] || { fail=1; tail -30 "$log" >&2; }
}

t=$build/tests
run fuzz_parse bash "$here/tests/fuzz_run.sh" "$t/fuzz_parse" \
	"$here/tests/vectors" "$work/parse_corpus" "$seconds" text
run fuzz_image bash "$here/tests/fuzz_run.sh" "$t/fuzz_image" \
	"$here/tests/vectors" "$work/image_corpus" "$seconds" image
mkdir -p "$work/csv"
run fuzz_host_csv "$t/fuzz_host_csv" -max_total_time="$seconds" -max_len=512 \
	-timeout="$FUZZ_TIMEOUT" -print_final_stats=1 "$work/csv"
mkdir -p "$work/badge"
"$host" keygen --secret "$work/a.sec" --public "$work/a.pub" >/dev/null &&
	"$t/inspect_badge_tool" "$work/a.sec" HN-INS-1 2030-01-01 | tr -d '\n' \
		>"$work/badge/seed" || { echo "fuzz-long: cannot seed fuzz_badge" >&2; exit 2; }
run fuzz_badge "$t/fuzz_badge" -max_total_time="$seconds" -max_len=1024 \
	-timeout="$FUZZ_TIMEOUT" -print_final_stats=1 "$work/badge"
mkdir -p "$work/k" "$work/batch"
"$t/upload_driver" keygen "$work/k" >/dev/null &&
	"$t/upload_driver" batch "$work/k" "$work/batch/seed" 3 1 ||
	{ echo "fuzz-long: cannot seed test_collector_fuzz" >&2; exit 2; }
run collector_batch "$t/test_collector_fuzz" -max_total_time="$seconds" \
	-max_len=4096 -timeout="$FUZZ_TIMEOUT" -print_final_stats=1 "$work/batch"
mkdir -p "$work/manifest"
run fuzz_feed_manifest "$t/fuzz_feed_manifest" -max_total_time="$seconds" \
	-max_len=2048 -timeout="$FUZZ_TIMEOUT" -print_final_stats=1 \
	"$work/manifest" "$here/tests/feed_corpus"

echo "logs and corpora: $work"
exit $fail
