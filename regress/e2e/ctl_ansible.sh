#!/bin/bash
# A real Ansible run (Debian's `ansible`, etc/deps.sh) of the module
# community.general.supervisorctl against vigild: supervisorctl_path is
# vigilctl's supervisorctl name, config a supervisord.conf that names
# vigild's socket.  One playbook, run locally, everything it writes under
# $T; its JSON output and vigild's services checked from outside:
# started starts (then changed=false), signalled delivers the signal,
# restarted gives a new pid, stopped stops, absent removes a stopped
# group, present adds it back, a group name ("pool:") acts on each
# instance, and failures reach the task in supervisorctl's words (absent
# of a running group: its msg; started of one that cannot spawn: its
# exit status and stdout).
. "$(dirname "$0")/lib.sh"

[ -z "$E2E_USER" ] || skip "ansible runs as root here"
command -v ansible-playbook >/dev/null || skip "no ansible (./etc/deps.sh)"
PY=/usr/bin/python3
MOD=$("$PY" -c 'import ansible_collections.community.general.plugins.modules.supervisorctl as m; print(m.__file__)' 2>/dev/null) ||
    skip "no community.general.supervisorctl"

mkdir -p "$T/bin" "$T/out" "$T/home" "$T/ans"
ln -s "$VIGILCTL" "$T/bin/supervisorctl"
chmod 0755 "$T/bin"
chmod 0777 "$T/out"

write_conf "$T/vigild.conf" <<EOF
defaults: { start_seconds: 1, autostart: false }
services:
  web:
    command: [ /bin/sh, -c, "trap 'echo HUP >>$T/out/hup' HUP; while :; do sleep 0.1; done" ]
  pool:
    command: /bin/sleep 4301
    instances: 2
  broken:
    command: $T/nonexistent
    start_retries: 0
EOF
# what a supervisord host has: the socket under [unix_http_server]
cat >"$T/supervisord.conf" <<EOF
[unix_http_server]
file = $SOCK
[supervisord]
logfile = $T/supervisord.log
EOF
start_vigild "$T/vigild.conf"

cat >"$T/play.yml" <<EOF
- hosts: localhost
  gather_facts: false
  vars:
    sup: &sup
      supervisorctl_path: $T/bin/supervisorctl
      config: $T/supervisord.conf
    pid: $VIGILCTL -s $SOCK pid web
  tasks:
  - { name: started, community.general.supervisorctl: { <<: *sup, name: web, state: started } }
  - { name: pid1, command: "{{ pid }}" }
  - { name: started again, community.general.supervisorctl: { <<: *sup, name: web, state: started } }
  - { name: signalled, community.general.supervisorctl: { <<: *sup, name: web, state: signalled, signal: HUP } }
  - { name: restarted, community.general.supervisorctl: { <<: *sup, name: web, state: restarted } }
  - { name: pid2, command: "{{ pid }}" }
  - { name: stopped, community.general.supervisorctl: { <<: *sup, name: web, state: stopped } }
  - { name: stopped again, community.general.supervisorctl: { <<: *sup, name: web, state: stopped } }
  - { name: absent, community.general.supervisorctl: { <<: *sup, name: web, state: absent } }
  - { name: status gone, command: "$VIGILCTL -s $SOCK status web", ignore_errors: true }
  - { name: present, community.general.supervisorctl: { <<: *sup, name: web, state: present } }
  - { name: present again, community.general.supervisorctl: { <<: *sup, name: web, state: present } }
  - { name: group started, community.general.supervisorctl: { <<: *sup, name: "pool:", state: started } }
  - { name: absent running, community.general.supervisorctl: { <<: *sup, name: "pool:", state: absent }, ignore_errors: true }
  - { name: broken started, community.general.supervisorctl: { <<: *sup, name: broken, state: started }, ignore_errors: true }
EOF

# Ansible writes nothing outside $T: its home, temp dirs and config.
# (The sanitizers' options of the ASan pass go through to vigilctl.)
: >"$T/ansible.cfg"
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$T/home" LANG=C.UTF-8 \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    ANSIBLE_CONFIG="$T/ansible.cfg" ANSIBLE_HOME="$T/ans" \
    ANSIBLE_LOCAL_TEMP="$T/ans/tmp" ANSIBLE_REMOTE_TEMP="$T/ans/rtmp" \
    ANSIBLE_PERSISTENT_CONTROL_PATH_DIR="$T/ans/pc" \
    ANSIBLE_SSH_CONTROL_PATH_DIR="$T/ans/cp" \
    ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 \
    ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 \
    ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_STDOUT_CALLBACK=json \
    ANSIBLE_PYTHON_INTERPRETER="$PY" \
    ansible-playbook -c local -i localhost, "$T/play.yml" \
    >"$T/play.json" 2>"$T/play.err"
rc=$?
[ $rc -eq 0 ] || fail "ansible-playbook: exit $rc: $(cat "$T/play.err"; tail -c 3000 "$T/play.json")"

# field TASK KEY: a task's result for localhost (JSON callback)
field() {
	"$PY" - "$T/play.json" "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for t in doc["plays"][0]["tasks"]:
    if t["task"]["name"] == sys.argv[2]:
        v = t["hosts"]["localhost"].get(sys.argv[3])
        print(json.dumps(v) if not isinstance(v, str) else v)
        sys.exit(0)
sys.exit("no task " + sys.argv[2])
EOF
}
expect() {	# TASK KEY VALUE
	local got
	got=$(field "$1" "$2") || fail "$1: not in the playbook's output"
	[ "$got" = "$3" ] || fail "task '$1': $2 is '$got', want '$3'
$(field "$1" msg; field "$1" stdout)"
}

for t in started "started again" signalled restarted stopped "stopped again" \
    absent present "present again" "group started"; do
	[ "$(field "$t" failed)" != true ] ||
	    fail "task '$t' failed: $(field "$t" msg)"
done
expect started changed true
expect "started again" changed false
pid1=$(field pid1 stdout)
[ "$pid1" -gt 0 ] 2>/dev/null || fail "no pid after started: '$pid1'"
expect signalled changed true
wait_until 5 grep -q HUP "$T/out/hup" || fail "web did not get SIGHUP"
expect restarted changed true
pid2=$(field pid2 stdout)
[ "$pid2" -gt 0 ] 2>/dev/null && [ "$pid2" != "$pid1" ] ||
    fail "restarted: pid $pid1 -> '$pid2'"
kill -0 "$pid1" 2>/dev/null && fail "restarted: the old pid $pid1 is still there"
expect stopped changed true
kill -0 "$pid2" 2>/dev/null && fail "stopped: pid $pid2 is still there"
expect "stopped again" changed false
expect absent changed true
expect "status gone" rc 4
expect present changed true
expect "present again" changed false
expect "group started" changed true
expect "group started" affected '["pool:0", "pool:1"]'
expect "absent running" failed true
expect "absent running" msg "ERROR: process/group still running: pool"
# start exits 1 there, so the module fails on the exit status and, as
# with supervisorctl (its errors are on stdout), gives its stdout
expect "broken started" failed true
expect "broken started" rc 1
expect "broken started" stdout "broken: ERROR (no such file)"

# and vigild agrees
out=$(ctl status)
grep -qE '^web +STOPPED +Not started$' <<<"$out" ||
    fail "web after present: $(cat <<<"$out")"
[ "$(grep -cE '^pool:[01] +RUNNING ' <<<"$out")" -eq 2 ] ||
    fail "pool: $(cat <<<"$out")"
grep -qE "vigilctl remove pool by uid 0 pid [0-9]+: failed: pool: still running" \
    "$VIGILD_LOG" || fail "the refused remove is not in vigild's log"
# its temporary files went where it was told
[ -d "$T/ans/tmp" ] || fail "ansible did not use ANSIBLE_LOCAL_TEMP ($T/ans/tmp)"
exit 0
