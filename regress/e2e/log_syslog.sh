#!/bin/bash
# log.stdout/stderr: syslog: RFC 3164 messages to the syslog socket
# (connected by the parent, since the chrooted logger cannot reach it),
# facility daemon, info for stdout and err for stderr, tagged with the
# service name.  When syslog goes away the lines go to the service's
# files; when it is back they go to syslog again; none is lost or doubled.
# (VIGIL_TEST_SYSLOG points vigild at a socket of the test's own.)
. "$(dirname "$0")/lib.sh"
need_test_hooks

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
[ -x "$TOOLS/vigil-lines" ] || skip "no vigil-lines in $TOOLS (make tools)"
command -v python3 >/dev/null || skip "no python3 for a syslog server"

SOCKP=$T/syslog.sock
OUT=$T/syslog.out
cat >"$T/syslogd.py" <<'EOF'
import os, socket, sys
path, out = sys.argv[1], open(sys.argv[2], "a", buffering=1)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
while True:
    out.write(s.recv(65536).decode("utf-8", "replace") + "\n")
EOF
start_syslogd() {
	python3 "$T/syslogd.py" "$SOCKP" "$OUT" &
	SYSLOGD_PID=$!
	disown "$SYSLOGD_PID"
	wait_until 10 test -S "$SOCKP" || fail "no syslog server"
}
start_syslogd
export VIGIL_TEST_SYSLOG=$SOCKP

N=1000	# "out 0", "err 1", ... one line every 10 ms
L=$T/log
write_conf "$T/vigild.conf" <<EOF
services:
  sl:
    command: $TOOLS/vigil-lines -e -d 10 $N
    user: $(helper_user)
    log: { stdout: syslog, stderr: syslog }
EOF
start_vigild "$T/vigild.conf"
msgs() { grep -c " sl: " "$OUT" 2>/dev/null || echo 0; }
more() { [ "$(msgs)" -ge "$1" ]; }
wait_until 10 more 20 || fail "nothing reached syslog"
[ ! -e "$L/sl.log" ] || fail "sl.log exists while syslog works"
re_out='^<30>[A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} sl: out [0-9]+$'
re_err='^<27>[A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} sl: err [0-9]+$'
grep -qE "$re_out" "$OUT" || fail "no stdout message like $re_out: $(head -2 "$OUT")"
grep -qE "$re_err" "$OUT" || fail "no stderr message like $re_err"
note "$(head -n 1 "$OUT")"

# syslog goes away: the files take over.  (What a dying syslogd had not
# read yet is lost with it, as for any syslog client: pause the service
# until the server has read everything, to count exactly.)
SVC=$(pgrep -P "$VIGILD_PID" -f vigil-lines) || fail "no service pid"
kill -STOP "$SVC"
settled() {
	local a b
	a=$(msgs); sleep 0.2; b=$(msgs)
	[ "$a" = "$b" ]
}
wait_until 10 settled || fail "syslog keeps receiving"
kill "$SYSLOGD_PID"
wait_until 10 bash -c "! kill -0 $SYSLOGD_PID 2>/dev/null" || fail "syslogd lives"
kill -CONT "$SVC"
nonempty() { [ -s "$L/sl.log" ] && [ -s "$L/sl.err.log" ]; }
wait_until 10 nonempty || fail "the files did not take over"
wait_log 5 "syslog unavailable" || fail "no warning about syslog"

# syslog is back: the logger asks for a new socket within 5 s.
n=$(msgs)
start_syslogd
wait_until 20 more $((n + 10)) || fail "syslog not used again"
wait_log 5 "sending to syslog again" || fail "no note that syslog is back"

# Every line exactly once, in syslog or in a file.
alldone() {
	{ grep -ohE 'sl: (out|err) [0-9]+' "$OUT"; cat "$L"/sl.log "$L"/sl.err.log; } |
	    grep -c . | grep -qx $N
}
wait_until 30 alldone || true
got=$({ grep -ohE 'sl: (out|err) [0-9]+$' "$OUT" | sed 's/^sl: //'
	cat "$L"/sl.log "$L"/sl.err.log; } | awk '{ print $2 }' | sort -n)
[ "$got" = "$(seq 0 $((N - 1)))" ] ||
    fail "lines lost or doubled: $(wc -l <<<"$got") of $N, $(sort -n <<<"$got" | uniq -d | head -3)"
note "while syslog was away $(cat "$L"/sl.log "$L"/sl.err.log | wc -l) lines went to the files"
exit 0
