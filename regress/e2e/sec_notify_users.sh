#!/bin/bash
# sd_notify between users: a flood from one user's process cannot starve
# another user's services.  Each user of `ready: notify' services has
# its own socket (state_dir/notify.UID.sock, mode 0600, that user's),
# and the monitor reads every socket with its own budget.  Here root's
# service pings a 2 s watchdog every 500 ms, without waiting for room in
# the queue (MSG_DONTWAIT, as a sender with a send timeout), while a
# process of nobody (the user of another service) floods nobody's socket
# from three senders for 6 s: the watchdog must not fire.  Prints the
# flood's figures and the monitor's CPU.  Then vigild is killed, and the
# next one, adopting both services, hears them on the same paths; a
# clean exit removes both sockets.
. "$(dirname "$0")/lib.sh"

[ -z "$E2E_USER" ] || skip "services of two users: root only"
HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
DGRAM=$(dirname "$HTTPD")/vigil-dgram
[ -x "$DGRAM" ] || skip "vigil-dgram is not built"
FLOOD=6

write_conf "$T/vigild.conf" <<EOF2
services:
  victim:
    command: [ $HTTPD, -N, -R, -r, "100", -w, "2000000" ]
    user: root
    ready: notify
  foe:
    command: [ $HTTPD, -R, -r, "100" ]
    user: nobody
    ready: notify
EOF2
start_vigild "$T/vigild.conf"
wait_log 10 "victim: STARTING -> RUNNING" || fail "victim did not become RUNNING"
wait_log 10 "foe: STARTING -> RUNNING" || fail "foe did not become RUNNING"
env_of() { tr '\0' '\n' </proc/"$1"/environ | sed -n "s/^$2=//p"; }
vs=$(env_of "$(svc_pid "$HTTPD -N -R")" NOTIFY_SOCKET)
fs=$(env_of "$(svc_pid "$HTTPD -R -r 100\$")" NOTIFY_SOCKET)
note "NOTIFY_SOCKET: victim (root) $vs, foe (nobody) $fs"
[ -n "$vs" ] && [ -n "$fs" ] || fail "a service has no NOTIFY_SOCKET"
[ "$vs" != "$fs" ] || fail "root's and nobody's services share $vs"
[ "$(stat -c '%U %a' "$vs")" = "root 600" ] || fail "$vs is $(stat -c '%U %a' "$vs")"
[ "$(stat -c '%U %a' "$fs")" = "nobody 600" ] || fail "$fs is $(stat -c '%U %a' "$fs")"

# nobody cannot send to root's socket at all.
read -r sent refused full < <(setpriv --reuid=nobody --regid="$(id -g nobody)" \
    --clear-groups "$DGRAM" 0.2 "$vs" "WATCHDOG=trigger")
[ "$sent" -eq 0 ] && [ "$refused" -gt 0 ] || fail "nobody could send to $vs"

mon=$(helper_pid monitor) || fail "no monitor"
ticks() { awk '{ print $14 + $15 }' /proc/"$mon"/stat; }
lines0=$(wc -l <"$VIGILD_LOG")
c0=$(ticks); t0=$(date +%s%N)
fl=
for i in 1 2 3; do
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
	    "$DGRAM" $FLOOD "$fs" "X_FLOOD=$i" >"$T/flood.$i" &
	fl="$fl $!"
done
wait $fl
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
read -r sent full < <(cat "$T"/flood.* | awk '{ s += $1; f += $3 } END { print s, f }')
c1=$(ticks)
cpu=$(( (c1 - c0) * 1000 * 1000 / $(getconf CLK_TCK) / ms ))
# One more watchdog period: a ping lost at the flood's end shows now.
sleep 2.5
restarts=$(sed -n "$((lines0 + 1)),\$p" "$VIGILD_LOG" | grep -c "victim: restarting")
lost=$(grep -c "notify .*: Resource temporarily unavailable" "$T/log/victim.log")
note "flood of nobody's socket by 3 senders for ${FLOOD}s: $sent datagrams taken, $full sends found its queue full; monitor CPU $((cpu / 10)).$((cpu % 10)) %"
note "victim's pings (every 500 ms, sent without waiting) lost to a full queue: $lost; its 2 s watchdog fired $restarts times"
[ "$sent" -gt 0 ] || fail "the flood sent nothing"
[ "$restarts" -eq 0 ] || fail "root's service was restarted by nobody's flood: $(grep 'victim: restarting' "$VIGILD_LOG" | tail -1)"
[ "$cpu" -lt 600 ] || fail "the monitor used $((cpu / 10)) % of a CPU under the flood"
n=$(sed -n "$((lines0 + 1)),\$p" "$VIGILD_LOG" | grep -c "sd_notify: ")
note "sd_notify log lines during the flood: $n"
[ "$n" -le 30 ] || fail "$n sd_notify log lines for one flood"

# After a crash the next vigild makes the same sockets: the services it
# adopts are heard (their STATUS= reaches it; it starts empty).
svcpids="$(svc_pid "$HTTPD -N -R") $(svc_pid "$HTTPD -R -r 100\$")"
CLEANUP_PIDS="$(helper_pid logger) $svcpids"
kill -KILL "$VIGILD_PID"
wait "$VIGILD_PID" 2>/dev/null
VIGILD_PID=
lines0=$(wc -l <"$VIGILD_LOG")
start_vigild "$T/vigild.conf"
wait_log 20 "adopted 2 of the 2 processes" || fail "the new vigild did not adopt both"
for svc in victim foe; do
	wait_until 10 bash -c "'$VIGILCTL' -s '$SOCK' info $svc | grep -qE '^  status: +ready'" ||
	    fail "$svc's datagrams are not heard after the adoption: $(ctl info $svc)"
done
[ "$(ctl status | awk '{ print $4 }' | tr -d , | sort | xargs)" = "$(echo $svcpids | xargs -n1 | sort | xargs)" ] ||
    fail "pids changed across the crash: $(ctl status)"
note "after a crash: both adopted services heard on $(basename "$vs") and $(basename "$fs")"

# A clean exit removes every notify socket.
stop_vigild
ls "$T"/state/notify* >/dev/null 2>&1 && fail "left behind: $(ls "$T"/state/notify*)"
exit 0
