#!/bin/bash
# vigilctl details: -j gives ports as a list of numbers ([] for none);
# info shows empty and blank arguments quoted; export systemd with only -s
# reads the configuration of the vigild there, not /etc/vigild.conf; a
# reload with nothing to do answers "0 changes" over HTTP.
. "$(dirname "$0")/lib.sh"

port=$(free_port)
printf 'sesame\n' >"$T/token"
chmod 0600 "$T/token"
[ -n "$E2E_USER" ] && chown "$E2E_USER" "$T/token"
write_conf "$T/vigild.conf" <<EOF
http: { listen: 127.0.0.1:$port, token_file: $T/token }
services:
  web:
    command: [ /bin/sh, -c, "exec sleep 3001", "", "a b" ]
    instances: 2
    port: 18400
  plain:
    command: /bin/sleep 3002
EOF
start_vigild "$T/vigild.conf"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status | grep -c RUNNING | grep -qx 3" || fail "not up"

j=$(ctl -j status web:1 plain)
echo "$j" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert {s["name"]: s["ports"] for s in d} == {"plain": [], "web:1": [18401]}, d' ||
    fail "-j status: ports are not lists of numbers: $j"

ctl info web:0 | grep -qF 'command:             /bin/sh -c "exec sleep 3001" "" "a b"' ||
    fail "info: $(ctl info web:0 | grep command)"

# export with only -s: the running vigild's file (and no /etc/vigild.conf
# needed).
out=$(as_user "$VIGILCTL" -s "$SOCK" export systemd plain 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "^ExecStart=/bin/sleep 3002" ||
    fail "export with -s: $rc '$out'"

out=$(curl -s -X POST -H "Authorization: Bearer sesame" "http://127.0.0.1:$port/api/v1/reload" 2>&1)
echo "$out" | grep -q "0 changes" || fail "HTTP reload with nothing to do: $out"
exit 0
