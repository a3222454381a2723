#!/bin/bash
# Shutdown of 2,000 services that depend on one: the pass that stops
# them goes on over several turns of the event loop, and what they
# depend on still stops last, once every one of them is down; vigild
# exits and leaves no process behind.
. "$(dirname "$0")/lib.sh"

N=2000
{
	echo "services:"
	printf '  db:\n    command: [ /bin/sleep, "3999.%d" ]\n' $$
	for i in $(seq 1 $N); do
		printf '  w%04d:\n    command: [ /bin/sleep, "3%04d.%d" ]\n' "$i" "$i" $$
		echo "    depends_on: [ db ]"
		echo "    log: { stdout: none, stderr: none }"
	done
} | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf"

count() { pgrep -c -f "^/bin/sleep 3[0-9]{3}\\.$$\$" || true; }
wait_until 120 bash -c "[ \$(grep -c 'STARTING -> RUNNING' $VIGILD_LOG) -eq $((N + 1)) ]" ||
    fail "only $(grep -c 'STARTING -> RUNNING' "$VIGILD_LOG") of $((N + 1)) reached RUNNING"
mark=$(wc -l <"$VIGILD_LOG")

kill -TERM "$VIGILD_PID"
wait_until 120 bash -c "! kill -0 $VIGILD_PID 2>/dev/null" ||
    fail "vigild did not exit: $(tail -5 "$VIGILD_LOG")"
VIGILD_PID=
[ "$(count)" -eq 0 ] || fail "$(count) services survived the shutdown"
tail -n +"$((mark + 1))" "$VIGILD_LOG" >"$T/stop.log"
[ "$(grep -c 'STOPPING -> STOPPED' "$T/stop.log")" -eq $((N + 1)) ] ||
    fail "$(grep -c 'STOPPING -> STOPPED' "$T/stop.log") of $((N + 1)) reached STOPPED"
[ "$(grep -c ': RUNNING -> STOPPING' "$T/stop.log")" -eq $((N + 1)) ] ||
    fail "not every service was stopped exactly once"
last_w=$(grep -n '^.*w[0-9]*: STOPPING -> STOPPED' "$T/stop.log" | tail -1 | cut -d: -f1)
db=$(grep -n 'db: RUNNING -> STOPPING' "$T/stop.log" | cut -d: -f1)
[ -n "$db" ] && [ "$db" -gt "$last_w" ] ||
    fail "db was stopped (line $db) before all that depends on it was down (line $last_w)"
exit 0
