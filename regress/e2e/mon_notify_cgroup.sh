#!/bin/bash
# The monitor: a READY=1 from a process that is neither the service's
# main process nor below it, nor in its session or group (it left both
# with setsid and was reparented to vigild), is the service's because it
# is in the service's cgroup: found by the monitor's index of services
# by cgroup.  A process of another service's cgroup does not count.
. "$(dirname "$0")/lib.sh"

command -v systemd-notify >/dev/null || skip "no systemd-notify"
command -v setsid >/dev/null || skip "no setsid"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"

write_conf "$T/vigild.conf" <<EOF2
services:
  other:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
  away:
    command: /bin/sh -c 'setsid -f /bin/sh -c "sleep 0.3; systemd-notify --ready"; exec sleep 3001'
    $SVCUSER
    ready: notify
EOF2
start_vigild "$T/vigild.conf"
wait_log 10 "other: STARTING -> RUNNING" || fail "other did not start"
instance_cgroup >/dev/null || skip "no cgroup for the services here"

wait_log 15 "away: STARTING -> RUNNING" ||
    fail "READY=1 from a process in away's cgroup was not heard"
grep -qE "away: READY=1 from pid [0-9]+" "$VIGILD_LOG" ||
    note "(no debug line for READY=1)"
grep -q "which is not a process of any service" "$VIGILD_LOG" &&
    fail "the sender was taken for no service's"
exit 0
