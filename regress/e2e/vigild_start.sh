#!/bin/bash
# The small things of a start: vigild -n finds a missing helper user as a
# start would; an ordinary user without a configuration is told where to
# put one; process titles are exactly "vigild: ROLE" (pgrep -x); a start
# refused after the pid file was made leaves none behind.
. "$(dirname "$0")/lib.sh"

# -n as root with the default user, when it does not exist here.
if [ "$(id -u)" -eq 0 ] && ! getent passwd _vigil >/dev/null; then
	printf 'services: {}\n' >"$T/nouser.conf"
	out=$("$VIGILD" -n -f "$T/nouser.conf" 2>&1); rc=$?
	[ $rc -eq 1 ] && [ "$out" = "$T/nouser.conf: user _vigil does not exist; create it with: useradd -r -M -d /var/empty -s /usr/sbin/nologin -U _vigil" ] ||
	    fail "vigild -n without _vigil: $rc '$out'"
fi

# -n as root with user: root finds what a start refuses.
if [ "$(id -u)" -eq 0 ]; then
	printf 'user: root\nservices: {}\n' >"$T/rootuser.conf"
	out=$("$VIGILD" -n -f "$T/rootuser.conf" 2>&1); rc=$?
	[ $rc -eq 1 ] && [ "$out" = "$T/rootuser.conf: user root is root: the helpers must run unprivileged" ] ||
	    fail "vigild -n with user: root: $rc '$out'"
	out=$("$VIGILD" -d -f "$T/rootuser.conf" -p "$T/rootuser.pid" 2>&1); rc=$?
	[ $rc -eq 1 ] && [ "$out" = "vigild: user root is root: the helpers must run unprivileged" ] ||
	    fail "vigild with user: root: $rc '$out'"
fi

# No configuration where an ordinary user's is looked for.
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$T/home"; chown nobody "$T/home"
	out=$(env -i HOME="$T/home" PATH=/usr/bin:/bin setpriv --reuid=nobody \
	    --regid="$(id -g nobody)" --clear-groups "$VIGILD" -d 2>&1); rc=$?
	[ $rc -eq 1 ] || fail "no configuration: exit $rc"
	echo "$out" | grep -qF "vigild: no configuration file at $T/home/.config/vigil/vigild.conf" ||
	    fail "no configuration: '$out'"
	echo "$out" | grep -qF "command: /bin/sleep 3600" || fail "no example: '$out'"
fi

write_conf "$T/vigild.conf" <<EOF
services:
  web:
    command: /bin/sleep 3001
EOF
start_vigild "$T/vigild.conf"
for role in parent control logger monitor; do
	if [ $role = parent ]; then p=$VIGILD_PID; else p=$(helper_pid $role); fi
	[ "$(tr '\0' '|' </proc/"$p"/cmdline)" = "vigild: $role|" ] ||
	    fail "title of $role: '$(tr '\0' '|' </proc/"$p"/cmdline)'"
	pgrep -x -f "vigild: $role" | grep -qx "$p" || fail "pgrep -xf 'vigild: $role' misses $p"
done

# A second vigild on the same socket is refused after its pid file was
# made: it must not leave it.
write_conf "$T/second.conf" <<EOF
socket: { path: $SOCK }
log_dir: $T/log2
state_dir: $T/state2
services: {}
EOF
out=$(as_user "$VIGILD" -d -f "$T/second.conf" -p "$T/second.pid" 2>&1); rc=$?
[ $rc -ne 0 ] || fail "a second vigild on the same socket started"
note "refused: $(echo "$out" | tail -1)"
[ -e "$T/second.pid" ] && fail "the refused start left its pid file: $out"
[ -e "$T/vigild.pid" ] || fail "the first vigild's pid file is gone"
exit 0
