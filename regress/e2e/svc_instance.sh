#!/bin/bash
# The instance id: state_dir/instance is created once
# (32 hex digits, mode 0600), is the same for the next vigild on that
# state_dir, and keys its cgroups; a second vigild on a state_dir in use
# is refused.  After a kill -9 of vigild, the next one stops what its
# earlier life left in its own groups gracefully (stop_signal, then
# cgroup.kill after stop_timeout), logged, before starting fresh copies;
# groups of other instances -- another id, or an old vigild's pid -- are
# not touched, populated or not; a copy of the state_dir (the same id)
# finds the groups locked by the running vigild and keeps out of them.
. "$(dirname "$0")/lib.sh"

# Written by the service as nobody.
: >"$T/polite.out"
chmod 0666 "$T/polite.out"
conf() {
	write_conf "$T/vigild.conf" <<EOF2
services:
  polite:
    command: /bin/sh -c "trap 'echo got INT >>$T/polite.out; exit 0' INT; while :; do /bin/sleep 0.2; done"
    stop_signal: INT
    user: nobody
  stubborn:
    command: /bin/sh -c "trap '' TERM; exec $TESTPROG stamp $T/stubborn"
    stop_timeout: 1s
$1
EOF2
}
conf "  gone:
    command: $TESTPROG stamp $T/gone"
start_vigild "$T/vigild.conf"
wait_until 10 svc_pid "stamp $T/stubborn" || fail "stubborn did not start"
wait_until 10 svc_pid "stamp $T/gone" || fail "gone did not start"

id=$(instance_id)
[[ "$id" =~ ^[0-9a-f]{32}$ ]] || fail "instance id: '$id'"
[ "$(stat -c '%a %U' "$T/state/instance")" = "600 root" ] ||
    fail "instance file: $(stat -c '%a %U' "$T/state/instance")"
grep -q "created a new instance id in $T/state/instance" "$VIGILD_LOG" ||
    fail "the new id was not logged"

# A second vigild on the same state_dir (other socket, pid file).
sed "s|path: $SOCK|path: $T/other.sock|" "$T/vigild.conf" >"$T/other.conf"
out=$("$VIGILD" -d -f "$T/other.conf" -p "$T/other.pid" 2>&1) &&
    fail "a second vigild on the same state_dir started"
grep -q "state_dir $T/state is in use by another vigild" <<<"$out" ||
    fail "second vigild: $out"

cg=$(instance_cgroup) || {
	note "no writable cgroup v2: the sweep is not tested"
	exit 0
}
[ "$cg" = "${cg%/vigil/$id}/vigil/$id" ] || fail "group $cg is not keyed by $id"
grep -qx "$(svc_pid "stamp $T/stubborn")" "$cg/stubborn/cgroup.procs" ||
    fail "stubborn is not in $cg/stubborn"

# Groups of other instances, populated and empty, including one named by
# a pid (the old naming; a live pid, as older vigild binaries on this
# host remove groups named by pids they believe dead).
top=${cg%/*}
other=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
oldpid=$$
foreign=()
cleanup_foreign() {
	local d
	for d in "${foreign[@]}"; do
		[ -f "$d/pid" ] && kill -KILL "$(cat "$d/pid")" 2>/dev/null
		rm -f "$d/pid"
		remove_cgroup "$top/$(basename "$d")"
	done
}
trap 'rc=$?; cleanup_foreign; (exit $rc); cleanup' EXIT
for name in "$other" "$oldpid" "$other-empty"; do
	mkdir -p "$T/foreign/$name"
	mkdir "$top/$name" || fail "cannot make $top/$name"
	foreign+=("$T/foreign/$name")
	[ "$name" = "$other-empty" ] && continue
	mkdir "$top/$name/svc"
	/bin/sleep 1097 &
	disown
	echo $! >"$T/foreign/$name/pid"
	echo $! >"$top/$name/svc/cgroup.procs"
done

old_polite=$(svc_pid "trap 'echo got INT")
old_stubborn=$(svc_pid "stamp $T/stubborn")
old_gone=$(svc_pid "stamp $T/gone")
# vigild dies; its services do not (they are nobody's children now).
kill -KILL "$VIGILD_PID"
wait "$VIGILD_PID" 2>/dev/null
VIGILD_PID=
for p in $old_polite $old_stubborn $old_gone; do
	kill -0 "$p" || fail "service pid $p died with vigild"
done

# The next life of the same instance, without `gone`, and without the
# state file (lost, or refused as corrupted): nothing can be proven, so
# nothing is adopted (survive_crash.sh) and the sweep stops what is left.
conf ""
rm -f "$T/state/vigild.state"
start_vigild "$T/vigild.conf"
[ "$(instance_id)" = "$id" ] || fail "the instance id changed: $(instance_id)"
wait_log 10 "cgroup $cg/polite: [0-9]+ process(es)? left by an earlier life .* \\(polite\\): sent SIGINT, cgroup.kill in 10000 ms; pids.* $old_polite( |\$)" ||
    fail "polite's old group: no graceful stop logged"
wait_log 10 "cgroup $cg/stubborn: 1 process left by an earlier life .* \\(stubborn\\): sent SIGTERM, cgroup.kill in 1000 ms; pids $old_stubborn\$" ||
    fail "stubborn's old group: no graceful stop logged"
wait_log 10 "cgroup $cg/gone: 1 process .* \\(no longer configured\\): sent SIGTERM" ||
    fail "gone's old group: no graceful stop logged"
wait_log 10 "cgroup $cg/stubborn: still running after its stop timeout; cgroup.kill" ||
    fail "stubborn's old group was not killed after its timeout"
wait_until 10 grep -q "got INT" "$T/polite.out" ||
    fail "polite did not get its stop signal"
for p in $old_polite $old_stubborn $old_gone; do
	wait_until 10 bash -c "! kill -0 $p 2>/dev/null" ||
	    fail "old service pid $p still runs"
done
# Fresh copies, once the old ones are gone, in the same groups.
wait_until 10 svc_pid "stamp $T/stubborn" || fail "stubborn did not start again"
new=$(svc_pid "stamp $T/stubborn")
grep -qx "$new" "$cg/stubborn/cgroup.procs" || fail "new stubborn not in its group"
killed=$(grep -n "stubborn: still running after its stop timeout" "$VIGILD_LOG" | tail -1 | cut -d: -f1)
started=$(grep -n "stubborn: STOPPED -> STARTING" "$VIGILD_LOG" | tail -1 | cut -d: -f1)
[ "$started" -gt "$killed" ] || fail "stubborn started before its old copy was gone"
wait_until 10 bash -c "! [ -d $cg/gone ]" || fail "gone's group was not removed"

# Nothing of the other instances was touched.
for name in "$other" "$oldpid"; do
	kill -0 "$(cat "$T/foreign/$name/pid")" ||
	    fail "the process in another instance's group $name was killed"
	grep -qx "$(cat "$T/foreign/$name/pid")" "$top/$name/svc/cgroup.procs" ||
	    fail "another instance's group $name lost its process"
done
[ -d "$top/$other-empty" ] || fail "another instance's empty group was removed"
grep -qE "$other|/$oldpid" "$VIGILD_LOG" && fail "another instance's group was mentioned"

# A copy of this state_dir (as in a container image) is the same id for
# another vigild: it finds the groups in use and keeps out of them.
mkdir -p "$T/copy/state"
cp -p "$T/state/instance" "$T/copy/state/instance"
cat >"$T/copy.conf" <<EOF2
user: nobody
socket: { path: $T/copy.sock }
log_dir: $T/copy/log
state_dir: $T/copy/state
services:
  copied:
    command: $TESTPROG stamp $T/copied
EOF2
p1=$(svc_pid "trap 'echo got INT")
p2=$(svc_pid "stamp $T/stubborn")
"$VIGILD" -d -f "$T/copy.conf" -p "$T/copy.pid" >"$T/copy.log" 2>&1 &
copy=$!
wait_until 10 grep -q "copied: STARTING -> RUNNING" "$T/copy.log" ||
    fail "the copy did not start: $(cat "$T/copy.log")"
grep -q "cgroup $cg is in use by another running vigild with this instance id (was its state_dir copied?); using process groups only" \
    "$T/copy.log" || fail "the copy did not see the groups in use: $(cat "$T/copy.log")"
kill -TERM "$copy"
wait "$copy"
grep -qE "left by an earlier life|cgroup.kill" "$T/copy.log" && fail "the copy swept"
grep -qx "$p1" "$cg/polite/cgroup.procs" && grep -qx "$p2" "$cg/stubborn/cgroup.procs" ||
    fail "the copy disturbed the groups"
[ "$(svc_pid "trap 'echo got INT")" = "$p1" ] && [ "$(svc_pid "stamp $T/stubborn")" = "$p2" ] ||
    fail "the copy disturbed the services"

# An instance file that is not to be trusted: reported, kept aside, and
# this vigild becomes a new instance (its old groups are then left alone).
stop_vigild
f=$T/state/instance
bad() {
	start_vigild "$T/vigild.conf"
	wait_log 5 "$f: $1; moved to $f.invalid, this vigild is a new instance" ||
	    fail "instance file $2: not reported"
	new=$(instance_id)
	[[ "$new" =~ ^[0-9a-f]{32}$ ]] && [ "$new" != "$id" ] ||
	    fail "instance file $2: id '$new'"
	[ -e "$f.invalid" ] || fail "instance file $2: not kept aside"
	stop_vigild
	id=$new
}
chmod 0644 "$f"
bad "readable or writable by others \\(mode is not 0600\\)" "mode 0644"
truncate -s 20 "$f"
bad "not one line of 32 hexadecimal digits" "truncated"
cp -p "$f" "$T/elsewhere"
rm "$f"
ln -s "$T/elsewhere" "$f"
bad "Too many levels of symbolic links" "symlink"
exit 0
