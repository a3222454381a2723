#!/bin/bash
# The monitor: grpc.health.v1 health checks over cleartext HTTP/2,
# against a real gRPC server (regress/tools/vigil-grpcd.py on Debian's
# python3-grpcio).  `ready: healthy' on a grpc check gates depends_on;
# NOT_SERVING makes the service unhealthy after `retries' failures and
# restarts it; a stalled server is a timeout; an unknown service,
# SERVICE_UNKNOWN, a trailers-only UNAVAILABLE, a closed port and a
# service name too long once expanded each give their reason in the
# log, `status -l' and `info'; a reload that changes the service asked
# about takes effect.  A fake server (vigil-grpcd.py --raw) answers
# garbage, HTTP/1, a huge frame, a frame that never ends, RST_STREAM, a
# huge message and DATA without HEADERS: each a failed check with its
# reason, and the monitor goes on (same pid).  The configuration errors
# of the new keys, their round trip through vigild -nv, and `export
# systemd' saying the check is not carried over.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
GRPCD=$ROOT/regress/tools/vigil-grpcd.py
"$PY" -c 'import grpc' 2>/dev/null || skip "no python3-grpcio for $PY"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"

# A port below the ephemeral range, unused, and not taken by this test.
TAKEN=" "
free_port() {
	local p i
	for i in $(seq 100); do
		p=$(( 20000 + RANDOM % 12000 ))
		case $TAKEN in *" $p "*) continue ;; esac
		ss -tanH "sport = :$p" 2>/dev/null | grep -q . && continue
		TAKEN="$TAKEN$p "
		echo "$p"
		return 0
	done
	return 1
}
# log_count REGEX N: the log has at least N lines matching
log_count() {
	[ "$(grep -cE "$1" "$VIGILD_LOG")" -ge "$2" ]
}
# line_of REGEX: the number of the first log line matching
line_of() {
	grep -nE "$1" "$VIGILD_LOG" | head -1 | cut -d: -f1
}
state() {
	printf '%s\n' "$@" >"$T/grpc.state.new" && chmod 0644 "$T/grpc.state.new" &&
	    mv "$T/grpc.state.new" "$T/grpc.state"
}

# ---- configuration errors, and export systemd
write_conf "$T/bad.conf" <<EOF2
services:
  a:
    command: [ $TESTPROG, sleep ]
    health: { grpc: "grpc://127.0.0.1:50051" }
  b:
    command: [ $TESTPROG, sleep ]
    health: { tcp: "127.0.0.1:50051", service: x }
  c:
    command: [ $TESTPROG, sleep ]
    health: { grpc: "127.0.0.1:50051", http: "http://127.0.0.1/" }
  d:
    command: [ $TESTPROG, sleep ]
    health: { grpc: "127.0.0.1:50051", service: [ x ] }
EOF2
as_user "$VIGILD" -n -f "$T/bad.conf" >"$T/bad.out" 2>&1 && fail "a bad grpc configuration was accepted"
grep -qE 'bad.conf:[0-9]+:[0-9]+: bad address "grpc://127.0.0.1:50051" for health.grpc in service "a": expected HOST:PORT \(cleartext HTTP/2, no TLS\)' "$T/bad.out" ||
    fail "no error for grpc://: $(cat "$T/bad.out")"
grep -qE 'bad.conf:[0-9]+:[0-9]+: health.service of service "b" needs a grpc check' "$T/bad.out" ||
    fail "no error for service without grpc: $(cat "$T/bad.out")"
grep -qE 'bad.conf:[0-9]+:[0-9]+: health in service "c" has more than one of http, tcp, grpc and exec' "$T/bad.out" ||
    fail "no error for grpc and http: $(cat "$T/bad.out")"
grep -qE 'bad.conf:[0-9]+:[0-9]+: expected a string for health.service in service "d"' "$T/bad.out" ||
    fail "no error for a list as service: $(cat "$T/bad.out")"

write_conf "$T/export.conf" <<EOF2
services:
  g:
    command: [ $TESTPROG, sleep ]
    ready: healthy
    health: { grpc: "127.0.0.1:50051", service: app }
EOF2
# vigild -nv prints the check, and what it prints loads again.
as_user "$VIGILD" -nv -f "$T/export.conf" >"$T/printed.conf" 2>&1 || fail "vigild -nv: $(cat "$T/printed.conf")"
grep -A1 -x '      grpc: "127.0.0.1:50051"' "$T/printed.conf" | grep -qx '      service: "app"' ||
    fail "vigild -nv does not print the grpc check: $(cat "$T/printed.conf")"
out=$(as_user "$VIGILD" -n -f "$T/printed.conf" 2>&1) && [ "$out" = "configuration OK" ] ||
    fail "vigild -n refuses what -nv printed: $out"
as_user "$VIGILCTL" -c "$T/export.conf" export systemd g >"$T/unit" 2>&1 || fail "export systemd g: $(cat "$T/unit")"
grep -qx '# health: grpc 127.0.0.1:50051: not carried over; systemd has no health checks (a service can ping its watchdog, WatchdogSec=, sd_notify WATCHDOG=1)' "$T/unit" ||
    fail "export systemd does not say the grpc check is not carried over: $(cat "$T/unit")"

# ---- against a real gRPC server, and a fake one
free_port >"$T/p"; P1=$(cat "$T/p")
RP=(); for i in 1 2 3 4 5 6 7 8; do free_port >"$T/p"; RP+=("$(cat "$T/p")"); done
CLOSED=${RP[7]}
state SERVING other=SERVICE_UNKNOWN down=UNAVAILABLE
bad() {	# NAME PORT: a service whose grpc check asks the fake server
	cat <<EOF2
  $1:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    depends_on: [ raw ]
    health: { grpc: "127.0.0.1:$2", interval: 500ms, timeout: 1s, retries: 1, on_unhealthy: none }
EOF2
}
write_conf "$T/vigild.conf" <<EOF2
services:
  gsrv:
    command: [ $PY, $GRPCD, "\${PORT}", $T/grpc.state, app, other, down ]
    $SVCUSER
    port: $P1
    ready: healthy
    health:
      grpc: "127.0.0.1:\${PORT}"
      service: app
      interval: 300ms
      timeout: 1s
      retries: 2
      start_period: 20s
  client:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    depends_on: [ gsrv ]
    start_seconds: 0
  ghost:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    depends_on: [ gsrv ]
    health: { grpc: "127.0.0.1:$P1", service: nosuch, interval: 500ms, retries: 1, on_unhealthy: none }
  other:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    depends_on: [ gsrv ]
    health: { grpc: "127.0.0.1:$P1", service: other, interval: 500ms, retries: 1, on_unhealthy: none }
  down:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    depends_on: [ gsrv ]
    health: { grpc: "127.0.0.1:$P1", service: down, interval: 500ms, retries: 1, on_unhealthy: none }
  longname:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    environment: { LONG: $(printf 'x%.0s' $(seq 300)) }
    health: { grpc: "127.0.0.1:$P1", service: "\${LONG}", interval: 500ms, retries: 1, on_unhealthy: none }
  closed:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    health: { grpc: "127.0.0.1:$CLOSED", interval: 500ms, retries: 1, on_unhealthy: none }
  raw:
    command: [ $PY, $GRPCD, --raw, garbage, ${RP[0]}, http1, ${RP[1]}, hugeframe, ${RP[2]}, endless, ${RP[3]}, rst, ${RP[4]}, hugemsg, ${RP[5]}, noheaders, ${RP[6]} ]
    $SVCUSER
    ready: tcp://127.0.0.1:${RP[6]}
$(bad garbage "${RP[0]}")
$(bad http1 "${RP[1]}")
$(bad hugeframe "${RP[2]}")
$(bad endless "${RP[3]}")
$(bad rst "${RP[4]}")
$(bad hugemsg "${RP[5]}")
$(bad noheaders "${RP[6]}")
EOF2
start_vigild "$T/vigild.conf"
mon=$(helper_pid monitor) || fail "no monitor"

# ready: healthy gates depends_on.
wait_log 15 "gsrv: STARTING -> RUNNING" || fail "gsrv did not become RUNNING (ready: healthy)"
grep -qE "gsrv: health healthy: 127.0.0.1:$P1: SERVING" "$VIGILD_LOG" || fail "gsrv was not reported healthy"
wait_log 10 "client: STOPPED -> STARTING" || fail "client did not start"
[ "$(line_of "client: STOPPED -> STARTING")" -gt "$(line_of "gsrv: STARTING -> RUNNING")" ] ||
    fail "client started before gsrv was healthy"

# What an operator sees for each failure.
A=127.0.0.1
expect() {	# NAME REASON-REGEX
	wait_log 15 "$1: health unhealthy: $2" ||
	    fail "$1: no unhealthy report matching: $2; raw: $(cat "$T"/log/raw*.log 2>/dev/null)"
}
expect ghost "$A:$P1: grpc status 5 NOT_FOUND: unknown service"
expect other "$A:$P1: SERVICE_UNKNOWN"
expect down "$A:$P1: grpc status 14 UNAVAILABLE: going down"
expect longname "$A:$P1: service name too long"
expect closed "$A:$CLOSED: connect $A:$CLOSED: Connection refused"
expect garbage "$A:${RP[0]}: protocol error: PROTOCOL_ERROR"
expect http1 "$A:${RP[1]}: not an HTTP/2 server: it answered HTTP/1"
expect hugeframe "$A:${RP[2]}: protocol error: FRAME_SIZE_ERROR"
expect endless "$A:${RP[3]}: timed out after 1000 ms: (response incomplete|no response headers)"
expect rst "$A:${RP[4]}: stream reset by the server \\(INTERNAL_ERROR\\)"
expect hugemsg "$A:${RP[5]}: protocol error: response message too large"
expect noheaders "$A:${RP[6]}: protocol error: PROTOCOL_ERROR"
[ "$(helper_pid monitor)" = "$mon" ] || fail "the monitor was respawned"

out=$(ctl status -l ghost) || fail "status -l ghost: exit $?"
grep -q "unhealthy" <<<"$out" || fail "status -l does not show ghost unhealthy: $out"
grep -qF "($A:$P1: grpc status 5 NOT_FOUND: unknown service)" <<<"$out" ||
    fail "status -l does not show the reason: $out"
out=$(ctl info ghost) || fail "info ghost: exit $?"
grep -qE "health_check: +grpc $A:$P1 service \"nosuch\", every 500ms" <<<"$out" ||
    fail "info does not show the grpc check: $out"
grep -qE "health: +unhealthy \($A:$P1: grpc status 5 NOT_FOUND: unknown service\)" <<<"$out" ||
    fail "info does not show the reason: $out"

# A reload that changes only the service asked about is a change.
sed 's/service: nosuch,/service: app,/' "$T/vigild.conf" >"$T/new.conf"
cat "$T/new.conf" >"$T/vigild.conf"
out=$(ctl reload 2>&1) || fail "reload: exit $?: $out"
grep -qx "ghost: updated process group" <<<"$out" || fail "reload did not update ghost: $out"
wait_log 10 "ghost: health healthy: $A:$P1: SERVING" || fail "ghost, asking for app now, is not healthy"

# healthy -> unhealthy -> restart -> healthy.
pid1=$(svc_pid "vigil-grpcd.py $P1") || fail "no gsrv process"
state NOT_SERVING other=SERVICE_UNKNOWN down=UNAVAILABLE
wait_log 10 "gsrv: restarting: unhealthy after 2 failed checks: $A:$P1: NOT_SERVING" ||
    fail "gsrv was not restarted after NOT_SERVING"
grep -q "gsrv: health check failed (1 of 2): $A:$P1: NOT_SERVING" "$VIGILD_LOG" ||
    fail "the first failure was not logged"
state SERVING other=SERVICE_UNKNOWN down=UNAVAILABLE
wait_until 10 log_count "gsrv: STARTING -> RUNNING" 2 || fail "the new gsrv did not become RUNNING"
pid2=$(svc_pid "vigil-grpcd.py $P1") || fail "no new gsrv process"
[ "$pid1" != "$pid2" ] || fail "gsrv was not restarted"
kill -0 "$pid1" 2>/dev/null && fail "the old gsrv $pid1 survived"

# A server that stalls: a timeout, then a restart.
state STALL other=SERVICE_UNKNOWN down=UNAVAILABLE
wait_log 15 "gsrv: restarting: unhealthy after 2 failed checks: $A:$P1: timed out after 1000 ms" ||
    fail "a stalled gsrv was not restarted"
[ "$(helper_pid monitor)" = "$mon" ] || fail "the monitor was respawned"
note "grpc: healthy, NOT_SERVING, restart, stall; 12 failure reasons"
exit 0
