#!/bin/bash
# Services: `listen:` sockets are bound by vigild and passed
# as fds 3.. with LISTEN_FDS/LISTEN_PID (socket activation), shared by
# the instances; `port: auto:LO-HI` gives each instance a free port.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

# Below the ephemeral range (free_port): an outgoing connection elsewhere
# cannot take the listening port or the instances' ports meanwhile.
port=$(free_port) || fail "no free port"
cat >"$T/serve.py" <<'EOF2'
import os, socket, sys
n = int(os.environ["LISTEN_FDS"])
assert os.environ["LISTEN_PID"] == str(os.getpid()), "LISTEN_PID"
tcp = socket.socket(fileno=3)
unix = socket.socket(fileno=4)
assert unix.family == socket.AF_UNIX
while True:
    c, _ = tcp.accept()
    c.sendall(("n=%d pid=%d uid=%d port=%s\n" % (n, os.getpid(), os.getuid(),
        os.environ.get("PORT", "-"))).encode())
    c.close()
EOF2
chmod 0644 "$T/serve.py"
base=$(free_port) || fail "no free port"
write_conf "$T/vigild.conf" <<EOF2
services:
  web:
    command: [ /usr/bin/python3, $T/serve.py ]
    user: nobody
    listen: [ "tcp://127.0.0.1:$port", "unix://$T/web.sock" ]
    instances: 2
    port: auto:$base-$((base + 20))
EOF2
[ -n "$E2E_USER" ] && sed -i '/user: nobody/d' "$T/vigild.conf"
start_vigild "$T/vigild.conf"
wait_until 10 bash -c "[ \$(pgrep -c -f '^/usr/bin/python3 $T/serve.py') -eq 2 ]" ||
    fail "the two instances did not start"

answer() { python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $port), timeout=5)
sys.stdout.write(s.makefile().readline())"; }
wait_until 10 answer || fail "nothing answers on the passed socket"
out=$(answer)
grep -qE "^n=2 pid=[0-9]+ uid=$(id -u nobody) port=[0-9]+$" <<<"$out" ||
    fail "unexpected answer: $out"
[ -S "$T/web.sock" ] || fail "the unix socket was not created"
[ "$(stat -c %U "$T/web.sock")" = nobody ] || fail "unix socket owner"

# Each instance has its own port from the range, different from the other.
ports=$(for p in $(pgrep -f "^/usr/bin/python3 $T/serve.py"); do
	tr '\0' '\n' </proc/"$p"/environ | sed -n 's/^PORT=//p'
done | sort -n | tr '\n' ' ')
set -- $ports
[ $# -eq 2 ] && [ "$1" != "$2" ] && [ "$1" -ge $base ] &&
    [ "$2" -le $((base + 20)) ] || fail "auto ports: '$ports'"

# A restarted instance keeps its port and gets the same listening socket.
victim=$(pgrep -n -f "^/usr/bin/python3 $T/serve.py")
vport=$(tr '\0' '\n' </proc/"$victim"/environ | sed -n 's/^PORT=//p')
kill -KILL "$victim"
wait_until 10 bash -c "[ \$(pgrep -c -f '^/usr/bin/python3 $T/serve.py') -eq 2 ] && \
    ! kill -0 $victim 2>/dev/null" || fail "the instance was not restarted"
new=$(pgrep -n -f "^/usr/bin/python3 $T/serve.py")
[ "$(tr '\0' '\n' </proc/"$new"/environ | sed -n 's/^PORT=//p')" = "$vport" ] ||
    fail "the restarted instance changed port"
wait_until 10 answer || fail "the socket stopped answering after a restart"
exit 0
