#!/bin/bash
# The monitor: resources.  The CPU and RSS the monitor reports
# for a service's whole tree (a main process holding memory and a child
# burning CPU) agree with /proc within 10% (CPU as CPU time), through its cgroup and
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
# Compare what /proc says with what the monitor saw over five samples.
# CPU is compared as CPU time, not as a rate: the monitor's cumulative
# usec from sample k to sample k+5 must lie between what /proc counted
# from just after sample k to just before sample k+5 (lo) and from just
# before sample k to just after sample k+5 (hi), give or take 10 % and
# two ticks.  The test's clock is not compared with the monitor's, so a
# busy machine (less CPU for the burner, late looks at the log) does not
# matter.
ticks() { set -- $(proc_tree "$1"); echo "$1"; }
# around NAME N MAIN: wait for sample N of NAME; print /proc's ticks of
# MAIN's tree at the last look before the sample was logged and at the
# first after.  Fails (1) if the sample was there at the first look.
around() {
	local t prev= end=$(( $(date +%s) + 15 ))
	while :; do
		t=$(ticks "$3")
		[ "$(nsamples "$1")" -ge "$2" ] && break
		[ "$(date +%s)" -lt "$end" ] || return 1
		prev=$t
		sleep 0.02
	done
	[ -n "$prev" ] || return 1
	echo "$prev $(ticks "$3")"
}
field() { awk -v f="$1" '{ for (i = 1; i <= NF; i++) if ($i == f) print $(i+1) }'; }
check_tree() {
	local name=$1 main n0 w0 w1 vig rss_vig rss_proc procs u0 u1 lo hi pct
	local tries=0
	main=$(svc_pid "vigil-httpd -b 1 -a $2") || fail "no $name process"
	wait_log 10 "sample $name: cpu" || fail "no samples of $name"
	while :; do
		n0=$(( $(nsamples "$name") + 1 ))
		w0=$(around "$name" "$n0" "$main") &&
		    w1=$(around "$name" $((n0 + 5)) "$main") && break
		tries=$((tries + 1))
		[ "$tries" -lt 5 ] || fail "$name: no samples to compare"
	done
	set -- $w0 $w1
	lo=$(( ($3 - $2) * 1000000 / HZ ))
	hi=$(( ($4 - $1) * 1000000 / HZ ))
	set -- $(proc_tree "$main")
	local rss_kib=$2 nproc=$3
	vig=$(grep "sample $name: " "$VIGILD_LOG" | sed -n "${n0}p;$((n0 + 5))p")
	u0=$(head -n 1 <<<"$vig" | field usec)
	u1=$(tail -n 1 <<<"$vig" | field usec)
	pct=$(grep "sample $name: " "$VIGILD_LOG" | sed -n "$((n0 + 1)),$((n0 + 5))p" |
	    field cpu | tr -d % | awk '{ s += $1; n++ } END { printf "%.1f", s / n }')
	rss_vig=$(tail -n 1 <<<"$vig" | field rss)
	procs=$(tail -n 1 <<<"$vig" | field procs)
	rss_proc=$(( rss_kib * 1024 ))
	note "$name: cpu time monitor $(( (u1 - u0) / 1000 )) ms, /proc $((lo / 1000))..$((hi / 1000)) ms (monitor: ${pct}% of a core); rss monitor $rss_vig /proc $rss_proc; procs $procs/$nproc"
	awk -v u="$((u1 - u0))" -v lo="$lo" -v hi="$hi" -v tick="$((1000000 / HZ))" \
	    'BEGIN { exit !(u >= lo * 0.9 - 2 * tick && u <= hi * 1.1 + 2 * tick) }' ||
	    fail "$name: CPU time $((u1 - u0)) us, /proc counted $lo..$hi us"
	awk -v p="$pct" 'BEGIN { exit !(p > 0 && p <= 110) }' ||
	    fail "$name: the monitor says ${pct}% for one burning process"
	awk -v a="$rss_vig" -v b="$rss_proc" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= b * 0.10) }' ||
	    fail "$name: RSS $rss_vig vs $rss_proc from /proc"
	[ "$procs" = "$nproc" ] || fail "$name: $procs processes, /proc has $nproc"
}
# The two trees are sampled at the same ticks: compared side by side
# (each check fails in its own subshell, saying why).
check_tree busy 96M &
busy=$!
check_tree walked 64M &
walked=$!
wait $busy || fail "busy: its figures do not agree with /proc"
wait $walked || fail "walked: its figures do not agree with /proc"
exit 0
