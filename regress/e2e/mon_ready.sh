#!/bin/bash
# The monitor: ready: tcp://HOST:PORT keeps a service STARTING
# until a connect succeeds; depends_on waits for it.  limits.cpu is
# refused with a clear error where the cgroup v2 cpu controller is not
# available (and written to cpu.max where it is).
. "$(dirname "$0")/lib.sh"

HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"

P1=$(free_port)

# limits.cpu: refused, or applied.
write_conf "$T/cpu.conf" <<EOF2
services:
  capped:
    command: [ $TESTPROG, sleep ]
    limits: { cpu: 50% }
EOF2
if as_user "$VIGILD" -n -f "$T/cpu.conf" >"$T/cpu.out" 2>&1; then
	cpu_ok=1
	note "limits.cpu is available on this host"
else
	cpu_ok=0
	grep -qE "cpu.conf:[0-9]+:[0-9]+: service \"capped\": limits.cpu: " "$T/cpu.out" ||
	    fail "limits.cpu refused without a clear reason: $(cat "$T/cpu.out")"
	note "refused: $(cat "$T/cpu.out")"
fi

write_conf "$T/vigild.conf" <<EOF2
services:
  db:
    command: [ $HTTPD, -d, "1500" ]
    $SVCUSER
    port: $P1
    ready: tcp://localhost:\${PORT}
  app:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    depends_on: [ db ]
    start_seconds: 0
EOF2
start_vigild "$T/vigild.conf"
# db listens 1.5 s after it starts, and then for good: RUNNING seen in
# the log while nothing listens yet is RUNNING too early.  The log is
# looked at before the port, so no clock is compared and a slow machine
# only makes the looks later.
wait_log 5 "db: STOPPED -> STARTING" || fail "db did not start"
listening() { ss -ltnH "sport = :$P1" 2>/dev/null | grep -q .; }
end=$(( $(date +%s) + 15 )) looks=0 early=0
while :; do
	if grep -q "db: STARTING -> RUNNING" "$VIGILD_LOG"; then
		listening || fail "db RUNNING before it listens"
		break
	fi
	listening || early=$((early + 1))
	looks=$((looks + 1))
	[ "$(date +%s)" -lt "$end" ] || fail "db did not become RUNNING"
	sleep 0.05
done
# depends_on: app starts after db is RUNNING, in vigild's own order.
wait_log 5 "app: STOPPED -> STARTING" || fail "app did not start after db"
r=$(grep -n -m1 "db: STARTING -> RUNNING" "$VIGILD_LOG" | cut -d: -f1)
a=$(grep -n -m1 "app: STOPPED -> STARTING" "$VIGILD_LOG" | cut -d: -f1)
[ "$r" -lt "$a" ] || fail "app started before db was ready"
note "db RUNNING once it listened ($early of $looks looks saw it STARTING and not listening)"

if [ "$cpu_ok" = 1 ] && [ -z "$E2E_USER" ]; then
	stop_vigild
	start_vigild "$T/cpu.conf"
	wait_log 5 "capped: STOPPED -> STARTING" || fail "capped did not start"
	f=$(find /sys/fs/cgroup -path "*/vigil/$(instance_id)/capped/cpu.max" 2>/dev/null | head -1)
	[ -n "$f" ] && grep -q "^50000 100000" "$f" || fail "cpu.max not written: $f"
fi
exit 0
