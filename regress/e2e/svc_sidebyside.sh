#!/bin/bash
# Instances side by side: a vigild as root, one as an
# ordinary user (nobody, its own state_dir and socket) and one as process 1
# in a new pid namespace (unshare -pf --mount-proc, the container case),
# each with its own configuration.  The container vigild is started,
# killed with SIGKILL, started again (its start-up sweep runs) and stopped;
# the user's is stopped and started again, then root's is stopped;
# meanwhile the others' services keep their pids and start times (/proc)
# and their restart counts, and the container's group holds only its
# current services.
. "$(dirname "$0")/lib.sh"

[ -z "$E2E_USER" ] || skip "needs root: it runs a vigild as root and one as nobody"
command -v jq >/dev/null || skip "no jq"
unshare -pf --mount-proc true 2>/dev/null || skip "no pid namespaces here"

# One instance: NAME, then the services' names.  Its files are in $T/NAME.
inst_conf() {
	local n=$1 s; shift
	mkdir -p "$T/$n"
	{
		[ "$n" = user ] || echo "user: nobody"
		echo "socket: { path: $T/$n/sock }"
		echo "log_dir: $T/$n/log"
		echo "state_dir: $T/$n/state"
		echo "services:"
		for s in "$@"; do
			echo "  $s:"
			echo "    command: $TESTPROG stamp $T/$n/$s.stamp"
			[ "$n" = user ] || echo "    user: nobody"
			: >"$T/$n/$s.stamp"
			chmod 0666 "$T/$n/$s.stamp"
		done
	} >"$T/$n/vigild.conf"
	chmod 0644 "$T/$n/vigild.conf"
	if [ "$n" = user ]; then
		chown -R nobody "$T/$n"
	fi
}
inst_conf root web db
inst_conf user mail cron
inst_conf box app worker

declare -A VPID
# start_inst NAME [prefix...]: vigild -d in the background, its host pid
# in VPID[NAME] (for the container, the child of unshare).
start_inst() {
	local n=$1 p; shift
	"$@" "$VIGILD" -d -f "$T/$n/vigild.conf" -p "$T/$n/pid" \
	    >>"$T/$n/vigild.log" 2>&1 &
	p=$!
	if [ "$n" = box ]; then
		wait_until 10 pgrep -P "$p" || fail "box: no vigild under unshare"
		BOX_UNSHARE=$p
		p=$(pgrep -P "$p" | head -1)
	fi
	VPID[$n]=$p
	wait_until 20 inst_running "$n" || {
		cat "$T/$n/vigild.log" >&2; fail "$n: services not RUNNING"; }
}
inst_ctl() {
	"$VIGILCTL" -s "$T/$1/sock" "${@:2}"
}
inst_running() {
	inst_ctl "$1" status >/dev/null
}
# "name pid restarts starttime" for each service of an instance whose pids
# are ours (not the container's).
snap() {
	local name pid restarts
	inst_ctl "$1" -j status | jq -r '.[] | "\(.name) \(.pid) \(.restarts)"' |
	while read -r name pid restarts; do
		echo "$name $pid $restarts $(cut -d' ' -f22 /proc/"$pid"/stat)"
	done
}
stop_inst() {
	local n=$1
	kill -TERM "${VPID[$n]}"
	wait_until 30 bash -c "! kill -0 ${VPID[$n]} 2>/dev/null" ||
	    fail "$n: vigild did not exit"
	[ "$n" = box ] && wait "$BOX_UNSHARE" 2>/dev/null
	VPID[$n]=
}
cleanup_all() {
	local n
	for n in root user box; do
		if [ -n "${VPID[$n]:-}" ]; then
			kill -KILL "${VPID[$n]}" $(descendants "${VPID[$n]}") \
			    2>/dev/null
		fi
		cat "$T/$n/vigild.log" >>"$VIGILD_LOG" 2>/dev/null
	done
	for n in root user box; do
		cg=$(instance_cgroup "$T/$n/state") && remove_cgroup "$cg"
	done
}
trap 'rc=$?; cleanup_all; (exit $rc); cleanup' EXIT

start_inst root
start_inst user setpriv --reuid=nobody --regid="$(id -g nobody)" \
    --clear-groups env HOME="$T/user" XDG_RUNTIME_DIR="$T/user"
root0=$(snap root)
user0=$(snap user)
[ "$(wc -l <<<"$root0")" = 2 ] && [ "$(wc -l <<<"$user0")" = 2 ] ||
    fail "snapshots: $root0 / $user0"
[ "$(stat -c %U "/proc/$(awk '$1 == "mail" { print $2 }' <<<"$user0")")" = nobody ] ||
    fail "the user's service does not run as nobody"

unchanged() {
	local now
	now=$(snap "$1")
	[ "$now" = "$2" ] || fail "$1's services were disturbed ($3):
before: $2
after:  $now"
}

# The container: vigild is process 1 there, and its pids are not ours.
start_inst box unshare -pf --mount-proc
grep -qE '^NSpid:[[:space:]]+[0-9]+[[:space:]]+1$' "/proc/${VPID[box]}/status" ||
    fail "box: vigild is not pid 1 in its namespace"
[ "$(inst_ctl box pid)" = 1 ] || fail "box: vigilctl pid says $(inst_ctl box pid)"
box_id=$(instance_id "$T/box/state")
for i in root user box; do
	[[ "$(instance_id "$T/$i/state")" =~ ^[0-9a-f]{32}$ ]] || fail "$i: no instance id"
done
[ "$(instance_id "$T/root/state")" != "$box_id" ] || fail "two instances, one id"
unchanged root "$root0" "box started"
unchanged user "$user0" "box started"

# SIGKILL of the container's process 1 takes its namespace down; the next
# one sweeps its own groups (empty now) and nothing else.
kill -KILL "${VPID[box]}"
wait "$BOX_UNSHARE" 2>/dev/null
VPID[box]=
start_inst box unshare -pf --mount-proc
[ "$(instance_id "$T/box/state")" = "$box_id" ] || fail "box: new instance id"
if cg=$(instance_cgroup "$T/box/state"); then
	for s in app worker; do
		[ "$(wc -l <"$cg/$s/cgroup.procs")" = 1 ] ||
		    fail "box: $cg/$s holds $(cat "$cg/$s/cgroup.procs")"
	done
	[ "$(find "$cg" -mindepth 1 -maxdepth 1 -type d | wc -l)" = 2 ] ||
	    fail "box: stale groups in $cg: $(ls "$cg")"
fi
unchanged root "$root0" "box killed and restarted"
unchanged user "$user0" "box killed and restarted"
stop_inst box
unchanged root "$root0" "box stopped"
unchanged user "$user0" "box stopped"

# The user's instance stops and starts again beside root's.
stop_inst user
unchanged root "$root0" "user stopped"
start_inst user setpriv --reuid=nobody --regid="$(id -g nobody)" \
    --clear-groups env HOME="$T/user" XDG_RUNTIME_DIR="$T/user"
unchanged root "$root0" "user restarted"
user1=$(snap user)

# Nobody logged taking anything over or stopping anything of another.
for i in root user box; do
	grep -E "left by an earlier life|cgroup\.kill|killing" "$T/$i/vigild.log" &&
	    fail "$i: swept something"
done
stop_inst root
unchanged user "$user1" "root stopped"
stop_inst user
note "root: $(tr '\n' ' ' <<<"$root0")"
note "user: $(tr '\n' ' ' <<<"$user0")"
exit 0
