#!/bin/bash
# The web console's server side: the pages (GET /, GET /service/NAME) with
# their Content-Security-Policy and compiled-in script and style sheet,
# GET .../info (never an environment value), GET .../log (the token, like
# tail; bounded; ?follow=1 streams new lines), POST .../signal and
# "restart all".  The browser itself: regress/e2e/http_browser.sh.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || skip "no curl"
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
    command: /bin/sh -c 'trap "echo got-usr1" USR1; i=0; while :; do i=\$((i+1)); echo "line \$i"; sleep 0.2; done'
    environment: { SECRET_VALUE: hunter2-do-not-show }
  quiet:
    command: /bin/sleep 1001
    log: { stdout: none }
  pair:
    command: /bin/sleep 1002
    instances: 2
CONF
start_vigild "$T/vigild.conf"

state_is() {	# state_is NAME STATE
	ctl status "$1" 2>/dev/null | awk '{ print $2 }' | grep -qx "$2"
}
wait_until 10 state_is talk RUNNING || fail "talk not RUNNING"
wait_until 10 state_is pair:1 RUNNING || fail "pair:1 not RUNNING"
wait_until 10 curl -sf "$URL/api/v1/services" || fail "the API does not answer"

# code METHOD PATH [curl args]: the HTTP status; body in $T/body, headers
# in $T/head
code() {
	local m=$1 p=$2; shift 2
	curl -s -D "$T/head" -o "$T/body" -w '%{http_code}' -X "$m" "$@" "$URL$p"
}
auth=(-H "Authorization: Bearer $TOKEN")
header() {	# header NAME: its value in $T/head
	tr -d '\r' <"$T/head" | sed -n "s/^$1: //Ip"
}

# ---- the pages: same-origin script and style only, said by the CSP
c=$(code GET /); [ "$c" = 200 ] || fail "index: $c"
csp=$(header Content-Security-Policy)
case "$csp" in
"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"*) ;;
*) fail "index: Content-Security-Policy is \"$csp\"" ;;
esac
grep -q '<script src="/console.js" defer></script>' "$T/body" ||
    fail "index does not load /console.js"
grep -qi '<script>' "$T/body" && fail "index has an inline script"
grep -q 'style=' "$T/body" && fail "index has an inline style"
grep -q '<noscript><meta http-equiv="refresh" content="5"></noscript>' \
    "$T/body" || fail "index has no refresh without script"
for n in talk quiet pair:0 pair:1; do
	grep -q "<tr data-name=\"$n\"><td data-f=\"name\"><a href=\"/service/$n\">" \
	    "$T/body" || fail "index lacks $n"
done
grep -q '<td data-f="state" class="state s-RUNNING">RUNNING</td>' "$T/body" ||
    fail "index: no state in words and class"
c=$(code GET /console.js); [ "$c" = 200 ] || fail "console.js: $c"
header Content-Type | grep -q '^text/javascript' || fail "console.js type"
cmp -s "$T/body" "$ROOT/control/console/console.js" ||
    fail "console.js differs from control/console/console.js"
c=$(code GET /console.css); [ "$c" = 200 ] || fail "console.css: $c"
header Content-Type | grep -q '^text/css' || fail "console.css type"
c=$(code POST /console.js); [ "$c" = 405 ] || fail "POST console.js: $c"

c=$(code GET /service/talk); [ "$c" = 200 ] || fail "service page: $c"
header Content-Security-Policy | grep -q "script-src 'self'" ||
    fail "service page: no CSP"
grep -q '<body data-page="service" data-name="talk">' "$T/body" ||
    fail "service page: no name"
grep -q '<dt>command</dt>' "$T/body" || fail "service page: no command"
grep -q '<dt>environment</dt><dd>SECRET_VALUE</dd>' "$T/body" ||
    fail "service page: no environment names"
grep -q '<pre id="log"' "$T/body" || fail "service page: no log"
c=$(code GET /service/nosuch); [ "$c" = 404 ] || fail "page of nosuch: $c"
c=$(code GET "/service/a%2Fb"); [ "$c" = 404 ] || fail "page a/b: $c"

# ---- info as JSON
c=$(code GET /api/v1/services/talk/info); [ "$c" = 200 ] || fail "info: $c"
python3 - "$T/body" <<'PY' || fail "info JSON: $(cat "$T/body")"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["status"]["name"] == "talk" and v["status"]["state"] == "RUNNING", v
assert v["config"]["environment"] == "SECRET_VALUE", v["config"]
assert "command" in v["config"] and "log.stdout" in v["config"], v["config"]
assert v["exits"] == [], v["exits"]
PY
c=$(code GET /api/v1/services/pair/info); [ "$c" = 200 ] || fail "pair info: $c"
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert [x["status"]["name"] for x in v] == ["pair:0","pair:1"], v' \
    "$T/body" || fail "pair info: $(cat "$T/body")"
c=$(code GET /api/v1/services/nosuch/info); [ "$c" = 404 ] || fail "info nosuch: $c"
c=$(code POST /api/v1/services/talk/info "${auth[@]}"); [ "$c" = 405 ] ||
    fail "POST info: $c"
for p in /api/v1/services/talk/info /service/talk; do
	curl -s "$URL$p" | grep -q hunter2 && fail "$p shows an environment value"
done

# ---- the log: the token, as tail; bounded
c=$(code GET "/api/v1/services/talk/log?lines=3"); [ "$c" = 401 ] ||
    fail "log without the token: $c"
c=$(code GET "/api/v1/services/talk/log?lines=3" -H "Authorization: Bearer nope")
[ "$c" = 401 ] || fail "log with a wrong token: $c"
wait_until 10 grep -q 'line 4' "$T/log/talk.log" || fail "talk writes no log"
c=$(code GET "/api/v1/services/talk/log?lines=3" "${auth[@]}")
[ "$c" = 200 ] || fail "log: $c $(cat "$T/body")"
header Content-Type | grep -q '^text/plain' || fail "log type"
[ "$(wc -l <"$T/body")" = 3 ] || fail "log lines=3: $(cat "$T/body")"
grep -qvx 'line [0-9]*' "$T/body" && fail "log: odd lines: $(cat "$T/body")"
c=$(code GET "/api/v1/services/talk/log?lines=1001" "${auth[@]}")
[ "$c" = 400 ] || fail "lines=1001: $c"
c=$(code GET "/api/v1/services/talk/log?lines=x" "${auth[@]}")
[ "$c" = 400 ] || fail "lines=x: $c"
c=$(code GET "/api/v1/services/talk/log?stream=both" "${auth[@]}")
[ "$c" = 400 ] || fail "stream=both: $c"
c=$(code GET "/api/v1/services/quiet/log" "${auth[@]}")
[ "$c" = 500 ] || fail "log of quiet: $c"
grep -q 'goes to no file' "$T/body" || fail "log of quiet: $(cat "$T/body")"
c=$(code GET "/api/v1/services/pair/log" "${auth[@]}")
[ "$c" = 400 ] || fail "log of pair: $c"
c=$(code GET "/api/v1/services/nosuch/log" "${auth[@]}")
[ "$c" = 404 ] || fail "log of nosuch: $c"

# ?follow=1: the last lines, then new ones as the service writes them.
curl -sN "${auth[@]}" "$URL/api/v1/services/talk/log?lines=1&follow=1" \
    >"$T/follow" 2>/dev/null &
fpid=$!
first=$(wait_until 10 test -s "$T/follow" && head -1 "$T/follow")
n=${first#line }
[ -n "$first" ] && [ "$n" != "$first" ] || fail "follow: no first line: $(cat "$T/follow")"
wait_until 10 grep -qx "line $((n + 3))" "$T/follow" ||
    fail "follow: line $((n + 3)) never came: $(tail -3 "$T/follow")"
kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
wait_log 10 'http GET /api/v1/services/talk/log from 127.0.0.1: ended by the client' ||
    fail "the parent did not stop the follower's tail"

c=$(curl -s -I -o /dev/null -w '%{http_code}' --max-time 10 "${auth[@]}" \
    "$URL/api/v1/services/talk/log?follow=1")
[ "$c" = 200 ] || fail "HEAD of a followed log: $c"

# ---- signal: ?signal=NAME, or the reload_signal
c=$(code POST "/api/v1/services/talk/signal?signal=USR1" "${auth[@]}")
[ "$c" = 200 ] || fail "signal USR1: $c $(cat "$T/body")"
wait_until 10 grep -q got-usr1 "$T/log/talk.log" || fail "talk got no USR1"
c=$(code POST "/api/v1/services/talk/signal?signal=NOPE" "${auth[@]}")
[ "$c" = 400 ] || fail "signal NOPE: $c"
c=$(code POST "/api/v1/services/talk/signal?signal=USR1")
[ "$c" = 401 ] || fail "signal without the token: $c"
wait_log 5 'http POST /api/v1/services/talk/signal[?]signal=USR1 from 127.0.0.1: ok' ||
    fail "signal not logged"

# ---- restart all
old=$(ctl pid quiet)
c=$(code POST /api/v1/services/all/restart "${auth[@]}")
[ "$c" = 200 ] || fail "restart all: $c $(cat "$T/body")"
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert sorted(set(r["name"] for r in v["results"])) == ["pair:0", "pair:1", "quiet", "talk"] and all(r["ok"] for r in v["results"]), v' \
    "$T/body" || fail "restart all: $(cat "$T/body")"
new_pid() { p=$(ctl pid quiet) && [ "$p" != 0 ] && [ "$p" != "$old" ]; }
wait_until 10 new_pid || fail "restart all did not restart quiet"
c=$(code GET /api/v1/services/all); [ "$c" = 404 ] || fail "GET all: $c"
c=$(code POST /api/v1/services/all/log "${auth[@]}"); [ "$c" = 404 ] ||
    fail "log of all: $c"
exit 0
