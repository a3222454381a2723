#!/bin/bash
# Reopen for logrotate/newsyslog: after an outside `mv` the logger keeps
# writing to the moved file (it holds it open) until SIGUSR1 (or
# `vigilctl reopen`) makes it open a new NAME.log; no line is lost across
# the two files.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
for t in vigil-lines vigil-seqcheck; do
	[ -x "$TOOLS/$t" ] || skip "no $t in $TOOLS (make tools)"
done

N=1000000
L=$T/log
write_conf "$T/vigild.conf" <<EOF
services:
  tick:
    command: $TOOLS/vigil-lines -b 0 -d 10 $N
    user: $(helper_user)
EOF
start_vigild "$T/vigild.conf"
nlines() { wc -l <"$1" 2>/dev/null || echo 0; }
has() { [ "$(nlines "$1")" -ge "$2" ]; }

wait_until 10 has "$L/tick.log" 10 || fail "no lines"
mv "$L/tick.log" "$L/tick.log.moved"
n=$(nlines "$L/tick.log.moved")
wait_until 10 has "$L/tick.log.moved" $((n + 5)) ||
    fail "the logger stopped writing to the moved file"
[ ! -e "$L/tick.log" ] || fail "tick.log came back before the reopen"

kill -USR1 "$VIGILD_PID"
wait_until 10 has "$L/tick.log" 5 || fail "no new tick.log after SIGUSR1"
wait_log 5 "log files reopened" || fail "the logger did not say it reopened"

moved=$L/tick.log.moved
# The same through vigilctl.
mv "$L/tick.log" "$L/tick.log.moved2"
moved="$moved $L/tick.log.moved2"
if [ -x "$VIGILCTL" ] && out=$(ctl reopen 2>&1); then
	wait_until 10 has "$L/tick.log" 5 ||
	    fail "no new tick.log after vigilctl reopen"
	note "vigilctl reopen works too"
else
	note "no vigilctl reopen (yet): SIGUSR1 only (${out:-no vigilctl})"
	kill -USR1 "$VIGILD_PID"
	wait_until 10 has "$L/tick.log" 5 || fail "no new tick.log"
fi

# One run of lines across the files, up to the last one written.
cat $moved "$L/tick.log" >"$T/all"
last=$(tail -n 1 "$T/all")
res=$("$TOOLS/vigil-seqcheck" $((last + 1)) "$T/all") ||
    fail "lines lost across the reopen: $res"
note "$res"
exit 0
