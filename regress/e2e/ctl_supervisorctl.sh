#!/bin/bash
# vigilctl under the name supervisorctl against the real thing: the same
# command lines through supervisorctl 4.2.5 and a private supervisord
# (Debian's `supervisor`, etc/deps.sh), and through vigilctl's
# supervisorctl name and vigild; stdout and exit codes compared line by
# line, pids, uptimes, dates and the version normalised.  Then -c with a
# supervisord.conf, maintail, and the one-word arguments Ansible passes.
# add and remove as supervisord has them: remove takes a stopped group
# (still in the file or not) and refuses a running one; add takes what
# reread found.
. "$(dirname "$0")/lib.sh"

SUPD=$(command -v supervisord) || skip "no supervisord (./etc/deps.sh)"
SUPCTL=$(command -v supervisorctl) || skip "no supervisorctl"
case "$("$SUPCTL" version 2>/dev/null; "$SUPD" --version 2>/dev/null)" in
*4.2.5*) ;;
*) skip "supervisord is not 4.2.5" ;;
esac

mkdir -p "$T/sup" "$T/bin"
ln -s "$VIGILCTL" "$T/bin/supervisorctl"
chmod 0755 "$T/sup" "$T/bin"
[ -n "$E2E_USER" ] && chown "$E2E_USER" "$T/sup"

# The services, in both dialects.  web ignores SIGHUP, so that a signal
# leaves it running.
sup_conf() {	# $1: the second generation (slow gone, web changed, extra new)
	cat <<EOF
[unix_http_server]
file=$T/sup/supervisor.sock
[supervisord]
logfile=$T/sup/supervisord.log
pidfile=$T/sup/supervisord.pid
childlogdir=$T/sup
nodaemon=true
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://$T/sup/supervisor.sock
[program:web]
command=/bin/sh -c "trap '' HUP; exec /bin/sleep 310$1"
startsecs=1
[program:crash]
command=/bin/sh -c "exit 2"
autostart=false
startretries=0
[program:missing]
command=/nonexistent/prog
autostart=false
startretries=0
EOF
	if [ -z "$1" ]; then
		printf '[program:slow]\ncommand=/bin/sleep 3201\nautostart=false\nstartsecs=1\n'
	else
		printf '[program:extra]\ncommand=/bin/sleep 3301\nstartsecs=0\n'
	fi
}
vig_conf() {
	local u=""
	[ -z "$E2E_USER" ] && u="user: nobody"
	cat <<EOF
defaults: { start_seconds: 1, $u }
services:
  web:
    command: [ /bin/sh, -c, "trap '' HUP; exec /bin/sleep 310$1" ]
  crash:
    command: /bin/sh -c "exit 2"
    autostart: false
    start_retries: 0
  missing:
    command: /nonexistent/prog
    autostart: false
    start_retries: 0
EOF
	if [ -z "$1" ]; then
		printf '  slow:\n    command: /bin/sleep 3201\n    autostart: false\n'
	else
		printf '  extra:\n    command: /bin/sleep 3301\n    start_seconds: 0\n'
	fi
}

sup_conf "" >"$T/sup/supervisord.conf"
"$SUPD" -c "$T/sup/supervisord.conf" >"$T/sup/out" 2>&1 &
SUPD_PID=$!
vig_conf "" | write_conf "$T/vigild.conf"
# vigil's supervisorctl reads the socket from a supervisord.conf (-c)
printf '[unix_http_server]\nfile = %s ; the socket\n' "$SOCK" >"$T/vsup.conf"
start_vigild "$T/vigild.conf"

stop_supd() {
	[ -n "$SUPD_PID" ] || return 0
	kill -TERM "$SUPD_PID" 2>/dev/null
	wait_until 15 bash -c "! kill -0 $SUPD_PID 2>/dev/null" ||
	    kill -KILL "$SUPD_PID" 2>/dev/null
	wait "$SUPD_PID" 2>/dev/null
	SUPD_PID=
}
# cleanup takes the test's exit status from $?: keep it across stop_supd
trap 'r=$?; stop_supd; (exit $r); cleanup' EXIT

S() { "$SUPCTL" -c "$T/sup/supervisord.conf" "$@"; }
V() { as_user "$T/bin/supervisorctl" -c "$T/vsup.conf" "$@"; }
wait_until 10 bash -c "$SUPCTL -c $T/sup/supervisord.conf status web | grep -q RUNNING" ||
    fail "supervisord did not start web: $(cat "$T/sup/out")"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "vigild did not start web"

norm() {
	sed -E -e 's/pid [0-9]+, uptime [0-9:]+( days?, [0-9:]+)?/pid N, uptime U/' \
	    -e 's/^[0-9]+$/PID/' \
	    -e 's/[A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2} [AP]M$/DATE/' \
	    -e 's/^(4\.2\.5|[0-9]+\.[0-9]+\.[0-9]+[^ ]*)$/VERSION/'
}

n=0
first=
# same ARGS...: both answer the same, line by line, with the same code.
same() {
	local so vo src vrc
	n=$((n + 1))
	# Two daemons, each with its own services: asked side by side.
	S "$@" >"$T/s.out" 2>/dev/null &
	V "$@" >"$T/v.out" 2>/dev/null; vrc=$?
	wait $!; src=$?
	so=$(norm <"$T/s.out"); vo=$(norm <"$T/v.out")
	if [ -n "$first" ]; then	# its help text after the error: not ours
		so=$(head -1 <<<"$so"); first=
	fi
	if [ "$so" != "$vo" ] || [ "$src" != "$vrc" ]; then
		fail "supervisorctl $* (step $n) differs:
--- supervisorctl 4.2.5 (exit $src):
$so
--- vigil (exit $vrc):
$vo"
	fi
}

same status
same start slow
same start slow
same 'start crash'
same start missing
same start nosuch
same start nosuch:x
same status crash slow
same stop slow
same stop slow
same stop nosuch
same restart slow
same restart slow
same restart slow nosuch
same 'signal HUP' web
same signal HUP web
same signal SIGFOO web
first=1 same signal HUP
first=1 same start
first=1 same stop
same pid web
same pid nosuch
same stop slow
same signal HUP slow
same pid slow
same status slow nosuch
same status web
same status nosuch
same version
same reread
same update
same avail
same add nosuch
same remove nosuch
same nosuchcommand x
same remove web
same remove slow
same status slow
same reread
same add slow
same add slow
same status slow
same start slow
first=1 same maintail x
first=1 same maintail -1 -2
first=1 same maintail -

# The second generation: slow gone, web changed, extra new.
sup_conf 1 >"$T/sup/supervisord.conf"
vig_conf 1 | write_conf "$T/vigild.conf"
same reread
same remove slow
same stop slow
same remove slow
same add extra
same add extra
same update
wait_until 10 bash -c "$SUPCTL -c $T/sup/supervisord.conf status web | grep -q RUNNING"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING"
same status web extra
same avail
same reread
same update

# The third: extra (running) gone from the file; update stops it, then
# says so (its "stopped" comes once the process is gone).
sup_conf 1 | sed '/^\[program:extra\]/,$d' >"$T/sup/supervisord.conf"
vig_conf 1 | sed '/^  extra:/,$d' | write_conf "$T/vigild.conf"
same reread
same update
same status extra

# maintail: the parent's recent lines, stamped as supervisord stamps its
# own, in its sizes (1600 bytes, -N bytes) and with the newline its
# output adds; the content is vigild's own, so the shape is compared.
V signal HUP web >/dev/null
for who in S V; do
	$who maintail >"$T/$who.mt" 2>/dev/null || fail "$who maintail: $?"
	$who maintail -100 >"$T/$who.m100" 2>/dev/null
	tail -c 2 "$T/$who.mt" | od -An -c | grep -q '\\n  *\\n' ||
	    fail "$who maintail: no blank line at the end"
	[ "$(wc -c <"$T/$who.m100")" -eq 101 ] ||
	    fail "$who maintail -100: $(wc -c <"$T/$who.m100") bytes"
	[ "$(wc -c <"$T/$who.mt")" -le 1601 ] ||
	    fail "$who maintail: $(wc -c <"$T/$who.mt") bytes"
	sed -n '2,$p' "$T/$who.mt" | sed '$d' | grep -vqE \
	    '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} (CRIT|ERRO|WARN|INFO|DEBG) ' &&
	    fail "$who maintail: a line not stamped as supervisord's:
$(cat "$T/$who.mt")"
done
grep -qE 'INFO vigilctl signal HUP web by uid [0-9]+ pid [0-9]+: ok$' \
    "$T/V.mt" || fail "maintail: no line for the signal: $(cat "$T/V.mt")"

# Unreachable: its message on stdout, its code.
out=$(as_user "$T/bin/supervisorctl" -s "$T/nosuch.sock" status web 2>/dev/null); rc=$?
[ "$out" = "unix://$T/nosuch.sock no such file" ] && [ $rc -eq 4 ] ||
    fail "status, no daemon: $rc '$out'"
out=$(as_user "$T/bin/supervisorctl" -s "$T/nosuch.sock" stop web 2>/dev/null); rc=$?
[ "$out" = "unix://$T/nosuch.sock no such file" ] && [ $rc -eq 7 ] ||
    fail "stop, no daemon: $rc '$out'"
note "$n command lines compared with supervisorctl 4.2.5"
stop_supd
exit 0
