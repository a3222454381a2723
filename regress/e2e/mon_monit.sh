#!/bin/bash
# The monitor: vigilctl monit.  Not on a terminal it prints the
# `status -l' table (with CPU and memory figures) once, or -n times; on
# a terminal it draws on the alternate screen and leaves the terminal as
# it found it however it ends: q, SIGTERM, or vigild going away.
. "$(dirname "$0")/lib.sh"

HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
[ -x "$VIGILCTL" ] || skip "vigilctl is not built"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"

write_conf "$T/vigild.conf" <<EOF2
services:
  busy:
    command: [ $HTTPD, -b, "1", -a, 32M ]
    $SVCUSER
  idle:
    command: [ $TESTPROG, sleep ]
    $SVCUSER
    instances: 2
EOF2
start_vigild "$T/vigild.conf"
wait_log 10 "busy: STARTING -> RUNNING" || fail "busy did not start"

# The first answer's figures are mon_first's subject; here a loaded
# machine may take longer than the parent waits for a first sample.
figures() {
	ctl monit >"$T/once" 2>&1 || fail "monit failed: $(cat "$T/once")"
	grep -E "^busy +RUNNING" "$T/once" |
	    grep -qE " [0-9]+\\.[0-9]% +[0-9.]+M "
}
wait_until 20 figures ||
    fail "no CPU and memory figures for busy: $(cat "$T/once")"
[ "$(grep -c '^NAME ' "$T/once")" -eq 1 ] || fail "not one table: $(cat "$T/once")"
grep -qE "^idle:1 +RUNNING" "$T/once" || fail "idle:1 missing: $(cat "$T/once")"
ctl monit -n 2 -d 300ms >"$T/twice" 2>&1 || fail "monit -n 2 failed"
[ "$(grep -c '^NAME ' "$T/twice")" -eq 2 ] || fail "not two tables: $(cat "$T/twice")"
ctl monit -d 1ms >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad interval is not a usage error"

# On a terminal (script(1) gives it one): q quits.
command -v script >/dev/null || skip "script(1) is not installed"
tty_monit() {
	as_user env TERM=xterm script -qfc "$VIGILCTL -s $SOCK monit -d 300ms" /dev/null
}
restored() {
	# Cursor back on, alternate screen left, and nothing drawn after.
	local all after
	all=$(cat "$1")
	after=${all##*$'\033[?25h\033[?1049l'}
	[ "$after" != "$all" ] && [[ "$after" != *$'\033['* ]]
}
# Its terminal input stays open while monit runs (then script(1) ends),
# not for a fixed time.
monit_running() { pgrep -f "^$VIGILCTL -s $SOCK monit" >/dev/null; }
hold_input() {
	wait_until 5 monit_running && wait_until 20 eval '! monit_running'
}
{
	wait_until 10 grep -q busy "$T/tty.q"
	printf q
	wait_until 5 eval '! monit_running' || : >"$T/q.ignored"
} | tty_monit >"$T/tty.q" 2>&1 || fail "monit on a tty failed"
[ -e "$T/q.ignored" ] && fail "q did not end monit within 5 s"
head -c 20 "$T/tty.q" | grep -q $'\033\\[?1049h' || fail "no alternate screen"
grep -q "busy" "$T/tty.q" || fail "no table on the tty"
restored "$T/tty.q" || fail "q left the terminal unrestored"

hold_input | tty_monit >"$T/tty.term" 2>&1 &
spy=$!
wait_until 5 pgrep -f "^$VIGILCTL -s $SOCK monit" || fail "monit did not start"
sleep 0.7
pkill -TERM -f "^$VIGILCTL -s $SOCK monit"
wait $spy
restored "$T/tty.term" || fail "SIGTERM left the terminal unrestored"

hold_input | tty_monit >"$T/tty.gone" 2>&1 &
spy=$!
wait_until 5 pgrep -f "^$VIGILCTL -s $SOCK monit" || fail "monit did not start"
sleep 0.7
stop_vigild
wait_until 5 bash -c "! pgrep -f '^$VIGILCTL -s $SOCK monit'" ||
    fail "monit did not end when vigild went away"
wait $spy
restored "$T/tty.gone" || fail "losing vigild left the terminal unrestored"
grep -q "monit: lost vigild" "$T/tty.gone" || fail "no word about losing vigild"
exit 0
