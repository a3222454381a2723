#!/bin/bash
# start/stop/restart --wait: success, failure (FATAL, spawn error),
# timeout, a client that goes away while waiting; restart --rolling
# (each new instance RUNNING before the next old one stops); shutdown.
. "$(dirname "$0")/lib.sh"

defaults=""
[ -z "$E2E_USER" ] && defaults="defaults: { user: nobody }"
write_conf "$T/vigild.conf" <<EOF
$defaults
services:
  slow:
    command: /bin/sleep 3001
    start_seconds: 1
    autostart: false
  crash:
    command: /bin/sh -c "exit 2"
    start_retries: 1
    backoff: { initial: 100ms }
    autostart: false
  missing:
    command: /nonexistent/prog
    start_retries: 0
    autostart: false
  forever:
    command: /bin/sleep 3002
    start_seconds: 60
    autostart: false
  stubborn:
    command: [ /bin/sh, -c, "trap 'sleep 0.5; exit 0' TERM; while :; do sleep 0.1; done" ]
    start_seconds: 200ms
  roll:
    command: /bin/sleep 3003
    instances: 3
    start_seconds: 300ms
EOF
start_vigild "$T/vigild.conf"

state_of() { ctl status "$1" 2>/dev/null | awk '{ print $2 }'; }
running() { [ "$(state_of "$1")" = RUNNING ]; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# success: returns once RUNNING, not before
t0=$(now_ms)
out=$(ctl start --wait slow 2>&1); rc=$?
t1=$(now_ms)
[ $rc -eq 0 ] && [ "$out" = "slow: started" ] || fail "start --wait: $rc '$out'"
[ "$(state_of slow)" = RUNNING ] || fail "start --wait returned before RUNNING"
[ $((t1 - t0)) -ge 900 ] || fail "start --wait returned after $((t1 - t0)) ms, before start_seconds"

# failure: the service goes FATAL
out=$(ctl start --wait crash 2>&1); rc=$?
[ $rc -eq 1 ] || fail "start --wait of a crashing service: exit $rc, want 1"
echo "$out" | grep -qF "crash: ERROR (abnormal termination: Exited too quickly" ||
    fail "start --wait crash: '$out'"
[ "$(state_of crash)" = FATAL ] || fail "crash is not FATAL"
out=$(ctl start --wait missing 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -qF "missing: ERROR (spawn error: can't find command '/nonexistent/prog')" ||
    fail "start --wait missing: $rc '$out'"

# timeout: STARTING for a minute, --timeout 1
t0=$(now_ms)
out=$(ctl start --wait --timeout 1 forever 2>&1); rc=$?
t1=$(now_ms)
[ $rc -eq 1 ] || fail "a --wait that timed out: exit $rc, want 1"
echo "$out" | grep -qF "forever: ERROR (timed out after 1s, still STARTING)" ||
    fail "timeout message: '$out'"
[ $((t1 - t0)) -lt 5000 ] || fail "--timeout 1 took $((t1 - t0)) ms"

# a client that goes away while waiting is forgotten; vigild goes on
ctl stop forever >/dev/null
wait_until 5 bash -c "[ \"\$($VIGILCTL -s $SOCK status forever | awk '{print \$2}')\" = STOPPED ]" ||
    fail "forever did not stop"
timeout -s TERM 0.5 "$VIGILCTL" -s "$SOCK" start --wait forever >/dev/null 2>&1
[ "$(state_of forever)" = STARTING ] || fail "forever is not STARTING"
out=$(ctl stop --wait forever 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "forever: stopped" ] || fail "stop --wait forever: $rc '$out'"

# stop --wait: returns once it is down (it takes 0.5 s to handle TERM)
wait_until 5 running stubborn || fail "stubborn not up"
t0=$(now_ms)
out=$(ctl stop --wait stubborn 2>&1); rc=$?
t1=$(now_ms)
[ $rc -eq 0 ] && [ "$out" = "stubborn: stopped" ] || fail "stop --wait: $rc '$out'"
[ "$(state_of stubborn)" = STOPPED ] || fail "stop --wait returned while $(state_of stubborn)"
[ $((t1 - t0)) -ge 400 ] || fail "stop --wait returned after $((t1 - t0)) ms"

# restart --wait: a new process, RUNNING
old=$(ctl pid slow)
out=$(ctl restart --wait slow 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "slow: stopped
slow: started" ] || fail "restart --wait: $rc '$out'"
[ "$(state_of slow)" = RUNNING ] && [ "$(ctl pid slow)" != "$old" ] ||
    fail "restart --wait: not a new RUNNING process"

# restart --rolling: one at a time, each new one RUNNING first
wait_until 10 bash -c "for i in 0 1 2; do $VIGILCTL -s $SOCK status roll:\$i | grep -q RUNNING || exit 1; done" ||
    fail "roll not up"
mark=$(wc -l <"$VIGILD_LOG")
out=$(ctl restart --rolling roll 2>&1); rc=$?
[ $rc -eq 0 ] || fail "restart --rolling: exit $rc: $out"
[ "$(echo "$out" | tr '\n' ' ')" = "roll:0: stopped roll:0: started roll:1: stopped roll:1: started roll:2: stopped roll:2: started " ] ||
    fail "restart --rolling output: $out"
tail -n +"$((mark + 1))" "$VIGILD_LOG" >"$T/roll.log"
ln() { grep -n "$1" "$T/roll.log" | head -1 | cut -d: -f1; }
for i in 0 1; do
	up=$(ln "roll:$i: STARTING -> RUNNING")
	down=$(ln "roll:$((i + 1)): RUNNING -> STOPPING")
	[ -n "$up" ] && [ -n "$down" ] && [ "$up" -lt "$down" ] ||
	    fail "roll:$((i + 1)) stopped before roll:$i was RUNNING again: $(cat "$T/roll.log")"
done

# waiting is the default: start returns once RUNNING, stop once
# STOPPED, a spawn error fails; --no-wait returns at once
ctl stop slow >/dev/null
t0=$(now_ms)
out=$(ctl start slow 2>&1); rc=$?
t1=$(now_ms)
[ $rc -eq 0 ] && [ "$out" = "slow: started" ] || fail "start: $rc '$out'"
[ "$(state_of slow)" = RUNNING ] || fail "start returned before RUNNING"
[ $((t1 - t0)) -ge 900 ] || fail "start returned after $((t1 - t0)) ms, before start_seconds"
out=$(ctl start missing 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "missing: ERROR (spawn error: can't find command '/nonexistent/prog')" ] ||
    fail "start missing: $rc '$out'"
ctl start stubborn >/dev/null || fail "start stubborn"
out=$(ctl stop stubborn 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "stubborn: stopped" ] && [ "$(state_of stubborn)" = STOPPED ] ||
    fail "stop: $rc '$out', $(state_of stubborn)"
out=$(ctl start --no-wait forever 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "forever: started" ] && [ "$(state_of forever)" = STARTING ] ||
    fail "start --no-wait: $rc '$out' $(state_of forever)"
grep -q "vigilctl start --no-wait forever by uid" "$VIGILD_LOG" || fail "--no-wait not logged"
ctl start --wait --no-wait forever >/dev/null 2>&1; [ $? -eq 2 ] || fail "--wait --no-wait: not 2"

# status: 3 only when one shown is STOPPED, EXITED or FATAL
ctl status forever >/dev/null; rc=$?
[ $rc -eq 0 ] || fail "status of a STARTING process: exit $rc, want 0"
ctl status forever stubborn >/dev/null; rc=$?
[ $rc -eq 3 ] || fail "status with a STOPPED one: exit $rc, want 3"
ctl stop forever >/dev/null

# an unknown signal is a usage error, and nothing is sent
pid=$(ctl pid slow)
out=$(ctl signal SIGFOO slow 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -qF 'unknown signal "SIGFOO"' || fail "signal SIGFOO: $rc '$out'"
ctl signal 99 slow >/dev/null 2>&1; [ $? -eq 2 ] || fail "signal 99: not 2"
[ "$(ctl pid slow)" = "$pid" ] && [ "$(state_of slow)" = RUNNING ] || fail "SIGFOO touched slow"
grep -q "vigilctl signal.* slow by" "$VIGILD_LOG" && fail "a signal was sent for SIGFOO"

# shutdown: every service, then vigild; the command returns when done
out=$(ctl shutdown 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "Shut down" ] || fail "shutdown: $rc '$out'"
wait_until 10 bash -c "! kill -0 $VIGILD_PID 2>/dev/null" || fail "vigild still there"
[ -e "$SOCK" ] && fail "the socket is still there after exit"
ctl status >/dev/null 2>&1; [ $? -eq 4 ] || fail "status after shutdown: not 4"
exit 0
