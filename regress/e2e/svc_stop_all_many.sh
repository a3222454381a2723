#!/bin/bash
# vigilctl stop all of 1,000 services: the stops go in slices, each
# holding SIGCHLD while it signals (one delivery a slice, not one an
# exit), and so does the reaper.  Every service is stopped once and
# reaped (STOPPED), none is left, SIGCHLD is not left blocked in vigild
# (its SigBlk), and a crash after the burst is still reaped and restarted.
. "$(dirname "$0")/lib.sh"

N=1000
{
	echo "services:"
	for i in $(seq 1 $N); do
		printf '  s%04d:\n    command: [ /bin/sleep, "4%04d.%d" ]\n' "$i" "$i" $$
		echo "    start_seconds: 0"
		echo "    log: { stdout: none, stderr: none }"
	done
} | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf"

count() { pgrep -c -f "^/bin/sleep 4[0-9]{4}\\.$$\$" || true; }
running() { grep -c 'STARTING -> RUNNING' "$VIGILD_LOG"; }
stopped() { tail -n +"$((mark + 1))" "$VIGILD_LOG" | grep -c 'STOPPING -> STOPPED'; }
wait_until 120 bash -c "[ \$(grep -c 'STARTING -> RUNNING' $VIGILD_LOG) -eq $N ]" ||
    fail "only $(running) of $N reached RUNNING"
wait_until 60 bash -c "[ \$(pgrep -c -f '^/bin/sleep 4[0-9]{4}\\.$$\$') -eq $N ]" ||
    fail "only $(count) of $N processes run"
mark=$(wc -l <"$VIGILD_LOG")

ctl stop all >"$T/stop.out" || fail "stop all failed: $(tail -3 "$T/stop.out")"
[ "$(grep -c ': stopped$' "$T/stop.out")" -eq $N ] ||
    fail "stop all answered $(grep -c ': stopped$' "$T/stop.out") of $N"
wait_until 60 bash -c "[ \$(tail -n +$((mark + 1)) $VIGILD_LOG | grep -c 'STOPPING -> STOPPED') -eq $N ]" ||
    fail "$(stopped) of $N reached STOPPED"
[ "$(tail -n +"$((mark + 1))" "$VIGILD_LOG" | grep -c ': RUNNING -> STOPPING')" -eq $N ] ||
    fail "not every service was stopped exactly once"
[ "$(count)" -eq 0 ] || fail "$(count) services survived stop all"

# SIGCHLD (17: bit 16 of the mask) is not blocked once the burst is over.
blk=$(awk '/^SigBlk:/ { print $2 }' "/proc/$VIGILD_PID/status")
[ $(( 0x$blk & 0x10000 )) -eq 0 ] || fail "vigild left SIGCHLD blocked (SigBlk $blk)"

# A crash after the burst: reaped at once, and restarted.
ctl start s0007 >/dev/null || fail "start s0007 failed"
wait_until 10 svc_pid "^/bin/sleep 40007\\.$$\$" || fail "s0007 did not start"
pid=$(svc_pid "^/bin/sleep 40007\\.$$\$")
kill -KILL "$pid"
wait_log 10 "s0007: Killed by SIGKILL after [0-9]+ ms, restarting" ||
    fail "the crash was not reaped: $(tail -3 "$VIGILD_LOG")"
wait_until 10 bash -c "p=\$(pgrep -n -P $VIGILD_PID -f '^/bin/sleep 40007\\.$$\$'); [ -n \"\$p\" ] && [ \"\$p\" != $pid ]" ||
    fail "s0007 was not restarted"
exit 0
