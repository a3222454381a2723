#!/bin/bash
# Services: stopping.  A service that ignores SIGTERM is
# SIGKILLed after stop_timeout; a service that double-forks leaves nothing
# behind (cgroup v2 where the host allows it); depends_on orders start and
# stop; SIGTERM to vigild leaves no orphan.
. "$(dirname "$0")/lib.sh"

write_conf "$T/vigild.conf" <<EOF2
services:
  db:
    command: [ /bin/sleep, "1006.$$" ]
    priority: 10
    stop_signal: INT
  app:
    command: [ /bin/sleep, "1007.$$" ]
    depends_on: [ db ]
    start_seconds: 500ms
  stubborn:
    command: /bin/sh -c "trap '' TERM; exec /bin/sleep 1005.$$"
    stop_timeout: 1s
    start_seconds: 0
  forker:
    command: /bin/sh -c "setsid /bin/sleep 1003.$$ & exec /bin/sleep 1004.$$"
    start_seconds: 0
EOF2
start_vigild "$T/vigild.conf"
for n in 1004 1005 1006 1007; do
	wait_until 10 svc_pid "^/bin/sleep $n\\.$$\$" || fail "sleep $n did not start"
done
# The grandchild is not vigild's child: its parent is sleep 1004.
wait_until 10 pgrep -f "^/bin/sleep 1003\\.$$\$" || fail "sleep 1003 did not start"

# depends_on: app starts only once db is RUNNING.
db_up=$(grep -n "db: STARTING -> RUNNING" "$VIGILD_LOG" | cut -d: -f1)
app_start=$(grep -n "app: STOPPED -> STARTING" "$VIGILD_LOG" | cut -d: -f1)
[ -n "$db_up" ] && [ -n "$app_start" ] && [ "$app_start" -gt "$db_up" ] ||
    fail "app started before db was RUNNING"

grandchild=$(pgrep -n -f "^/bin/sleep 1003\\.$$\$")
# The grandchild left the service's session...
[ "$(ps -o sid= -p "$grandchild" | tr -d ' ')" != \
    "$(ps -o sid= -p "$(svc_pid "^/bin/sleep 1004\\.$$\$")" | tr -d ' ')" ] ||
    fail "the grandchild did not leave the session"

# Remove forker by a reload: it is stopped, and so is its grandchild when
# cgroups are available.
cgroups=0
instance_cgroup >/dev/null && cgroups=1
awk 'BEGIN{skip=0} /^  forker:/{skip=1;next} /^  [a-z]/{skip=0} !skip' \
    "$T/vigild.conf" >"$T/new.conf"
cp "$T/new.conf" "$T/vigild.conf"
kill -HUP "$VIGILD_PID"
wait_log 10 "reload: forker: removed process group" || fail "reload did not remove forker"
wait_until 10 bash -c "! pgrep -f '^/bin/sleep 1004\.$$\$'" || fail "forker still runs"
if [ $cgroups -eq 1 ]; then
	wait_until 10 bash -c "! kill -0 $grandchild 2>/dev/null" ||
	    fail "the double-forked grandchild survived the stop"
else
	note "no writable cgroup v2: the double-forked grandchild is not tracked"
	kill -KILL "$grandchild"
fi

# SIGTERM: app stops before db, stubborn needs SIGKILL, nothing is left.
kill -TERM "$VIGILD_PID"
wait_until 30 bash -c "! kill -0 $VIGILD_PID 2>/dev/null" ||
    fail "vigild did not exit"
VIGILD_PID=
grep -q "stubborn: still running 1000 ms after SIGTERM, sending SIGKILL to its process tree" \
    "$VIGILD_LOG" || fail "stubborn was not SIGKILLed after stop_timeout"
app_down=$(grep -n "app: STOPPING -> STOPPED" "$VIGILD_LOG" | cut -d: -f1)
db_stop=$(grep -n "db: RUNNING -> STOPPING" "$VIGILD_LOG" | cut -d: -f1)
[ -n "$app_down" ] && [ -n "$db_stop" ] && [ "$db_stop" -gt "$app_down" ] ||
    fail "db was stopped before app"
for n in 1003 1004 1005 1006 1007; do
	pgrep -f "^/bin/sleep $n\\.$$\$" >/dev/null && fail "sleep $n survived"
done
exit 0
