#!/bin/bash
# update under the supervisorctl name prints "NAME: stopped" only once the
# process is gone, as supervisorctl does (it waits for the stop); vigil's
# own reload --wait and remove --wait end once what they stop is gone.
# The services here take 1 s to stop (a TERM trap), so a line printed at
# the signal would find them still there.  Also vigil's own remove of a
# service still in the file: refused, and said why.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
ln -s "$VIGILCTL" "$T/bin/supervisorctl"
chmod 0755 "$T/bin"

# conf [NAME[=TAG]]...: web, and a slow stopper per NAME
conf() {
	local n tag
	printf 'defaults: { start_seconds: 1, stop_timeout: 20s }\n'
	printf 'services:\n  web:\n    command: /bin/sleep 4201\n'
	for n in "$@"; do
		tag=${n#*=}
		n=${n%%=*}
		printf '  %s:\n    command: [ /bin/sh, -c, "trap %s TERM; while :; do sleep 0.1; done", %s, %s ]\n' \
		    "$n" "'sleep 1; exit 0'" "$T" "$tag"
	done
}
sup() { as_user "$T/bin/supervisorctl" -s "$SOCK" "$@"; }
pid_of() { ctl pid "$1"; }
running() { ctl status "$1" | grep -q RUNNING; }

conf a b c | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf"
for s in web a b c; do
	wait_until 10 running $s || fail "$s not RUNNING"
done

# update: each line checked the moment it is read
check_update() {	# expected lines...
	local line out=""
	while IFS= read -r line; do
		out="$out$line
"
		case $line in
		*": stopped")
			p=${line%: stopped}
			kill -0 "${PIDS[$p]}" 2>/dev/null &&
			    out="${out}STILL THERE: $p pid ${PIDS[$p]}
" ;;
		esac
	done < <(sup update; echo "exit $?")
	[ "${out%$'\n'}" = "$(printf '%s\n' "$@")" ] ||
	    fail "update printed:
$out--- wanted:
$(printf '%s\n' "$@")"
}
declare -A PIDS

# --- a removed, b changed: stopped (and gone), then the group lines
PIDS[a]=$(pid_of a); PIDS[b]=$(pid_of b)
conf b=changed c | write_conf "$T/vigild.conf"
check_update "a: stopped" "a: removed process group" "b: stopped" \
    "b: updated process group" "exit 0"
wait_until 10 running b || fail "b did not come back"
[ "$(pid_of b)" != "${PIDS[b]}" ] || fail "b kept its pid"
# nothing to do: nothing printed
check_update "exit 0"

# --- vigil's reload --wait: ends once c's process is gone
PIDS[c]=$(pid_of c)
conf b=changed | write_conf "$T/vigild.conf"
out=$(ctl reload --wait) || fail "reload --wait: $? '$out'"
[ "$out" = "c: removed process group" ] || fail "reload --wait: '$out'"
kill -0 "${PIDS[c]}" 2>/dev/null && fail "reload --wait returned, c still there"

# --- vigil's remove: refused while in the file; --wait once gone from it
out=$(ctl remove b 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "b: ERROR (still in $T/vigild.conf: remove it from the file first)" ] ||
    fail "remove b (still in the file): $rc '$out'"
running b || fail "a refused remove touched b"
PIDS[b]=$(pid_of b)
conf | write_conf "$T/vigild.conf"
out=$(ctl remove --wait b) || fail "remove --wait b: $? '$out'"
[ "$out" = "b: removed process group" ] || fail "remove --wait b: '$out'"
kill -0 "${PIDS[b]}" 2>/dev/null && fail "remove --wait returned, b still there"
ctl status b >/dev/null 2>&1
[ $? -eq 4 ] || fail "b is still known after remove"
grep -q "b: RUNNING -> STOPPING" "$VIGILD_LOG" || fail "b was not stopped"

# --- a rolling change that stops at a failure: reload --wait ends then,
# and says which old process it left running (not a timeout)
cat >>"$T/vigild.conf" <<EOF
  pool:
    command: [ /bin/sh, -c, "exec /bin/sleep 4202", $T ]
    instances: 2
EOF
ctl reload >/dev/null || fail "reload (pool added)"
wait_until 10 bash -c "[ \$($VIGILCTL -s $SOCK status 'pool:*' | grep -c RUNNING) -eq 2 ]" ||
    fail "pool not up"
p0=$(ctl pid pool:0); p1=$(ctl pid pool:1)
sed -i "s|\[ /bin/sh, -c, \"exec /bin/sleep 4202\", $T \]|$T/nonexistent|" \
    "$T/vigild.conf"
grep -q "command: $T/nonexistent" "$T/vigild.conf" || fail "sed: $(cat "$T/vigild.conf")"
printf '    start_retries: 0\n' >>"$T/vigild.conf"
ctl reload --wait >"$T/roll.out" 2>"$T/roll.err"; rc=$?
[ $rc -eq 1 ] && [ "$(cat "$T/roll.out")" = "pool: updated process group" ] &&
    [ "$(cat "$T/roll.err")" = "pool:1: ERROR (not restarted (pid $p1): the rolling restart of the reload stopped at a failure)" ] ||
    fail "reload --wait of a failing roll: $rc '$(cat "$T/roll.out" "$T/roll.err")'"
kill -0 "$p0" 2>/dev/null && fail "pool:0's old process is still there"
[ "$(ctl pid pool:1)" = "$p1" ] || fail "pool:1 was replaced"
exit 0
