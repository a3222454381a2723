#!/bin/bash
# `listen:` sockets across a crash of the parent: two instances share a
# TCP socket; after a kill -9 of vigild the next one adopts both and
# takes the socket back from them, so a restart of one instance gets the
# very same socket (not a new bind, which the other instance's copy
# would refuse), and the other instance keeps its pid; the port
# `port: auto` picked for it stays its own.  SURVIVE_USER=1
# runs it as an ordinary user.
if [ "${SURVIVE_USER:-}" = 1 ]; then
	export VIGIL_E2E_USER=nobody
fi
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

port=$(free_port)
cat >"$T/serve.py" <<'EOF'
import os, socket
tcp = socket.socket(fileno=3)
while True:
    c, _ = tcp.accept()
    c.sendall(("pid=%d\n" % os.getpid()).encode())
    c.close()
EOF
chmod 0644 "$T/serve.py"
write_conf "$T/vigild.conf" <<EOF
services:
  web:
    command: [ /usr/bin/python3, $T/serve.py ]
    user: $(helper_user)
    listen: [ "tcp://127.0.0.1:$port" ]
    instances: 2
    port: auto:$((port + 1))-$((port + 20))
EOF
start_vigild "$T/vigild.conf"
both() { [ "$(ctl status | grep -c RUNNING)" -eq 2 ]; }
wait_until 10 both || fail "the two instances did not start"
pidof_svc() { ctl status "$1" | awk '{ print $4 }' | tr -d ,; }
p1=$(pidof_svc web:0)
p2=$(pidof_svc web:1)
sock=$(readlink /proc/"$p1"/fd/3)
envport() { tr '\0' '\n' </proc/"$1"/environ | sed -n 's/^PORT=//p'; }
port2=$(envport "$p2")
[ -n "$port2" ] || fail "web:1 has no PORT"
[ "$sock" = "$(readlink /proc/"$p2"/fd/3)" ] || fail "not one shared socket"
CLEANUP_PIDS="$p1 $p2 $(helper_pid logger)"
kill -KILL "$VIGILD_PID"
wait "$VIGILD_PID" 2>/dev/null
VIGILD_PID=

start_vigild "$T/vigild.conf"
wait_log 10 "adopted 2 of the 2" || fail "not adopted"
wait_log 10 "web: its 1 listen sockets taken back from pid" ||
	fail "the listen socket was not taken back"
ctl restart web:1 >/dev/null || fail "restart web:1 failed"
wait_until 10 both || fail "web:1 did not come back"
n2=$(pidof_svc web:1)
[ "$n2" != "$p2" ] || fail "web:1 was not restarted"
[ "$(pidof_svc web:0)" = "$p1" ] || fail "web:0 was disturbed"
[ "$(readlink /proc/"$n2"/fd/3)" = "$sock" ] ||
	fail "the new web:1 got another socket: $(readlink /proc/"$n2"/fd/3)"
grep -q "Address already in use" "$VIGILD_LOG" && fail "a new bind was tried"
[ "$(envport "$n2")" = "$port2" ] ||
	fail "web:1's port changed: $port2 -> $(envport "$n2")"
exit 0
