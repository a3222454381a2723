#!/bin/bash
# DNS out of the root process: the name of a health
# check (localhost, from /etc/hosts) is resolved by the monitor, and the
# parent, traced while the service starts and is checked, opens neither
# /etc/hosts nor /etc/resolv.conf and makes no UDP socket.  Nothing is
# sent to a name server: localhost is in the hosts file.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || skip "no strace"
grep -qw localhost /etc/hosts || skip "no localhost in /etc/hosts"
HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "no vigil-httpd (make tools)"
PORT=$(free_port) ||
    skip "cannot find a free port"

defaults=""
[ -z "$E2E_USER" ] && defaults="defaults: { user: nobody }"
write_conf "$T/vigild.conf" <<CONF
$defaults
services:
  web:
    command: [ $HTTPD ]
    port: $PORT
    autostart: false
    health: { http: "http://localhost:\${PORT}/health", interval: 300ms }
CONF
start_vigild "$T/vigild.conf" -v
strace -qq -p "$VIGILD_PID" -e trace=openat,open,socket,connect,sendto \
    -o "$T/parent.trace" &
tpid=$!
# The parent is idle: nothing is traced until web starts, so wait for
# strace to be attached, not for its first line.
traced() {
	[ "$(awk '/^TracerPid:/ { print $2 }' /proc/"$VIGILD_PID"/status)" != 0 ]
}
wait_until 10 traced || fail "strace did not attach to the parent"
ctl start web >/dev/null || fail "web did not start"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status -l web | grep -q healthy" ||
    fail "web not healthy"
kill "$tpid" 2>/dev/null
wait "$tpid" 2>/dev/null
bad=$(grep -E '/etc/(hosts|resolv\.conf|nsswitch\.conf)|SOCK_DGRAM' \
    "$T/parent.trace" | grep -v 'AF_UNIX' || true)
note "parent: $(wc -l <"$T/parent.trace") traced calls," \
    "$(grep -c . <<<"$bad") of them for DNS"
[ -z "$bad" ] || fail "the parent resolved the name itself: $bad"
grep -q "monitor: web: localhost resolved by the monitor" "$VIGILD_LOG" ||
    fail "the monitor did not resolve localhost"
note "$(grep -m1 'resolved by the monitor' "$VIGILD_LOG" |
    sed 's/.*monitor: web: //')"
exit 0
