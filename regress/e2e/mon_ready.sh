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

free_port() {
	local p i
	for i in $(seq 100); do
		p=$(( 20000 + RANDOM % 40000 ))
		ss -ltnH "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}
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
t0=$(date +%s%N)
wait_log 5 "db: STOPPED -> STARTING" || fail "db did not start"
sleep 0.8
grep -q "db: STARTING -> RUNNING" "$VIGILD_LOG" && fail "db RUNNING before it listens"
grep -q "app: STOPPED -> STARTING" "$VIGILD_LOG" && fail "app started before db was ready"
wait_log 10 "db: STARTING -> RUNNING" || fail "db did not become RUNNING"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -ge 1200 ] || fail "db RUNNING after $ms ms, it listens after 1500"
wait_log 5 "app: STOPPED -> STARTING" || fail "app did not start after db"
note "db RUNNING after ${ms} ms (listening after 1500 ms)"

if [ "$cpu_ok" = 1 ] && [ -z "$E2E_USER" ]; then
	stop_vigild
	start_vigild "$T/cpu.conf"
	wait_log 5 "capped: STOPPED -> STARTING" || fail "capped did not start"
	f=$(find /sys/fs/cgroup -path "*/vigil/$(instance_id)/capped/cpu.max" 2>/dev/null | head -1)
	[ -n "$f" ] && grep -q "^50000 100000" "$f" || fail "cpu.max not written: $f"
fi
exit 0
