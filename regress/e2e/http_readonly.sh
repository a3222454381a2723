#!/bin/bash
# The HTTP API without http.token_file: GET works, every POST is 403 and
# changes nothing.  As root, a token file others may write is refused at
# start with a clear error.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || skip "no curl"
PORT=$(free_port) ||
    skip "cannot find a free port"
URL=http://127.0.0.1:$PORT

defaults=""
[ -z "$E2E_USER" ] && defaults="defaults: { user: nobody }"
write_conf "$T/vigild.conf" <<CONF
$defaults
http:
  listen: 127.0.0.1:$PORT
services:
  web:
    command: /bin/sleep 1001
CONF
start_vigild "$T/vigild.conf"
wait_until 10 curl -sf "$URL/api/v1/services/web" || fail "the API does not answer"
pid=$(svc_pid 'sleep 1001')
[ -n "$pid" ] || fail "no web process"
c=$(curl -s -o "$T/body" -w '%{http_code}' -X POST "$URL/api/v1/services/web/stop")
[ "$c" = 403 ] || fail "POST without token_file: $c"
grep -q 'read-only' "$T/body" || fail "403 body: $(cat "$T/body")"
c=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer x' \
    "$URL/api/v1/reload")
[ "$c" = 403 ] || fail "reload without token_file: $c"
kill -0 "$pid" || fail "web was stopped"
stop_vigild

# A token file others may write: refused at start (root only).
if [ -z "$E2E_USER" ]; then
	echo secret >"$T/token"
	chmod 0666 "$T/token"
	write_conf "$T/bad.conf" <<CONF
http:
  listen: 127.0.0.1:$PORT
  token_file: $T/token
CONF
	out=$(timeout 10 "$VIGILD" -d -f "$T/bad.conf" -p "$T/bad.pid" 2>&1)
	[ $? -ne 0 ] || fail "a world-writable token file was accepted"
	grep -qF "cannot read http.token_file \"$T/token\": refusing token_file: mode 0666 is writable by group or others" <<<"$out" ||
	    fail "world-writable token: $out"
	grep -q secret <<<"$out" && fail "the token was printed"
	# The same under -n (it used to pass there).
	out=$("$VIGILD" -n -f "$T/bad.conf" 2>&1)
	[ $? -ne 0 ] || fail "vigild -n accepted a world-writable token file"
	grep -qF "refusing token_file: mode 0666" <<<"$out" ||
	    fail "vigild -n, world-writable token: $out"
fi
exit 0
