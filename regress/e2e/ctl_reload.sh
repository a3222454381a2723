#!/bin/bash
# vigilctl reload/update, reread, add and remove: only what changed is
# touched (checked by pids); a broken file changes nothing and every
# error is printed.
. "$(dirname "$0")/lib.sh"

defaults=""
[ -z "$E2E_USER" ] && defaults="defaults: { user: nobody, start_seconds: 200ms }"
[ -n "$E2E_USER" ] && defaults="defaults: { start_seconds: 200ms }"
write_conf "$T/vigild.conf" <<EOF
$defaults
services:
  keep:
    command: /bin/sleep 2001
  change:
    command: /bin/sleep 2002
  gone:
    command: /bin/sleep 2003
  scale:
    command: /bin/sleep 2004
    instances: 2
EOF
start_vigild "$T/vigild.conf"

running() {	# running NAME...: all RUNNING
	local n
	for n in "$@"; do
		ctl status "$n" 2>/dev/null | awk '{ print $2 }' | grep -qx RUNNING ||
		    return 1
	done
}
wait_until 10 running keep change gone scale:0 scale:1 || fail "not all up"
pkeep=$(ctl pid keep); pchange=$(ctl pid change); pgone=$(ctl pid gone)
ps0=$(ctl pid scale:0); ps1=$(ctl pid scale:1)

# The new file: keep the same, change one, drop one, scale one, add one.
cp "$T/vigild.conf" "$T/vigild.conf.1"
write_conf "$T/vigild.conf" <<EOF
$defaults
services:
  keep:
    command: /bin/sleep 2001
  change:
    command: /bin/sleep 2012
  scale:
    command: /bin/sleep 2004
    instances: 3
  added:
    command: /bin/sleep 2005
EOF

# reread: the difference in supervisorctl's words, nothing changes
out=$(ctl reread 2>&1) || fail "reread: exit $?: $out"
for l in "added: available" "change: changed" "gone: disappeared" \
    "scale: changed"; do
	echo "$out" | grep -qxF "$l" || fail "reread has no '$l': $out"
done
[ "$(ctl pid change)" = "$pchange" ] && [ "$(ctl pid gone)" = "$pgone" ] ||
    fail "reread changed something"
ctl status added >/dev/null 2>&1; [ $? -eq 4 ] || fail "reread added a service"

# reload: one line per change, and exactly those changes
out=$(ctl reload 2>&1) || fail "reload: exit $?: $out"
[ "$(echo "$out" | wc -l)" -eq 4 ] || fail "reload: not 4 lines: $out"
for l in "added: added process group" "change: updated process group" \
    "gone: removed process group"; do
	echo "$out" | grep -qxF "$l" || fail "reload has no '$l': $out"
done
echo "$out" | grep -q "^scale: updated process group" || fail "reload: scale: $out"
wait_until 10 running keep change added scale:0 scale:1 scale:2 ||
    fail "not all up after reload: $(ctl status)"
[ "$(ctl pid keep)" = "$pkeep" ] || fail "an unchanged service was restarted"
[ "$(ctl pid scale:0)" = "$ps0" ] && [ "$(ctl pid scale:1)" = "$ps1" ] ||
    fail "scaling up restarted the old instances"
[ "$(ctl pid change)" != "$pchange" ] || fail "a changed service kept its pid"
ctl info change | grep -q "command: *.*sleep 2012" || fail "change has the old command"
gone_away() { ! ctl status gone >/dev/null 2>&1 && ! kill -0 "$pgone" 2>/dev/null; }
wait_until 10 gone_away || fail "the removed service is still there"
[ "$(ctl status | wc -l)" -eq 6 ] || fail "not 6 processes: $(ctl status)"

out=$(ctl update 2>&1) || fail "update: exit $?"
[ "$out" = "No config updates to processes" ] || fail "update with no change: $out"

# A broken file: refused with every error, exit 1, nothing changes.
pkeep=$(ctl pid keep); pchange=$(ctl pid change); padded=$(ctl pid added)
cp "$T/vigild.conf" "$T/vigild.conf.2"
write_conf "$T/vigild.conf" <<EOF
$defaults
services:
  keep:
    command: /bin/sleep 2001
    stop_timeout: tenseconds
  change:
    command: /bin/sleep 2099
    no_such_key: 1
EOF
err=$(ctl reload 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] || fail "reload of a broken file: exit $rc, want 1"
echo "$err" | grep -qE "vigild.conf:[0-9]+:[0-9]+: .*stop_timeout" ||
    fail "the bad duration is not reported: $err"
echo "$err" | grep -qE "vigild.conf:[0-9]+:[0-9]+: .*no_such_key" ||
    fail "the unknown key is not reported: $err"
[ "$(ctl pid keep)" = "$pkeep" ] && [ "$(ctl pid change)" = "$pchange" ] &&
    [ "$(ctl pid added)" = "$padded" ] || fail "a refused reload changed pids"
[ "$(ctl status | wc -l)" -eq 6 ] || fail "a refused reload changed services"
ctl -j reload 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
assert v["ok"] is False and len(v["errors"]) >= 2, v
' || fail "reload -j of a broken file"
ctl reread >/dev/null 2>&1; [ $? -eq 1 ] || fail "reread of a broken file: not 1"

# add NAME / remove NAME: one service only
cp "$T/vigild.conf.2" "$T/x"
write_conf "$T/vigild.conf" <<EOF
$(cat "$T/x")
  extra:
    command: /bin/sleep 2006
EOF
out=$(ctl add extra 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "extra: added process group" ] || fail "add: $rc '$out'"
wait_until 10 running extra || fail "extra did not start"
out=$(ctl add extra 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "extra: ERROR (already active)" ] ||
    fail "add again: $rc '$out'"
ctl add nosuch >/dev/null 2>&1; [ $? -eq 5 ] || fail "add of an unknown name: not 5"
ctl remove keep >/dev/null 2>&1; [ $? -eq 1 ] || fail "remove of a configured service: not 1"
[ "$(ctl pid keep)" = "$pkeep" ] || fail "remove keep touched it"
write_conf "$T/vigild.conf" <"$T/x"
pextra=$(ctl pid extra)
out=$(ctl remove extra 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "extra: removed process group" ] || fail "remove: $rc '$out'"
extra_gone() { ! ctl status extra >/dev/null 2>&1 && ! kill -0 "$pextra" 2>/dev/null; }
wait_until 10 extra_gone || fail "extra was not removed"
ctl remove nosuch >/dev/null 2>&1; [ $? -eq 5 ] || fail "remove of an unknown name: not 5"
[ "$(ctl pid keep)" = "$pkeep" ] && [ "$(ctl pid change)" = "$pchange" ] ||
    fail "add/remove touched other services"
grep -qE "vigilctl reload by uid [0-9]+ pid [0-9]+: failed" "$VIGILD_LOG" ||
    fail "the refused reload is not logged"
exit 0
