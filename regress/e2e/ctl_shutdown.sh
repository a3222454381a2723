#!/bin/bash
# `vigilctl shutdown` always gets its answer: when nothing is left to stop,
# vigild answers and exits in the same turn, and control must still write
# the answer it was given before it goes (it used to exit first, about one
# time in three: "vigild closed the connection before answering").
. "$(dirname "$0")/lib.sh"
write_conf "$T/vigild.conf" <<EOF2
services:
  idle:
    command: [ /bin/sleep, "3001" ]
    autostart: false
EOF2
N=12
for i in $(seq $N); do
	start_vigild "$T/vigild.conf"
	wait_until 10 test -S "$SOCK" || fail "round $i: no control socket"
	out=$(ctl shutdown 2>&1); rc=$?
	[ $rc -eq 0 ] && [ "$out" = "Shut down" ] ||
		fail "round $i of $N: shutdown: exit $rc, '$out'"
	wait_until 20 eval '! kill -0 $VIGILD_PID 2>/dev/null' ||
		fail "round $i: vigild did not exit"
	wait "$VIGILD_PID" 2>/dev/null
	VIGILD_PID=
done
note "$N shutdowns with nothing left to stop: $N answered"
exit 0
