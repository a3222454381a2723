#!/bin/bash
# The services outlive the parent.  20 services write numbered lines, 1000
# a second, until they are stopped; the parent is killed with SIGKILL; the
# logger stays up (orphaned) and keeps writing; a new vigild on the same
# configuration takes the pipes from it and adopts all 20 with the same
# pids; once they are stopped, every line they wrote is in their log
# exactly once, in order.  SURVIVE_USER=1 runs it as an
# ordinary user (no chroot, no privilege drop); SURVIVE_CGROUP=false
# without a cgroup per service (adopted from the state file alone).
if [ "${SURVIVE_USER:-}" = 1 ]; then
	export VIGIL_E2E_USER=nobody
fi
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
for t in vigil-lines vigil-seqcheck; do
	[ -x "$TOOLS/$t" ] || skip "no $t in $TOOLS (make tools)"
done
CG=${SURVIVE_CGROUP:-true}
NSVC=20

{
	echo "services:"
	for i in $(seq -w 1 $NSVC); do
		cat <<EOF
  s$i:
    command: $TOOLS/vigil-lines -b 0 -r 1000 1000000000
    user: $(helper_user)
    cgroup: $CG
EOF
	done
} | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf"

# A live process, not a zombie (init reaps the adopted ones, in its time).
alive() {
	[ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'
}
running() { [ "$(ctl status | grep -c RUNNING)" -eq $NSVC ]; }
wait_until 20 running || fail "the $NSVC services did not all start"
lines() { wc -l <"$T/log/s$1.log" 2>/dev/null || echo 0; }
wait_until 20 bash -c "[ \$(wc -l < $T/log/s01.log) -ge 300 ]" ||
	fail "no output"
before=$(ctl status | awk '{ print $1, $4 }' | tr -d ,)
logger=$(helper_pid logger)
svcpids=$(awk '{ print $2 }' <<<"$before")
CLEANUP_PIDS="$logger $svcpids"

kill -KILL "$VIGILD_PID"
wait "$VIGILD_PID" 2>/dev/null
VIGILD_PID=
for p in $svcpids; do
	alive "$p" || fail "service pid $p died with the parent"
done
alive "$logger" || fail "the logger died with the parent"
# The orphaned logger keeps writing.
n0=$(lines 01)
wait_until 10 bash -c "[ \$(wc -l < $T/log/s01.log) -gt $n0 ]" ||
	fail "the orphaned logger wrote nothing"
[ -S "$T/log/.vigild-logger.sock" ] || fail "no socket for the next vigild"

t0=$(date +%s%N)
start_vigild "$T/vigild.conf"
wait_log 20 "adopted $NSVC of the $NSVC processes" ||
	fail "the new vigild did not adopt all $NSVC"
t1=$(date +%s%N)
note "from the new vigild's start to $NSVC adopted:" \
    "$(( (t1 - t0) / 1000000 )) ms as the test sees it;" \
    "$(grep -o 'in [0-9]* ms' "$VIGILD_LOG" | tail -1) in vigild's log"
after=$(ctl status | awk '{ print $1, $4 }' | tr -d ,)
[ "$before" = "$after" ] ||
	fail "pids changed: $(diff <(echo "$before") <(echo "$after"))"
[ "$(ctl status | grep -c RUNNING)" -eq $NSVC ] || fail "not all RUNNING"
wait_until 10 eval '! alive $logger' ||
	fail "the orphaned logger did not exit after the handover"
ctl info s01 | grep -q "adopted" || fail "info does not say adopted"

# The new logger writes too; then every line written, once, in order.
n0=$(lines 01)
wait_until 10 bash -c "[ \$(wc -l < $T/log/s01.log) -gt $n0 ]" ||
	fail "the new logger writes nothing"
stop_vigild
total=0
for i in $(seq -w 1 $NSVC); do
	n=$(( $(tail -n 1 "$T/log/s$i.log") + 1 ))
	total=$((total + n))
	res=$("$TOOLS/vigil-seqcheck" $n "$T/log/s$i.log") ||
		fail "s$i: lines lost, duplicated or reordered: $res"
done
note "$total lines of $NSVC services across the crash: 0 lost, 0 duplicated"
for p in $svcpids; do
	! alive "$p" || fail "adopted pid $p survived the stop"
done
grep -q "waiting for the next vigild" <(tail -n 3 "$VIGILD_LOG") &&
	fail "the logger of a clean stop waits for a next vigild" 
exit 0
