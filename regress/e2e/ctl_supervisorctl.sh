#!/bin/bash
# vigilctl under the name supervisorctl against the real thing: the same
# command lines through supervisorctl 4.2.5 and a private supervisord
# (Debian's `supervisor`, etc/deps.sh), and through vigilctl's
# supervisorctl name and vigild; stdout and exit codes compared line by
# line, pids, uptimes, dates and the version normalised.  Then -c with a
# supervisord.conf, maintail, and the one-word arguments Ansible passes.
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
trap 'stop_supd; cleanup' EXIT

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
	S "$@" >"$T/s.out" 2>/dev/null; src=$?
	V "$@" >"$T/v.out" 2>/dev/null; vrc=$?
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

# The second generation: slow gone, web changed, extra new.
sup_conf 1 >"$T/sup/supervisord.conf"
vig_conf 1 | write_conf "$T/vigild.conf"
same reread
same update
wait_until 10 bash -c "$SUPCTL -c $T/sup/supervisord.conf status web | grep -q RUNNING"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING"
same status web extra
same avail
same reread
same update

# maintail: vigild keeps no log file of its own (syslog), and says so as
# supervisorctl says it of a supervisord without one.
out=$(V maintail 2>/dev/null); rc=$?
[ "$out" = "supervisord: ERROR (no log file)" ] && [ $rc -eq 1 ] ||
    fail "maintail: $rc '$out'"

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
