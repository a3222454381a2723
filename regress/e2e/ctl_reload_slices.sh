#!/bin/bash
# A reload of a big file (4,000 services) is loaded in slices of the
# event loop: a status sent during it is answered before the reload is
# done (the order of vigild's own -v log lines), no turn of the loop
# while it loads goes far beyond the 20 ms budget, and reloads sent
# together queue and all succeed.
. "$(dirname "$0")/lib.sh"

N=4000
{
	[ -z "$E2E_USER" ] && echo "defaults: { user: nobody }"
	echo "services:"
	echo "  keep:"
	echo "    command: /bin/sleep 2001"
	awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) {
		printf "  s%05d:\n    command: [/bin/true, \"%d\"]\n", i, i
		printf "    autostart: false\n"
		printf "    environment: { A: \"a\", B: \"b\" }\n" } }'
} | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf" -v
keep_up() {
	ctl status keep 2>/dev/null | grep -q RUNNING
}
wait_until 20 keep_up || fail "keep is not RUNNING"
pkeep=$(ctl pid keep)

# The lines of the log from line $1 on.
log_from() {
	tail -n +"$1" "$VIGILD_LOG"
}

answered=0
for try in 1 2 3 4 5; do
	from=$(($(wc -l <"$VIGILD_LOG") + 1))
	ctl reload >"$T/reload.out" 2>&1 &
	rpid=$!
	while kill -0 $rpid 2>/dev/null; do
		ctl status keep >/dev/null 2>&1
	done
	wait $rpid || fail "reload: exit $?: $(cat "$T/reload.out")"
	grep -qx "No config updates to processes" "$T/reload.out" ||
	    fail "reload said: $(cat "$T/reload.out")"
	reload_logged() {
		log_from "$from" | grep -qE "vigilctl reload by uid [0-9]+ pid [0-9]+: ok"
	}
	wait_until 10 reload_logged || fail "no end of the reload in the log"
	# Between the start of the load and its end, by vigild's log.
	log_from "$from" | awk '
	    /reload: loading / { on = 1; next }
	    / loaded in [0-9]+ slices?/ { if (on) exit }
	    on' >"$T/during"
	slices=$(log_from "$from" | sed -n 's/.* loaded in \([0-9]*\) slice.*/\1/p' |
	    head -1)
	[ -n "$slices" ] || fail "no 'loaded in N slices' line"
	[ "$slices" -ge 2 ] || fail "$N services loaded in $slices slice"
	# Every turn while it loads: the budget is 20 ms, a slice stops at
	# the first check past it; 45 ms is far beyond that.
	awk '/event loop: one turn took/ {
		for (i = 1; i <= NF; i++) if ($i == "took") ms = $(i + 1)
		if (ms + 0 > 45) { print; bad = 1 } }
	    END { exit bad }' "$T/during" >"$T/long" ||
	    fail "a turn of the loop took too long while loading: $(cat "$T/long")"
	if grep -q "vigilctl status keep by uid [0-9]* pid [0-9]*: ok" \
	    "$T/during"; then
		answered=1
		break
	fi
	note "try $try: no status fell inside the load ($slices slices)"
done
[ $answered -eq 1 ] || fail "no status was answered during a reload"

# Reloads and a reread at once: they queue, each is answered.
ctl reload >"$T/r1" 2>&1 & p1=$!
ctl reread >"$T/r2" 2>&1 & p2=$!
ctl reload >"$T/r3" 2>&1 & p3=$!
wait $p1 || fail "reload 1: $(cat "$T/r1")"
wait $p2 || fail "reread: $(cat "$T/r2")"
wait $p3 || fail "reload 3: $(cat "$T/r3")"
for f in r1 r2 r3; do
	grep -qx "No config updates to processes" "$T/$f" ||
	    fail "$f said: $(cat "$T/$f")"
done
[ "$(ctl pid keep)" = "$pkeep" ] || fail "keep was restarted"
exit 0
