#!/bin/bash
# The HTTP API (vigild(8), HTTP API): every endpoint, the bearer token, the
# event stream, metrics, the status page; environment values never shown;
# garbage on the port harmless; served again after control is killed.
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
  web:
    command: /bin/sleep 1001
    environment: { SECRET_VALUE: hunter2-do-not-show }
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
wait_until 10 state_is web RUNNING || fail "web not RUNNING"
wait_until 10 state_is db:1 RUNNING || fail "db:1 not RUNNING"
wait_until 10 curl -sf "$URL/api/v1/services" || fail "the API does not answer"

# code METHOD PATH [curl args]: the HTTP status; the body in $T/body
code() {
	local m=$1 p=$2; shift 2
	curl -s -o "$T/body" -w '%{http_code}' -X "$m" "$@" "$URL$p"
}
auth=(-H "Authorization: Bearer $TOKEN")

# ---- GET /api/v1/services: the fields of vigilctl -j status -l
c=$(code GET /api/v1/services); [ "$c" = 200 ] || fail "services: $c"
python3 - "$T/body" <<'PY' || fail "services JSON: $(cat "$T/body")"
import json, sys
v = json.load(open(sys.argv[1]))
names = [s["name"] for s in v]
assert names == ["db:0", "db:1", "idle", "web"], names
PY
ctl -j status -l >"$T/ctl.json"
python3 - "$T/body" "$T/ctl.json" <<'PY' || fail "API and vigilctl -j fields differ"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert [sorted(x) for x in a] == [sorted(x) for x in b], (a[0].keys(), b[0].keys())
PY

# ---- GET /api/v1/services/NAME
c=$(code GET /api/v1/services/web); [ "$c" = 200 ] || fail "web: $c"
grep -q '"state": "RUNNING"' "$T/body" || fail "web: $(cat "$T/body")"
c=$(code GET /api/v1/services/db:1); [ "$c" = 200 ] || fail "db:1: $c"
grep -q '"name": "db:1"' "$T/body" || fail "db:1: $(cat "$T/body")"
c=$(code GET /api/v1/services/db%3A0); [ "$c" = 200 ] || fail "db%3A0: $c"
c=$(code GET /api/v1/services/nosuch); [ "$c" = 404 ] || fail "nosuch: $c"
grep -q '"error": "no such process"' "$T/body" || fail "404 body: $(cat "$T/body")"
c=$(code GET '/api/v1/services/%2A'); [ "$c" = 404 ] || fail "glob: $c"
c=$(code GET /api/v1/services/all); [ "$c" = 404 ] || fail "all: $c"
c=$(code GET /nothing/here); [ "$c" = 404 ] || fail "unknown path: $c"
c=$(code DELETE /api/v1/services); [ "$c" = 405 ] || fail "DELETE: $c"
c=$(code GET /api/v1/services/web/stop); [ "$c" = 405 ] || fail "GET stop: $c"
c=$(code POST /metrics); [ "$c" = 405 ] || fail "POST metrics: $c"

# ---- the event stream, in the background while we act
curl -s -N "$URL/api/v1/events" >"$T/events" 2>/dev/null &
SSE=$!
wait_until 5 grep -q 'vigild events' "$T/events" || fail "no event stream"

# ---- POST: no token, a wrong one, the right one
oldpid=$(svc_pid 'sleep 1001')
[ -n "$oldpid" ] || fail "no web process"
c=$(code POST /api/v1/services/web/stop); [ "$c" = 401 ] || fail "no token: $c"
c=$(code POST /api/v1/services/web/stop -H "Authorization: Bearer wrong"); [ "$c" = 401 ] ||
    fail "wrong token: $c"
c=$(code POST /api/v1/services/web/stop -H "Authorization: Bearer ${TOKEN}x"); [ "$c" = 401 ] ||
    fail "longer token: $c"
c=$(code POST /api/v1/services/web/stop -H "Authorization: Basic $TOKEN"); [ "$c" = 401 ] ||
    fail "Basic: $c"
kill -0 "$oldpid" || fail "web stopped without a token"
c=$(code POST /api/v1/services/web/stop "${auth[@]}"); [ "$c" = 200 ] || fail "stop: $c $(cat "$T/body")"
grep -q '"result": "stopped"' "$T/body" || fail "stop body: $(cat "$T/body")"
wait_until 10 bash -c "! kill -0 $oldpid" || fail "web still runs after stop"
wait_until 10 state_is web STOPPED || fail "web not STOPPED"
c=$(code POST /api/v1/services/web/stop "${auth[@]}"); [ "$c" = 409 ] || fail "stop again: $c"
grep -q 'not running' "$T/body" || fail "409 body: $(cat "$T/body")"
c=$(code POST /api/v1/services/nosuch/start "${auth[@]}"); [ "$c" = 404 ] || fail "start nosuch: $c"
c=$(code POST '/api/v1/services/web/start?wait=1' "${auth[@]}"); [ "$c" = 200 ] ||
    fail "start: $c $(cat "$T/body")"
grep -q '"result": "started"' "$T/body" || fail "start body: $(cat "$T/body")"
newpid=$(svc_pid 'sleep 1001')
[ -n "$newpid" ] && [ "$newpid" != "$oldpid" ] || fail "web did not start again"
c=$(code POST /api/v1/services/web/start "${auth[@]}"); [ "$c" = 409 ] || fail "start again: $c"
c=$(code POST /api/v1/services/web/restart "${auth[@]}"); [ "$c" = 200 ] || fail "restart: $c"
wait_until 10 bash -c "! kill -0 $newpid" || fail "restart left the old process"
wait_log 5 'http POST /api/v1/services/web/stop from 127\.0\.0\.1: ok' ||
    fail "the POST is not logged"

# ---- the events seen
wait_until 5 grep -q '"to":"STOPPED"' "$T/events" || fail "no STOPPED event: $(cat "$T/events")"
grep -q '^event: state$' "$T/events" || fail "no state event"
grep -q '^event: exit$' "$T/events" || fail "no exit event"
grep -q '^data: {"name":"web".*"from":"RUNNING","to":"STOPPING"' "$T/events" ||
    fail "no RUNNING -> STOPPING event: $(cat "$T/events")"
kill "$SSE" 2>/dev/null; wait "$SSE" 2>/dev/null

# ---- POST /api/v1/reload: the changes, or 422 with the errors
cp "$T/vigild.conf" "$T/orig.conf"
printf '  added:\n    command: /bin/sleep 1004\n' >>"$T/vigild.conf"
c=$(code POST /api/v1/reload); [ "$c" = 401 ] || fail "reload without token: $c"
c=$(code POST /api/v1/reload "${auth[@]}"); [ "$c" = 200 ] || fail "reload: $c $(cat "$T/body")"
grep -q 'added' "$T/body" || fail "reload body: $(cat "$T/body")"
wait_until 10 state_is added RUNNING || fail "added not RUNNING"
cp "$T/vigild.conf" "$T/good.conf"
printf '  broken: [\n' >>"$T/vigild.conf"
c=$(code POST /api/v1/reload "${auth[@]}"); [ "$c" = 422 ] || fail "bad reload: $c $(cat "$T/body")"
grep -q '"ok": false' "$T/body" || fail "bad reload body: $(cat "$T/body")"
cp "$T/good.conf" "$T/vigild.conf"

# ---- GET /metrics: the Prometheus text format
c=$(code GET /metrics); [ "$c" = 200 ] || fail "metrics: $c"
wait_until 5 bash -c "curl -s $URL/metrics | grep -q '^vigil_service_memory_bytes{name=\"web\"'" ||
    fail "no memory sample for web"
curl -s "$URL/metrics" >"$T/metrics"
bad=$(grep -vE '^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$|^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+]+$' "$T/metrics")
[ -z "$bad" ] || fail "not the Prometheus text format: $bad"
grep -q '^vigil_service_state{name="web",instance="0",state="RUNNING"} 1$' "$T/metrics" ||
    fail "no web state metric"
grep -q '^vigil_service_restarts_total{name="db",instance="1"} ' "$T/metrics" ||
    fail "no db:1 restarts metric"
grep -q '^# TYPE vigil_service_restarts_total counter$' "$T/metrics" || fail "no TYPE line"
for m in vigil_service_up vigil_service_uptime_seconds vigil_service_cpu_percent \
    vigil_service_memory_bytes vigil_service_health; do
	grep -q "^# HELP $m " "$T/metrics" || fail "no $m"
done

# ---- GET /: the page
c=$(code GET /); [ "$c" = 200 ] || fail "index: $c"
grep -q '<tr data-name="web">' "$T/body" || fail "index page lacks web"
grep -qiE '(src|href)="https?:' "$T/body" && fail "index page loads outside resources"

# ---- environment values appear nowhere
for p in /api/v1/services /api/v1/services/web /metrics / /service/web \
    /api/v1/services/web/info; do
	curl -s "$URL$p" | grep -q hunter2 && fail "$p shows an environment value"
done
grep -q hunter2 "$T/events" && fail "events show an environment value"

# ---- garbage on the port: the daemon does not mind (each on its own
# connection, all at once: nc lingers a second after sending)
cpid=$(helper_pid control)
ncs=
for g in 'GARBAGE\r\n\r\n' 'GET /api/v1/services HTTP/9.9\r\n\r\n' \
    'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n' \
    'POST /api/v1/reload HTTP/1.1\r\nAuthorization: Bearer\r\n\r\n' \
    '\x00\x01\x02\xff\r\n\r\n'; do
	printf "$g" | timeout 5 nc -q 1 127.0.0.1 "$PORT" >/dev/null 2>&1 &
	ncs="$ncs $!"
done
head -c 100000 /dev/urandom | timeout 5 nc -q 1 127.0.0.1 "$PORT" >/dev/null 2>&1 &
wait $ncs $!
long=$(head -c 20000 /dev/zero | tr '\0' a)
c=$(code GET /api/v1/services -H "X-Long: $long"); [ "$c" != 200 ] || fail "20 KB header accepted"
head -c 100000 /dev/zero >"$T/big"
c=$(code POST /api/v1/reload "${auth[@]}" --data-binary "@$T/big")
[ "$c" != 200 ] || fail "100 KB body accepted"
[ "$(helper_pid control)" = "$cpid" ] || fail "control restarted after garbage"
kill -0 "$VIGILD_PID" || fail "vigild died"
c=$(code GET /api/v1/services/web); [ "$c" = 200 ] || fail "after garbage: $c"

# ---- control killed: served again by the new one
kill -9 "$cpid"
new_control() {
	local p
	p=$(helper_pid control) && [ "$p" != "$cpid" ]
}
wait_until 10 new_control || fail "control not respawned"
wait_until 10 curl -sf "$URL/api/v1/services/web" || fail "the API does not come back"
c=$(code POST /api/v1/services/idle/start "${auth[@]}"); [ "$c" = 200 ] || fail "start after respawn: $c"
wait_until 10 state_is idle RUNNING || fail "idle not RUNNING"
grep -q -- "$TOKEN" "$VIGILD_LOG" && fail "the token is in the log"
exit 0
