#!/bin/bash
# The control socket under abuse: 50 clients at once, garbage, a client
# of another protocol version, clients that hang up mid-answer, one that
# never reads (dropped at its queue bound), many idle connections, and
# control itself killed: the daemon, its services and the other clients
# carry on, and control is not harmed by any one client.
. "$(dirname "$0")/lib.sh"
need_test_hooks

N=1000
defaults=""
[ -z "$E2E_USER" ] && defaults="defaults: { user: nobody }"
{
	echo "$defaults"
	echo "services:"
	echo "  r1: { command: /bin/sleep 5001, start_seconds: 0 }"
	echo "  r2: { command: /bin/sleep 5002, start_seconds: 0 }"
	for i in $(seq -w 1 $N); do
		echo "  idle$i: { command: /bin/sleep 1, autostart: false }"
	done
} | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status r1 r2 >/dev/null" ||
    fail "r1, r2 not up"
cpid=$(helper_pid control)
pr1=$(ctl pid r1)
total=$((N + 2))

all_well() {	# control is the same process, status answers in full
	[ "$(helper_pid control)" = "$cpid" ] || fail "control was replaced ($1)"
	[ "$(ctl status | wc -l)" -eq $total ] || fail "status incomplete ($1)"
	[ "$(ctl pid r1)" = "$pr1" ] || fail "r1 was touched ($1)"
}

# the protocol version the client speaks: vigild's own
CTL_PROTO=$(awk '$1 == "#define" && $2 == "CTL_PROTO_VERSION" { print $3 }' \
    "$ROOT/common/msg_ctl.h")
export CTL_PROTO
cat >"$T/client.py" <<'EOF'
import socket, struct, sys, time, os
HELLO, TARGET, REQUEST = 100, 101, 102
def frame(t, data, flags=0):
    return struct.pack('<IIIII', t, 20 + len(data), flags, 0, 0) + data
def hello(v=int(os.environ['CTL_PROTO'])):
    return frame(HELLO, struct.pack('<II', v, 0) + b'9.9.9'.ljust(32, b'\0'))
def req(cmd):
    return frame(REQUEST, struct.pack('<IIIiI', cmd, 0, 0, 0, 0) +
                 b''.ljust(64, b'\0') + struct.pack('<IIIi', 0, 0, 0, 0))
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    return s
def until_eof(s, limit=10):
    s.settimeout(limit)
    data = b''
    while True:
        b = s.recv(65536)
        if not b:
            return data
        data += b
mode = sys.argv[2]
if mode == 'garbage':
    s = conn(); s.sendall(os.urandom(3000)); until_eof(s)
elif mode == 'http':
    s = conn(); s.sendall(b'GET / HTTP/1.0\r\n\r\n' * 10); until_eof(s)
elif mode == 'badlen':
    s = conn(); s.sendall(struct.pack('<IIIII', HELLO, 1 << 30, 0, 0, 0)); until_eof(s)
elif mode == 'unknown':
    s = conn(); s.sendall(hello() + frame(150, b'x' * 10)); until_eof(s)
elif mode == 'nohello':
    s = conn(); s.sendall(req(1)); until_eof(s)
elif mode == 'pipeline':
    s = conn(); s.sendall(hello() + req(1) + req(1)); until_eof(s)
elif mode == 'version':
    s = conn(); s.sendall(hello(v=999))
    d = until_eof(s)
    t, l = struct.unpack('<II', d[:8])
    assert t == HELLO and l == 60 and len(d) == 60, (t, l, len(d))
    print('hello back, then closed')
elif mode == 'midreply':
    for i in range(20):
        s = conn(); s.sendall(hello() + req(1)); s.recv(1000); s.close()
elif mode == 'slow':
    s = conn()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(hello() + req(1))
    time.sleep(float(sys.argv[3]))
    s.close()
elif mode == 'idle':
    v = [conn() for i in range(int(sys.argv[3]))]
    print('connected', flush=True)
    time.sleep(float(sys.argv[4]))
EOF

# --- 50 clients at once
clients=()
for i in $(seq 1 50); do
	if [ $((i % 10)) -eq 0 ]; then
		ctl signal CONT r2 >"$T/out.$i" 2>&1 &
	else
		ctl status >"$T/out.$i" 2>&1 &
	fi
	clients+=($!)
done
wait_err=0
for j in "${clients[@]}"; do wait "$j" || [ $? -eq 3 ] || wait_err=1; done
[ $wait_err -eq 0 ] || fail "a concurrent client failed"
for i in $(seq 1 50); do
	if [ $((i % 10)) -eq 0 ]; then
		[ "$(cat "$T/out.$i")" = "r2: signalled" ] ||
		    fail "concurrent signal $i: $(cat "$T/out.$i")"
	else
		[ "$(wc -l <"$T/out.$i")" -eq $total ] ||
		    fail "concurrent status $i: $(wc -l <"$T/out.$i") lines"
	fi
done
all_well "50 clients"

# --- garbage of every kind closes that client only
for m in garbage http badlen unknown nohello pipeline; do
	python3 "$T/client.py" "$SOCK" $m || fail "client $m"
	all_well "$m"
done
printf 'hello vigild\n' | nc -U -w 2 "$SOCK" >/dev/null 2>&1
all_well "nc garbage"
grep -q "control: client uid [0-9]* pid [0-9]*: .*; closed" "$VIGILD_LOG" ||
    fail "the bad clients are not logged"

# --- another protocol version: told, then closed
out=$(python3 "$T/client.py" "$SOCK" version) || fail "version client"
grep -q "speaks protocol 999" "$VIGILD_LOG" || fail "version mismatch not logged"
all_well "version"

# --- hanging up mid-answer, 20 times
python3 "$T/client.py" "$SOCK" midreply || fail "midreply client"
all_well "midreply"

# --- 200 idle connections do not keep others out
python3 "$T/client.py" "$SOCK" idle 200 3 >"$T/idle.out" &
idle=$!
wait_until 5 grep -q connected "$T/idle.out" || fail "idle clients not connected"
ctl status r1 >/dev/null || fail "status beside 200 idle connections"
wait "$idle"
all_well "idle"

# --- control killed: respawned, gets the socket again, clients served
kill -KILL "$cpid"
[ "$(ctl status | wc -l)" -eq $total ] || fail "status across a control respawn"
ncpid=$(helper_pid control)
[ -n "$ncpid" ] && [ "$ncpid" != "$cpid" ] || fail "control was not respawned"
[ "$(ctl pid r1)" = "$pr1" ] || fail "r1 was touched by the control respawn"
kill -0 "$VIGILD_PID" || fail "vigild died"

# --- a client that never reads is dropped at its bound (made small here:
# the real one holds the largest answer), and nobody else waits for it
stop_vigild
export VIGIL_TEST_CTL_QUEUEMAX=4096
start_vigild "$T/vigild.conf"
python3 "$T/client.py" "$SOCK" slow 8 &
slow=$!
wait_log 5 "does not read its answers" || fail "the slow client was not dropped"
wait_until 5 bash -c "$VIGILCTL -s $SOCK status r1 >/dev/null" ||
    fail "status r1 while a slow client hangs"
kill "$slow" 2>/dev/null; wait "$slow" 2>/dev/null
exit 0
