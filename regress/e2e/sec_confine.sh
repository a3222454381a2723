#!/bin/bash
# Confinement beyond chroot: from each directory a
# helper holds (the monitor's /proc and cgroup tree, the logger's
# log_dir, control's empty root), "../etc/passwd" is refused both through
# the helpers' openat2(RESOLVE_BENEATH) path and, where the kernel has
# Landlock, through a plain openat(2).  Test hook VIGIL_TEST_ESCAPE=1.
. "$(dirname "$0")/lib.sh"
need_test_hooks

write_conf "$T/vigild.conf" <<CONF
services:
  web: { command: /bin/sleep 1001 }
CONF
VIGIL_TEST_ESCAPE=1 start_vigild "$T/vigild.conf"
for role in control logger monitor; do
	wait_log 10 "$role: test hook: \.\./etc/passwd from" ||
	    fail "$role: the escape was not tried"
done
grep "test hook: ../etc/passwd" "$VIGILD_LOG" | sed 's/^/# /'
grep "test hook: ../etc/passwd" "$VIGILD_LOG" | grep -q OPENED &&
    fail "a helper reached /etc/passwd"
grep -q "monitor: test hook: ../etc/passwd from /proc: beneath: Invalid cross-device link" \
    "$VIGILD_LOG" || fail "the monitor's /proc: not refused by RESOLVE_BENEATH"
# landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
abi=$(python3 -c 'import ctypes; print(ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1))' 2>/dev/null)
note "Landlock ABI: ${abi:-unknown}"
if [ "${abi:-0}" -ge 1 ] 2>/dev/null && [ "$(uname -m)" = x86_64 ]; then
	grep -q "monitor: test hook: ../etc/passwd from /proc: .*openat: Permission denied" \
	    "$VIGILD_LOG" || fail "the monitor's /proc: not refused by Landlock"
fi
exit 0
