#!/bin/bash
# The monitor: resources.  The CPU and RSS the monitor reports
# for a service's whole tree (a main process holding memory and a child
# burning CPU) agree with /proc within 10%, through its cgroup and
# through the /proc tree walk (cgroup: false); a service whose tree stays
# above limits.memory for two samples is restarted, and the log says by
# how much.
. "$(dirname "$0")/lib.sh"

HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"

write_conf "$T/vigild.conf" <<EOF2
services:
  busy:
    command: [ $HTTPD, -b, "1", -a, 96M ]
    $SVCUSER
    limits: { memory: 1G }
  walked:
    command: [ $HTTPD, -b, "1", -a, 64M ]
    $SVCUSER
    cgroup: false
    limits: { memory: 1G }
  hog:
    command: [ $HTTPD, -a, 48M ]
    $SVCUSER
    limits: { memory: 24M }
EOF2
start_vigild "$T/vigild.conf" -vv

wait_log 10 "hog: restarting: memory [0-9.]+ MiB above limit 24 MiB" ||
    fail "hog was not restarted for its memory"
mib=$(grep -m1 -oE "hog: restarting: memory [0-9]+" "$VIGILD_LOG" | grep -oE "[0-9]+$")
[ "$mib" -ge 48 ] || fail "hog restarted with $mib MiB, it holds 48 MiB"
note "$(grep -m1 -o 'hog: restarting: .*' "$VIGILD_LOG")"

# /proc's view of a tree: "ticks rss_kib nprocs" of a main pid and its
# children.
proc_tree() {
	local pids p ticks=0 rss=0 n=0 f
	pids="$1 $(pgrep -P "$1" | tr '\n' ' ')"
	for p in $pids; do
		f=$(sed 's/^.*) //' /proc/"$p"/stat 2>/dev/null) || continue
		set -- $f
		ticks=$(( ticks + ${12} + ${13} ))
		rss=$(( rss + $(awk '/^VmRSS:/ { print $2 }' /proc/"$p"/status) ))
		n=$(( n + 1 ))
	done
	echo "$ticks $rss $n"
}

HZ=$(getconf CLK_TCK)
nsamples() {
	grep -c "sample $1: " "$VIGILD_LOG"
}
more_samples() {
	[ "$(nsamples "$1")" -ge "$2" ]
}
# Compare what /proc says between two samples of the monitor with the
# five samples it took over the same window.
check_tree() {
	local name=$1 main before after t0 t1 n0 cpu_proc vig rss_vig rss_proc procs
	main=$(svc_pid "vigil-httpd -b 1 -a $2") || fail "no $name process"
	wait_log 10 "sample $name: cpu" || fail "no samples of $name"
	n0=$(nsamples "$name")
	wait_until 10 more_samples "$name" $((n0 + 1)) || fail "$name: no sample"
	before=$(proc_tree "$main"); t0=$(date +%s%N)
	wait_until 10 more_samples "$name" $((n0 + 6)) || fail "$name: no samples"
	after=$(proc_tree "$main"); t1=$(date +%s%N)
	set -- $before; local tk0=$1
	set -- $after; local tk1=$1 rss_kib=$2 nproc=$3
	cpu_proc=$(awk -v a="$tk0" -v b="$tk1" -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
	    'BEGIN { printf "%.1f", (b - a) / hz * 100 / ((t1 - t0) / 1e9) }')
	vig=$(grep "sample $name: " "$VIGILD_LOG" | sed -n "$((n0 + 2)),$((n0 + 6))p")
	cpu_vig=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "cpu") { sub("%", "", $(i+1)); s += $(i+1); n++ } }
	    END { printf "%.1f", s / n }' <<<"$vig")
	rss_vig=$(tail -n 1 <<<"$vig" | awk '{ for (i = 1; i <= NF; i++) if ($i == "rss") print $(i+1) }')
	procs=$(tail -n 1 <<<"$vig" | awk '{ for (i = 1; i <= NF; i++) if ($i == "procs") print $(i+1) }')
	rss_proc=$(( rss_kib * 1024 ))
	note "$name: cpu monitor ${cpu_vig}% /proc ${cpu_proc}%; rss monitor $rss_vig /proc $rss_proc; procs $procs/$nproc"
	awk -v a="$cpu_vig" -v b="$cpu_proc" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 20 && d <= b * 0.10) }' ||
	    fail "$name: CPU ${cpu_vig}% vs ${cpu_proc}% from /proc"
	awk -v a="$rss_vig" -v b="$rss_proc" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= b * 0.10) }' ||
	    fail "$name: RSS $rss_vig vs $rss_proc from /proc"
	[ "$procs" = "$nproc" ] || fail "$name: $procs processes, /proc has $nproc"
}
check_tree busy 96M
check_tree walked 64M
exit 0
