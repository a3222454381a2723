#!/bin/bash
# Bounded audit log: an unprivileged client asking for
# `reload` as fast as it is refused, and an HTTP client posting wrong
# tokens, each for 6 s: every refusal and failed login is answered, the
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

lines0=$(wc -l <"$VIGILD_LOG")
out=$(python3 "$ATTACK" ctl-deny "$SOCK" $SECS 65534) || fail "attack: $out"
lines1=$(wc -l <"$VIGILD_LOG")
refused=$(sed -n 's/^refusals: \([0-9]*\).*/\1/p' <<<"$out")
note "control socket: $refused refusals in ${SECS}s," \
    "$((lines1 - lines0)) log lines ($(( (lines1 - lines0) / SECS )) a second)"
[ "${refused:-0}" -gt 50 ] || fail "the flood did not run: $out"
[ $((lines1 - lines0)) -le $((SECS * 3 + 10)) ] ||
    fail "$((lines1 - lines0)) lines for ${SECS}s of refusals"
grep -q 'vigilctl reload by uid 65534 pid [0-9]*: permission denied' \
    "$VIGILD_LOG" || fail "the refusal is not logged with the peer"
wait_log 15 'more "permission denied" lines suppressed in the last 10 s' ||
    fail "no summary of the suppressed refusals"

lines0=$(wc -l <"$VIGILD_LOG")
out=$(python3 "$ATTACK" http-401 127.0.0.1 "$PORT" $SECS) || fail "attack: $out"
lines1=$(wc -l <"$VIGILD_LOG")
n=$(sed -n 's/^401 answers: \([0-9]*\).*/\1/p' <<<"$out")
note "HTTP: $n failed logins in ${SECS}s," \
    "$((lines1 - lines0)) log lines ($(( (lines1 - lines0) / SECS )) a second)"
[ "${n:-0}" -gt 50 ] || fail "the flood did not run: $out"
[ $((lines1 - lines0)) -le $((SECS * 3 + 10)) ] ||
    fail "$((lines1 - lines0)) lines for ${SECS}s of failed logins"
grep -q 'http: POST /api/v1/reload from 127.0.0.1: refused (401)' \
    "$VIGILD_LOG" || fail "a failed login is not logged with the peer"
wait_log 15 'more failed HTTP logins \(401\) suppressed' ||
    fail "no summary of the suppressed failed logins"
exit 0
