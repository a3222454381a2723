#!/bin/bash
# The output of an instance that is gone is drained to its end, even
# when the logger was down at the time: a service writes 2000 lines and a
# last one without a newline, exits, and is removed by a reload while the
# logger is stopped; the logger is then killed.  The new one gets the
# pipe (the parent kept it), writes every line, ends the last one with a
# newline, and only then does the parent let the pipe go.
. "$(dirname "$0")/lib.sh"

[ -x "$VIGILCTL" ] || skip "no vigilctl"
L=$T/log
conf() {
	write_conf "$T/vigild.conf" <<EOF
services:
  stay:
    command: /bin/sleep 1000
    user: $(helper_user)
$1
EOF
}
conf "  gone:
    command: seq 0 1999; printf 'the end'
    shell: true
    autostart: false
    restart: never
    start_seconds: 0
    user: $(helper_user)"
start_vigild "$T/vigild.conf" -v
lp=$(helper_pid logger) || fail "no logger"
kill -STOP "$lp"
ctl start gone >/dev/null || fail "start gone"
exited() { ctl status gone | grep -qE 'EXITED|FATAL'; }
wait_until 10 exited || fail "gone did not exit: $(ctl status gone)"
conf ""
kill -HUP "$VIGILD_PID"
wait_log 10 "gone: forgotten" || fail "gone was not forgotten"
kill -KILL "$lp"
kill -CONT "$lp" 2>/dev/null
wait_log 10 "gone: output drained" || fail "the parent never heard the end"
[ "$(wc -l <"$L/gone.log")" -eq 2001 ] || fail "gone.log: $(wc -l <"$L/gone.log") lines"
[ "$(tail -n 1 "$L/gone.log")" = "the end" ] || fail "last line: $(tail -n 1 "$L/gone.log")"
seq 0 1999 | cmp -s - <(head -n 2000 "$L/gone.log") || fail "lines differ"
note "2000 lines and the unterminated last one, after the logger was killed"
exit 0
