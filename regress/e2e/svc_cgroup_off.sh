#!/bin/bash
# cgroup: true -> false on reload is applied: the restarted process is in
# no group of vigild's, nor after a stop and a start, and the service's
# old group is removed; back to true puts it in a group again.
. "$(dirname "$0")/lib.sh"

conf() {
	write_conf "$T/vigild.conf" <<EOF
services:
  web:
    command: /bin/sleep 3001
    start_seconds: 0
    cgroup: $1
EOF
}
conf true
start_vigild "$T/vigild.conf"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" || fail "web not up"
cg=$(instance_cgroup) || skip "no writable cgroup v2 here"
in_group() { grep -qx "$1" "$cg/web/cgroup.procs" 2>/dev/null; }
pid=$(ctl pid web)
in_group "$pid" || fail "web ($pid) is not in $cg/web"

conf false
out=$(ctl reload 2>&1) || fail "reload: $out"
[ "$out" = "web: updated process group" ] || fail "reload: '$out'"
wait_until 10 bash -c "p=\$($VIGILCTL -s $SOCK pid web); [ \"\$p\" != 0 ] && [ \"\$p\" != $pid ]" ||
    fail "web was not restarted"
pid=$(ctl pid web)
in_group "$pid" && fail "web ($pid) is still in $cg/web after cgroup: false"
grep -q "^0::$cg" /proc/"$pid"/cgroup && fail "web is in a vigil group: $(cat /proc/"$pid"/cgroup)"
wait_until 5 bash -c "! [ -d $cg/web ]" || fail "$cg/web was not removed"
ctl stop web >/dev/null && ctl start web >/dev/null || fail "stop, start"
pid=$(ctl pid web)
grep -q "^0::$cg" /proc/"$pid"/cgroup && fail "web is in a vigil group after stop and start"

conf true
ctl reload >/dev/null || fail "reload back"
wait_until 10 bash -c "p=\$($VIGILCTL -s $SOCK pid web); [ \"\$p\" != 0 ] && [ \"\$p\" != $pid ] && grep -qx \$p $cg/web/cgroup.procs" ||
    fail "web is not in its group again after cgroup: true"
exit 0
