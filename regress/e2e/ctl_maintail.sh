#!/bin/bash
# maintail (vigilctl(8)): vigild's own recent log lines, kept by the
# parent in a ring of 64 KiB: stamped as supervisord stamps its own, the
# last N bytes as supervisorctl asks, -f follows what is logged next, the
# oldest lines go first once more than 64 KiB were logged (whole lines),
# and only privileged callers may read it (the audit of who did what is
# in it).  A follower still there when vigild stops is forgotten then,
# and the log says so.
. "$(dirname "$0")/lib.sh"

[ -z "$E2E_USER" ] && [ "$(id -u)" = 0 ] || skip "needs root"
getent group nogroup >/dev/null || skip "no group nogroup"

write_conf "$T/vigild.conf" <<EOF
socket: { path: $SOCK, mode: "0666" }
defaults: { start_seconds: 0 }
services:
  web:
    command: /bin/sleep 4101
EOF
start_vigild "$T/vigild.conf"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "web not up"
STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}'

# --- the last bytes; whole lines from the start with -0
out=$(ctl maintail -0) || fail "maintail -0: $?"
head -1 <<<"$out" | grep -qE "^$STAMP INFO " ||
    fail "maintail -0 does not start with a stamped line: $(head -3 <<<"$out")"
grep -qE "^$STAMP INFO all autostart services started$" <<<"$out" ||
    fail "maintail -0: no start-up line: $out"
grep -qE "^$STAMP INFO web: STARTING -> RUNNING$" <<<"$out" ||
    fail "maintail -0: no state change of web: $out"
n=$(ctl maintail -50 | wc -c)
[ "$n" -eq 50 ] || fail "maintail -50: $n bytes"
out=$(ctl maintail -q 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "usage: vigilctl maintail" <<<"$out" ||
    fail "maintail -q: $rc '$out'"

# --- privileged only: an ordinary user may see status, not this log
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$VIGILCTL" -s "$SOCK" status web 2>&1) ||
    fail "nobody: status: $? '$out'"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$VIGILCTL" -s "$SOCK" maintail 2>&1); rc=$?
[ $rc -eq 4 ] && grep -q "permission denied" <<<"$out" ||
    fail "nobody: maintail: $rc '$out'"
grep -qE "vigilctl maintail by uid $(id -u nobody) pid [0-9]+: permission denied" \
    "$VIGILD_LOG" || fail "the refusal is not logged"

# --- -f: what is logged next comes as it is logged, until the client goes
"$VIGILCTL" -s "$SOCK" maintail -f >"$T/follow" 2>&1 &
FOLLOW=$!
CLEANUP_PIDS=$FOLLOW
wait_until 10 test -s "$T/follow" || fail "maintail -f printed nothing"
ctl restart web >/dev/null || fail "restart web"
wait_until 10 grep -qE "^$STAMP INFO vigilctl restart web by uid [0-9]+ pid [0-9]+: ok$" \
    "$T/follow" || fail "maintail -f did not show the restart: $(cat "$T/follow")"
kill -0 "$FOLLOW" 2>/dev/null || fail "maintail -f ended by itself"
kill "$FOLLOW"
wait "$FOLLOW" 2>/dev/null
wait_log 10 "vigilctl maintail by uid [0-9]+ pid [0-9]+: ended by the client" ||
    fail "the follower was not dropped"

# --- bounded: after more than 64 KiB of lines, the oldest whole lines
# are gone and the newest are there.  Each start below logs a line of
# about 300 bytes (the command, bounded, and who asked).
many=$(printf 'web %.0s' $(seq 60))
for i in $(seq 260); do
	ctl start $many >/dev/null 2>&1
done
ctl signal HUP nosuch >/dev/null 2>&1
out=$(ctl maintail -0)
n=$(printf '%s\n' "$out" | wc -c)
[ "$n" -le 65536 ] && [ "$n" -gt 60000 ] ||
    fail "maintail -0 after 80 KB of log: $n bytes"
head -1 <<<"$out" | grep -qE "^$STAMP INFO vigilctl start web web " ||
    fail "the ring does not start with a whole line: $(head -c 200 <<<"$out")"
grep -q "all autostart services started" <<<"$out" &&
    fail "the oldest lines were kept"
tail -1 <<<"$out" | grep -qE "^$STAMP WARN vigilctl signal HUP nosuch by uid" ||
    fail "the newest line is not last: $(tail -2 <<<"$out")"

# --- a follower still there at the shutdown is forgotten then, said so
"$VIGILCTL" -s "$SOCK" maintail -f >"$T/follow2" 2>&1 &
FOLLOW=$!
CLEANUP_PIDS=$FOLLOW
wait_until 10 test -s "$T/follow2" || fail "maintail -f printed nothing"
stop_vigild
wait "$FOLLOW" 2>/dev/null
grep -qE "vigilctl maintail -f by uid [0-9]+ pid $FOLLOW: ended by the shutdown" \
    "$VIGILD_LOG" || fail "the follower was not forgotten at the shutdown"
exit 0
