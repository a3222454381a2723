#!/bin/bash
# Configuration errors: vigild -n on every golden file of
# regress/config prints exactly the expected FILE:LINE:COLUMN errors and
# exits 1, or prints "configuration OK" and exits 0.
. "$(dirname "$0")/lib.sh"

# A private copy with the modes vigild insists on as root.
cp -r "$ROOT/regress/config" "$T/config"
chmod -R go-w "$T/config"
[ -n "$E2E_USER" ] && chown -R "$E2E_USER" "$T/config"
cd "$T/config" || fail "no copy"
no_vigil_user good-*.conf

n=0
for f in bad-*.conf; do
	want=${f%.conf}.err
	[ -f "$want" ] || fail "$f has no $want"
	out=$(as_user "$VIGILD" -n -f "$f" 2>&1)
	rc=$?
	[ $rc -eq 1 ] || fail "$f: vigild -n exited $rc, not 1"
	if ! diff -u "$want" - <<<"$out" >"$T/diff"; then
		cat "$T/diff" >&2
		fail "$f: vigild -n printed something else"
	fi
	n=$((n + 1))
done
[ $n -ge 10 ] || fail "only $n bad files"

out=$(as_user "$VIGILD" -n -f good-minimal.conf 2>&1) ||
    fail "good-minimal.conf refused: $out"
[ "$out" = "configuration OK" ] || fail "good-minimal.conf: $out"

# good-full.conf uses every key, http: included.
# limits.cpu is refused where the host has no cgroup v2 cpu controller.
cp good-full.conf full.conf
if as_user "$VIGILD" -n -f full.conf 2>&1 | grep -q ': limits.cpu: '; then
	sed -i '/cpu:/d' full.conf
fi
out=$(as_user "$VIGILD" -n -f full.conf 2>&1) ||
    fail "good-full.conf refused: $out"
[ "$out" = "configuration OK" ] || fail "good-full.conf: $out"

# As root: a configuration file writable by others is refused.
if [ -z "$E2E_USER" ]; then
	cp good-minimal.conf loose.conf
	chmod 0666 loose.conf
	out=$("$VIGILD" -n -f loose.conf 2>&1)
	[ $? -eq 1 ] || fail "a world-writable file was accepted"
	[ "$out" = "loose.conf: refusing configuration file: mode 0666 is writable by group or others" ] ||
	    fail "world-writable: $out"
	chmod 0644 loose.conf
	chown nobody loose.conf
	out=$("$VIGILD" -n -f loose.conf 2>&1)
	grep -q "^loose.conf: refusing configuration file: owned by uid $(id -u nobody), not by root" <<<"$out" ||
	    fail "not owned by root: $out"
fi
exit 0
