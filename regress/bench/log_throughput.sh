#!/bin/bash
# Throughput of the logger: one service writes 1 GB of 100-byte lines
# (vigil-testprog flood) to its log file, without and with timestamps,
# beside `cat` copying the same stream from a pipe to a file on the same
# file system in the same run (the machine's own limit).  Prints MB/s,
# the ratio to cat, the logger's peak resident size (VmHWM) and the lines
# lost (vigil-seqcheck).  Figures only: nothing is asserted.
#
#   regress/bench/log_throughput.sh [-r runs] [-n lines] [-d dir]
#
# Environment: VIGILD (default build/vigild; its build's regress/ holds
# the tools).  Run as root, vigild drops to `nobody'.
#
# Start: the stamp vigil-testprog writes first thing (CLOCK_REALTIME);
# end: the mtime of the output file once it is complete (its last write).
# The median of the runs is printed; cat and vigild alternate.

set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
VIGILD=${VIGILD:-$ROOT/build/vigild}
TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
RUNS=3
N=10000000
BASE=/var/tmp
while getopts "d:n:r:" o; do
	case $o in
	d) BASE=$OPTARG ;;
	n) N=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	*) echo "usage: $0 [-r runs] [-n lines] [-d dir]" >&2; exit 2 ;;
	esac
done
for t in vigil-testprog vigil-seqcheck; do
	[ -x "$TOOLS/$t" ] || { echo "no $TOOLS/$t: make tools" >&2; exit 1; }
done
[ -x "$VIGILD" ] || { echo "no $VIGILD: make" >&2; exit 1; }

D=$(mktemp -d "$BASE/vigil-bench.XXXXXX")
chmod 0755 "$D"
# Kill by pid only what this script started: the pids are in files,
# since the runs are in subshells.
stop_pids() {
	local f=$1 p
	[ -f "$f" ] || return 0
	for p in $(cat "$f"); do
		kill -KILL "$p" 2>/dev/null
	done
	rm -f "$f"
}
stop_vigild() {
	local p i
	[ -f "$D/bench.vpid" ] || return 0
	p=$(cat "$D/bench.vpid")
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null
	for i in $(seq 1 300); do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$p" $(pgrep -P "$p") 2>/dev/null
}
cleanup() {
	stop_pids "$D/cat.pids"
	stop_vigild
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BYTES=$((N * 100))
USERLINE=
SVCUSER=
if [ "$(id -u)" = 0 ]; then
	USERLINE="user: nobody"
	SVCUSER="    user: nobody"
fi

now_ns() { date +%s%N; }
mtime_ns() { stat -c '%.9Y' "$1" | tr -d .; }
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
# wait_size FILE BYTES: poll until the file is that big (10 min at most).
wait_size() {
	local end=$(( $(now_ns) + 600000000000 ))
	while [ "$(size "$1")" -lt "$2" ]; do
		[ "$(now_ns)" -lt $end ] || return 1
		sleep 0.005
	done
}
stamp_ns() { awk '{ print $1; exit }' "$1"; }
# CPU time (user + system) of a process, in ms: less sensitive to the
# machine's load than the wall clock.
cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) * 1000 / hz }' \
	    /proc/"$1"/stat 2>/dev/null
}
# The cat whose stdout is FILE.
cat_pid() {
	local p
	for p in $(pgrep -x cat); do
		[ "$(readlink /proc/"$p"/fd/1)" = "$1" ] && { echo "$p"; return; }
	done
}

# One cat run: prints MB/s and cat's CPU ms.  With "big", the pipe is enlarged to 1 MiB
# as vigild's output pipes are (F_SETPIPE_SZ, through python3).
run_cat() {
	local out=$D/cat.out st=$D/stamp
	rm -f "$out" "$D/fifo"; : >"$st"; chmod 0666 "$st"
	if [ "$1" = big ]; then
		VIGIL_TESTPROG_STAMP=$st python3 -c '
import fcntl, os, subprocess, sys
r, w = os.pipe()
fcntl.fcntl(w, 1031, 1 << 20)		# F_SETPIPE_SZ
out = open(sys.argv[3], "wb")
g = subprocess.Popen([sys.argv[1], "flood", sys.argv[2]], stdout=w)
os.close(w)
c = subprocess.Popen(["cat"], stdin=r, stdout=out)
open(sys.argv[4], "w").write("%d %d\n" % (g.pid, c.pid))
' "$TOOLS/vigil-testprog" $N "$out" "$D/cat.pids"
	else
		mkfifo "$D/fifo"
		VIGIL_TESTPROG_STAMP=$st "$TOOLS/vigil-testprog" flood $N \
		    >"$D/fifo" &
		echo $! >"$D/cat.pids"
		cat <"$D/fifo" >"$out" &
		echo $! >>"$D/cat.pids"
	fi
	wait_size "$out" $BYTES || { echo "cat: timed out" >&2; return 1; }
	awk -v b=$BYTES -v s="$(stamp_ns "$st")" -v e="$(mtime_ns "$out")" \
	    -v c="$(cpu_ms "$(cat_pid "$out")")" \
	    'BEGIN { printf "%.0f %d\n", b / 1e6 / ((e - s) / 1e9), c }'
	stop_pids "$D/cat.pids"
	wait 2>/dev/null
	rm -f "$out" "$D/fifo"
}

# One vigild run: prints MB/s, the logger's VmHWM in kB, lines lost, the
# logger's CPU ms.
run_vigild() {
	local ts=$1 st=$D/stamp log=$D/log/bench.log want lp p hwm res cpu
	rm -rf "$D/log" "$D/state"; : >"$st"; chmod 0666 "$st"
	cat >"$D/vigild.conf" <<EOF
$USERLINE
socket: { path: $D/vigild.sock }
log_dir: $D/log
state_dir: $D/state
services:
  bench:
    command: $TOOLS/vigil-testprog flood $N
$SVCUSER
    environment: { VIGIL_TESTPROG_STAMP: $st }
    log: { max_size: 0, timestamps: $ts }
EOF
	chmod 0644 "$D/vigild.conf"
	want=$BYTES
	[ "$ts" = true ] && want=$((BYTES + N * 30))
	"$VIGILD" -d -f "$D/vigild.conf" -p "$D/vigild.pid" >"$D/vigild.out" 2>&1 &
	VPID=$!
	echo "$VPID" >"$D/bench.vpid"
	wait_size "$log" $want || { echo "vigild: timed out" >&2; return 1; }
	lp=
	for p in $(pgrep -P "$VPID"); do
		tr '\0' ' ' </proc/"$p"/cmdline | grep -q '^vigild: logger' && lp=$p
	done
	hwm=$(awk '$1 == "VmHWM:" { print $2 }' /proc/"$lp"/status 2>/dev/null)
	cpu=$(cpu_ms "$lp")
	stop_vigild
	wait "$VPID" 2>/dev/null
	res=$("$TOOLS/vigil-seqcheck" $([ "$ts" = true ] && echo -t) $N "$log")
	awk -v b=$BYTES -v s="$(stamp_ns "$st")" -v e="$(mtime_ns "$log")" \
	    -v h="${hwm:-0}" -v m="$(awk '{ print $6 }' <<<"$res")" \
	    -v c="${cpu:-0}" \
	    'BEGIN { printf "%.0f %d %d %d\n", b / 1e6 / ((e - s) / 1e9), h, m, c }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

BIG=
command -v python3 >/dev/null && BIG=1
cats=() bigs=() raws=() tss=() hwm=0 lost_raw=0 lost_ts=0
ccpu=() bcpu=() rcpu=() tcpu=()
for r in $(seq 1 "$RUNS"); do
	out=$(run_cat small) || exit 1
	set -- $out
	c=$1; ccpu+=("$2")
	b=-
	if [ -n "$BIG" ]; then
		out=$(run_cat big) || exit 1
		set -- $out
		b=$1; bcpu+=("$2")
	fi
	out=$(run_vigild false) || exit 1
	set -- $out
	raw=$1; [ "$2" -gt $hwm ] && hwm=$2; lost_raw=$((lost_raw + $3))
	rcpu+=("$4")
	out=$(run_vigild true) || exit 1
	set -- $out
	ts=$1; [ "$2" -gt $hwm ] && hwm=$2; lost_ts=$((lost_ts + $3))
	tcpu+=("$4")
	echo "run $r: cat $c MB/s, cat with a 1 MiB pipe $b MB/s," \
	    "vigild $raw MB/s, with timestamps $ts MB/s"
	cats+=("$c") bigs+=("$b") raws+=("$raw") tss+=("$ts")
done
C=$(printf '%s\n' "${cats[@]}" | median)
R=$(printf '%s\n' "${raws[@]}" | median)
S=$(printf '%s\n' "${tss[@]}" | median)
B=$C
[ -n "$BIG" ] && B=$(printf '%s\n' "${bigs[@]}" | median)
[ "$B" -gt "$C" ] || B=$C	# compare with the faster cat
CC=$(printf '%s\n' "${ccpu[@]}" | median)
BC=$CC
[ -n "$BIG" ] && BC=$(printf '%s\n' "${bcpu[@]}" | median)
RC=$(printf '%s\n' "${rcpu[@]}" | median)
TC=$(printf '%s\n' "${tcpu[@]}" | median)

echo
echo "machine: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
    "$(nproc) CPUs, $(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)," \
    "Linux $(uname -r), $BASE on $(stat -f -c %T "$D")," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$N lines of 100 bytes ($((BYTES / 1000000)) MB), median of $RUNS runs"
printf '%-32s %8s %8s %10s\n' "" "MB/s" "vs cat" "CPU ms/GB"
printf '%-32s %8s %7s%% %10s\n' "cat (64 KiB pipe)" "$C" $((C * 100 / B)) \
    $((CC * 1000 / (BYTES / 1000000)))
[ -n "$BIG" ] && printf '%-32s %8s %7s%% %10s\n' \
    "cat (1 MiB pipe, as vigild's)" \
    "$(printf '%s\n' "${bigs[@]}" | median)" \
    $(( $(printf '%s\n' "${bigs[@]}" | median) * 100 / B )) \
    $((BC * 1000 / (BYTES / 1000000)))
printf '%-32s %8s %7s%% %10s\n' "vigild logger" "$R" $((R * 100 / B)) \
    $((RC * 1000 / (BYTES / 1000000)))
printf '%-32s %8s %7s%% %10s\n' "vigild logger, timestamps" "$S" \
    $((S * 100 / B)) $((TC * 1000 / (BYTES / 1000000)))
echo "(vs cat: against the faster of the two cat runs)"
echo "logger peak RSS (VmHWM): $hwm kB"
echo "lines lost: $lost_raw (plain), $lost_ts (timestamps)"
echo "targets: >= 80% of cat plain, >= 50% with timestamps, 0 lost, RSS < 4096 kB"
