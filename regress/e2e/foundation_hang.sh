#!/bin/bash
# A hung helper is replaced: the parent pings each
# helper; control, logger and monitor are each stopped with SIGSTOP, and
# each is killed and replaced once it has not answered for 5 seconds,
# logged.  Meanwhile a service writes numbered lines, another is health
# checked, a third sleeps: afterwards every line has arrived exactly once,
# health checks run again, a vigilctl command sent during the hang has
# been answered by the new control helper, and no service was restarted
# (same pids, restart counts unchanged).  Then the parent itself is
# stopped for longer than the deadline: no helper is taken for hung.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
for t in vigil-lines vigil-seqcheck; do
	[ -x "$TOOLS/$t" ] || skip "no $t in $TOOLS (make tools)"
done
command -v jq >/dev/null || skip "no jq"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: $(helper_user)"

N=10000
: >"$T/checks"
chmod 0666 "$T/checks"
write_conf "$T/vigild.conf" <<EOF2
services:
  lines:
    command: $TOOLS/vigil-lines -b 0 -r 1000 $N
    $SVCUSER
    log: { max_size: 0 }
  checked:
    command: /bin/sleep 1011
    $SVCUSER
    health:
      exec: /bin/sh -c "echo x >>$T/checks"
      interval: 200ms
  idle:
    command: /bin/sleep 1012
    $SVCUSER
EOF2
start_vigild "$T/vigild.conf"
wait_log 10 "checked: health healthy" || fail "checked not healthy"
all_running() {
	[ "$(ctl -j status | jq '[.[] | select(.state == "RUNNING")] | length')" = 3 ]
}
wait_until 10 all_running || fail "not all RUNNING: $(ctl status)"
snap() {
	ctl -j status | jq -r '.[] | "\(.name) \(.pid) \(.restarts) \(.state)"'
}
before=$(snap)
LOG=$T/log/lines.log
wait_until 10 grep -q . "$LOG" || fail "no line logged"

declare -A old
for h in control logger monitor; do
	old[$h]=$(helper_pid $h) || fail "no $h"
done
t0=$(date +%s%N)
for h in control logger monitor; do
	kill -STOP "${old[$h]}"
done
# A vigilctl command while control is hung waits for the new one.
ctl status >"$T/during.out" 2>&1 &
during=$!
replaced() {
	local p
	p=$(helper_pid "$1") && [ "$p" != "${old[$1]}" ]
}
for h in control logger monitor; do
	wait_log 15 "$h \\(pid ${old[$h]}\\) did not answer a ping for 5 seconds; killing it" ||
	    fail "$h: the hang was not noticed"
	wait_until 10 replaced "$h" || fail "$h was not replaced"
	wait_log 10 "$h replaced by pid $(helper_pid "$h"), [0-9]+ ms after" ||
	    fail "$h: the replacement was not logged"
done
t1=$(date +%s%N)
for h in control logger monitor; do
	kill -0 "${old[$h]}" 2>/dev/null && fail "the hung $h ${old[$h]} still exists"
done

# vigilctl, health checks and logging are back; no service restarted.
wait "$during" || fail "vigilctl status during the hang: exit $?: $(cat "$T/during.out")"
[ "$(grep -c RUNNING "$T/during.out")" = 3 ] || fail "during the hang: $(cat "$T/during.out")"
ctl status >/dev/null || fail "vigilctl status: exit $?"
n=$(wc -l <"$T/checks")
wait_until 10 bash -c "[ \$(wc -l <$T/checks) -ge $((n + 3)) ]" ||
    fail "health checks did not resume"
wait_until 60 bash -c "[ \"\$(tail -n 1 $LOG)\" = $((N - 1)) ]" ||
    fail "the last line never arrived: $(tail -n 1 "$LOG")"
res=$("$TOOLS/vigil-seqcheck" $N "$LOG") || fail "lines: $res"
after=$(snap)
[ "$after" = "$before" ] || fail "services disturbed:
before: $before
after:  $after"
[ "$(grep -cE ': (lines|checked|idle): STOPPED -> STARTING' "$VIGILD_LOG")" = 3 ] ||
    fail "a service was started twice"
grep -E ': (lines|checked|idle): .* -> (STOPPING|BACKOFF|EXITED|FATAL)' \
    "$VIGILD_LOG" && fail "a service was stopped"

# A parent that did not run for longer than the deadline (stopped here; a
# starved machine) finds the helpers' answers waiting and kills nobody.
for h in control logger monitor; do
	old[$h]=$(helper_pid $h)
done
kill -STOP "$VIGILD_PID"
sleep 6
kill -CONT "$VIGILD_PID"
ctl status >/dev/null || fail "vigilctl status after the parent's stall: exit $?"
ctl status >/dev/null || fail "vigilctl status after the parent's stall: exit $?"
for h in control logger monitor; do
	[ "$(helper_pid $h)" = "${old[$h]}" ] || fail "$h replaced after the parent's stall"
done
[ "$(grep -c 'did not answer a ping' "$VIGILD_LOG")" = 3 ] ||
    fail "a healthy helper was taken for hung after the parent's stall"

note "$res"
note "replaced after (vigild's clock, from each helper's last answer):" \
    "$(grep -oE '(control|logger|monitor) replaced by pid [0-9]+, [0-9]+ ms' \
    "$VIGILD_LOG" | sed 's/ replaced by pid [0-9]*,//' | tr '\n' ' ')"
note "all three replaced $(( (t1 - t0) / 1000000 )) ms after the SIGSTOPs (test's clock)"
exit 0
