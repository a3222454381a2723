#!/bin/bash
# Shared helpers for the end-to-end tests.  Source it first thing:
#
#	. "$(dirname "$0")/lib.sh"
#
# It gives every test a private temporary directory $T (removed at exit),
# paths to the binaries ($VIGILD, $VIGILCTL, $TESTPROG), and a trap that
# kills every process the test started: vigild and every descendant, and
# any process whose command line mentions $T.
#
# Environment:
#   VIGILD, VIGILCTL	binaries under test (default build/vigild, build/vigilctl)
#   VIGIL_E2E_USER	run vigild as this ordinary user instead of root
#   (tests that use a test hook call need_test_hooks: build/test/vigild)
#			(set by the runner for the unprivileged pass)

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
VIGILD=${VIGILD:-$ROOT/build/vigild}
VIGILCTL=${VIGILCTL:-$ROOT/build/vigilctl}
TESTPROG=${TESTPROG:-$ROOT/build/regress/vigil-testprog}
TEST_NAME=$(basename "$0" .sh)

T=$(mktemp -d /tmp/vigil-e2e.XXXXXX)
chmod 0755 "$T"
VIGILD_PID=
VIGILD_LOG=$T/vigild.log
SOCK=$T/vigild.sock
export VIGIL_TEST_HOOKS=1

# Unprivileged pass: everything under $T must belong to that user.
E2E_USER=${VIGIL_E2E_USER:-}
if [ -n "$E2E_USER" ]; then
	chown "$E2E_USER" "$T"
fi

# need_test_hooks: this test uses a test hook (VIGIL_TEST_*), which only
# test builds have: the default build/vigild is swapped for build/test's
# (make testbuild; make check makes it); the ASan build has them too.
need_test_hooks() {
	if [ "$VIGILD" = "$ROOT/build/vigild" ]; then
		VIGILD=$ROOT/build/test/vigild
	fi
	[ -x "$VIGILD" ] || skip "no test build: make testbuild"
	strings "$VIGILD" 2>/dev/null | grep -q VIGIL_TEST_HOOKS ||
	    skip "$VIGILD has no test hooks: make testbuild"
}

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	if [ -f "$VIGILD_LOG" ]; then
		echo "--- vigild log (last 40 lines) ---" >&2
		tail -n 40 "$VIGILD_LOG" >&2
	fi
	exit 1
}

skip() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

note() {
	echo "# $*"
}

# wait_until SECONDS command...: poll (every 20 ms) until command succeeds.
wait_until() {
	local limit=$1; shift
	local end=$(( $(date +%s%N) + limit * 1000000000 ))
	while ! "$@" >/dev/null 2>&1; do
		if [ "$(date +%s%N)" -ge "$end" ]; then
			return 1
		fi
		sleep 0.02
	done
	return 0
}

# free_port: a TCP port on 127.0.0.1 that no socket uses now, below the
# ephemeral range (so no outgoing connection of another program takes it
# as its local port meanwhile), and reserved machine-wide for this test
# (a directory in $E2E_PORTS, made atomically, removed at cleanup) so that
# tests running side by side are never given the same one.  It runs in
# $(...): the ports given are kept in a file.
E2E_PORTS=${TMPDIR:-/tmp}/vigil-e2e-ports
free_port() {
	local p i lo
	lo=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range \
	    2>/dev/null)
	[ -n "$lo" ] && [ "$lo" -gt 12000 ] || lo=32768
	mkdir -p "$E2E_PORTS" 2>/dev/null
	# Reservations of tests killed before their cleanup expire.
	find "$E2E_PORTS" -mindepth 1 -maxdepth 1 -mmin +60 \
	    -exec rmdir {} + 2>/dev/null
	for i in $(seq 200); do
		p=$(( 10000 + RANDOM % (lo - 10000) ))
		grep -qx "$p" "$T/.ports" 2>/dev/null && continue
		ss -tanH "sport = :$p" 2>/dev/null | grep -q . && continue
		mkdir "$E2E_PORTS/$p" 2>/dev/null || continue
		echo "$p" >>"$T/.ports"
		echo "$p"
		return 0
	done
	return 1
}

# Run a command as the test's vigild user (root, or $E2E_USER).
as_user() {
	if [ -n "$E2E_USER" ]; then
		setpriv --reuid="$E2E_USER" --regid="$(id -g "$E2E_USER")" \
		    --clear-groups env HOME="$T" XDG_RUNTIME_DIR="$T" "$@"
	else
		"$@"
	fi
}

# The user services and helpers run as: nobody when root.
helper_user() {
	if [ -n "$E2E_USER" ]; then echo "$E2E_USER"; else echo nobody; fi
}

# write_conf FILE: stdin becomes FILE (mode 0644, owned by the vigild user),
# after a header with paths inside $T unless the text sets them.
write_conf() {
	local f=$1
	local body
	body=$(cat)
	{
		if ! grep -q '^user:' <<<"$body"; then
			if [ -z "$E2E_USER" ]; then echo "user: nobody"; fi
		fi
		grep -q '^socket:' <<<"$body" || echo "socket: { path: $SOCK }"
		grep -q '^log_dir:' <<<"$body" || echo "log_dir: $T/log"
		grep -q '^state_dir:' <<<"$body" || echo "state_dir: $T/state"
		echo "$body"
	} >"$f"
	chmod 0644 "$f"
	if [ -n "$E2E_USER" ]; then chown "$E2E_USER" "$f"; fi
}

# no_vigil_user FILE...: as root, vigild -n wants the helpers' user of a
# file without user: (_vigil) to exist, as a start does; where this host
# has none, the test's helper user stands in for it.
no_vigil_user() {
	local f
	[ "$(id -u)" -eq 0 ] && [ -z "$E2E_USER" ] || return 0
	getent passwd _vigil >/dev/null && return 0
	for f in "$@"; do
		grep -q '^user:' "$f" || sed -i "1i user: nobody" "$f"
	done
}

# start_vigild CONF [args...]: start vigild -d in the background and wait
# until its three helpers are up.
start_vigild() {
	local conf=$1; shift
	local pre=()
	if [ -n "$E2E_USER" ]; then
		# setpriv and env exec: $! is vigild itself.
		pre=(setpriv --reuid="$E2E_USER" --regid="$(id -g "$E2E_USER")"
		    --clear-groups env HOME="$T" XDG_RUNTIME_DIR="$T")
	fi
	"${pre[@]}" "$VIGILD" -d -f "$conf" -p "$T/vigild.pid" "$@" \
	    >>"$VIGILD_LOG" 2>&1 &
	VIGILD_PID=$!
	if ! wait_until 10 helpers_up; then
		fail "vigild did not start its helpers"
	fi
}

# The pid of a helper (control, logger, monitor) of our vigild.
helper_pid() {
	local role=$1 p
	for p in $(pgrep -P "$VIGILD_PID" 2>/dev/null); do
		if tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null |
		    grep -q "^vigild: $role"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

helpers_up() {
	kill -0 "$VIGILD_PID" 2>/dev/null || return 1
	helper_pid control >/dev/null && helper_pid logger >/dev/null &&
	    helper_pid monitor >/dev/null
}

# The log says it: wait_log SECONDS REGEX
wait_log() {
	wait_until "$1" grep -qE "$2" "$VIGILD_LOG"
}

# The newest child of our vigild whose command line matches REGEX (a
# service's main process; vigild is also the subreaper of what they fork).
svc_pid() {
	pgrep -n -P "$VIGILD_PID" -f "$1"
}

ctl() {
	as_user "$VIGILCTL" -s "$SOCK" "$@"
}

stop_vigild() {
	[ -n "$VIGILD_PID" ] || return 0
	kill -TERM "$VIGILD_PID" 2>/dev/null
	if ! wait_until 30 bash -c "! kill -0 $VIGILD_PID 2>/dev/null"; then
		kill -KILL "$VIGILD_PID" 2>/dev/null
	fi
	wait "$VIGILD_PID" 2>/dev/null
	VIGILD_PID=
}

# The instance id of a vigild (its state_dir/instance; default: the test's).
instance_id() {
	cat "${1:-$T/state}/instance" 2>/dev/null
}

# The cgroup v2 group that holds the services of a vigild instance (by its
# state_dir, default the test's), if it has one.
instance_cgroup() {
	local id d
	id=$(instance_id "${1:-}") || return 1
	[ -n "$id" ] || return 1
	for d in /sys/fs/cgroup/unified/vigil /sys/fs/cgroup/vigil; do
		if [ -d "$d/$id" ]; then
			echo "$d/$id"
			return 0
		fi
	done
	return 1
}

# Remove a cgroup tree once nothing is left in it (bounded).
remove_cgroup() {
	wait_until 5 bash -c "find '$1' -depth -type d -exec rmdir {} + \
	    2>/dev/null; ! [ -d '$1' ]"
}

# Every descendant of a pid, from one look at the process table (not a
# pgrep per process: 100 services made a cleanup of seconds).
descendants() {
	ps -e -o pid= -o ppid= 2>/dev/null | awk -v root="$1" '
	    { kids[$2] = kids[$2] " " $1 }
	    END {
		n = split(kids[root], q, " ")
		for (i = 1; i <= n; i++) {
			print q[i]
			m = split(kids[q[i]], k, " ")
			for (j = 1; j <= m; j++)
				q[++n] = k[j]
		}
	    }'
}

# Pids a test started that are no descendants of the current vigild (an
# orphaned logger, services a killed vigild left behind): killed at exit.
CLEANUP_PIDS=

cleanup() {
	local rc=$? pids p cg comm
	cg=$(instance_cgroup)
	[ -n "$CLEANUP_PIDS" ] && kill -KILL $CLEANUP_PIDS 2>/dev/null
	if [ -n "$VIGILD_PID" ]; then
		pids=$(descendants "$VIGILD_PID")
		kill -KILL "$VIGILD_PID" $pids 2>/dev/null
		wait "$VIGILD_PID" 2>/dev/null
	fi
	# Anything else that mentions our directory (services, strays).
	for p in $(pgrep -f "$T" 2>/dev/null); do
		[ "$p" = $$ ] && continue
		kill -KILL "$p" 2>/dev/null
	done
	# A logger orphaned by a killed vigild waits for the next one in its
	# log_dir (vigild(8), CRASH RECOVERY): its root or directory is ours.
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = $$ ] && continue	# a test may cd "$T"
		comm=	# read, not $(cat): no process per process
		read -r comm 2>/dev/null <"$p/comm"
		[ "$comm" = vigild ] || continue
		case "$(readlink "$p/root" 2>/dev/null)/ $(readlink "$p/cwd" \
		    2>/dev/null)/" in
		"$T"/*|*" $T"/*) kill -KILL "${p#/proc/}" 2>/dev/null ;;
		esac
	done
	# The cgroups of our vigild's instance, if any are left: a service
	# spawned after the descendants above were listed (a restart loop)
	# is in there, and so is one a killed vigild left to be adopted.
	if [ -n "$cg" ]; then
		[ -w "$cg/cgroup.kill" ] && echo 1 >"$cg/cgroup.kill" 2>/dev/null
		remove_cgroup "$cg"
	fi
	# A sanitizer report anywhere in vigild fails the test, even when
	# the parent survived it (a helper that died is respawned).
	if [ $rc -eq 0 ] && grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
	    "$VIGILD_LOG" 2>/dev/null; then
		echo "FAIL: $TEST_NAME: sanitizer report in vigild's log:" >&2
		grep -A 30 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
		    "$VIGILD_LOG" | head -60 >&2
		rc=1
	fi
	for p in $(cat "$T/.ports" 2>/dev/null); do
		rmdir "$E2E_PORTS/$p" 2>/dev/null
	done
	if [ $rc -ne 0 ] && [ -n "${KEEP_E2E:-}" ]; then
		echo "kept $T" >&2
	else
		rm -rf "$T"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
