#!/bin/bash
# stderr: merge (the default: into NAME.log, in the order written),
# file (NAME.err.log), none (dropped); stdout: none.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
[ -x "$TOOLS/vigil-lines" ] || skip "no vigil-lines in $TOOLS (make tools)"

N=1000	# "out 0", "err 1", "out 2", ...: odd ones on stderr
L=$T/log
write_conf "$T/vigild.conf" <<EOF
services:
  merged:
    command: $TOOLS/vigil-lines -e $N
    user: $(helper_user)
  split:
    command: $TOOLS/vigil-lines -e $N
    user: $(helper_user)
    log: { stderr: file }
  quiet:
    command: $TOOLS/vigil-lines -e $N
    user: $(helper_user)
    log: { stderr: none }
  erronly:
    command: $TOOLS/vigil-lines -e $N
    user: $(helper_user)
    log: { stdout: none, stderr: file }
EOF
start_vigild "$T/vigild.conf"
last_is() { [ "$(tail -n 1 "$1" 2>/dev/null)" = "$2" ]; }
wait_until 20 last_is "$L/merged.log" "err $((N - 1))" || fail "merged: not all lines"
wait_until 20 last_is "$L/split.log" "out $((N - 2))" || fail "split: stdout"
wait_until 20 last_is "$L/split.err.log" "err $((N - 1))" || fail "split: stderr"
wait_until 20 last_is "$L/quiet.log" "out $((N - 2))" || fail "quiet: stdout"
wait_until 20 last_is "$L/erronly.err.log" "err $((N - 1))" ||
    fail "erronly: stderr"

expect() {	# expect FILE AWK-CONDITION: every line i (from 0) satisfies it
	awk "{ i = NR - 1 } !($2) { print FILENAME \": line \" NR \": \" \$0; bad = 1; exit }
	    END { exit bad }" "$1" || fail "unexpected line in $1"
}
expect "$L/merged.log" '$0 == (i % 2 ? "err " : "out ") i'
[ "$(wc -l <"$L/merged.log")" -eq $N ] || fail "merged.log: wrong count"
expect "$L/split.log" '$0 == "out " 2 * i'
expect "$L/split.err.log" '$0 == "err " 2 * i + 1'
expect "$L/quiet.log" '$0 == "out " 2 * i'
expect "$L/erronly.err.log" '$0 == "err " 2 * i + 1'
[ ! -e "$L/merged.err.log" ] || fail "merged.err.log exists"
[ ! -e "$L/quiet.err.log" ] || fail "quiet.err.log exists"
[ ! -e "$L/erronly.log" ] || fail "erronly.log exists"
note "merge, file, none and stdout none behave"
exit 0
