#!/bin/bash
# Descriptors run out in the control helper while clients crowd the
# control socket (its limit lowered beneath them, as in sec_fdexhaust.sh
# for HTTP): the log says so once when accept starts failing, however
# often the paused accept is tried again meanwhile, and once more when a
# client is accepted again, with how long it lasted and how many tries
# failed.  Once the crowd is gone root's vigilctl is served.
. "$(dirname "$0")/lib.sh"

[ -z "$E2E_USER" ] || skip "lowers a helper's limit with prlimit: root only"
command -v prlimit >/dev/null || skip "no prlimit"
ATTACK=$E2E_DIR/sec_attack.py
HOLD=4		# the paused accept is tried again every second

write_conf "$T/vigild.conf" <<CONF
socket: { path: $SOCK, mode: "0666" }
services:
  web: { command: /bin/sleep 1001, user: nobody }
CONF
start_vigild "$T/vigild.conf"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "web not RUNNING"
cpid=$(helper_pid control) || fail "no control helper"
lim=$(( $(ls /proc/"$cpid"/fd | wc -l) + 8 ))
# prlimit as control's own user: this host may give root no CAP_SYS_RESOURCE.
read -r cuid cgid < <(awk '/^Uid:/ { u = $2 } /^Gid:/ { g = $2 } END { print u, g }' /proc/"$cpid"/status)
setpriv --reuid="$cuid" --regid="$cgid" --clear-groups prlimit --pid "$cpid" \
    --nofile=$lim:$lim || fail "prlimit on control failed"

lines0=$(wc -l <"$VIGILD_LOG")
python3 "$ATTACK" ctl-hold "$SOCK" 40 $HOLD 65534 60001 60002 60003 60004 &
atk=$!
wait_log 5 "control socket: out of descriptors \\(accept: " ||
    fail "accept never ran out of descriptors (control holds $(ls /proc/"$cpid"/fd | wc -l) of $lim)"
wait $atk
# The crowd is gone: root is served, and that accept ends the shortage.
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "root's status is not served after the crowd"
wait_log 5 "control socket: accepting again after [0-9]+ s out of descriptors" ||
    fail "no \"accepting again\" line"
[ "$(helper_pid control)" = "$cpid" ] || fail "control was replaced"
log=$(sed -n "$((lines0 + 1)),\$p" "$VIGILD_LOG")
outs=$(grep -c "control socket: out of descriptors" <<<"$log")
again=$(grep -o "control socket: accepting again.*" <<<"$log")
tries=$(sed -n 's/.*(\([0-9]*\) tries failed).*/\1/p' <<<"$again")
note "$again"
[ "$outs" -eq 1 ] || fail "\"out of descriptors\" logged $outs times, not once"
[ "$(grep -c "control socket: accepting again" <<<"$log")" -eq 1 ] ||
    fail "\"accepting again\" logged more than once"
# Tried again while out, and not logged again: the point of the test.
[ "${tries:-0}" -ge 1 ] || fail "the accept was not tried again while out: $again"
grep -q "accept errors suppressed" <<<"$log" &&
    fail "a summary of suppressed accept errors: $(grep 'suppressed' <<<"$log")"
exit 0
