#!/bin/bash
# Run every test of vigil and end with one line "N passed, N failed".
#
#   regress/run.sh [PATTERN]
#
# 1. unit tests         build/regress/test_*
# 2. fuzz regressions   each build/fuzz/fuzz_* over regress/fuzz/corpus/NAME
# 3. end-to-end         regress/e2e/*.sh with build/vigild
# 4. end-to-end, ASan   the same with build/asan/vigild (ASan + UBSan),
#                       but those marked "# e2e: once"; 3 and 4 run side
#                       by side (E2E_JOBS=1: one after the other)
#
# A test exits 0 (pass), 77 (skipped, with the reason) or anything else
# (fail).  Output of failing tests is shown; everything is kept in
# build/test-logs/.

set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PATTERN=${1:-}
LOGS=$ROOT/build/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

pass=0
failn=0
skipn=0
failed=()

run_one() {
	local name=$1; shift
	local log=$LOGS/${name//\//_}.log
	local start end rc
	if [ -n "$PATTERN" ] && [[ "$name" != *$PATTERN* ]]; then
		return
	fi
	start=$(date +%s%N)
	timeout --kill-after=10 "${TEST_TIMEOUT:-300}" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	end=$(date +%s%N)
	local secs
	secs=$(awk "BEGIN { printf \"%.1f\", ($end - $start) / 1e9 }")
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS  $name (${secs}s)"
	elif [ $rc -eq 77 ]; then
		skipn=$((skipn + 1))
		echo "SKIP  $name: $(grep -m1 '^SKIP' "$log" | sed 's/^SKIP: [^:]*: //')"
	else
		failn=$((failn + 1))
		failed+=("$name")
		echo "FAIL  $name (${secs}s, exit $rc)"
		sed 's/^/    | /' "$log" | tail -n 60
	fi
}

echo "== unit tests"
for t in build/regress/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done

echo "== fuzz targets over their corpora"
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	n=$(basename "$f")
	c=regress/fuzz/corpus/$n
	[ -d "$c" ] || continue
	run_one "fuzz/$n" "$f" -runs=0 "$c"
done

e2e_tests() {
	local s
	for s in regress/e2e/*.sh; do
		[ "$(basename "$s")" = lib.sh ] && continue
		echo "$s"
	done
}

# The normal pass of the end-to-end tests.
e2e_lane() {
	local s
	echo "== end-to-end"
	for s in $(e2e_tests); do
		run_one "e2e/$(basename "$s" .sh)" bash "$s"
	done
	echo "$pass $failn $skipn ${failed[*]:-}" >"$LOGS/lane-e2e.sum"
}

# The same under ASan and UBSan, in the opposite order, so that when the
# two lanes run side by side the long tests of one meet the short ones of
# the other.
asan_lane() {
	local s
	echo "== end-to-end under AddressSanitizer + UndefinedBehaviorSanitizer"
	export VIGILD=$ROOT/build/asan/vigild
	export VIGILCTL=$ROOT/build/asan/vigilctl
	export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	for s in $(e2e_tests | sort -r); do
		# A test that runs none of the built programs (the package's
		# own, say) says so on a line "# e2e: once" and runs once.
		grep -q '^# e2e: once' "$s" && continue
		run_one "asan/$(basename "$s" .sh)" bash "$s"
	done
	echo "$pass $failn $skipn ${failed[*]:-}" >"$LOGS/lane-asan.sum"
}

# Add a lane's counts to ours.
lane_sum() {
	local p f k rest
	[ -f "$1" ] || { failn=$((failn + 1)); failed+=("$2"); return; }
	read -r p f k rest <"$1"
	pass=$((pass + p))
	failn=$((failn + f))
	skipn=$((skipn + k))
	[ -n "$rest" ] && failed+=($rest)
}

# The two passes are independent (each test has its own directory, ports
# and instance id) and mostly wait, so with E2E_JOBS=2 (the default) they
# run side by side, each lane's report printed when it ends; E2E_JOBS=1
# runs them one after the other.
asan=0
[ -x build/asan/vigild ] && [ -z "${NO_ASAN:-}" ] && asan=1
before_pass=$pass before_fail=$failn before_skip=$skipn
before_failed=("${failed[@]}")
if [ $asan -eq 1 ] && [ "${E2E_JOBS:-2}" -ge 2 ]; then
	echo "== end-to-end, the normal and the ASan pass side by side"
	(pass=0 failn=0 skipn=0 failed=(); e2e_lane) >"$LOGS/lane-e2e.out" 2>&1 &
	lane1=$!
	(pass=0 failn=0 skipn=0 failed=(); asan_lane) >"$LOGS/lane-asan.out" 2>&1 &
	lane2=$!
	wait $lane1 $lane2
	cat "$LOGS/lane-e2e.out" "$LOGS/lane-asan.out"
else
	(pass=0 failn=0 skipn=0 failed=(); e2e_lane)
	[ $asan -eq 1 ] && (pass=0 failn=0 skipn=0 failed=(); asan_lane)
fi
pass=$before_pass failn=$before_fail skipn=$before_skip
failed=("${before_failed[@]}")
lane_sum "$LOGS/lane-e2e.sum" e2e-lane
[ $asan -eq 1 ] && lane_sum "$LOGS/lane-asan.sum" asan-lane

echo
if [ ${#failed[@]} -gt 0 ]; then
	echo "failed: ${failed[*]}"
fi
echo "$pass passed, $failn failed, $skipn skipped"
[ $failn -eq 0 ]
