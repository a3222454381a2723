#!/bin/bash
# Nothing is lost when the logger dies: a service writes 1,000,000
# numbered lines while the logger is killed with SIGKILL five times;
# every line must still arrive exactly once and in order.
#
# The service writes 300,000 lines a second and, after each time it was
# blocked while the logger was down, catches up at full speed; each new
# logger is killed 0-2 ms after it starts writing (vigil-killer), so it
# is likely to die busy with that backlog, between a read and a write, not waiting.
#
# The journal makes a kill at any instruction lose nothing and duplicate
# nothing.  Without it (LOG_KILL_NOJOURNAL=1 in the environment: a
# measurement, not a test) each kill may lose the one chunk the logger
# had read, at most LOG_READ_MAX (128 KiB, 1311 of these 100-byte lines),
# which is all the test then allows.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
for t in vigil-lines vigil-seqcheck vigil-killer; do
	[ -x "$TOOLS/$t" ] || skip "no $t in $TOOLS (make tools)"
done

N=1000000
KILLS=5
LOG=$T/log/flood.log
if [ -n "${LOG_KILL_NOJOURNAL:-}" ]; then
	need_test_hooks
	export VIGIL_TEST_NOJOURNAL=1
fi
# 100-byte lines in 64 KiB writes: 100 MB.
write_conf "$T/vigild.conf" <<EOF
services:
  flood:
    command: $TOOLS/vigil-lines -b 65536 -w 100 -r 300000 $N
    user: $(helper_user)
    log: { max_size: 0 }
EOF
start_vigild "$T/vigild.conf"

last_is() { [ "$(tail -n 1 "$LOG" 2>/dev/null | cut -d' ' -f1)" = "$1" ]; }

during=$("$TOOLS/vigil-killer" -n $KILLS "$VIGILD_PID" "$LOG")
last_is $((N - 1)) && fail "the flood ended before the last kill"
note "$during of $KILLS kills landed during the flood"
[ "$during" -eq $KILLS ] || fail "the flood ended before the kills"

wait_until 60 last_is $((N - 1)) || fail "the last line never arrived"
res=$("$TOOLS/vigil-seqcheck" $N "$LOG")
rc=$?
note "$res"
note "kills that caught a chunk in flight (the next logger finished it" \
    "from the journal): $(grep -cE 'taking over|previous logger left' \
    "$VIGILD_LOG")"
missing=$(awk '{ print $6 }' <<<"$res")
dup=$(awk '{ print $8 }' <<<"$res")
note "lost per kill: $(awk -v m="$missing" -v k="$during" \
    'BEGIN { printf "%.1f", m / k }') lines; duplicated: $dup"
if [ -n "${LOG_KILL_NOJOURNAL:-}" ]; then
	[ "$missing" -le $((during * 131072 / 100 + during)) ] ||
		fail "more than one read per kill lost: $res"
	exit 0
fi
[ $rc -eq 0 ] || fail "lines lost, duplicated or reordered: $res"
exit 0
