#!/bin/bash
# The instance id of a vigild run by an ordinary user (nobody; no cgroups
# then): state_dir/instance belongs to that user, mode 0600, and stays the
# same across a kill -9 and a restart; a second vigild on the same
# state_dir is refused; a file of another owner is not trusted.
export VIGIL_E2E_USER=nobody
. "$(dirname "$0")/lib.sh"

write_conf "$T/vigild.conf" <<EOF2
services:
  sleeper:
    command: $TESTPROG stamp $T/stamp
EOF2
: >"$T/stamp"
chown nobody "$T/stamp"
start_vigild "$T/vigild.conf"
f=$T/state/instance
id=$(instance_id)
[[ "$id" =~ ^[0-9a-f]{32}$ ]] || fail "instance id: '$id'"
[ "$(stat -c '%a %U' "$f")" = "600 nobody" ] ||
    fail "instance file: $(stat -c '%a %U' "$f")"
instance_cgroup >/dev/null && fail "a user's vigild has a cgroup here"

# A second vigild of the same user on the same state_dir.
sed "s|path: $SOCK|path: $T/other.sock|" "$T/vigild.conf" >"$T/other.conf"
chown nobody "$T/other.conf"
out=$(as_user "$VIGILD" -d -f "$T/other.conf" -p "$T/other.pid" 2>&1) &&
    fail "a second vigild on the same state_dir started"
grep -q "state_dir $T/state is in use by another vigild ($f is locked)" <<<"$out" ||
    fail "second vigild: $out"

# The same id after a crash (the service is left to the cleanup).
old=$(svc_pid "stamp $T/stamp")
kill -KILL "$VIGILD_PID"
wait "$VIGILD_PID" 2>/dev/null
kill -KILL "$old"
start_vigild "$T/vigild.conf"
[ "$(instance_id)" = "$id" ] || fail "the id changed across a crash: $(instance_id)"
stop_vigild

# A file the user does not own (root put it there, readable) is not
# trusted.
chown root "$f"
chmod 0644 "$f"
start_vigild "$T/vigild.conf"
wait_log 5 "$f: owned by another user; moved to $f.invalid, this vigild is a new instance" ||
    fail "a foreign instance file was not reported"
new=$(instance_id)
[[ "$new" =~ ^[0-9a-f]{32}$ ]] && [ "$new" != "$id" ] || fail "new id: '$new'"
[ "$(stat -c %U "$f")" = nobody ] || fail "the new file is not the user's"
exit 0
