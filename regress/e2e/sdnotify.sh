#!/bin/bash
# Under systemd (Type=notify): vigild sends READY=1 once every autostart
# service has been started, RELOADING=1/READY=1 around a reload, and
# STOPPING=1 on SIGTERM.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

cat >"$T/listen.py" <<'EOF2'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode() + "\n")
EOF2
python3 "$T/listen.py" "$T/notify" "$T/notified" &
LISTENER=$!
wait_until 5 test -S "$T/notify" || fail "listener did not start"
[ -n "$E2E_USER" ] && chmod 0777 "$T/notify"

write_conf "$T/vigild.conf" <<EOF2
services:
  first:
    command: [ /bin/sleep, "1101" ]
    start_seconds: 300ms
  second:
    command: [ /bin/sleep, "1102" ]
    depends_on: [ first ]
    start_seconds: 300ms
  broken:
    command: /bin/false
    start_retries: 1
    backoff: { initial: 100ms }
  blocked:
    command: [ /bin/sleep, "1103" ]
    depends_on: [ broken ]
  manual:
    command: [ /bin/sleep, "1104" ]
    autostart: false
EOF2
NOTIFY_SOCKET=$T/notify start_vigild "$T/vigild.conf"
wait_until 15 grep -qx READY=1 "$T/notified" || fail "no READY=1"
# READY=1 came after second was RUNNING and after broken gave up.
grep -q "second: STARTING -> RUNNING" "$VIGILD_LOG" ||
    fail "READY=1 before every autostart service was up"
grep -q "broken: STARTING -> FATAL" "$VIGILD_LOG" ||
    fail "READY=1 before broken settled"
[ "$(grep -c . "$T/notified")" -eq 1 ] || fail "more than READY=1: $(cat "$T/notified")"

kill -HUP "$VIGILD_PID"
wait_until 10 bash -c "[ \$(grep -c . $T/notified) -ge 3 ]" ||
    fail "no notifications around the reload: $(cat "$T/notified")"
[ "$(sed -n 2,3p "$T/notified" | tr '\n' ' ')" = "RELOADING=1 READY=1 " ] ||
    fail "reload notifications: $(cat "$T/notified")"

kill -TERM "$VIGILD_PID"
wait_until 20 grep -qx STOPPING=1 "$T/notified" || fail "no STOPPING=1"
kill "$LISTENER"
exit 0
