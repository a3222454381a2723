#!/bin/bash
# vigilctl upgrade.  A check that fails (a broken binary at vigild's path,
# one that cannot be executed, a configuration with an error) changes
# nothing: exit 1 with the reason, same pids.  A good one re-executes
# vigild in place while 10 services flood their logs: vigild keeps its
# pid, every service its pid, no line is lost or duplicated, and
# `vigilctl status` keeps answering (the longest gap is printed).
# SURVIVE_USER=1 runs it as an ordinary user.
if [ "${SURVIVE_USER:-}" = 1 ]; then
	export VIGIL_E2E_USER=nobody
fi
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
for t in vigil-lines vigil-seqcheck; do
	[ -x "$TOOLS/$t" ] || skip "no $t in $TOOLS (make tools)"
done
NSVC=10		# each writes 20,000 lines a second until it is stopped

# vigild runs from a copy: the test replaces the binary at its path.
mkdir "$T/bin"
cp "$VIGILD" "$T/bin/vigild.good"
cp "$T/bin/vigild.good" "$T/bin/vigild"
chmod -R a+rx "$T/bin"
VIGILD=$T/bin/vigild
conf() {
	{
		echo "services:"
		for i in $(seq -w 1 $NSVC); do
			echo "  s$i:"
			echo "    command: $TOOLS/vigil-lines -b 4096 -r 20000" \
			    "1000000000"
			echo "    user: $(helper_user)"
		done
		cat
	} | write_conf "$T/vigild.conf"
}
conf </dev/null
start_vigild "$T/vigild.conf"
running() { [ "$(ctl status | grep -c RUNNING)" -eq $NSVC ]; }
wait_until 20 running || fail "the services did not start"
pids() { ctl status | awk '{ print $1, $4 }'; }
before=$(pids)
daemon=$VIGILD_PID

# A binary that fails its check, installed as a package manager would
# (a new file renamed over the running one).
install_bin() { cp "$1" "$T/bin/new" && chmod a+rx "$T/bin/new" &&
    mv -f "$T/bin/new" "$T/bin/vigild"; }
printf '#!/bin/sh\necho "vigild: this build is broken" >&2\nexit 1\n' \
    >"$T/bin/broken"
install_bin "$T/bin/broken"
out=$(ctl upgrade 2>&1) && fail "a broken binary was accepted: $out"
grep -q "upgrade refused: vigild: this build is broken" <<<"$out" ||
	fail "the reason is not given: $out"
# A binary that cannot be executed at all: the launcher's errno.
cp "$T/bin/vigild.good" "$T/bin/new" && chmod a-x "$T/bin/new" &&
    mv -f "$T/bin/new" "$T/bin/vigild"
out=$(ctl upgrade 2>&1) && fail "a binary without x bits was accepted: $out"
grep -q "upgrade refused: exec .*/bin/vigild: Permission denied" <<<"$out" ||
	fail "the exec error is not given: $out"
# A configuration with an error.
install_bin "$T/bin/vigild.good"
echo "bogus_key: 1" >>"$T/vigild.conf"
out=$(ctl upgrade 2>&1) && fail "a bad configuration was accepted: $out"
grep -q "upgrade refused: .*bogus_key" <<<"$out" ||
	fail "the configuration error is not given: $out"
conf </dev/null
[ "$(pids)" = "$before" ] || fail "a refused upgrade changed pids"
kill -0 "$daemon" || fail "vigild died of a refused upgrade"

# The upgrade, under the flood, with a client asking all along.
(
	while :; do
		ctl status >/dev/null 2>&1 && date +%s%N
	done
) >"$T/answers" &
poller=$!
CLEANUP_PIDS="$poller"
wait_until 10 bash -c "[ \$(wc -l < $T/answers) -ge 3 ]" ||
	fail "status does not answer"
t0=$(date +%s%N)
out=$(ctl upgrade 2>&1) || fail "upgrade failed: $out"
t1=$(date +%s%N)
note "$out"
wait_until 10 bash -c "[ \$(awk -v t=$t1 '\$1 > t' $T/answers | wc -l) -ge 3 ]" ||
	fail "status does not answer after the upgrade"
kill "$poller"
wait "$poller" 2>/dev/null
gap=$(awk -v a=$t0 -v b=$t1 'prev && $1 >= a && prev <= b { g = $1 - prev;
    if (g > max) max = g } { prev = $1 } END { printf "%d", max / 1000000 }' \
    "$T/answers")
note "vigilctl upgrade took $(( (t1 - t0) / 1000000 )) ms; the longest gap" \
    "between two status answers meanwhile: $gap ms"
wait_log 10 "re-executed for an upgrade, pid $daemon" ||
	fail "vigild did not re-execute itself"
kill -0 "$daemon" || fail "vigild's pid changed"
wait_log 10 "adopted $NSVC of the $NSVC processes" || fail "not all adopted"
[ "$(pids)" = "$before" ] || fail "pids changed across the upgrade"
grep -q "still our child" "$VIGILD_LOG" || fail "the services are not children"

# The new logger writes; then every line written, once, in order.
n0=$(wc -l <"$T/log/s01.log")
wait_until 10 bash -c "[ \$(wc -l < $T/log/s01.log) -gt $n0 ]" ||
	fail "nothing written after the upgrade"
ctl stop all >/dev/null || fail "stop after the upgrade"
total=0
for i in $(seq -w 1 $NSVC); do
	n=$(( $(tail -n 1 "$T/log/s$i.log") + 1 ))
	total=$((total + n))
	res=$("$TOOLS/vigil-seqcheck" $n "$T/log/s$i.log") ||
		fail "s$i: lines lost, duplicated or reordered: $res"
done
note "$total lines of $NSVC services across the upgrade: 0 lost," \
    "0 duplicated"
# Still the children of vigild: their exits are known.
ctl info s01 | grep -q "exit status unknown" &&
	fail "a child's exit status is unknown after the upgrade"
exit 0
