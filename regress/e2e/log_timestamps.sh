#!/bin/bash
# log.timestamps: each line starts with the RFC 3339 local time of the
# logger, with milliseconds and the numeric offset
# ("2026-11-22T01:36:05.123+05:30 "); without it, lines are as written.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
[ -x "$TOOLS/vigil-lines" ] || skip "no vigil-lines in $TOOLS (make tools)"

# A zone with a half-hour offset, given as a POSIX TZ: no zoneinfo needed.
export TZ='<+0530>-05:30'
L=$T/log
write_conf "$T/vigild.conf" <<EOF
services:
  stamped:
    command: $TOOLS/vigil-lines -e 100
    user: $(helper_user)
    log: { stderr: file, timestamps: true }
  plain:
    command: $TOOLS/vigil-lines 100
    user: $(helper_user)
EOF
start_vigild "$T/vigild.conf"
count_is() { [ "$(wc -l <"$1" 2>/dev/null)" = "$2" ]; }
wait_until 10 count_is "$L/stamped.log" 50 || fail "stamped.log incomplete"
wait_until 10 count_is "$L/stamped.err.log" 50 || fail "stamped.err.log incomplete"
wait_until 10 count_is "$L/plain.log" 100 || fail "plain.log incomplete"

re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+05:30 (out|err) [0-9]+$'
for f in stamped.log stamped.err.log; do
	bad=$(grep -cvE "$re" "$L/$f")
	[ "$bad" -eq 0 ] || fail "$f: $bad lines not stamped right: $(grep -vE "$re" "$L/$f" | head -1)"
done
stamp=$(head -n 1 "$L/stamped.log" | cut -d' ' -f1)
t=$(date -d "$stamp" +%s) || fail "date cannot read $stamp"
now=$(date +%s)
[ $((now - t)) -le 60 ] && [ $((t - now)) -le 60 ] ||
    fail "the stamp $stamp is not now ($(date -Iseconds))"
grep -qE '^[0-9]+$' "$L/plain.log" && ! grep -qvE '^[0-9]+$' "$L/plain.log" ||
    fail "plain.log lines are not as written"
note "first line: $(head -n 1 "$L/stamped.log")"
exit 0
