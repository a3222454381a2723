#!/bin/bash
# Services: the restart policy.  Quick exits back off with
# growing delays and end FATAL; on-failure honours exit_codes; never
# stays down; restart_limit is a circuit breaker; exec failures are
# reported with their errno.
. "$(dirname "$0")/lib.sh"

printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
chmod 0644 "$T/noexec"

write_conf "$T/vigild.conf" <<EOF2
defaults:
  backoff: { initial: 100ms, factor: 2, max: 1s, jitter: 0% }
services:
  crasher:
    command: /bin/sh -c "exit 1"
    start_seconds: 1
    start_retries: 3
  expected:
    command: /bin/sh -c "sleep 0.2; exit 3"
    start_seconds: 0
    exit_codes: [ 0, 3 ]
  unexpected:
    command: /bin/sh -c "sleep 0.2; exit 4"
    start_seconds: 0
    exit_codes: [ 0, 3 ]
    restart_limit: { count: 3, window: 60s }
  never:
    command: /bin/sh -c "sleep 0.2; exit 1"
    start_seconds: 0
    restart: never
  always:
    command: /bin/sh -c "sleep 0.2; exit 0"
    start_seconds: 0
    restart: always
    restart_limit: { count: 2, window: 1h }
  windowed:
    command: /bin/sh -c "sleep 0.1; exit 5"
    start_seconds: 0
    restart_limit: { count: 6, window: 60s }
  quiet:
    command: /bin/sleep 1000
    instances: 20
    restart_limit: { count: 1000000, window: 1h }
  missing:
    command: /nonexistent/bin/x --flag
    start_retries: 1
  noexec:
    command: $T/noexec
    start_retries: 0
EOF2
start_vigild "$T/vigild.conf"

wait_log 20 "crasher: STARTING -> FATAL \\(Exited too quickly \\(process log may have details\\)\\)" ||
    fail "crasher did not end FATAL"
delays=$(grep -oE "crasher: retry [0-9]+ of 3 in [0-9]+ ms" "$VIGILD_LOG" |
    awk '{ print $7 }' | tr '\n' ' ')
[ "$delays" = "100 200 400 " ] || fail "backoff delays were '$delays'"
[ "$(grep -c 'crasher: .* -> STARTING' "$VIGILD_LOG")" -eq 4 ] ||
    fail "crasher was not started exactly 1 + 3 times"

wait_log 10 "expected: RUNNING -> EXITED \\(Exited with code 3\\)" ||
    fail "an expected exit code was not EXITED"
wait_log 10 "never: RUNNING -> EXITED \\(Bad exit code 1\\)" ||
    fail "restart: never did not stay EXITED"
wait_log 20 "unexpected: RUNNING -> FATAL \\(Bad exit code 4; restart limit reached \\(3 in 60s\\)\\)" ||
    fail "restart_limit did not trip for an unexpected exit code"
[ "$(grep -c 'unexpected: Bad exit code 4 after [0-9]* ms, restarting' \
    "$VIGILD_LOG")" -eq 3 ] || fail "unexpected was not restarted 3 times"
wait_log 20 "always: RUNNING -> FATAL \\(Exited with code 0; restart limit reached \\(2 in 3600s\\)\\)" ||
    fail "restart: always did not restart after exit 0 until its limit"
[ "$(grep -c 'always: Exited with code 0 after [0-9]* ms, restarting' "$VIGILD_LOG")" -eq 2 ] ||
    fail "always was not restarted twice"

# The window holds only restarts that happened: more than 4 (its first
# size) still counted right, and a huge count reserves nothing up front
# (it was 16 bytes times the count per instance: 320 MB for these 20).
wait_log 20 "windowed: RUNNING -> FATAL \\(Bad exit code 5; restart limit reached \\(6 in 60s\\)\\)" ||
    fail "restart_limit with count 6 did not trip"
[ "$(grep -c 'windowed: Bad exit code 5 after [0-9]* ms, restarting' \
    "$VIGILD_LOG")" -eq 6 ] || fail "windowed was not restarted 6 times"
# (Not under ASan, whose shadow memory alone is terabytes of VmSize.)
if [ -z "${ASAN_OPTIONS:-}" ]; then
	vsz=$(awk '/^VmSize:/ { print $2 }' "/proc/$VIGILD_PID/status")
	[ "$vsz" -lt 200000 ] ||
	    fail "vigild reserves ${vsz} kB with 20 instances of restart_limit count 1000000"
fi

wait_log 10 "missing: STARTING -> FATAL \\(can't find command '/nonexistent/bin/x'\\)" ||
    fail "a missing binary did not end FATAL with its reason"
grep -q "missing: spawn error: /nonexistent/bin/x: No such file or directory" \
    "$VIGILD_LOG" || fail "the errno text of the missing binary was not logged"
wait_log 10 "noexec: STARTING -> FATAL \\(can't exec '$T/noexec': Permission denied\\)" ||
    fail "a non-executable file did not end FATAL with EACCES"

# Still alive and well: nothing above was fatal for vigild.
kill -0 "$VIGILD_PID" || fail "vigild died"
exit 0
