#!/bin/bash
# Foundation: the parent and its three helpers.  As root the
# helpers run as nobody, chrooted; as an ordinary user (FOUNDATION_AS_USER=1,
# see foundation_user.sh) they run as that user without chroot.  A helper
# killed with SIGKILL, or made to send a bad message, is replaced; the
# parent and the services keep their pids.
if [ "${FOUNDATION_AS_USER:-}" = 1 ]; then
	export VIGIL_E2E_USER=nobody
fi
. "$(dirname "$0")/lib.sh"
need_test_hooks

write_conf "$T/vigild.conf" <<EOF2
services:
  sleeper:
    command: [ /bin/sleep, "1000" ]
EOF2

# vigild -n: a good file, and a bad one with every error.
out=$(as_user "$VIGILD" -n -f "$T/vigild.conf" 2>&1) ||
    fail "vigild -n on a good file failed: $out"
[ "$out" = "configuration OK" ] || fail "vigild -n printed '$out'"

cat >"$T/bad.conf" <<EOF2
services:
  web:
    command: /bin/true
    stop_timeout: 10x
    colour: blue
EOF2
chmod 0644 "$T/bad.conf"
[ -n "$E2E_USER" ] && chown "$E2E_USER" "$T/bad.conf"
out=$(as_user "$VIGILD" -n -f "$T/bad.conf" 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "vigild -n on a bad file exited $rc, not 1"
grep -q "^$T/bad.conf:4:19: " <<<"$out" ||
    fail "no FILE:LINE:COLUMN error for stop_timeout: $out"
grep -q "^$T/bad.conf:5:5: .*colour" <<<"$out" ||
    fail "no FILE:LINE:COLUMN error for the unknown key: $out"
[ "$(wc -l <<<"$out")" -eq 2 ] || fail "expected two errors, got: $out"

start_vigild "$T/vigild.conf"
parent=$VIGILD_PID
wait_until 10 svc_pid "^/bin/sleep 1000" || fail "service did not start"
service=$(svc_pid "^/bin/sleep 1000")

if [ -n "$E2E_USER" ]; then
	want_uid=$(id -u "$E2E_USER")
	grep -q "not root: the helpers are neither chrooted" "$VIGILD_LOG" ||
	    fail "no warning about running unprivileged"
	[ "$(grep -c 'not root' "$VIGILD_LOG")" -eq 1 ] ||
	    fail "the unprivileged warning is not printed exactly once"
else
	want_uid=$(id -u nobody)
fi
want_gid=$(id -g "$(id -un "$want_uid")")

check_helper() {
	local role=$1 pid root uid gid
	pid=$(helper_pid "$role") || fail "no $role helper"
	tr '\0' ' ' </proc/"$pid"/cmdline | grep -q "^vigild: $role" ||
	    fail "$role: title is '$(tr '\0' ' ' </proc/"$pid"/cmdline)'"
	uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/"$pid"/status)
	gid=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' /proc/"$pid"/status)
	[ "$uid" = "$want_uid $want_uid $want_uid $want_uid" ] ||
	    fail "$role: uids are $uid, want $want_uid"
	[ "$gid" = "$want_gid $want_gid $want_gid $want_gid" ] ||
	    fail "$role: gids are $gid, want $want_gid"
	grep -q '^NoNewPrivs:[[:space:]]*1' /proc/"$pid"/status ||
	    [ -n "$E2E_USER" ] || fail "$role: no_new_privs is not set"
	root=$(readlink /proc/"$pid"/root)
	if [ -n "$E2E_USER" ]; then
		[ "$root" = / ] || fail "$role: chrooted to $root as a user"
	elif [ "$role" = logger ]; then
		[ "$root" = "$T/log" ] || fail "logger: root is $root"
	else
		[ "$root" = "$T/state/empty" ] || [ "$root" = /var/empty ] ||
		    fail "$role: root is $root"
	fi
}

for role in control logger monitor; do
	check_helper "$role"
done
tr '\0' ' ' </proc/"$parent"/cmdline | grep -q "^vigild: parent" ||
    fail "parent title is wrong"

# kill -9 each helper in turn: a new one comes, nothing else changes.
for role in control logger monitor; do
	old=$(helper_pid "$role")
	kill -KILL "$old"
	wait_until 10 bash -c "p=\$(pgrep -P $parent -f 'vigild: $role'); \
	    [ -n \"\$p\" ] && [ \"\$p\" != $old ]" ||
	    fail "$role was not replaced after SIGKILL"
	wait_log 5 "lost child: $role \\(pid $old\\) killed by signal 9" ||
	    fail "the parent did not log how $role died"
	check_helper "$role"
	kill -0 "$parent" || fail "the parent died"
	[ "$(svc_pid '^/bin/sleep 1000')" = "$service" ] ||
	    fail "the service was restarted when $role died"
done

# A helper that sends a malformed message is killed and replaced.
for role in control monitor; do
	old=$(helper_pid "$role")
	kill -USR2 "$old"
	wait_log 5 "$role \\(pid $old\\) sent bad message; killing it" ||
	    fail "the parent did not reject $role's bad message"
	wait_until 10 bash -c "p=\$(pgrep -P $parent -f 'vigild: $role'); \
	    [ -n \"\$p\" ] && [ \"\$p\" != $old ]" ||
	    fail "$role was not replaced after a bad message"
	kill -0 "$parent" || fail "the parent died of a bad message"
done
[ "$(svc_pid '^/bin/sleep 1000')" = "$service" ] ||
    fail "the service was restarted"

# The parent gone (SIGKILL): control and monitor notice EOF and exit by
# themselves; the logger stays, holding the service's pipe for the next
# vigild (survive_crash.sh), and goes when killed.
helpers="$(helper_pid control) $(helper_pid monitor)"
logger=$(helper_pid logger)
kill -KILL "$parent"
wait "$parent" 2>/dev/null
for p in $helpers; do
	wait_until 10 bash -c "! kill -0 $p 2>/dev/null" ||
	    fail "helper $p outlived its parent"
done
kill -0 "$logger" 2>/dev/null || fail "the logger died with its parent"
kill -KILL "$service" "$logger" 2>/dev/null
VIGILD_PID=

# SIGTERM stops the services and the daemon, and removes the pid file.
start_vigild "$T/vigild.conf"
wait_until 10 svc_pid "^/bin/sleep 1000" || fail "service did not start"
service=$(svc_pid "^/bin/sleep 1000")
[ "$(cat "$T/vigild.pid")" = "$VIGILD_PID" ] || fail "pid file is wrong"
kill -TERM "$VIGILD_PID"
wait_until 20 bash -c "! kill -0 $VIGILD_PID 2>/dev/null" ||
    fail "vigild did not exit on SIGTERM"
kill -0 "$service" 2>/dev/null && fail "the service survived SIGTERM"
[ -e "$T/vigild.pid" ] && fail "the pid file was left behind"
VIGILD_PID=
exit 0
