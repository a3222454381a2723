#!/bin/bash
# The monitor: exec health checks, run by the parent as the
# service's user.  A check that hangs is killed (with its process group)
# at its timeout and counts as a failure; a failing check's first output
# line is in the reason; a passing one makes the service healthy.  A
# check runs as its service does, inherit_environment included; one that
# cannot be run says why.
. "$(dirname "$0")/lib.sh"

if [ -z "$E2E_USER" ]; then
	SVCUSER="user: nobody"; WANT=nobody
else
	SVCUSER=; WANT=$E2E_USER
fi

write_conf "$T/vigild.conf" <<EOF2
services:
  hang:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    health:
      exec: [ /bin/sh, -c, "sleep 4711 & exec sleep 4712" ]
      interval: 300ms
      timeout: 700ms
      retries: 2
      on_unhealthy: none
  failing:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    health:
      exec: /bin/sh -c "echo broken \${NAME}; exit 3"
      interval: 300ms
      retries: 1
      on_unhealthy: none
  inherit:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    inherit_environment: true
    ready: healthy
    health:
      exec: [ /bin/sh, -c, 'test "\$VIGIL_E2E_INHERIT" = from-vigild' ]
      interval: 300ms
  missing:
    command: [ $TESTPROG, sleep ]
    health:
      exec: [ $T/no-such-check ]
      interval: 300ms
      retries: 1
      on_unhealthy: none
  whoami:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    environment: { WANT: $WANT }
    ready: healthy
    health:
      exec: [ /bin/sh, -c, 'test "\$(id -un)" = "\$WANT" && test "\$VIGIL_SERVICE" = whoami' ]
      interval: 300ms
EOF2
VIGIL_E2E_INHERIT=from-vigild start_vigild "$T/vigild.conf"

wait_log 10 "whoami: STARTING -> RUNNING" ||
    fail "whoami did not become RUNNING (its check runs as $WANT with the service's environment)"
grep -q "whoami: health healthy: exec check exited with status 0" "$VIGILD_LOG" ||
    fail "whoami not reported healthy"

wait_log 10 "inherit: STARTING -> RUNNING" ||
    fail "inherit's check did not get vigild's environment (inherit_environment)"
wait_log 10 "missing: health unhealthy: exec check could not be run: $T/no-such-check: No such file or directory" ||
    fail "a check that cannot be run was not reported as such"

wait_log 10 "failing: health unhealthy: exec check exited with status 3: broken failing" ||
    fail "the failing check was not reported with its output"

wait_log 10 "hang: health check failed \\(1 of 2\\): exec check timed out after 700 ms" ||
    fail "the hanging check did not time out"
wait_log 10 "hang: health unhealthy: exec check timed out after 700 ms" ||
    fail "the hanging check did not make hang unhealthy"
# Every check is killed at its timeout, with what it forked: never more
# than one generation alive at a time.
for i in $(seq 20); do
	# Ours only: vigild's descendants (it is the subreaper of orphans).
	n=$(for p in $(descendants "$VIGILD_PID"); do
		cat "/proc/$p/cmdline" 2>/dev/null | tr '\0' ' '; echo
	done | grep -c "^sleep 471[12] ")
	[ "$n" -le 2 ] || fail "$n check processes alive: the old ones were not killed"
	sleep 0.1
done
grep -q "hang: restarting" "$VIGILD_LOG" && fail "on_unhealthy: none restarted hang"
note "hung exec checks are killed at their timeout"
exit 0
