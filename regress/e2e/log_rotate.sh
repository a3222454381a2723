#!/bin/bash
# Rotation by log.max_size: rename and reopen, `keep` rotated files,
# newest first (NAME.log.1), no line lost or torn across them; keep 0
# removes the old file; works the same with timestamps.
. "$(dirname "$0")/lib.sh"

TOOLS=${VIGIL_TOOLS:-$(dirname "$VIGILD")/regress}
for t in vigil-lines vigil-seqcheck; do
	[ -x "$TOOLS/$t" ] || skip "no $t in $TOOLS (make tools)"
done

N=200000	# about 1.3 MB: some 20 rotations at 64K
MAX=65536
write_conf "$T/vigild.conf" <<EOF
services:
  rot:
    command: $TOOLS/vigil-lines $N
    user: $(helper_user)
    log: { max_size: 64K, keep: 3 }
  zero:
    command: $TOOLS/vigil-lines $N
    user: $(helper_user)
    log: { max_size: 64K, keep: 0 }
  tsrot:
    command: $TOOLS/vigil-lines $N
    user: $(helper_user)
    log: { max_size: 64K, keep: 2, timestamps: true }
EOF
start_vigild "$T/vigild.conf"
L=$T/log
last_is() { [ "$(tail -n 1 "$1" 2>/dev/null | awk '{ print $NF }')" = "$2" ]; }
for s in rot zero tsrot; do
	wait_until 60 last_is "$L/$s.log" $((N - 1)) ||
	    fail "$s: the last line never arrived"
done

# Exactly `keep` rotated files, each at most max_size, ending in a newline.
check_files() {
	local s=$1 keep=$2 i f
	for i in $(seq 1 "$keep"); do
		f=$L/$s.log.$i
		[ -f "$f" ] || fail "$s: no $f"
		[ "$(stat -c %s "$f")" -le $MAX ] || fail "$f is over max_size"
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] ||
		    fail "$f does not end with a whole line"
	done
	[ ! -e "$L/$s.log.$((keep + 1))" ] || fail "$s: more than $keep files"
}
check_files rot 3
check_files zero 0
check_files tsrot 2
[ -z "$(ls "$L"/zero.log.* 2>/dev/null)" ] || fail "keep 0 left a rotated file"

# Oldest first, the files hold one unbroken run of lines ending at N-1.
res=$("$TOOLS/vigil-seqcheck" -s $N "$L"/rot.log.3 "$L"/rot.log.2 \
    "$L"/rot.log.1 "$L"/rot.log) || fail "rot: $res"
note "rot (keep 3): $res"
res=$("$TOOLS/vigil-seqcheck" -s $N "$L"/zero.log) || fail "zero: $res"
note "zero (keep 0): $res"
res=$("$TOOLS/vigil-seqcheck" -st $N "$L"/tsrot.log.2 "$L"/tsrot.log.1 \
    "$L"/tsrot.log) || fail "tsrot: $res"
note "tsrot (keep 2, timestamps): $res"
exit 0
