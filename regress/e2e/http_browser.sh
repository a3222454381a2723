#!/bin/bash
# The web console in a real browser: headless Chromium, driven over the
# DevTools protocol by regress/e2e/browser.py, lists every service, asks
# for the token, refuses a wrong one, stops a service whose row turns
# STOPPED from the event stream within 2 seconds, follows a service's
# log to a line written after the page loaded, saves a screenshot
# (build/console.png, the README's picture), and checks the list on a
# phone's screen (no page wider than it, buttons big enough to tap).
. "$(dirname "$0")/lib.sh"

command -v chromium >/dev/null || skip "no chromium (etc/deps.sh installs it)"
command -v python3 >/dev/null || skip "no python3"
PORT=$(free_port) ||
    skip "cannot find a free port"
URL=http://127.0.0.1:$PORT
TOKEN=tok-$RANDOM-$RANDOM-secret
printf '%s\n' "$TOKEN" >"$T/token"
chmod 0600 "$T/token"
[ -n "$E2E_USER" ] && chown "$E2E_USER" "$T/token"

defaults=""
[ -z "$E2E_USER" ] && defaults="defaults: { user: nobody }"
write_conf "$T/vigild.conf" <<CONF
$defaults
http:
  listen: 127.0.0.1:$PORT
  token_file: $T/token
services:
  talk:
    command: /bin/sh -c 'trap "echo got-usr1" USR1; i=0; while :; do i=\$((i+1)); echo "tick \$i"; sleep 0.5; done'
    environment: { SECRET_VALUE: hunter2-do-not-show }
  web:
    command: /bin/sleep 1001
  db:
    command: /bin/sleep 1002
    instances: 2
  idle:
    command: /bin/sleep 1003
    autostart: false
CONF
start_vigild "$T/vigild.conf"

state_is() {	# state_is NAME STATE
	ctl status "$1" 2>/dev/null | awk '{ print $2 }' | grep -qx "$2"
}
for n in talk web db:0 db:1; do
	wait_until 10 state_is $n RUNNING || fail "$n not RUNNING"
done
wait_until 10 curl -sf "$URL/api/v1/services" -o /dev/null ||
    fail "the API does not answer"

mkdir -p "$ROOT/build"
T=$T python3 "$ROOT/regress/e2e/browser.py" "$URL" "$TOKEN" \
    "$ROOT/build/console.png" $(printf '%q ' "$VIGILCTL") -s "$SOCK" ||
    fail "the browser test failed"

# What the browser did, as vigild saw it.
grep -q 'http POST /api/v1/services/web/stop from 127.0.0.1: ok' \
    "$VIGILD_LOG" || fail "the stop is not in vigild's log"
[ "$(grep -c 'http POST /api/v1/services/web/stop' "$VIGILD_LOG")" = 1 ] ||
    fail "the refused stop reached the parent"
exit 0
