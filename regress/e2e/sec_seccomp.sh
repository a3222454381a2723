#!/bin/bash
# Seccomp: every helper runs under its filter (Seccomp: 2 in
# /proc/PID/status), and a forbidden call (the test hook makes the helper
# try chroot(2)) kills it with SIGSYS, the system call named in the log;
# the parent logs the death and starts a new one.
. "$(dirname "$0")/lib.sh"
need_test_hooks

write_conf "$T/vigild.conf" <<CONF
services:
  web: { command: /bin/sleep 1001 }
CONF
start_vigild "$T/vigild.conf"
for role in control logger monitor; do
	p=$(helper_pid $role) || fail "no $role"
	m=$(awk '/^Seccomp:/ { print $2 }' /proc/"$p"/status)
	[ "$m" = 2 ] || fail "$role (pid $p): Seccomp: $m"
	note "$role: Seccomp: $m"
done
stop_vigild

for role in control logger monitor; do
	: >"$VIGILD_LOG"
	# Not start_vigild: the helper under test never stays up.
	VIGIL_TEST_FORBIDDEN=$role "$VIGILD" -d -f "$T/vigild.conf" \
	    -p "$T/vigild.pid" >>"$VIGILD_LOG" 2>&1 &
	VIGILD_PID=$!
	wait_log 10 "$role: seccomp: forbidden system call [0-9]+" ||
	    fail "$role: no seccomp line"
	wait_log 10 "lost child: $role \(pid [0-9]+\) killed by signal 31" ||
	    fail "$role: not killed by SIGSYS"
	note "$(grep -m1 -E "$role: seccomp: forbidden" "$VIGILD_LOG")"
	stop_vigild
done
exit 0
