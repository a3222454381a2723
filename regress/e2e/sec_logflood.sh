#!/bin/bash
# Bounded audit log: an unprivileged client asking for
# `reload` as fast as it is refused, and an HTTP client posting wrong
# tokens, both at once for 6 s: every refusal and failed login is answered, the
# log holds at most a few lines a second with the peer named, and a
# "N more ... suppressed" line accounts for the rest.  Prints the figures.
. "$(dirname "$0")/lib.sh"

[ -z "$E2E_USER" ] || skip "the attack runs as another uid: root only"
PORT=$(free_port) ||
    skip "cannot find a free port"
ATTACK=$E2E_DIR/sec_attack.py
SECS=6
printf 'tok-%s-secret\n' "$RANDOM$RANDOM" >"$T/token"
chmod 0600 "$T/token"

write_conf "$T/vigild.conf" <<CONF
socket: { path: $SOCK, mode: "0666" }
defaults: { user: nobody }
http:
  listen: 127.0.0.1:$PORT
  token_file: $T/token
services:
  web: { command: /bin/sleep 1001 }
CONF
start_vigild "$T/vigild.conf"

# Both floods at once: each limiter has its own window, and the test
# waits for the two summaries together.
lines0=$(wc -l <"$VIGILD_LOG")
python3 "$ATTACK" ctl-deny "$SOCK" $SECS 65534 >"$T/deny.out" 2>&1 &
denyatk=$!
python3 "$ATTACK" http-401 127.0.0.1 "$PORT" $SECS >"$T/401.out" 2>&1 &
httpatk=$!
wait $denyatk || fail "attack: $(cat "$T/deny.out")"
wait $httpatk || fail "attack: $(cat "$T/401.out")"
lines1=$(wc -l <"$VIGILD_LOG")
during() {	# log lines of the floods' seconds that match $1
	sed -n "$((lines0 + 1)),${lines1}p" "$VIGILD_LOG" | grep -cE "$1"
}
bound=$((SECS * 3 + 10))

out=$(cat "$T/deny.out")
refused=$(sed -n 's/^refusals: \([0-9]*\).*/\1/p' <<<"$out")
n=$(during 'by uid 65534 pid [0-9]+: permission denied')
note "control socket: $refused refusals in ${SECS}s, $n log lines for them"
[ "${refused:-0}" -gt 50 ] || fail "the flood did not run: $out"
[ "$n" -le $bound ] || fail "$n lines for ${SECS}s of refusals"
grep -q 'vigilctl reload by uid 65534 pid [0-9]*: permission denied' \
    "$VIGILD_LOG" || fail "the refusal is not logged with the peer"

out=$(cat "$T/401.out")
n401=$(sed -n 's/^401 answers: \([0-9]*\).*/\1/p' <<<"$out")
n=$(during 'from 127\.0\.0\.1: refused \(401\)')
note "HTTP: $n401 failed logins in ${SECS}s, $n log lines for them"
[ "${n401:-0}" -gt 50 ] || fail "the flood did not run: $out"
[ "$n" -le $bound ] || fail "$n lines for ${SECS}s of failed logins"
grep -q 'http: POST /api/v1/reload from 127.0.0.1: refused (401)' \
    "$VIGILD_LOG" || fail "a failed login is not logged with the peer"

note "log lines during both floods: $((lines1 - lines0))" \
    "($(( (lines1 - lines0) / SECS )) a second)"
[ $((lines1 - lines0)) -le $((2 * bound)) ] ||
    fail "$((lines1 - lines0)) lines for ${SECS}s of both floods"
wait_log 15 'more "permission denied" lines suppressed in the last 10 s' ||
    fail "no summary of the suppressed refusals"
wait_log 15 'more failed HTTP logins \(401\) suppressed' ||
    fail "no summary of the suppressed failed logins"
exit 0
