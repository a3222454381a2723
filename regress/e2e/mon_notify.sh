#!/bin/bash
# The monitor: ready: notify.  A service is STARTING until it
# sends READY=1 to $NOTIFY_SOCKET (from its main process, or from a child
# such as systemd-notify, which waits on a BARRIER=1 that the monitor
# answers); READY=1 from a process of another service does not make a
# service RUNNING and is logged; STATUS= is kept; a service that stops
# sending WATCHDOG=1 within its WATCHDOG_USEC is restarted; start --wait
# returns once READY=1 has come.
. "$(dirname "$0")/lib.sh"

HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"
SDN=
if command -v systemd-notify >/dev/null; then
	SDN="  sdn:
    command: /bin/sh -c 'sleep 0.3; systemd-notify --ready --status=\"up and running\"; exec sleep 3001'
    $SVCUSER
    ready: notify"
fi

# The socket of the services' user (state_dir/notify.UID.sock).
NS=$T/state/notify.$(id -u "$(helper_user)").sock
write_conf "$T/vigild.conf" <<EOF2
services:
  slow:
    command: [ $HTTPD, -r, "2000" ]
    $SVCUSER
    ready: notify
  victim:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    ready: notify
  other:
    command: [ $HTTPD, -R, -X, $NS ]
    $SVCUSER
  wd:
    command: [ $HTTPD, -r, "100", -w, "600000", -s, "1500" ]
    $SVCUSER
    ready: notify
  manual:
    command: [ $HTTPD, -r, "1500" ]
    $SVCUSER
    ready: notify
    autostart: false
$SDN
EOF2
start_vigild "$T/vigild.conf"
[ -S "$NS" ] || fail "no notify socket in state_dir: $(ls "$T/state")"

# slow sends READY=1 2 s after it starts: in vigild's own log, READY=1
# comes first and RUNNING after it (no clock compared, so a slow start
# of vigild under load does not matter).
wait_log 5 "slow: STOPPED -> STARTING" || fail "slow did not start"
wait_log 15 "slow: STARTING -> RUNNING" || fail "slow did not become RUNNING after READY=1"
r=$(grep -n -m1 "slow: READY=1" "$VIGILD_LOG" | cut -d: -f1)
u=$(grep -n -m1 "slow: STARTING -> RUNNING" "$VIGILD_LOG" | cut -d: -f1)
[ -n "$r" ] && [ "$r" -lt "$u" ] || fail "slow RUNNING before its READY=1"

wait_log 10 "READY=1 from pid [0-9]+, a process of other, which is not \`ready: notify': ignored" ||
    fail "READY=1 from another service's process was not logged"
sleep 1
grep -q "victim: STARTING -> RUNNING" "$VIGILD_LOG" &&
    fail "victim became RUNNING on another service's READY=1"

if [ -n "$SDN" ]; then
	wait_log 10 "sdn: STARTING -> RUNNING" ||
	    fail "systemd-notify --ready from a child did not make sdn RUNNING"
	ctl info sdn >"$T/info" 2>&1 || fail "info sdn failed: $(cat "$T/info")"
	grep -qE "^  status: +up and running" "$T/info" || fail "info does not show STATUS=: $(cat "$T/info")"
	# What it said goes with the process.
	ctl stop sdn >/dev/null || fail "stop sdn"
	ctl info sdn >"$T/info" 2>&1
	grep -qE "^  status: +up and running" "$T/info" && fail "STATUS= kept after sdn stopped: $(cat "$T/info")"
	ctl -j status sdn | grep -q '"status_text": ""' || fail "-j: status_text kept after sdn stopped"
fi

# start --wait returns once READY=1 has come.
t0=$(date +%s%N)
ctl start --wait manual >"$T/wait" 2>&1 || fail "start --wait manual: $(cat "$T/wait")"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
grep -q "manual: STARTING -> RUNNING" "$VIGILD_LOG" ||
    fail "start --wait returned before manual was RUNNING"
[ "$ms" -ge 1400 ] || fail "start --wait returned after $ms ms, READY=1 comes at 1500"
note "start --wait manual returned after $ms ms (READY=1 at 1500 ms)"

wait_log 10 "wd: STARTING -> RUNNING" || fail "wd did not become RUNNING"
wait_log 10 "wd: restarting: watchdog timeout \\(no WATCHDOG=1 in 600 ms\\)" ||
    fail "wd was not restarted when its pings stopped"
if grep -q "slow: restarting\|sdn: restarting" "$VIGILD_LOG"; then
	fail "a service without a watchdog was restarted"
fi

# A clean exit removes the notify socket with the control socket.
stop_vigild
ls "$T"/state/notify* >/dev/null 2>&1 &&
    fail "left behind after a clean exit: $(ls "$T"/state/notify*)"
[ -e "$SOCK" ] && fail "the control socket left behind after a clean exit"
exit 0
