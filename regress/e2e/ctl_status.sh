#!/bin/bash
# vigilctl status (supervisorctl's format: padding, width, descriptions),
# the simple commands, targets, exit codes, JSON, info, supervisorctl mode
# and socket discovery.
. "$(dirname "$0")/lib.sh"

LONG=a-very-long-service-name-for-the-width	# 38 chars: width 41
defaults=""
[ -z "$E2E_USER" ] && defaults="defaults: { user: nobody }"
write_conf "$T/vigild.conf" <<EOF
$defaults
services:
  $LONG:
    command: /bin/sleep 1000
  web:
    command: /bin/sleep 1001
    instances: 2
    environment: { SECRET_TOKEN: hunter2-do-not-show }
  never:
    command: /bin/sleep 1002
    autostart: false
  exits:
    command: /bin/sh -c "sleep 1.2; exit 3"
    start_seconds: 1
    restart: never
  crash:
    command: /bin/sh -c "exit 3"
    start_retries: 1
    backoff: { initial: 100ms }
  missing:
    command: /nonexistent/prog
    start_retries: 0
EOF
start_vigild "$T/vigild.conf"

state_is() {	# state_is NAME STATE
	ctl status "$1" 2>/dev/null | awk '{ print $2 }' | grep -qx "$2"
}
wait_until 10 state_is crash FATAL || fail "crash did not go FATAL"
wait_until 10 state_is missing FATAL || fail "missing did not go FATAL"
wait_until 10 state_is exits EXITED || fail "exits did not exit"
wait_until 10 state_is web:1 RUNNING || fail "web:1 not RUNNING"
wait_until 10 state_is "$LONG" RUNNING || fail "$LONG not RUNNING"

# --- the status lines, exactly
out=$(ctl status); rc=$?
[ $rc -eq 3 ] || fail "status with stopped services: exit $rc, want 3"
[ "$(echo "$out" | wc -l)" -eq 7 ] || fail "want 7 lines: $out"
names=$(echo "$out" | awk '{ print $1 }' | tr '\n' ' ')
[ "$names" = "$LONG crash exits missing never web:0 web:1 " ] ||
    fail "not sorted by name: $names"
W=41
line() { printf "%-${W}s%-10s%s" "$1" "$2" "$3"; }
echo "$out" | grep -qxF "$(line crash FATAL 'Exited too quickly (process log may have details)')" ||
    fail "crash line: $out"
echo "$out" | grep -qxF "$(line missing FATAL "can't find command '/nonexistent/prog'")" ||
    fail "missing line: $out"
echo "$out" | grep -qxF "$(line never STOPPED 'Not started')" ||
    fail "never line: $out"
for n in web:0 web:1 "$LONG"; do
	echo "$out" | grep -qE "^$(printf "%-${W}s" "$n")RUNNING   pid [0-9]+, uptime 0:00:[0-9]{2}$" ||
	    fail "RUNNING line of $n: $out"
done
# EXITED: the local time it stopped, as "Nov 22 01:36 AM"
t1=$(date +"%b %d %I:%M %p"); t0=$(date -d '-1 min' +"%b %d %I:%M %p")
exl=$(echo "$out" | grep '^exits ')
[ "$exl" = "$(line exits EXITED "$t1")" ] || [ "$exl" = "$(line exits EXITED "$t0")" ] ||
    fail "exits line: '$exl' (now $t1)"
# the short form: width 33 when the names are short
out=$(ctl status web:0); rc=$?
[ $rc -eq 0 ] || fail "status of a RUNNING one: exit $rc"
echo "$out" | grep -qE "^web:0 {28}RUNNING   pid [0-9]+, uptime 0:00:[0-9]{2}$" ||
    fail "width 33: '$out'"

# --- targets
[ "$(ctl status 'web:*' | wc -l)" -eq 2 ] || fail "web:* is not 2 lines"
[ "$(ctl status web | wc -l)" -eq 2 ] || fail "web (group) is not 2 lines"
[ "$(ctl status 'w?b:[01]' | wc -l)" -eq 2 ] || fail "glob is not 2 lines"
[ "$(ctl status all | wc -l)" -eq 7 ] || fail "all is not 7 lines"
err=$(ctl status web:0 nosuch 2>&1 >/dev/null); rc=$?
[ $rc -eq 4 ] || fail "status of an unknown name: exit $rc, want 4"
[ "$err" = "nosuch: ERROR (no such process)" ] || fail "unknown name: '$err'"

# --- -l and -j
out=$(ctl status -l web:0) || fail "status -l: exit $?"
echo "$out" | head -1 | grep -q "^NAME .*STATE .*HEALTH .*PID .*UPTIME .*RESTARTS .*CPU .*MEM .*PORTS" ||
    fail "status -l header: $out"
ctl -j status | python3 -c '
import json, sys
v = json.load(sys.stdin)
assert len(v) == 7, v
w = [s for s in v if s["name"] == "web:0"][0]
assert w["state"] == "RUNNING" and w["pid"] > 0 and w["group"] == "web", w
m = [s for s in v if s["name"] == "missing"][0]
assert m["state"] == "FATAL" and m["pid"] is None and "find command" in m["reason"], m
' || fail "status -j is not the JSON expected"

# --- start, stop, restart, signal: supervisorctl's words and exit codes
out=$(ctl start never 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "never: started" ] || fail "start: $rc '$out'"
out=$(ctl start never 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "never: ERROR (already started)" ] ||
    fail "start again: $rc '$out'"
wait_until 5 state_is never RUNNING || fail "never did not come up"
out=$(ctl stop never 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "never: stopped" ] || fail "stop: $rc '$out'"
wait_until 5 state_is never STOPPED || fail "never did not stop"
out=$(ctl stop never 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "never: ERROR (not running)" ] ||
    fail "stop again: $rc '$out'"
out=$(ctl stop nosuch 2>&1); rc=$?
[ $rc -eq 5 ] && [ "$out" = "nosuch: ERROR (no such process)" ] ||
    fail "stop unknown: $rc '$out'"
old=$(ctl pid web:0)
out=$(ctl restart web:0 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "web:0: stopped
web:0: started" ] || fail "restart: $rc '$out'"
new_pid() { p=$(ctl pid web:0); [ "$p" != "$old" ] && [ "$p" != 0 ]; }
wait_until 5 new_pid || fail "restart did not replace pid $old"
out=$(ctl signal CONT web:1 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "web:1: signalled" ] || fail "signal: $rc '$out'"
out=$(ctl signal CONT never 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "never: ERROR (not running)" ] ||
    fail "signal a stopped one: $rc '$out'"
ctl start >/dev/null 2>&1; [ $? -eq 2 ] || fail "start without target is not a usage error"
ctl bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command is not a usage error"
ctl status --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option is not a usage error"
ctl -j stop never 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
assert v == [{"name": "never", "ok": True, "error": "not running"}], v
' || fail "stop -j"

# --- pid, version, help
[ "$(ctl pid)" = "$VIGILD_PID" ] || fail "pid is not vigild's ($VIGILD_PID): $(ctl pid)"
p=$(ctl pid web:1); rc=$?
[ $rc -eq 0 ] && kill -0 "$p" 2>/dev/null || fail "pid web:1: $rc '$p'"
[ "$(ctl pid never)" = 0 ] || fail "pid of a stopped one is not 0"
ctl pid nosuch >/dev/null 2>&1; [ $? -eq 5 ] || fail "pid of an unknown name: not 5"
out=$(ctl version) || fail "version: exit $?"
echo "$out" | grep -qE '^vigilctl [0-9.]+$' && echo "$out" | grep -qE '^vigild [0-9.]+$' ||
    fail "version: $out"
ctl help | grep -q "restart" || fail "help does not list restart"
ctl help stop | grep -q "^usage: vigilctl stop" || fail "help stop"

# --- info: everything, but environment names only
out=$(ctl info web:0) || fail "info: exit $?"
for k in "state:" "pid:" "command:" "stop_signal:" "log.stdout:" "environment:"; do
	echo "$out" | grep -q "^  $k" || fail "info has no $k: $out"
done
echo "$out" | grep -q "SECRET_TOKEN" || fail "info does not name the variable"
ctl info web:0 | grep -q hunter2 && fail "info shows an environment value"
ctl -j info web:0 | grep -q hunter2 && fail "info -j shows an environment value"
ctl -j info web:0 | python3 -c '
import json, sys
v = json.load(sys.stdin)
assert v[0]["name"] == "web:0" and v[0]["config"]["command"] == "/bin/sleep 1001", v
' || fail "info -j"
ctl info crash | grep -q "exit 3 after" || fail "info crash has no exit history"
ctl info nosuch >/dev/null 2>&1; [ $? -eq 5 ] || fail "info of an unknown name: not 5"

# --- socket discovery and supervisorctl's name
[ "$(VIGIL_SOCKET=$SOCK as_user "$VIGILCTL" pid)" = "$VIGILD_PID" ] ||
    fail "VIGIL_SOCKET"
[ "$(as_user "$VIGILCTL" -c "$T/vigild.conf" pid)" = "$VIGILD_PID" ] ||
    fail "-c config"
[ "$(as_user "$VIGILCTL" -s "unix://$SOCK" pid)" = "$VIGILD_PID" ] ||
    fail "-s unix://"
ln -s "$VIGILCTL" "$T/supervisorctl"
err=$(as_user "$T/supervisorctl" -s "unix://$SOCK" -u me -p secret pid 2>&1 >/dev/null); rc=$?
[ $rc -eq 0 ] && echo "$err" | grep -q "ignoring -u" || fail "supervisorctl -u: $rc $err"
as_user "$T/supervisorctl" -i status >/dev/null 2>&1; [ $? -eq 2 ] || fail "supervisorctl -i not refused"

# --- no daemon there
"$VIGILCTL" -s "$T/nothing.sock" status >/dev/null 2>&1; rc=$?
[ $rc -eq 4 ] || fail "status without a daemon: exit $rc, want 4"
"$VIGILCTL" -s "$T/nothing.sock" stop web >/dev/null 2>&1; rc=$?
[ $rc -eq 7 ] || fail "stop without a daemon: exit $rc, want 7"

# --- every action is logged with who asked
grep -qE "vigilctl stop never by uid [0-9]+ pid [0-9]+: ok" "$VIGILD_LOG" ||
    fail "no log line for the stop"
grep -qE "vigilctl stop nosuch by uid [0-9]+ pid [0-9]+: failed" "$VIGILD_LOG" ||
    fail "no log line for the failed stop"
exit 0
