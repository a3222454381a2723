#!/bin/bash
# sd_notify under a flood.  Each user of `ready: notify' services has
# a socket of its own, notify.UID.sock, that user's (mode 0600): another
# user cannot send at all.  A flood from the services' own user costs the
# monitor a bounded amount of work (at most 500 datagrams per 250 ms are
# read from a socket, then reading it pauses).  Root, who can send to any
# socket, is dropped from another user's before any work.  Each flood
# prints the monitor's CPU (sec_notify_users.sh: one user's flood does
# not starve another's services).
#
# While a flood fills the socket's queue, a service's own datagrams can
# find it full too (seen under ASan: every WATCHDOG=1 of a 3 s flood
# lost).  The watchdog here is longer than a flood, so what is checked is
# that the service is not restarted once the flood is over.
. "$(dirname "$0")/lib.sh"

HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
DGRAM=$(dirname "$HTTPD")/vigil-dgram
[ -x "$DGRAM" ] || skip "vigil-dgram is not built"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"
SUSER=$(helper_user)		# the services' user
FOE=daemon			# another user
[ "$SUSER" = daemon ] && FOE=nobody

conf() {
	write_conf "$T/vigild.conf" <<EOF2
services:
  ntf:
    command: [ $HTTPD, -r, "100", -w, "10000000" ]
    $SVCUSER
    ready: notify
$1
EOF2
}
conf ""
start_vigild "$T/vigild.conf"
wait_log 10 "ntf: STARTING -> RUNNING" || fail "ntf did not become RUNNING"
mon=$(helper_pid monitor) || fail "no monitor"
S=$T/state/notify.$(id -u "$SUSER").sock

ticks() { awk '{ print $14 + $15 }' /proc/"$mon"/stat; }
# flood USER SECONDS: prints "sent refused full cpu%" (cpu to 0.1 %)
flood() {
	local t0 c0 c1 c out ms
	c0=$(ticks); t0=$(date +%s%N)
	out=$(setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups \
	    "$DGRAM" "$2" "$S" "READY=1
STATUS=spoofed") || fail "the flooder failed"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	c1=$(ticks)
	c=$(( (c1 - c0) * 1000 * 1000 / $(getconf CLK_TCK) / ms ))
	echo "$out $((c / 10)).$((c % 10))"
}

# 1. Another user: refused by the socket's mode.
read -r owner mode < <(stat -c '%U %a' "$S")
[ "$owner $mode" = "$SUSER 600" ] ||
    fail "$S is $owner $mode, not $SUSER 600"
read -r sent refused full cpu < <(flood "$FOE" 1)
note "flood from $FOE: $sent sent, $refused refused by the mode; monitor CPU $cpu %"
[ "$sent" -eq 0 ] && [ "$refused" -gt 0 ] || fail "$FOE could send to $S"

# 2. Services of two users: a socket each, each its user's; root (who
# may send to any) is dropped from the other's before any work.
if [ -z "$E2E_USER" ]; then
	conf "  rootntf:
    command: [ $HTTPD, -r, \"100\" ]
    ready: notify"
	ctl reload >/dev/null || fail "reload failed"
	wait_log 10 "rootntf: STARTING -> RUNNING" || fail "rootntf did not become RUNNING"
	read -r owner mode < <(stat -c '%U %a' "$T/state/notify.0.sock")
	[ "$owner $mode" = "root 600" ] || fail "notify.0.sock is $owner $mode, not root 600"
	read -r owner mode < <(stat -c '%U %a' "$S")
	[ "$owner $mode" = "$SUSER 600" ] || fail "$S is $owner $mode with two users"
	read -r sent refused full cpu < <(flood root 3)
	note "flood from root on $SUSER's socket: $sent datagrams taken; monitor CPU $cpu %"
	wait_log 5 "a message from uid 0 \\(pid [0-9]+\\) on the socket of uid $(id -u "$SUSER"): ignored" ||
	    fail "no refusal of root's datagrams logged"
	[ "${cpu%.*}" -lt 60 ] || fail "the monitor used $cpu % of a CPU under the flood"
	grep -q "spoofed" <(ctl info ntf 2>&1) && fail "a spoofed STATUS= reached ntf"
	conf ""
	ctl reload >/dev/null || fail "reload failed"
fi
# 3. The services' user, from a process of no service: bounded work.
read -r sent refused full cpu < <(flood "$SUSER" 3)
note "flood from $SUSER (no service): $sent datagrams taken, $full times the queue was full; monitor CPU $cpu %"
[ "$sent" -gt 0 ] || fail "the services' user could not send"
[ "${cpu%.*}" -lt 60 ] || fail "the monitor used $cpu % of a CPU under the flood"
n=$(grep -c "sd_notify: " "$VIGILD_LOG")
[ "$n" -le 30 ] || fail "$n sd_notify log lines for one flood"

grep -q "ntf: restarting" "$VIGILD_LOG" && fail "ntf was restarted (a ping lost?)"
ctl status ntf >/dev/null || fail "ntf is not RUNNING"
helpers_up || fail "a helper is missing"
exit 0
