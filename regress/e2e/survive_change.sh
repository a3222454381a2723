#!/bin/bash
# Across a crash of the parent: a service whose configuration changed is
# stopped with its old stop signal and started anew, one that was removed
# is stopped with its own stop signal, an unchanged one is adopted with
# its pid.  A recorded pid that now belongs to another process is neither
# adopted nor signalled; a corrupted or truncated state file is reported
# and ignored.  SURVIVE_USER=1 runs it as an ordinary user,
# SURVIVE_CGROUP=false without a cgroup per service.
if [ "${SURVIVE_USER:-}" = 1 ]; then
	export VIGIL_E2E_USER=nobody
fi
. "$(dirname "$0")/lib.sh"
CG=${SURVIVE_CGROUP:-true}

conf() {
	write_conf "$T/vigild.conf" <<EOF
services:
  keep:
    command: [ /bin/sleep, "1001" ]
    cgroup: $CG
  change:
    command: [ /bin/sleep, "$1" ]
    cgroup: $CG
    stop_signal: $2
EOF
	if [ -n "${3:-}" ]; then
		cat >>"$T/vigild.conf" <<EOF
  gone:
    command: [ /bin/sleep, "1003" ]
    cgroup: $CG
    stop_signal: INT
EOF
	fi
}
alive() {
	[ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'
}
pidof_svc() { ctl status "$1" | awk '{ print $4 }' | tr -d ,; }
all_running() { [ "$(ctl status | grep -c RUNNING)" -eq "$1" ]; }
# crash [PID]: vigild dies (PID, if given, is stopped just before: no
# time for the parent's ping deadline to replace it first).
crash() {
	CLEANUP_PIDS="$CLEANUP_PIDS $(helper_pid logger) $(descendants \
	    "$VIGILD_PID")"
	[ -z "${1:-}" ] || kill -STOP "$1"
	kill -KILL "$VIGILD_PID"
	wait "$VIGILD_PID" 2>/dev/null
	VIGILD_PID=
}

conf 1002 HUP gone
start_vigild "$T/vigild.conf"
wait_until 10 all_running 3 || fail "not started"
keep=$(pidof_svc keep)
change=$(pidof_svc change)
gone=$(pidof_svc gone)
# The old control helper still holds the socket (stopped here; it would
# exit a moment later): the next vigild must not take it for a live one.
stuck=$(helper_pid control)
CLEANUP_PIDS="$CLEANUP_PIDS $stuck"
crash "$stuck"

# change: another argument and stop signal; gone: removed.
conf 1004 TERM
start_vigild "$T/vigild.conf"
wait_log 10 "control socket .* left by vigild pid [0-9]+, which is gone" ||
	fail "the old control's socket was not replaced"
kill -KILL "$stuck"
wait_log 10 "adopted 2 of the 3 .*\(1 no longer configured\)" ||
	fail "not adopted"
wait_until 10 all_running 2 || fail "not running again"
[ "$(pidof_svc keep)" = "$keep" ] || fail "keep: pid changed"
[ "$(pidof_svc change)" != "$change" ] || fail "change: not restarted"
grep -q "sleep 1004" /proc/"$(pidof_svc change)"/cmdline 2>/dev/null ||
	tr '\0' ' ' </proc/"$(pidof_svc change)"/cmdline | grep -q 1004 ||
	fail "change: not the new command"
wait_until 10 eval '! alive '"$change" || fail "change: old pid still there"
wait_log 10 "gone: no longer configured: stopping pid $gone with SIGINT" ||
	fail "gone: not stopped with its own signal"
wait_until 10 eval '! alive '"$gone" || fail "gone: still running"
wait_log 10 "gone: pid $gone \(no longer configured\) has exited" ||
	fail "gone: its end is not logged"
grep -qE "change: RUNNING -> STOPPING" "$VIGILD_LOG" ||
	fail "change: not stopped"
ctl info change | grep -qE "exit status unknown" ||
	fail "change: info does not say the old exit status is unknown"

# A recorded pid that belongs to another process now.
keep=$(pidof_svc keep)
crash
sleep 1000 &
other=$!
CLEANUP_PIDS="$CLEANUP_PIDS $other"
python3 - "$T/state/vigild.state" "$keep" "$other" <<'EOF' ||
import sys
path, old, new = sys.argv[1:]
lines = open(path).read().split("\n")[:-2]
out = []
for l in lines:
    f = l.split(" ")
    if f[0] == "svc" and f[2] == old:
        f[2] = new
    out.append(" ".join(f))
body = "\n".join(out) + "\n"
h = 0xcbf29ce484222325
for c in body.encode():
    h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
open(path, "w").write(body + "sum %016x\n" % h)
EOF
	fail "cannot rewrite the state file"
start_vigild "$T/vigild.conf"
wait_log 10 "keep: pid $other not adopted and not signalled: another" ||
	fail "the reused pid was not refused"
wait_until 10 all_running 2 || fail "not running again"
alive "$other" || fail "the other process was killed"
[ "$(pidof_svc keep)" != "$other" ] || fail "the other process adopted"

# A state file cut short, then one with a byte changed.
crash
truncate -s 50 "$T/state/vigild.state"
start_vigild "$T/vigild.conf"
wait_log 10 "state file .*: truncated .*ignored, nothing adopted" ||
	fail "a truncated state file is not reported"
wait_until 10 all_running 2 || fail "not started after a truncated file"
crash
sed -i 's/ 15 / 14 /' "$T/state/vigild.state"
start_vigild "$T/vigild.conf"
wait_log 10 "state file .*: checksum mismatch: ignored" ||
	fail "a corrupted state file is not reported"
wait_until 10 all_running 2 || fail "not started after a corrupted file"
alive "$other" || fail "the other process was killed"
exit 0
