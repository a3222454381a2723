#!/bin/bash
# The logger keeps up with a flood: 1,000,000 numbered lines written as
# fast as a service can write them all arrive in its log file, every one
# exactly once and in order.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
[ -x "$TOOLS/vigil-lines" ] && [ -x "$TOOLS/vigil-seqcheck" ] ||
	skip "no vigil-lines/vigil-seqcheck in $TOOLS (make tools)"

N=1000000
LOG=$T/log/flood.log
write_conf "$T/vigild.conf" <<EOF
services:
  flood:
    command: $TOOLS/vigil-lines $N
    user: $(helper_user)
    log: { max_size: 0 }
EOF
start=$(date +%s%N)
start_vigild "$T/vigild.conf"
last_is() { [ "$(tail -n 1 "$LOG" 2>/dev/null)" = "$1" ]; }
wait_until 60 last_is $((N - 1)) || fail "the last line never arrived"
end=$(date +%s%N)
note "$N lines in $(( (end - start) / 1000000 )) ms (vigild start included)"

res=$("$TOOLS/vigil-seqcheck" $N "$LOG") || fail "lines lost or out of order: $res"
note "$res"
exit 0
