#!/bin/bash
# log.stdout: console: a service's lines on vigild's own stdout, each
# prefixed with its name (the container idiom: `docker logs`), stderr
# merged with them; no file for them; a new logger (the old one killed)
# writes there too; tail says where the lines went.
. "$(dirname "$0")/lib.sh"

write_conf "$T/vigild.conf" <<EOF
services:
  web:
    command: [ /bin/sh, -c, "echo hello from web; echo oops >&2; i=0; while :; do i=\$((i+1)); echo tick \$i; sleep 0.2; done" ]
    log: { stdout: console }
  pool:
    command: [ /bin/sh, -c, "echo pool line; exec sleep 3001" ]
    instances: 2
    log: { stdout: console }
  plain:
    command: [ /bin/sh, -c, "echo to the file; exec sleep 3002" ]
EOF
start_vigild "$T/vigild.conf"

wait_log 10 '^web \| hello from web$' || fail "no 'web | hello from web' on vigild's stdout"
wait_log 10 '^web \| oops$' || fail "stderr (merged) not on the console"
wait_log 10 '^pool:0 \| pool line$' || fail "no 'pool:0 | pool line'"
wait_log 10 '^pool:1 \| pool line$' || fail "no 'pool:1 | pool line'"
wait_until 10 grep -q "to the file" "$T/log/plain.log" || fail "plain's file"
grep -q "to the file" "$VIGILD_LOG" && fail "a file service's line on the console"
[ -s "$T/log/web.log" ] && fail "web has a log file: $(head -3 "$T/log/web.log")"

out=$(ctl tail web 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -qF "web: its stdout goes to no file (log.stdout: console)" ||
    fail "tail web: $rc '$out'"
ctl info web | grep -qE "log.stdout: +console" || fail "info: $(ctl info web | grep log)"

# A new logger gets its own copy of the console: the lines go on.
old=$(helper_pid logger)
kill -KILL "$old"
wait_until 10 bash -c "p=\$(pgrep -P $VIGILD_PID -f '^vigild: logger'); [ -n \"\$p\" ] && [ \"\$p\" != $old ]" ||
    fail "the logger was not replaced"
n=$(grep -c '^web | tick' "$VIGILD_LOG")
wait_until 10 bash -c "[ \$(grep -c '^web | tick' $VIGILD_LOG) -gt $((n + 3)) ]" ||
    fail "no console lines after the logger was replaced"
# nothing lost or doubled across the change: the ticks count up by one
grep '^web | tick' "$VIGILD_LOG" | awk '{ if (NR > 1 && $4 != prev + 1) { print "after", prev, "came", $4; bad = 1 } prev = $4 } END { exit bad }' ||
    fail "console ticks not in sequence across the logger change"
exit 0
