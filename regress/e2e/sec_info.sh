#!/bin/bash
# `info`: the arguments of a service's command (and of
# an exec health check) may hold secrets; a caller who may only read
# sees the program alone, root and socket.group see it all.
. "$(dirname "$0")/lib.sh"

[ -z "$E2E_USER" ] || skip "the reader is another uid: root only"
write_conf "$T/vigild.conf" <<CONF
socket: { path: $SOCK, mode: "0666" }
defaults: { user: nobody }
services:
  db:
    command: /bin/sh -c "sleep 1001" --password=hunter2-secret
    health: { exec: [ /bin/true, --token=hunter3-secret ], interval: 1h }
CONF
start_vigild "$T/vigild.conf"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$VIGILCTL" -s "$SOCK" info db 2>&1) || fail "info as nobody: $out"
grep -q "hunter" <<<"$out" && fail "nobody saw the arguments: $out"
grep -qF "/bin/sh (arguments shown to root and socket.group only)" \
    <<<"$out" || fail "nobody's info: $out"
note "as nobody: $(grep -m1 command <<<"$out")"
out=$(ctl info db 2>&1) || fail "info as root: $out"
grep -q "hunter2-secret" <<<"$out" || fail "root did not see the command: $out"
grep -q "hunter3-secret" <<<"$out" || fail "root did not see the check: $out"
note "as root: $(grep -m1 command <<<"$out")"
exit 0
