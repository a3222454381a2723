#!/bin/bash
# monitor_sample.sh: what one resource sampling pass costs the monitor
# with N running services that have no cgroup (`cgroup: false`: the
# monitor finds each service's processes by walking /proc's tree, the
# costlier way).  A `vigilctl status -l` on an idle vigild starts the
# sampling: a first pass (a baseline for CPU), a second 250 ms later,
# then the answer.  Per run: the monitor's CPU time (utime + stime of
# `vigild: monitor' in /proc/PID/stat) from before the command to its
# answer, i.e. for two passes (also from /proc/PID/schedstat, in ns:
# stat counts in ticks of 10 ms), and the command's wall time; then it
# waits for the 10 s the sampling lasts to end.  Prints the medians with
# the load average before and after.  Standalone: needs only the two
# binaries.  Over 100 services, run it under `flock /work/.bench.lock`.
#
#	regress/bench/monitor_sample.sh [-n services] [-r runs]
#
# Environment: VIGILD, VIGILCTL (default build/vigild, build/vigilctl).

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VIGILD=${VIGILD:-$ROOT/build/vigild}
VIGILCTL=${VIGILCTL:-$ROOT/build/vigilctl}
N=1000
RUNS=3
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
# a descriptor or two per service in vigild
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

D=$(mktemp -d /tmp/vigil-bench-sample.XXXXXX)
chmod 0755 "$D"
SOCK=$D/vigild.sock
VPID=
cleanup() {
	if [ -n "$VPID" ] && kill -0 "$VPID" 2>/dev/null; then
		kill -TERM "$VPID"
		for _ in $(seq 1 1200); do
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
		echo "defaults:"
		echo "  user: nobody"
	else
		echo "defaults:"
	fi
	echo "  start_seconds: 0"
	echo "  cgroup: false"
	echo "  log: { stdout: none, stderr: none }"
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
running() {
	"$VIGILCTL" -s "$SOCK" status 2>/dev/null | grep -c " RUNNING "
}
ok=0
for _ in $(seq 1 $(( 600 + N / 5 ))); do	# 60 s and 20 ms a service
	if [ "$(running)" -eq "$N" ]; then
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
MON=
for p in $(pgrep -P "$VPID"); do
	case $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) in
	"vigild: monitor"*) MON=$p ;;
	esac
done
[ -n "$MON" ] || { echo "$0: no monitor below $VPID" >&2; exit 1; }
HZ=$(getconf CLK_TCK)
ticks() {
	sed 's/^.*) //' "/proc/$MON/stat" | awk '{ print $12 + $13 }'
}
# CPU time in microseconds, or 0 without schedstat
sched_us() {
	awk '{ printf "%d\n", $1 / 1000 }' "/proc/$MON/schedstat" 2>/dev/null ||
	    echo 0
}
nprocs=$(ls /proc | grep -c '^[0-9]')
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# per run: "monitor_cpu_ms wall_ms monitor_cpu_ms_from_schedstat"
for r in $(seq 1 "$RUNS"); do
	c0=$(ticks)
	s0=$(sched_us)
	t0=$(date +%s%N)
	"$VIGILCTL" -s "$SOCK" status -l >"$D/status.out" 2>&1 ||
	    { echo "$0: status -l failed" >&2; cat "$D/status.out" >&2; exit 1; }
	t1=$(date +%s%N)
	c1=$(ticks)
	s1=$(sched_us)
	echo "$(( (c1 - c0) * 1000 / HZ )) $(( (t1 - t0) / 1000000 ))" \
	    "$(( (s1 - s0) / 1000 )).$(( (s1 - s0) % 1000 / 100 ))"
	# the sampling a status -l asks for lasts 10 s
	[ "$r" -lt "$RUNS" ] && sleep 12
done >"$D/runs"
load1=$(cut -d' ' -f1-3 /proc/loadavg)
lines=$(grep -c " RUNNING " "$D/status.out")
[ "$lines" -eq "$N" ] || { echo "$0: status -l printed $lines" >&2; exit 1; }

median() {
	sort -n | awk '{ v[NR] = $1 } END {
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
cpu=$(awk '{ print $1 }' "$D/runs" | median)
wall=$(awk '{ print $2 }' "$D/runs" | median)
sched=$(awk '{ print $3 }' "$D/runs" | median)
echo "monitor sampling, $N services with cgroup: false, $nprocs processes on the machine:"
echo "  status -l (two passes): monitor CPU ${cpu} ms (stat; ${sched} ms by schedstat), wall ${wall} ms"
echo "  median of $RUNS; runs (CPU by stat/schedstat/wall, ms): $(awk '{ printf "%s%s/%s/%s", (NR > 1 ? ", " : ""), $1, $3, $2 }' "$D/runs")"
echo "  load average before ${load0}, after ${load1}; $(nproc) CPUs, $(uname -sr); $VIGILD"
