#!/bin/bash
# vigilctl tail, tail -f, logs, logs -f, clear: served by the logger.  A
# follower that stops reading does not slow a flooding service down: its
# lines are skipped, and it is told how many when it reads again.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
for t in vigil-lines vigil-seqcheck; do
	[ -x "$TOOLS/$t" ] || skip "no $t in $TOOLS (make tools)"
done
[ -x "$VIGILCTL" ] || skip "no vigilctl"

L=$T/log
N=1000000
write_conf "$T/vigild.conf" <<EOF
services:
  tick:
    command: $TOOLS/vigil-lines -b 0 -d 20 1000000
    user: $(helper_user)
  e:
    command: $TOOLS/vigil-lines -e -b 0 -d 50 1000000
    user: $(helper_user)
    log: { stderr: file }
  flood:
    command: $TOOLS/vigil-lines -b 65536 -w 100 $N
    user: $(helper_user)
    autostart: false
    log: { max_size: 0 }
EOF
start_vigild "$T/vigild.conf"
# bgctl OUT ARGS...: vigilctl in the background, its own pid in $BG.
bgctl() {
	local out=$1; shift
	if [ -n "$E2E_USER" ]; then
		setpriv --reuid="$E2E_USER" --regid="$(id -g "$E2E_USER")" \
		    --clear-groups env HOME="$T" XDG_RUNTIME_DIR="$T" \
		    "$VIGILCTL" -s "$SOCK" "$@" >"$out" &
	else
		"$VIGILCTL" -s "$SOCK" "$@" >"$out" &
	fi
	BG=$!
}
nlines() { wc -l <"$1" 2>/dev/null || echo 0; }
has() { [ "$(nlines "$1")" -ge "$2" ]; }
# Lines that are numbers one after the other: consecutive FILE [FIELD]
consecutive() {
	awk -v f="${2:-1}" 'NR > 1 && $f != prev + 1 { exit 1 } { prev = $f }
	    END { exit NR == 0 }' "$1"
}
wait_until 10 has "$L/tick.log" 30 || fail "tick.log"
wait_until 10 has "$L/e.err.log" 5 || fail "e.err.log"

# tail -n
ctl tail -n 5 tick >"$T/t5" || fail "tail -n 5 failed"
[ "$(nlines "$T/t5")" -eq 5 ] || fail "tail -n 5 gave $(nlines "$T/t5") lines"
consecutive "$T/t5" || fail "tail -n 5: $(tr '\n' ' ' <"$T/t5")"
[ "$(head -n 1 "$T/t5")" -ge 25 ] || fail "tail -n 5 did not show the end"
ctl tail tick >"$T/t10" && [ "$(nlines "$T/t10")" -eq 10 ] ||
    fail "tail shows 10 lines by default"
ctl tail -n 3 e stderr >"$T/te" || fail "tail e stderr failed"
grep -qvE '^err [0-9]+$' "$T/te" && fail "tail e stderr: $(cat "$T/te")"
[ "$(nlines "$T/te")" -eq 3 ] || fail "tail -n 3 e stderr"
ctl tail tick stderr >/dev/null 2>"$T/terr" && fail "tail of a merged stderr worked"
grep -q merge "$T/terr" || fail "no reason given: $(cat "$T/terr")"
ctl tail nosuch >/dev/null 2>&1
[ $? -eq 5 ] || fail "tail nosuch: not exit 5"

# tail -f: new lines come as they are written.
bgctl "$T/tf" tail -f -n 0 tick
TF=$BG
wait_until 10 has "$T/tf" 10 || fail "tail -f shows no new lines"
kill "$TF"; wait "$TF" 2>/dev/null
consecutive "$T/tf" || fail "tail -f lines: $(head -c 200 "$T/tf")"
note "tail -f: $(nlines "$T/tf") lines, $(head -n 1 "$T/tf") .. $(tail -n 1 "$T/tf")"

# logs -f: every service, each line with its name.
bgctl "$T/lf" logs -f -n 0
LF=$BG
both() { grep -q '^tick *| [0-9]' "$T/lf" && grep -q '^e *! err' "$T/lf" &&
    grep -q '^e *| out' "$T/lf"; }
wait_until 10 both || fail "logs -f: $(head -5 "$T/lf")"
kill "$LF"; wait "$LF" 2>/dev/null
grep '^tick ' "$T/lf" | awk '{ print $3 }' >"$T/lf.tick"
consecutive "$T/lf.tick" || fail "logs -f lost tick lines"
ctl logs -n 2 tick e >"$T/l2" || fail "logs -n 2"
[ "$(nlines "$T/l2")" -eq 6 ] || fail "logs -n 2 tick e: $(cat "$T/l2")"

# clear
ctl clear e >"$T/clear" || fail "clear failed"
grep -qx 'e: cleared' "$T/clear" || fail "clear said: $(cat "$T/clear")"
[ "$(nlines "$L/e.err.log")" -lt 5 ] || fail "e.err.log was not emptied"
wait_until 10 has "$L/e.err.log" 2 || fail "e.err.log not written after clear"
# A target that names nothing is said, and the rest is still done.
ctl clear e nosuch >"$T/clear2" 2>&1
[ $? -eq 5 ] || fail "clear e nosuch: not exit 5: $(cat "$T/clear2")"
grep -q '^nosuch: .*no such process' "$T/clear2" &&
    grep -qx 'e: cleared' "$T/clear2" || fail "clear e nosuch: $(cat "$T/clear2")"
ctl logs -n 1 e nosuch >"$T/l3" 2>&1
rc=$?
grep -q '^nosuch: .*no such process' "$T/l3" ||
	fail "logs e nosuch: $(cat "$T/l3")"
[ $rc -eq 5 ] || fail "logs e nosuch: exit $rc, not 5 (no such service)"

# A follower that stops reading: the flood is not slowed, lines skipped.
bgctl "$T/slow" logs -f -n 1 tick flood
SLOW=$BG
wait_until 10 has "$T/slow" 1 || fail "the slow follower got nothing"
kill -STOP "$SLOW"
start=$(date +%s%N)
ctl start flood >/dev/null || fail "start flood"
last_is() { [ "$(tail -n 1 "$L/flood.log" 2>/dev/null | cut -d' ' -f1)" = "$1" ]; }
wait_until 60 last_is $((N - 1)) || fail "the flood did not finish"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
note "100 MB flood with a stopped follower: $ms ms"
kill -CONT "$SLOW"
wait_until 20 grep -q 'lines skipped' "$T/slow" || fail "no skip marker"
kill "$SLOW"; wait "$SLOW" 2>/dev/null
note "$(grep -m1 'lines skipped' "$T/slow")"
grep -q 'does not read' "$VIGILD_LOG" && fail "control dropped the follower"
res=$("$TOOLS/vigil-seqcheck" $N "$L/flood.log") || fail "flood: $res"
exit 0
