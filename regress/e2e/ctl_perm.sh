#!/bin/bash
# Who may do what (vigilctl(8), ACCESS): the socket's owner, group and mode;
# an ordinary user may read but is refused actions (exit 4, logged);
# members of socket.group may do everything.  Also: the socket's
# directory is made, a stale socket is replaced, a live one is not.
. "$(dirname "$0")/lib.sh"

[ -n "$E2E_USER" ] && skip "needs root to run vigilctl as other users"
[ "$(id -u)" = 0 ] || skip "needs root"
getent group nogroup >/dev/null || skip "no group nogroup"

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}
as_daemon() {	# uid 1, not in nogroup
	setpriv --reuid=daemon --regid=daemon --clear-groups "$@"
}

# --- 1. mode 0666, no group: others read only
SOCK=$T/run/sub/vigild.sock
write_conf "$T/vigild.conf" <<EOF
user: nobody
socket: { path: $SOCK, mode: "0666" }
defaults: { user: nobody }
services:
  web:
    command: /bin/sleep 4001
EOF
start_vigild "$T/vigild.conf"
[ -S "$SOCK" ] || fail "no socket at $SOCK"
[ "$(stat -c '%a %U' "$SOCK")" = "666 root" ] ||
    fail "socket is $(stat -c '%a %U:%G' "$SOCK"), want 666 root"
[ "$(stat -c '%a' "$T/run/sub")" = 755 ] || fail "socket dir not 0755"
wait_until 5 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "web not up"

out=$(as_nobody "$VIGILCTL" -s "$SOCK" status 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "^web .*RUNNING" ||
    fail "nobody: status: $rc '$out'"
for c in "info web" "pid" "pid web" "version"; do
	as_nobody "$VIGILCTL" -s "$SOCK" $c >/dev/null 2>&1 ||
	    fail "nobody may not '$c': exit $?"
done
pid=$(ctl pid web)
err=$(as_nobody "$VIGILCTL" -s "$SOCK" stop web 2>&1); rc=$?
[ $rc -eq 4 ] || fail "nobody: stop: exit $rc, want 4 ($err)"
echo "$err" | grep -q "permission denied" || fail "nobody: stop: '$err'"
for c in "start web" "restart web" "signal HUP web" "reload" "reread" \
    "shutdown" "add x" "remove web"; do
	as_nobody "$VIGILCTL" -s "$SOCK" $c >/dev/null 2>&1; rc=$?
	[ $rc -eq 4 ] || fail "nobody: '$c': exit $rc, want 4"
done
[ "$(ctl pid web)" = "$pid" ] || fail "a refused stop touched web"
grep -qE "vigilctl stop web by uid 65534 pid [0-9]+: permission denied" \
    "$VIGILD_LOG" || fail "the refusal is not logged"
# root may
ctl restart web >/dev/null || fail "root: restart: exit $?"
grep -qE "vigilctl restart web by uid 0 pid [0-9]+: ok" "$VIGILD_LOG" ||
    fail "root's restart is not logged"

# --- 2. a live socket is not taken over (by a vigild with its own
# state_dir: one on the same state_dir is refused before, svc_instance.sh)
sed "s|^state_dir: .*|state_dir: $T/other-state|" "$T/vigild.conf" >"$T/other.conf"
"$VIGILD" -d -f "$T/other.conf" -p "$T/other.pid" >"$T/other.log" 2>&1 &
other=$!
wait_until 10 bash -c "! kill -0 $other 2>/dev/null" || {
	kill "$other"; fail "a second vigild took the live socket"; }
wait "$other"; rc=$?
[ $rc -ne 0 ] || fail "the second vigild exited 0"
grep -q "control socket $SOCK is in use by another vigild" "$T/other.log" ||
    fail "no clear error: $(cat "$T/other.log")"
ctl status web >/dev/null; [ $? -le 3 ] || fail "the first vigild lost its socket"
stop_vigild
[ -e "$SOCK" ] && fail "the socket is left after exit"

# --- 3. mode 0660, group nogroup: members do everything, others nothing
python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('$SOCK')"
[ -S "$SOCK" ] || fail "could not make a stale socket"
write_conf "$T/vigild.conf" <<EOF
user: nobody
socket: { path: $SOCK, mode: "0660", group: nogroup }
defaults: { user: nobody }
services:
  web:
    command: /bin/sleep 4002
EOF
start_vigild "$T/vigild.conf"
[ "$(stat -c '%a %U %G' "$SOCK")" = "660 root nogroup" ] ||
    fail "socket is $(stat -c '%a %U %G' "$SOCK"), want 660 root nogroup"
wait_until 5 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "web not up after replacing a stale socket"
out=$(as_nobody "$VIGILCTL" -s "$SOCK" stop web 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "web: stopped" ] ||
    fail "a member of the socket's group: stop: $rc '$out'"
as_daemon "$VIGILCTL" -s "$SOCK" start web >/dev/null 2>&1; rc=$?
[ $rc -eq 4 ] || fail "not a member, mode 0660: start: exit $rc, want 4"
as_daemon "$VIGILCTL" -s "$SOCK" status >/dev/null 2>&1; rc=$?
[ $rc -eq 4 ] || fail "not a member, mode 0660: status: exit $rc, want 4"
exit 0
