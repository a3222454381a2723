#!/bin/bash
# Test hooks only in test builds: the release vigild has none of them
# (no VIGIL_TEST_* name, no garbage message), and a helper sent SIGUSR2
# with VIGIL_TEST_HOOKS=1 in the environment ignores it.  Runs on the
# release build only (the ASan build has the hooks), so not again in the
# ASan pass:
# e2e: once
. "$(dirname "$0")/lib.sh"

strings "$VIGILD" | grep -q VIGIL_TEST_HOOKS &&
    skip "$VIGILD is a test build"
n=$(strings "$VIGILD" | grep -cE 'VIGIL_TEST_|TEST_GARBAGE|test hook')
note "test hook names in $(basename "$VIGILD"): $n"
[ "$n" -eq 0 ] || fail "$n test hook names in the release binary"

write_conf "$T/vigild.conf" <<CONF
services:
  web: { command: /bin/sleep 1001 }
CONF
VIGIL_TEST_HOOKS=1 start_vigild "$T/vigild.conf"
old=$(helper_pid control)
kill -USR2 "$old"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "web not RUNNING"
[ "$(helper_pid control)" = "$old" ] || fail "control was replaced"
grep -q "bad message" "$VIGILD_LOG" && fail "a bad message was sent"
exit 0
