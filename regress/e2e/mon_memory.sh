#!/bin/bash
# The monitor: its memory does not grow with the number of processes it
# has watched.  Services that exit and are restarted at once (every
# start a new pid and a new definition for the monitor), sampled
# because of limits.memory (cgroup.procs read on every pass) and one
# `ready: notify': the monitor's heap (the [heap] mapping, glibc's
# malloc arena) stays under 1 MiB, and its resident part after a few
# thousand starts is what it was after the first few hundred, within
# 256 KiB.  Counts of starts from the log, sizes from /proc: no timing.
# Once: the figures are glibc malloc's; under ASan its own allocator's.
# e2e: once
. "$(dirname "$0")/lib.sh"

HTTPD=${HTTPD:-$(dirname "$VIGILD")/regress/vigil-httpd}
[ -x "$HTTPD" ] || HTTPD=$ROOT/build/regress/vigil-httpd
[ -x "$HTTPD" ] || skip "vigil-httpd is not built"
SVCUSER=; [ -z "$E2E_USER" ] && SVCUSER="user: nobody"

# Eight loops of one exec each (not sh, then sleep): the starts come
# twice as fast as with four of sh -c 'sleep 0.05; exit 1'.
{
	echo "services:"
	for i in 0 1 2 3 4 5 6 7; do
		cat <<EOF2
  loop$i:
    command: [ /bin/sleep, '0.05' ]
    restart: always
    $SVCUSER
    start_seconds: 0
    limits: { memory: 512M }
EOF2
	done
	cat <<EOF2
  ntf:
    command: [ /bin/sh, -c, 'timeout 0.2 $HTTPD -r 20; exit 1' ]
    $SVCUSER
    ready: notify
EOF2
} | write_conf "$T/vigild.conf"
start_vigild "$T/vigild.conf"
mon=$(helper_pid monitor) || fail "no monitor"
head -c 1 "/proc/$mon/smaps" >/dev/null 2>&1 ||
    skip "cannot read the monitor's /proc/$mon/smaps"

starts() {
	grep -c "STARTING -> RUNNING" "$VIGILD_LOG"
}
at_least() {
	[ "$(starts)" -ge "$1" ]
}
# heap: "extent_KiB rss_KiB" of the monitor's [heap] (0 0: none, as
# under ASan, whose allocator does not use it)
heap() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { inheap = ($6 == "[heap]");
		if (inheap) { split($1, r, "-"); ext = r[1] "-" r[2] } }
	    inheap && /^Rss:/ { rss = $2 }
	    END { printf "%s %d\n", ext == "" ? "-" : ext, rss }' \
	    "/proc/$mon/smaps"
}
extent_kib() {
	local r=$1
	[ "$r" = "-" ] && { echo 0; return; }
	echo $(( (0x${r#*-} - 0x${r%-*}) / 1024 ))
}

wait_until 60 at_least 300 || fail "fewer than 300 starts: $(starts)"
# The limits.memory services are sampled from the start (every 2 s);
# the notify one has been heard.
wait_until 20 grep -q "ntf: STARTING -> RUNNING" "$VIGILD_LOG" ||
    fail "ntf never became RUNNING (READY=1 not heard)"
read -r r1 rss1 <<<"$(heap)"
n1=$(starts)
wait_until 120 at_least $((n1 + 2000)) ||
    fail "fewer than 2000 more starts: $(starts)"
read -r r2 rss2 <<<"$(heap)"
n2=$(starts)
[ "$(helper_pid monitor)" = "$mon" ] || fail "the monitor was respawned"
ext1=$(extent_kib "$r1") ext2=$(extent_kib "$r2")
note "after $n1 starts: heap $ext1 KiB, $rss1 KiB resident;" \
    "after $n2: $ext2 KiB, $rss2 KiB resident"
[ "$ext2" -le 1024 ] ||
    fail "the monitor's heap is $ext2 KiB after $n2 starts (over 1 MiB)"
[ "$rss2" -le $((rss1 + 256)) ] ||
    fail "the monitor's heap grew from $rss1 to $rss2 KiB resident" \
	"between $n1 and $n2 starts"
exit 0
