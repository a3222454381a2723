#!/bin/bash
# The monitor: killed while checks run, it is respawned and
# everything resumes -- health checks (a failure is still detected and
# acted on), sd_notify (the socket is handed over again: a READY=1 sent
# later still counts) and the watchdog (its interval is remembered by
# the parent: a service that keeps pinging is not restarted).  The pings
# sent while no monitor ran are not dropped: the new monitor reads the
# socket only once it knows every service (here, after twelve full
# definitions, more than one read's worth).
. "$(dirname "$0")/lib.sh"

HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"

P1=$(free_port)

write_conf "$T/vigild.conf" <<EOF2
services:
  web:
    command: [ $HTTPD, -f, $T/fail ]
    $SVCUSER
    port: $P1
    health:
      http: http://127.0.0.1:\${PORT}/health
      interval: 200ms
      retries: 2
  checked:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    instances: 12
    health:
      exec: /bin/true
      interval: 60s
      on_unhealthy: none
  wdog:
    command: [ $HTTPD, -r, "100", -w, "1000000" ]
    $SVCUSER
    ready: notify
  late:
    command: [ $HTTPD, -r, "3000" ]
    $SVCUSER
    ready: notify
EOF2
start_vigild "$T/vigild.conf"

wait_log 10 "web: health healthy" || fail "web not healthy"
wait_log 10 "wdog: STARTING -> RUNNING" || fail "wdog not RUNNING"
old=$(helper_pid monitor) || fail "no monitor"
kill -KILL "$old"
wait_log 10 "lost child: monitor \\(pid $old\\)" || fail "the parent did not notice"
new_monitor() {
	local p
	p=$(helper_pid monitor) && [ "$p" != "$old" ]
}
wait_until 10 new_monitor || fail "the monitor was not respawned"
note "monitor $old killed, $(helper_pid monitor) took over"
# wdog pinged while no monitor ran: the new one reads those datagrams
# only once it knows every service, so none is "from no service".
sleep 1
n=$(grep -c "which is not a process of any service" "$VIGILD_LOG")
[ "$n" -eq 0 ] && note "no datagram dropped across the respawn" ||
    fail "$n sd_notify datagram(s) dropped after the respawn"

touch "$T/fail"
wait_log 10 "web: restarting: unhealthy after 2 failed checks" ||
    fail "health checks did not resume after the respawn"
rm -f "$T/fail"
wait_log 10 "late: STARTING -> RUNNING" ||
    fail "READY=1 was not heard after the respawn"
sleep 2
grep -q "wdog: restarting" "$VIGILD_LOG" &&
    fail "wdog was restarted although it kept pinging"
helpers_up || fail "a helper is missing"
exit 0
