#!/bin/bash
# `listen:` and `http.listen` take addresses, not host names: the root
# parent binds them and resolves no names (it parses no network input).
# A host name is a configuration error naming the file, line and key,
# under -n and at start alike; numeric IPv4 and IPv6 addresses,
# localhost (127.0.0.1) and * (every address) are bound as before.
. "$(dirname "$0")/lib.sh"

P=$(free_port) && P6=$(free_port) && PL=$(free_port) && PS=$(free_port) &&
    PH=$(free_port) || skip "cannot find free ports"

# 1. Host names: the exact errors, and vigild does not start.
write_conf "$T/names.conf" <<EOF2
http:
  listen: "db.example:$PH"
services:
  web:
    command: [ /bin/sleep, "1001" ]
    listen: [ "tcp://127.0.0.1:$P", "tcp://db.example:80" ]
EOF2
no_vigil_user "$T/names.conf"
hl=$(grep -n '^  listen:' "$T/names.conf" | cut -d: -f1)
sl=$(grep -n '^    listen:' "$T/names.conf" | cut -d: -f1)
want="$T/names.conf:$hl:11: bad http.listen \"db.example:$PH\": a host name; give an address (127.0.0.1, [::1], localhost or *): vigild does not resolve names in its root process
$T/names.conf:$sl:13: bad listen address \"tcp://db.example:80\" in service \"web\": a host name; give an address (127.0.0.1, [::1], localhost or *): vigild does not resolve names in its root process"
out=$(as_user "$VIGILD" -n -f "$T/names.conf" 2>&1) && fail "vigild -n accepted host names"
[ "$out" = "$want" ] || fail "vigild -n said:
$out
instead of:
$want"
note "vigild -n: $(sed -n 2p <<<"$out")"
out=$(as_user "$VIGILD" -d -f "$T/names.conf" 2>&1) && fail "vigild started with host names"
grep -qF "$(sed -n 2p <<<"$want")" <<<"$out" || fail "vigild at start said: $out"

# 2. Addresses: bound where they say.
cat >"$T/serve.py" <<'EOF2'
import os, socket, time
print("LISTEN_FDS=%s" % os.environ["LISTEN_FDS"], flush=True)
time.sleep(1001)
EOF2
chmod 0644 "$T/serve.py"
write_conf "$T/vigild.conf" <<EOF2
http:
  listen: "localhost:$PH"
services:
  web:
    command: [ /usr/bin/python3, $T/serve.py ]
    listen: [ "tcp://127.0.0.1:$P", "tcp://[::1]:$P6", "tcp://localhost:$PL", "tcp://*:$PS" ]
EOF2
start_vigild "$T/vigild.conf"
wait_until 10 grep -q "LISTEN_FDS=4" "$T/log/web.log" ||
    fail "web did not get its 4 sockets: $(cat "$T/log/web.log" 2>/dev/null)"
bound() { ss -ltnH "sport = :$1" | awk '{ print $4 }'; }
[ "$(bound $P)" = "127.0.0.1:$P" ] || fail "127.0.0.1: bound at '$(bound $P)'"
[ "$(bound $P6)" = "[::1]:$P6" ] || fail "[::1]: bound at '$(bound $P6)'"
[ "$(bound $PL)" = "127.0.0.1:$PL" ] || fail "localhost: bound at '$(bound $PL)'"
[ "$(bound $PS)" = "0.0.0.0:$PS" ] || fail "*: bound at '$(bound $PS)'"
[ "$(bound $PH)" = "127.0.0.1:$PH" ] || fail "http localhost: bound at '$(bound $PH)'"
note "bound: $(bound $P) $(bound $P6) $(bound $PL) $(bound $PS), http $(bound $PH)"
curl -sf "http://127.0.0.1:$PH/api/v1/services" >/dev/null ||
    fail "the HTTP API does not answer on localhost"
exit 0
