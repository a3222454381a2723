#!/bin/bash
# status_latency.sh: how long `vigilctl status` takes with 1,000 running
# services (one request, answered by a stream of 1,000 records and an
# END: one round trip).  Prints the median of 10 runs in milliseconds,
# with the machine it ran on.  Standalone: needs only the two binaries.
#
#	regress/bench/status_latency.sh [-n services] [-r runs]
#
# Environment: VIGILD, VIGILCTL (default build/vigild, build/vigilctl).

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VIGILD=${VIGILD:-$ROOT/build/vigild}
VIGILCTL=${VIGILCTL:-$ROOT/build/vigilctl}
N=1000
RUNS=10
while getopts n:r: ch; do
	case $ch in
	n) N=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	*) echo "usage: $0 [-n services] [-r runs]" >&2; exit 2 ;;
	esac
done
for b in "$VIGILD" "$VIGILCTL"; do
	[ -x "$b" ] || { echo "$0: $b: not built (make)" >&2; exit 1; }
done

D=$(mktemp -d /tmp/vigil-bench-status.XXXXXX)
chmod 0755 "$D"
SOCK=$D/vigild.sock
VPID=
cleanup() {
	if [ -n "$VPID" ] && kill -0 "$VPID" 2>/dev/null; then
		kill -TERM "$VPID"
		for _ in $(seq 1 300); do
			kill -0 "$VPID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$VPID" 2>/dev/null
	fi
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

{
	if [ "$(id -u)" = 0 ]; then
		echo "user: nobody"
		echo "defaults: { user: nobody, start_seconds: 0 }"
	else
		echo "defaults: { start_seconds: 0 }"
	fi
	echo "socket: { path: $SOCK }"
	echo "log_dir: $D/log"
	echo "state_dir: $D/state"
	echo "services:"
	for i in $(seq -w 1 "$N"); do
		echo "  s$i: { command: /bin/sleep 100000 }"
	done
} >"$D/vigild.conf"
chmod 0644 "$D/vigild.conf"

"$VIGILD" -d -f "$D/vigild.conf" -p "$D/vigild.pid" >"$D/vigild.log" 2>&1 &
VPID=$!
ok=0
for _ in $(seq 1 600); do		# up to 60 s for 1,000 spawns
	if "$VIGILCTL" -s "$SOCK" status >/dev/null 2>&1; then
		ok=1
		break
	fi
	kill -0 "$VPID" 2>/dev/null || break
	sleep 0.1
done
if [ $ok -ne 1 ]; then
	echo "$0: vigild did not get $N services RUNNING" >&2
	tail -n 20 "$D/vigild.log" >&2
	exit 1
fi
lines=$("$VIGILCTL" -s "$SOCK" status | wc -l)
[ "$lines" -eq "$N" ] || { echo "$0: status printed $lines lines" >&2; exit 1; }

# times in microseconds, one per run; prints "median min max" in ms
measure() {
	local t0 t1 i
	for i in $(seq 1 "$RUNS"); do
		t0=$(date +%s%N)
		"$VIGILCTL" -s "$SOCK" "$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000 ))
	done | sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f %.1f\n", m / 1000, v[1] / 1000, v[NR] / 1000 }'
}

read -r med min max < <(measure status)
read -r lmed _ _ < <(measure status -l)
read -r jmed _ _ < <(measure -j status)
read -r pmed _ _ < <(measure pid)

mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "vigilctl status, $N services RUNNING: ${med} ms (median of $RUNS; min ${min}, max ${max})"
echo "  status -l ${lmed} ms, -j status ${jmed} ms; a bare round trip (pid) ${pmed} ms"
echo "  machine: $(nproc) CPUs (${cpu:-unknown}), $mem, $(uname -sr)"
