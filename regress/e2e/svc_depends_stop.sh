#!/bin/bash
# stop follows depends_on: what depends on a target stops first (and is
# reported), the target once they are down; `stop a b` with a depending
# on b stops a first; what does not depend on it is not touched.
. "$(dirname "$0")/lib.sh"

slowstop='[ /bin/sh, -c, "trap '"'"'sleep 0.3; exit 0'"'"' TERM; while :; do sleep 0.1; done" ]'
write_conf "$T/vigild.conf" <<EOF
services:
  db:
    command: $slowstop
    start_seconds: 200ms
  web:
    command: $slowstop
    start_seconds: 200ms
    depends_on: [ db ]
  worker:
    command: $slowstop
    start_seconds: 200ms
    depends_on: [ web ]
  other:
    command: /bin/sleep 3001
    start_seconds: 200ms
EOF
start_vigild "$T/vigild.conf"
all_up() { [ "$($VIGILCTL -s "$SOCK" status | grep -c RUNNING)" -eq 4 ]; }
wait_until 15 all_up || fail "not all up"
other=$(ctl pid other)

mark=$(wc -l <"$VIGILD_LOG")
out=$(ctl stop db 2>&1); rc=$?
[ $rc -eq 0 ] || fail "stop db: exit $rc: $out"
[ "$out" = "worker: stopped
web: stopped
db: stopped" ] || fail "stop db said: $out"
for s in db web worker; do
	ctl status $s | grep -q STOPPED || fail "$s is not STOPPED: $(ctl status $s)"
done
[ "$(ctl pid other)" = "$other" ] || fail "other was touched"
tail -n +"$((mark + 1))" "$VIGILD_LOG" >"$T/stop.log"
ln() { grep -n "$1" "$T/stop.log" | head -1 | cut -d: -f1; }
[ "$(ln 'worker: STOPPING -> STOPPED')" -lt "$(ln 'web: RUNNING -> STOPPING')" ] &&
    [ "$(ln 'web: STOPPING -> STOPPED')" -lt "$(ln 'db: RUNNING -> STOPPING')" ] ||
    fail "not stopped in dependency order: $(cat "$T/stop.log")"
grep -q "worker: stops too: it depends on web" "$T/stop.log" || fail "not logged why worker stops"

# start worker brings its dependencies up again
ctl start worker >/dev/null || fail "start worker"
wait_until 15 all_up || fail "start worker did not bring db and web up"

# stop db web: web (which depends on db) goes first, worker with it
mark=$(wc -l <"$VIGILD_LOG")
out=$(ctl stop db web 2>&1) || fail "stop db web: $out"
tail -n +"$((mark + 1))" "$VIGILD_LOG" >"$T/stop2.log"
ln2() { grep -n "$1" "$T/stop2.log" | head -1 | cut -d: -f1; }
[ "$(ln2 'web: STOPPING -> STOPPED')" -lt "$(ln2 'db: RUNNING -> STOPPING')" ] ||
    fail "stop db web: db went first: $(cat "$T/stop2.log")"
echo "$out" | grep -qx "worker: stopped" || fail "stop db web did not say worker stops: $out"
exit 0
