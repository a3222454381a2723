#!/bin/bash
# The survive_* tests as an ordinary user:
# no chroot, no privilege drop, the logger's socket checked against
# vigild's own uid.  The four are independent (each its own directory,
# ports and instance): they run side by side, their output printed in
# order, and any failure fails this test.
d=$(dirname "$0")
out=$(mktemp -d /tmp/vigil-e2e-su.XXXXXX)
trap 'rm -rf "$out"' EXIT
pids=()
for t in crash change upgrade listen; do
	SURVIVE_USER=1 bash "$d/survive_$t.sh" >"$out/$t" 2>&1 &
	pids+=($!)
done
# As before: the first three must pass; the last one's status (a skip,
# say) is this test's when they do.
rc=0 i=0
for t in crash change upgrade listen; do
	wait "${pids[$i]}"
	r=$?
	cat "$out/$t"
	if [ $t = listen ]; then
		[ $rc -eq 0 ] && rc=$r
	elif [ $r -ne 0 ]; then
		echo "survive_$t as a user: exit $r"
		rc=1
	fi
	i=$((i + 1))
done
exit $rc
