#!/bin/bash
# vigild -n as root checks the host names of a configuration as before
# (the error at its FILE:LINE:COLUMN, exit 1; configuration OK when they
# resolve), but never resolves them as root: under strace -f, every
# process that reads /etc/hosts has first dropped to the helpers' user
# with setresuid.  Where a private mount namespace can be had, names come
# from /etc/hosts alone (hosts: files), so no name server is asked.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] && [ -z "$E2E_USER" ] || skip "needs root"
command -v strace >/dev/null || skip "no strace"
grep -qw localhost /etc/hosts || skip "no localhost in /etc/hosts"

ns=()
if grep -q '^hosts:' /etc/nsswitch.conf 2>/dev/null &&
    unshare -m true 2>/dev/null; then
	sed 's/^hosts:.*/hosts: files/' /etc/nsswitch.conf >"$T/nsswitch.conf"
	ns=(unshare -m sh -c \
	    'mount --bind "$0" /etc/nsswitch.conf && exec "$@"' \
	    "$T/nsswitch.conf")
else
	note "no private mount namespace: the system's resolver answers"
fi

cd "$T" || fail "no $T"
# conf NAME HOST: a file with a health check on HOST, and a readiness
# check on localhost.
conf() {
	cat >"$1" <<EOF
log_dir: $T/log
state_dir: $T/state
services:
  a:
    command: /bin/true
    health: { tcp: "$2:80" }
  b:
    command: /bin/true
    ready: tcp://localhost:81
EOF
	chmod 0644 "$1"
}

# Without _vigil on this host and no user:, it is said plainly, as a
# start says it.
if ! getent passwd _vigil >/dev/null; then
	conf nouser.conf localhost
	out=$("${ns[@]}" "$VIGILD" -n -f nouser.conf 2>&1); rc=$?
	[ $rc -eq 1 ] && [ "$out" = "nouser.conf: user _vigil does not exist; create it with: useradd -r -M -d /var/empty -s /usr/sbin/nologin -U _vigil" ] ||
	    fail "no _vigil: exit $rc: $out"
fi

conf bad.conf vigil-no-such-host.invalid
conf good.conf localhost
no_vigil_user bad.conf good.conf
huser=$(sed -n 's/^user: //p' good.conf)
huser=${huser:-_vigil}
huid=$(id -u "$huser") || fail "no user $huser"
[ "$huid" -ne 0 ] || skip "the helpers' user $huser is root"
line=$(grep -n 'vigil-no-such-host' bad.conf | cut -d: -f1)

out=$("${ns[@]}" "$VIGILD" -n -f bad.conf 2>&1); rc=$?
[ $rc -eq 1 ] || fail "bad.conf: exit $rc, not 1: $out"
[ "$out" = "bad.conf:$line:20: cannot resolve \"vigil-no-such-host.invalid\" for health.tcp in service \"a\": Name or service not known" ] ||
    fail "bad.conf: $out"

"${ns[@]}" strace -f -qq -o "$T/trace" -e trace=setresuid,openat,connect \
    "$VIGILD" -n -f good.conf >"$T/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(cat "$T/out")" = "configuration OK" ] ||
    fail "good.conf: exit $rc: $(cat "$T/out")"

# Each pid that opened /etc/hosts or connected to a name server, and
# whether it had dropped to huid before.
awk -v u="$huid" '
	$0 ~ "^[0-9]+ +setresuid\\(" u ", " u ", " u "\\) += 0$" {
		dropped[$1] = 1
	}
	/openat\(.*"\/etc\/hosts"/ || /connect\(.*htons\(53\)/ {
		n++
		if (!($1 in dropped)) { print "root: " $0; bad++ }
	}
	END { print n + 0, "lookups"; exit bad > 0 }
' "$T/trace" >"$T/verdict" || fail "resolved as root: $(cat "$T/verdict")"
n=$(tail -n 1 "$T/verdict" | cut -d' ' -f1)
[ "$n" -gt 0 ] || fail "no process read /etc/hosts: $(head -n 20 "$T/trace")"
note "$n look-ups of /etc/hosts or a name server, all as $huser" \
    "(uid $huid), none as root"
exit 0
