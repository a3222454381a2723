#!/bin/bash
# CPU and memory are sampled only while someone looks: the first
# status -l, -j status -l or info after a quiet spell waits for the first
# figures (a fraction of a second) instead of showing none.
. "$(dirname "$0")/lib.sh"

write_conf "$T/vigild.conf" <<EOF
services:
  web:
    command: /bin/sleep 3001
    start_seconds: 0
  db:
    command: /bin/sleep 3002
    start_seconds: 0
EOF
start_vigild "$T/vigild.conf"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status | grep -c RUNNING | grep -qx 2" || fail "not up"

# The first look of all: a figure in each column, no "-".
out=$(ctl status -l web)
echo "$out" | awk 'NR == 2 { if ($7 == "-" || $8 == "-") exit 1 }' ||
    fail "the first status -l has no CPU or memory: $out"
out=$(ctl -j status -l db)
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; assert d["cpu_percent"] is not None and d["memory"], d' ||
    fail "-j status -l: no figures: $out"
ctl info db | grep -qE "^  memory: +[0-9.]+[KMG]? in 1 process" || fail "info: no memory: $(ctl info db)"
exit 0
