#!/bin/bash
# The monitor: HTTP and TCP health checks.  A service whose
# /health starts failing is reported unhealthy after `retries' failures
# in a row and restarted (once per episode); `ready: healthy' makes it
# RUNNING at the first passing check; a host name in the target is
# resolved by the monitor (localhost: ::1 is refused, 127.0.0.1 answers);
# a TCP check passes against a listening port and, with on_unhealthy:
# none, only reports a closed one.
. "$(dirname "$0")/lib.sh"

HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"

# log_count REGEX N: the log has at least N lines matching
log_count() {
	[ "$(grep -cE "$1" "$VIGILD_LOG")" -ge "$2" ]
}
P1=$(free_port); P2=$(free_port); P3=$(free_port)

write_conf "$T/vigild.conf" <<EOF2
services:
  web:
    command: [ $HTTPD, -f, $T/fail ]
    $SVCUSER
    port: $P1
    ready: healthy
    health:
      http: http://localhost:\${PORT}/health
      interval: 300ms
      timeout: 1s
      retries: 3
  listening:
    command: [ $HTTPD ]
    $SVCUSER
    port: $P2
    health: { tcp: "127.0.0.1:\${PORT}", interval: 300ms, retries: 2 }
  closed:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    health:
      tcp: 127.0.0.1:$P3
      interval: 200ms
      retries: 2
      on_unhealthy: none
EOF2
start_vigild "$T/vigild.conf"

wait_log 10 "web: STARTING -> RUNNING" || fail "web did not become RUNNING (ready: healthy)"
grep -qE "web: health healthy" "$VIGILD_LOG" || fail "web was not reported healthy"
wait_log 10 "listening: health healthy" || fail "the tcp check did not pass"
wait_log 10 "closed: health unhealthy: 127.0.0.1:$P3: connect 127.0.0.1:$P3: Connection refused" ||
    fail "the tcp check of a closed port was not reported"
wait_log 10 "closed: health check failed \\(2 of 2\\)" || fail "no second failure"
grep -q "closed: restarting" "$VIGILD_LOG" && fail "on_unhealthy: none restarted"

pid1=$(svc_pid "vigil-httpd -f $T/fail") || fail "no web process"
touch "$T/fail"
wait_log 10 "web: restarting: unhealthy after 3 failed checks: http://localhost:$P1/health: HTTP status 503" ||
    fail "web was not restarted after 3 failures"
for i in 1 2 3; do
	grep -q "web: health check failed ($i of 3): http://localhost:$P1/health: HTTP status 503" \
	    "$VIGILD_LOG" || fail "failure $i of 3 was not logged"
done
[ "$(grep -c 'web: restarting:' "$VIGILD_LOG")" -eq 1 ] || fail "restarted more than once"
rm -f "$T/fail"
wait_until 10 bash -c "p=\$(pgrep -n -P $VIGILD_PID -f 'vigil-httpd -f $T/fail') && [ \"\$p\" != $pid1 ]" ||
    fail "no new web process"
wait_until 10 log_count 'web: STARTING -> RUNNING' 2 ||
    fail "the new web process did not become RUNNING"
kill -0 "$pid1" 2>/dev/null && fail "the old web process $pid1 survived"

if ctl status -l >"$T/status" 2>&1; then
	grep -E "^web " "$T/status" | grep -q healthy || fail "status -l does not show web healthy: $(cat "$T/status")"
fi
note "web restarted once after 3 failures, then healthy again"
exit 0
