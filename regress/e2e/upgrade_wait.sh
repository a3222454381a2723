#!/bin/bash
# vigilctl upgrade while clients wait: the control connections go with
# the old image, so the upgrade waits (up to 20 s; 8 s here, through the
# test hook VIGIL_TEST_UPGRADE_WAIT) for the commands in progress, and a
# client still waiting after that gets a last, plain answer before the
# exec instead of a dropped connection.  Here: a
# `start` that is done in 3 s gets its own answer (exit 0); a `start`
# of a service that stays STARTING for a minute and a `reload --wait`
# for a process that ignores SIGTERM are told where they got to and
# that the wait ends there (exit 1); a `maintail -f` is told that its
# stream ends (exit 1).  Meanwhile a `restart --rolling` is refused.
# The upgrade itself succeeds and the services keep their pids.
. "$(dirname "$0")/lib.sh"
need_test_hooks
export VIGIL_TEST_UPGRADE_WAIT=8

write_conf "$T/vigild.conf" <<EOF2
$([ -z "$E2E_USER" ] && echo "defaults: { user: nobody }")
services:
  keep:
    command: /bin/sleep 3001
  quick:
    command: /bin/sleep 3002
    autostart: false
    start_seconds: 3
  slow:
    command: /bin/sleep 3003
    autostart: false
    start_seconds: 60
  stubborn:
    command: [ /bin/sh, -c, 'trap "" TERM; while :; do sleep 1; done' ]
    stop_timeout: 60
    environment: { V: "1" }
EOF2
start_vigild "$T/vigild.conf" -v
daemon=$VIGILD_PID
up() { [ "$(ctl status keep stubborn | grep -c RUNNING)" -eq 2 ]; }
wait_until 20 up || fail "keep and stubborn are not RUNNING"
keep=$(ctl pid keep)
old=$(ctl pid stubborn)

# reload --wait: stubborn's new configuration replaces a process that
# ignores SIGTERM (stop_timeout 60 s)
sed -i 's/V: "1"/V: "2"/' "$T/vigild.conf"
ctl reload --wait >"$T/reload" 2>&1 & rpid=$!
wait_log 10 "stubborn: RUNNING -> STOPPING" || fail "stubborn is not stopping"
ctl start slow >"$T/slow" 2>&1 & spid=$!
ctl start quick >"$T/quick" 2>&1 & qpid=$!
ctl maintail -f >"$T/tail" 2>&1 & tpid=$!
wait_log 10 "slow: STOPPED -> STARTING" || fail "slow is not starting"
wait_log 10 "quick: STOPPED -> STARTING" || fail "quick is not starting"
ctl upgrade >"$T/up" 2>&1 & upid=$!
wait_log 10 "upgrade: waiting for 3 commands of clients to finish" ||
    fail "the upgrade does not wait for the three commands: $(grep 'upgrade' "$VIGILD_LOG")"

# A rolling restart cannot be carried across the exec: refused.
ctl restart --rolling keep >"$T/roll" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -qx "vigilctl: an upgrade of vigild is under way: try again once it is done" "$T/roll" ||
    fail "restart --rolling during the upgrade: exit $rc: $(cat "$T/roll")"

# quick is done within the upgrade's wait: its own answer.
wait $qpid || fail "start quick: exit $?: $(cat "$T/quick")"
[ "$(cat "$T/quick")" = "quick: started" ] || fail "start quick said: $(cat "$T/quick")"

wait $upid || fail "upgrade: exit $?: $(cat "$T/up")"
note "$(cat "$T/up")"
grep -qE "upgrade: going on after 8 s; still waiting: 2 commands of clients" "$VIGILD_LOG" ||
    fail "the upgrade did not wait for the last two: $(grep 'upgrade' "$VIGILD_LOG")"

# The ones still waiting: where they got to, exit 1.
wait $spid; rc=$?
note "start slow: exit $rc: $(cat "$T/slow")"
[ $rc -eq 1 ] || fail "start slow: exit $rc, not 1: $(cat "$T/slow")"
[ "$(cat "$T/slow")" = "slow: ERROR (still STARTING: vigild is being upgraded, the wait ends here; see vigilctl status)" ] ||
    fail "start slow said: $(cat "$T/slow")"
wait $rpid; rc=$?
note "reload --wait: exit $rc: $(tr '\n' '|' <"$T/reload")"
[ $rc -eq 1 ] || fail "reload --wait: exit $rc, not 1: $(cat "$T/reload")"
[ "$(tail -n 1 "$T/reload")" = "stubborn: ERROR (pid $old still running: vigild is being upgraded, the wait ends here; see vigilctl status)" ] ||
    fail "reload --wait said: $(cat "$T/reload")"
grep -qx "stubborn: updated process group" "$T/reload" || fail "reload --wait: no change reported: $(cat "$T/reload")"
wait $tpid; rc=$?
note "maintail -f: exit $rc: $(tail -n 1 "$T/tail")"
[ $rc -eq 1 ] || fail "maintail -f: exit $rc, not 1: $(tail -n 3 "$T/tail")"
[ "$(tail -n 1 "$T/tail")" = "vigilctl: vigild is being upgraded: the stream ends here (follow again)" ] ||
    fail "maintail -f ended with: $(tail -n 3 "$T/tail")"

wait_log 10 "re-executed for an upgrade, pid $daemon" ||
    fail "vigild did not re-execute itself"
kill -0 "$daemon" || fail "vigild's pid changed"
[ "$(ctl pid keep)" = "$keep" ] || fail "keep's pid changed across the upgrade"
exit 0
