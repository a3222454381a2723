#!/bin/bash
# What a stopped service leaves in its cgroup goes too, whether it is
# stopped alone while others run or with all of them, and also when it
# is started again at once; a service that leaves nothing keeps its
# group without a cgroup.kill.
. "$(dirname "$0")/lib.sh"

write_conf "$T/vigild.conf" <<EOF2
services:
  forker:
    command: /bin/sh -c "setsid /bin/sleep 1103.$$ & exec /bin/sleep 1104.$$"
    start_seconds: 0
  other:
    command: [ /bin/sleep, "1105.$$" ]
    start_seconds: 0
EOF2
start_vigild "$T/vigild.conf"
instance_cgroup >/dev/null || skip "no writable cgroup v2: leftovers are not tracked"
grandchild() { pgrep -f "^/bin/sleep 1103\\.$$\$"; }
up() {
	wait_until 10 svc_pid "^/bin/sleep 1104\\.$$\$" || fail "forker did not start ($1)"
	wait_until 10 grandchild >/dev/null || fail "the grandchild did not start ($1)"
}
gone() {
	local g=$1
	wait_until 10 bash -c "! kill -0 $g 2>/dev/null" ||
	    fail "the double-forked grandchild survived $2"
}

up "at start-up"
other=$(ctl pid other)
g=$(grandchild)
out=$(ctl stop forker 2>&1) || fail "stop forker: $out"
gone "$g" "stop forker"
[ "$(ctl pid other)" = "$other" ] || fail "other was touched by stop forker"

ctl start forker >/dev/null || fail "start forker"
up "after start"
g=$(grandchild)
out=$(ctl restart forker 2>&1) || fail "restart forker: $out"
gone "$g" "restart forker"
up "after restart"

g=$(grandchild)
out=$(ctl stop all 2>&1) || fail "stop all: $out"
gone "$g" "stop all"
wait_until 10 bash -c "! pgrep -f '^/bin/sleep 110[45]\\.$$\$'" || fail "services survived stop all"
grep -q "processes left behind" "$VIGILD_LOG" &&
    fail "leftovers were found only when the group was removed: $(grep 'left behind' "$VIGILD_LOG")"
exit 0
