#!/bin/bash
# vigilctl upgrade while reloads are loading or queued (4,000 services, so
# each reload takes several turns): the upgrade waits until they are done
# and answered, then re-executes vigild; the services keep their pids.
# While the upgrade is under way (its check held by a gate) a reload from
# vigilctl is refused (exit 1, "try again") and a SIGHUP is held: after a
# failed upgrade the held reload runs.  The order comes from vigild's own
# log lines.
. "$(dirname "$0")/lib.sh"

N=4000
# vigild runs from a wrapper whose check (vigild -n) waits for $T/go, or
# fails if $T/bad exists; anything else runs the real binary as itself.
mkdir "$T/bin"
cp "$VIGILD" "$T/bin/vigild.real"
cat >"$T/bin/vigild" <<EOF
#!/bin/bash
if [ "\$1" = -n ]; then
	while [ ! -e "$T/go" ]; do sleep 0.05; done
	[ -e "$T/bad" ] && { echo "vigild: gate says no" >&2; exit 1; }
fi
exec -a "\$0" "$T/bin/vigild.real" "\$@"
EOF
chmod -R a+rx "$T/bin"
VIGILD=$T/bin/vigild
{
	[ -z "$E2E_USER" ] && echo "defaults: { user: nobody }"
	echo "services:"
	echo "  keep1:"
	echo "    command: /bin/sleep 2001"
	echo "  keep2:"
	echo "    command: /bin/sleep 2002"
	awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) {
		printf "  s%05d:\n    command: [/bin/true, \"%d\"]\n", i, i
		printf "    autostart: false\n"
		printf "    environment: { A: \"a\", B: \"b\" }\n" } }'
} | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf" -v
up() { [ "$(ctl status keep1 keep2 | grep -c RUNNING)" -eq 2 ]; }
wait_until 20 up || fail "keep1 and keep2 are not RUNNING"
pids() { ctl status keep1 keep2 | awk '{ print $1, $4 }'; }
before=$(pids)
daemon=$VIGILD_PID

log_from() { tail -n +"$1" "$VIGILD_LOG"; }
logged() { log_from "$from" | grep -qE "$1"; }
# The line number (from $from on) of the first line matching $1.
line_of() { log_from "$from" | grep -nE "$1" | head -1 | cut -d: -f1; }

# An upgrade that fails its check: a SIGHUP held meanwhile then runs.
touch "$T/bad"
from=$(($(wc -l <"$VIGILD_LOG") + 1))
ctl upgrade >"$T/up" 2>&1 & upid=$!
wait_until 10 logged "upgrade: checking" || fail "no upgrade check"
kill -HUP "$daemon"
wait_until 10 logged "reload: held while an upgrade is under way" ||
    fail "the SIGHUP was not held"
touch "$T/go"
wait $upid && fail "a failing check was accepted: $(cat "$T/up")"
grep -q "upgrade refused: vigild: gate says no" "$T/up" ||
    fail "the reason is not given: $(cat "$T/up")"
wait_until 10 logged "reload: No config updates to processes" ||
    fail "the held reload did not run after the failed upgrade"
[ "$(line_of 'upgrade refused')" -lt \
    "$(line_of 'reload: the upgrade did not happen')" ] ||
    fail "the held reload ran before the upgrade failed"
rm -f "$T/bad" "$T/go"

waited=0
for try in 1 2 3; do
	from=$(($(wc -l <"$VIGILD_LOG") + 1))
	for i in 1 2 3; do
		ctl reload >"$T/r$i" 2>&1 & rp[$i]=$!
	done
	wait_until 10 logged "reload: loading" || fail "no reload loading"
	ctl upgrade >"$T/up" 2>&1 & upid=$!
	# The upgrade's check waits for the gate: a reload now is refused.
	wait_until 30 logged "upgrade: checking" || fail "no upgrade check"
	ctl reload >"$T/late" 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "a reload during the upgrade: exit $rc," \
	    "not 1: $(cat "$T/late")"
	grep -q "an upgrade of vigild is under way: try again" "$T/late" ||
	    fail "a reload during the upgrade said: $(cat "$T/late")"
	touch "$T/go"
	wait $upid || fail "upgrade: exit $?: $(cat "$T/up")"
	note "$(cat "$T/up")"
	for i in 1 2 3; do
		wait ${rp[$i]} || fail "reload $i: exit $?: $(cat "$T/r$i")"
		grep -qx "No config updates to processes" "$T/r$i" ||
		    fail "reload $i said: $(cat "$T/r$i")"
	done
	wait_until 10 logged "re-executed for an upgrade, pid $daemon" ||
	    fail "vigild did not re-execute itself"
	rm -f "$T/go"
	logged "upgrade: waiting for [0-9]+ reloads? to finish" &&
	    { waited=1; break; }
	note "try $try: the reloads were done before the upgrade came"
done
[ $waited -eq 1 ] || fail "the upgrade never came while a reload was queued"

# By vigild's log: the upgrade came, the reloads it waited for ended
# (answered ok), then the check, the refused reload, the exec.
req=$(line_of "upgrade requested by uid")
chk=$(line_of "upgrade: checking")
late=$(line_of "vigilctl reload by uid [0-9]+ pid [0-9]+: failed: an upgrade")
exe=$(line_of "upgrade: re-executing")
oks=$(log_from "$from" | grep -nE "vigilctl reload by uid [0-9]+ pid [0-9]+: ok" |
    cut -d: -f1)
[ "$(wc -w <<<"$oks")" -eq 3 ] || fail "not 3 reloads ok: $oks"
for l in $oks; do
	[ "$l" -lt "$chk" ] || fail "a reload ended after the upgrade's check"
done
after=$(awk -v r="$req" '$1 > r' <<<"$oks" | wc -l)
[ "$after" -ge 1 ] || fail "no reload ended after the upgrade came"
[ -n "$late" ] && [ "$chk" -lt "$late" ] && [ "$late" -lt "$exe" ] ||
    fail "the refused reload is not between the check and the exec"
note "$after of the 3 reloads ended while the upgrade waited"
kill -0 "$daemon" || fail "vigild's pid changed"
wait_log 10 "adopted 2 of the 2 processes" || fail "not all adopted"
[ "$(pids)" = "$before" ] || fail "pids changed across the upgrade"
exit 0
