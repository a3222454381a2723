#!/bin/bash
# The monitor: without a cgroup (cgroup: false) a service's processes
# are its main process's descendants and what is still in its session,
# as `vigilctl info` counts them.  A child, a double fork without setsid
# (reparented to vigild, still in the session) and a setsid grandchild
# whose parent is still there all count; a setsid double fork (out of
# both) does not, nor does another service's process.  The rules are
# also held, on made-up snapshots, to the old walk by
# regress/unit/test_mon_members.c.
. "$(dirname "$0")/lib.sh"

SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"
mkdir -m 0777 "$T/pids"
write_conf "$T/vigild.conf" <<EOF2
services:
  tree:
    command:
      - /bin/sh
      - -c
      - |
        sleep 1001 & echo \$! >$T/pids/child
        ( sleep 1002 & echo \$! >$T/pids/orphan )
        sh -c 'setsid sleep 1003 & echo \$! >$T/pids/setsid; wait' &
        ( setsid sleep 1004 & echo \$! >$T/pids/escaped )
        wait
    $SVCUSER
    cgroup: false
  other:
    command: [ /bin/sleep, "1005" ]
    $SVCUSER
    cgroup: false
EOF2
start_vigild "$T/vigild.conf"

wait_until 10 test -s "$T/pids/escaped" -a -s "$T/pids/setsid" -a \
    -s "$T/pids/orphan" -a -s "$T/pids/child" ||
    fail "the tree did not start its processes"
main=$(svc_pid "^/bin/sh -c") || fail "no main process of tree"
orphan=$(cat "$T/pids/orphan")
escaped=$(cat "$T/pids/escaped")
setsid=$(cat "$T/pids/setsid")
sess() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $4 }'; }
ppid() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $2 }'; }
# The shapes the test is about, as the kernel has them.
[ "$(ppid "$orphan")" = "$VIGILD_PID" ] && [ "$(sess "$orphan")" = "$main" ] ||
    fail "sleep 1002: parent $(ppid "$orphan"), session $(sess "$orphan"): not a double fork in the session"
[ "$(sess "$setsid")" = "$setsid" ] && [ "$(ppid "$(ppid "$setsid")")" = "$main" ] ||
    fail "sleep 1003: not a setsid grandchild of $main"
[ "$(ppid "$escaped")" = "$VIGILD_PID" ] && [ "$(sess "$escaped")" = "$escaped" ] ||
    fail "sleep 1004: not a setsid double fork"

# "memory: 1.2 MiB in N processes" of `vigilctl info NAME`, once sampled
nprocs() {
	ctl info "$1" | sed -n 's/^ *memory: .* in \([0-9]*\) process.*/\1/p'
}
sampled() {
	[ -n "$(nprocs tree)" ] && [ -n "$(nprocs other)" ]
}
wait_until 15 sampled || fail "no figures: $(ctl info tree)"
n=$(nprocs tree)
note "tree: $n processes (sh, sleep 1001, sleep 1002, sh, sleep 1003); other: $(nprocs other)"
[ "$n" = 5 ] || fail "tree: $n processes, want 5: $(ps -o pid,ppid,sid,args -s "$main" -p "$escaped")"
[ "$(nprocs other)" = 1 ] || fail "other: $(nprocs other) processes, want 1"
exit 0
