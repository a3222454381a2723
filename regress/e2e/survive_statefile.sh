#!/bin/bash
# The state file is replaced whole each time, by trading names with a
# second file kept beside it (vigild.state.tmp): after each respawn the
# state file names the new pid and the other file the one before, the
# two keep their inodes (none is made or freed), both are 0600, and a
# clean stop removes both.  A crash after the respawns is adopted from
# the newest.
. "$(dirname "$0")/lib.sh"

cat <<EOF2 | write_conf "$T/vigild.conf"
services:
  s:
    command: [ /bin/sleep, "1000" ]
    user: $(helper_user)
    start_seconds: 0
EOF2
start_vigild "$T/vigild.conf"

ST=$T/state/vigild.state
TMP=$T/state/vigild.state.tmp
pid_of() { ctl status s | awk '$2 == "RUNNING" { print $4 }' | tr -d ,; }
running() { [ -n "$(pid_of)" ]; }
# Running, with another pid than $1.
restarted() { local p; p=$(pid_of); [ -n "$p" ] && [ "$p" != "$1" ]; }
is_pid() { [ "$(pid_of)" = "$1" ]; }
# FILE names PID as a process (a field of its own on a line).
names() { grep -qw -- "$2" "$1" 2>/dev/null; }

wait_until 10 running || fail "s did not start"
p=$(pid_of)
wait_until 10 names "$ST" "$p" || fail "the state file does not name pid $p"

inodes=
for i in 1 2 3; do
	old=$p
	kill -KILL "$old"
	wait_until 10 restarted "$old" ||
		fail "s was not restarted after kill $i"
	p=$(pid_of)
	wait_until 10 names "$ST" "$p" ||
		fail "after respawn $i the state file does not name pid $p"
	names "$ST" "$old" && fail "the state file still names pid $old"
	[ -f "$TMP" ] || fail "no $TMP beside the state file after respawn $i"
	inodes="$inodes $(stat -c %i "$ST" "$TMP")"
done
n=$(tr ' ' '\n' <<<"$inodes" | sort -u | grep -c .)
[ "$n" -eq 2 ] || fail "the two files used $n inodes, not 2:$inodes"
for f in "$ST" "$TMP"; do
	[ "$(stat -c '%a %u' "$f")" = "600 $(id -u)" ] ||
		fail "$f is $(stat -c '%a %u' "$f"), not 600 $(id -u)"
done

# A crash now: the next vigild adopts the newest pid.
kill -KILL "$VIGILD_PID"
wait "$VIGILD_PID" 2>/dev/null
VIGILD_PID=
CLEANUP_PIDS="$p"
start_vigild "$T/vigild.conf"
wait_until 10 is_pid "$p" || fail "pid $p was not adopted: $(ctl status s)"

stop_vigild
[ ! -e "$ST" ] || fail "$ST left after a clean stop"
[ ! -e "$TMP" ] || fail "$TMP left after a clean stop"
exit 0
