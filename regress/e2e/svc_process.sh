#!/bin/bash
# Services: a service runs as its user, in its directory, with
# its umask, environment and rlimits -- checked from /proc.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root"

mkdir -p "$T/work"
chmod 0755 "$T/work"
chown nobody "$T/work"
cat >"$T/env" <<EOF2
# comment
FROM_FILE=file value
SHARED=from file
EOF2
chmod 0644 "$T/env"

write_conf "$T/vigild.conf" <<EOF2
services:
  probe:
    command: /bin/sh -c 'umask > $T/work/umask.\${INSTANCE}; exec /bin/sleep 1001.$$'
    user: nobody
    directory: $T/work
    umask: "027"
    env_file: $T/env
    environment:
      GREETING: "hello \${NAME}"
      SHARED: from environment
    instances: 2
    limits: { nofile: 321, core: 0, nproc: 4000 }
EOF2
VIGIL_E2E_SECRET=inherited
export VIGIL_E2E_SECRET
# vigild starts with SIGUSR2 ignored (and SIGQUIT, as a background job);
# its services must not inherit that.
trap '' USR2
start_vigild "$T/vigild.conf"
trap - USR2

wait_until 10 bash -c "[ \$(pgrep -c -f '^/bin/sleep 1001\.$$\$') -eq 2 ]" ||
    fail "the two instances did not start"
for pid in $(pgrep -f "^/bin/sleep 1001\\.$$\$"); do
	uid=$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)
	[ "$uid" = "$(id -u nobody)" ] || fail "uid $uid, not nobody's"
	gid=$(awk '/^Gid:/ { print $2 }' /proc/"$pid"/status)
	[ "$gid" = "$(id -g nobody)" ] || fail "gid $gid, not nobody's"
	# The supplementary groups are nobody's, not root's.
	groups=$(awk '/^Groups:/ { $1 = ""; print }' /proc/"$pid"/status |
	    tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ')
	want=$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ')
	[ "$groups" = "$want" ] || fail "groups '$groups', not nobody's '$want'"
	[ "$(readlink /proc/"$pid"/cwd)" = "$T/work" ] ||
	    fail "cwd is $(readlink /proc/"$pid"/cwd)"
	env=$(tr '\0' '\n' </proc/"$pid"/environ)
	grep -qx "GREETING=hello probe" <<<"$env" || fail "GREETING: $env"
	grep -qx "FROM_FILE=file value" <<<"$env" || fail "FROM_FILE: $env"
	grep -qx "SHARED=from environment" <<<"$env" ||
	    fail "environment: does not override env_file: $env"
	grep -qx "VIGIL_SERVICE=probe" <<<"$env" || fail "VIGIL_SERVICE: $env"
	grep -qx "USER=nobody" <<<"$env" || fail "USER: $env"
	grep -q "VIGIL_E2E_SECRET" <<<"$env" &&
	    fail "vigild's environment leaked without inherit_environment"
	grep -q "VIGIL_TEST_HOOKS" <<<"$env" &&
	    fail "vigild's environment leaked without inherit_environment"
	lim=$(cat /proc/"$pid"/limits)
	grep -qE "^Max open files +321 +321 " <<<"$lim" ||
	    fail "nofile: $(grep 'open files' <<<"$lim")"
	grep -qE "^Max core file size +0 +0 " <<<"$lim" ||
	    fail "core: $(grep 'core' <<<"$lim")"
	grep -qE "^Max processes +4000 +4000 " <<<"$lim" ||
	    fail "nproc: $(grep 'Max processes' <<<"$lim")"
	# Signals 32 and 33 (bits 31, 32) are glibc's own: no glibc
	# program can change them, and CI starts us with them ignored.
	blk=$(awk '/^SigBlk:/ { print $2 }' /proc/"$pid"/status)
	ign=$(awk '/^SigIgn:/ { print $2 }' /proc/"$pid"/status)
	[ $((16#$blk)) -eq 0 ] && [ $((16#$ign & ~0x180000000)) -eq 0 ] ||
	    fail "signals blocked or ignored: SigBlk:$blk SigIgn:$ign"
	# stdin is /dev/null; no descriptor of vigild leaks beyond stdio.
	[ "$(readlink /proc/"$pid"/fd/0)" = /dev/null ] || fail "stdin"
	extra=$(ls /proc/"$pid"/fd | grep -vxE '0|1|2' | tr '\n' ' ')
	[ -z "$extra" ] || fail "leaked descriptors: $extra"
done
for i in 0 1; do
	wait_until 5 test -s "$T/work/umask.$i" || fail "no umask.$i"
	[ "$(cat "$T/work/umask.$i")" = 0027 ] ||
	    fail "umask is $(cat "$T/work/umask.$i")"
done
pid=$(pgrep -n -f "^/bin/sleep 1001\\.$$\$")
grep -qx "VIGIL_INSTANCE=[01]" < <(tr '\0' '\n' </proc/"$pid"/environ) ||
    fail "VIGIL_INSTANCE missing"

# The same with inherit_environment.
stop_vigild
write_conf "$T/vigild.conf" <<EOF2
services:
  probe:
    command: [ /bin/sleep, "1002" ]
    inherit_environment: true
EOF2
start_vigild "$T/vigild.conf"
wait_until 10 svc_pid '^/bin/sleep 1002' || fail "did not start"
pid=$(svc_pid '^/bin/sleep 1002')
tr '\0' '\n' </proc/"$pid"/environ | grep -qx "VIGIL_E2E_SECRET=inherited" ||
    fail "inherit_environment: vigild's environment not passed"
# Running as root without user: the service runs as vigild's user.
[ "$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)" = 0 ] ||
    fail "service without user: did not run as vigild's user"
exit 0
