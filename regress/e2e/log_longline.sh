#!/bin/bash
# A 10 MB line without a newline is split into lines of at most 16 KiB
# and written as it comes: the logger never buffers it, its memory (peak
# resident size, VmHWM) grows by less than 4 MB.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
[ -x "$TOOLS/vigil-lines" ] || skip "no vigil-lines in $TOOLS (make tools)"

BYTES=10485760
LINEMAX=16384
L=$T/log
write_conf "$T/vigild.conf" <<EOF
services:
  idle:
    command: $TOOLS/vigil-lines 1
    user: $(helper_user)
EOF
start_vigild "$T/vigild.conf"
wait_until 10 test -s "$L/idle.log" || fail "idle.log"
lp=$(helper_pid logger) || fail "no logger"
kb() { awk -v k="$2:" '$1 == k { print $2 }' /proc/"$1"/status; }
before=$(kb "$lp" VmRSS)

# Add the long-line service by a reload: the logger is the same process.
write_conf "$T/vigild.conf" <<EOF
services:
  idle:
    command: $TOOLS/vigil-lines 1
    user: $(helper_user)
  long:
    command: $TOOLS/vigil-lines -L $BYTES
    user: $(helper_user)
    log: { max_size: 0 }
EOF
kill -HUP "$VIGILD_PID"
# 640 pieces of 16 KiB; the last one is written once it waited 1 s.
xs() { [ "$(stat -c %s "$L/long.log" 2>/dev/null || echo 0)" -ge "$1" ]; }
wait_until 30 xs $((BYTES + BYTES / LINEMAX - 1)) || fail "the line did not arrive"
[ "$(helper_pid logger)" = "$lp" ] || fail "the logger was replaced"
after=$(kb "$lp" VmHWM)

n=$(tr -cd x <"$L/long.log" | wc -c)
[ "$n" -eq $BYTES ] || fail "$n of $BYTES bytes arrived"
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$L/long.log")
[ "$longest" -le $LINEMAX ] || fail "a line of $longest bytes"
note "$(wc -l <"$L/long.log") newlines, longest line $longest bytes"
note "logger VmRSS before $before kB, VmHWM after $after kB"
[ $((after - before)) -lt 4096 ] || fail "the logger grew by $((after - before)) kB"
exit 0
