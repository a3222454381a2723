#!/bin/bash
# Limits: vigild says at start, and on reload, which limit the
# configuration does not fit (descriptors, a user's processes), and what
# to raise; a configuration that fits gets no such line.
. "$(dirname "$0")/lib.sh"
# As an ordinary user the process check is the user's own, not per uid.
[ -n "$E2E_USER" ] && skip "root's view of the limits"

# Fits: no line (first: the hard limits lowered below stay lowered).
printf 'services:\n  one:\n    command: [ /bin/sleep, "1000" ]\n    autostart: false\n' |
    write_conf "$T/small.conf"
start_vigild "$T/small.conf"
"$VIGILCTL" -s "$SOCK" status >/dev/null
grep -q "limits:" "$VIGILD_LOG" && fail "a warning for one service: $(grep limits: "$VIGILD_LOG")"
stop_vigild
: >"$VIGILD_LOG"

{
	echo "services:"
	for i in $(seq 1 100); do
		printf '  s%03d:\n    command: [ /bin/sleep, "1000" ]\n' "$i"
		echo "    autostart: false"
	done
	echo "  crowd:"
	echo "    command: [ /bin/sleep, \"1000\" ]"
	echo "    user: nobody"
	echo "    instances: 30"
	echo "    autostart: false"
} | write_conf "$T/vigild.conf"

# 101 groups of pipes do not fit 256 descriptors; 30 instances as nobody
# do not fit 20 processes a user (root itself is not limited).
ulimit -n 256
ulimit -u 20
start_vigild "$T/vigild.conf"
nobody=$(id -u nobody)
wait_until 10 grep -q "limits: 101 services, 130 instances, need about" "$VIGILD_LOG" ||
    fail "no descriptor warning: $(grep limits: "$VIGILD_LOG")"
grep -q "more than RLIMIT_NOFILE's 256: raise it (ulimit -Hn, LimitNOFILE= in a systemd unit)" \
    "$VIGILD_LOG" || fail "descriptor warning: $(grep limits: "$VIGILD_LOG")"
grep -q "limits: 30 instances run as uid $nobody, more than the 20 processes RLIMIT_NPROC allows a user: raise it" \
    "$VIGILD_LOG" || fail "no process warning: $(grep limits: "$VIGILD_LOG")"
grep -q "pid_max" "$VIGILD_LOG" && fail "a pid_max warning for 130 processes"

# A reload says it again.
"$VIGILCTL" -s "$SOCK" reload >/dev/null || fail "reload failed"
wait_until 10 bash -c "[ \$(grep -c 'limits: 101 services' '$VIGILD_LOG') -eq 2 ]" ||
    fail "reload did not check the limits again"
stop_vigild
exit 0
