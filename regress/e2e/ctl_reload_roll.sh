#!/bin/bash
# A reload that changes a service with several instances restarts them
# one at a time, as restart --rolling does: each new instance RUNNING
# before the next old one stops (never fewer than N-1 up); a new instance
# that fails ends the roll and the others keep running.
. "$(dirname "$0")/lib.sh"

conf() {	# $1: the value of V; $2: the command
	write_conf "$T/vigild.conf" <<EOF
services:
  web:
    command: ${2:-/bin/sleep 3001}
    instances: 3
    start_seconds: 300ms
    start_retries: 0
    environment: { V: "$1" }
EOF
}
conf 1
start_vigild "$T/vigild.conf"
up3() { [ "$($VIGILCTL -s "$SOCK" status web | grep -c RUNNING)" -eq 3 ]; }
wait_until 10 up3 || fail "web not up"
old=$(ctl pid web:0 web:1 web:2 | tr '\n' ' ')

mark=$(wc -l <"$VIGILD_LOG")
conf 2
out=$(ctl reload 2>&1) || fail "reload: $out"
[ "$out" = "web: updated process group" ] || fail "reload said: $out"
wait_log 20 "web:2: STARTING -> RUNNING" || fail "web:2 did not come back"
wait_until 10 up3 || fail "web not all RUNNING after the reload"
new=$(ctl pid web:0 web:1 web:2 | tr '\n' ' ')
for p in $old; do
	case " $new " in *" $p "*) fail "web kept pid $p after the reload ($old -> $new)" ;; esac
done
tail -n +"$((mark + 1))" "$VIGILD_LOG" >"$T/roll.log"
ln() { grep -n "$1" "$T/roll.log" | head -1 | cut -d: -f1; }
for i in 0 1; do
	up=$(ln "web:$i: STARTING -> RUNNING")
	down=$(ln "web:$((i + 1)): RUNNING -> STOPPING")
	[ -n "$up" ] && [ -n "$down" ] && [ "$up" -lt "$down" ] ||
	    fail "web:$((i + 1)) stopped before web:$i was RUNNING again: $(cat "$T/roll.log")"
done
# never more than one down: count along the log
awk '/web:[0-9]: RUNNING -> STOPPING/ { down++ } /web:[0-9]: STARTING -> RUNNING/ { down-- }
    { if (down > 1) { print "two down at: " $0; exit 1 } }' "$T/roll.log" ||
    fail "more than one instance down at once"

# A new configuration that fails stops the roll at the first instance.
old=$(ctl pid web:1 web:2 | tr '\n' ' ')
conf 3 '[ /bin/sh, -c, "exit 3" ]'
ctl reload >/dev/null || fail "reload 3"
wait_log 10 "reload: web: the rolling restart stopped: web:0 is FATAL" ||
    fail "the roll did not stop at the failing web:0"
[ "$(ctl pid web:1 web:2 | tr '\n' ' ')" = "$old" ] ||
    fail "web:1 and web:2 were restarted into a failing configuration"
exit 0
