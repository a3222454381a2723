#!/bin/bash
# Services: 200 services start, run, and stop cleanly.
. "$(dirname "$0")/lib.sh"

{
	echo "services:"
	for i in $(seq 1 200); do
		printf '  s%03d:\n    command: [ /bin/sleep, "2%03d0.%d" ]\n' "$i" "$i" $$
		echo "    start_seconds: 200ms"
	done
} | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf"

count() { pgrep -c -f "^/bin/sleep 2[0-9]{3}0\\.$$\$" || true; }
wait_until 60 bash -c "[ \$(pgrep -c -f '^/bin/sleep 2[0-9]{3}0\.$$\$') -eq 200 ]" ||
    fail "only $(count) of 200 services are running"
wait_until 30 bash -c "[ \$(grep -c 'STARTING -> RUNNING' $VIGILD_LOG) -eq 200 ]" ||
    fail "only $(grep -c 'STARTING -> RUNNING' "$VIGILD_LOG") reached RUNNING"
# Each exactly once.
[ "$(grep -c 'STOPPED -> STARTING' "$VIGILD_LOG")" -eq 200 ] ||
    fail "some service was started more than once"

kill -TERM "$VIGILD_PID"
wait_until 60 bash -c "! kill -0 $VIGILD_PID 2>/dev/null" ||
    fail "vigild did not exit"
VIGILD_PID=
[ "$(count)" -eq 0 ] || fail "$(count) services survived the stop"
[ "$(grep -c 'STOPPING -> STOPPED' "$VIGILD_LOG")" -eq 200 ] ||
    fail "not every service reached STOPPED"
exit 0
