#!/bin/bash
# Strict files, run as root: an env_file, an
# include, the directories above them and the token_file fall under the
# configuration's rule (owned by root, not writable by group or others)
# at start, under -n and on reload, each refusal naming the file and its
# mode; an existing log_dir is never chowned, and one the helpers' user
# cannot write is refused with its owner and mode.
. "$(dirname "$0")/lib.sh"

[ -z "$E2E_USER" ] || skip "the root rule applies to root only"

mkdir -p "$T/etc/conf.d" "$T/envdir"
chmod 0755 "$T/etc" "$T/etc/conf.d" "$T/envdir"
echo "A=1" >"$T/envdir/env"
chmod 0644 "$T/envdir/env"
cat >"$T/etc/conf.d/x.conf" <<'CONF'
services:
  inc: { command: /bin/sleep 1002, user: nobody }
CONF
chmod 0644 "$T/etc/conf.d/x.conf"
write_conf "$T/etc/vigild.conf" <<CONF
include: [ "$T/etc/conf.d/*.conf" ]
services:
  web: { command: /bin/sleep 1001, user: nobody, env_file: $T/envdir/env }
CONF

check() {	# check WHAT EXPECTED: vigild -n refuses with EXPECTED
	local out
	out=$("$VIGILD" -n -f "$T/etc/vigild.conf" 2>&1) &&
	    fail "$1 accepted by vigild -n"
	grep -qF -- "$2" <<<"$out" || fail "$1: expected \"$2\", got: $out"
	note "$1: $(grep -F -- "$2" <<<"$out" | head -1)"
}
out=$("$VIGILD" -n -f "$T/etc/vigild.conf" 2>&1) || fail "good files refused: $out"

chmod 0666 "$T/envdir/env"
check "env_file 0666" "cannot read env_file \"$T/envdir/env\" of service \"web\": refusing env_file: mode 0666 is writable by group or others"
chmod 0644 "$T/envdir/env"
chown nobody "$T/envdir/env"
check "env_file of nobody" "refusing env_file: owned by uid $(id -u nobody), not by root"
chown root "$T/envdir/env"
chmod 0777 "$T/envdir"
check "directory above env_file 0777" "refusing env_file: the directory $T/envdir above it has mode 0777, writable by group or others"
chmod 0755 "$T/envdir"
chmod 0777 "$T/etc/conf.d"
check "include directory 0777" "$T/etc/conf.d/x.conf: refusing include: the directory $T/etc/conf.d above it has mode 0777"
chmod 0755 "$T/etc/conf.d"
chmod 0646 "$T/etc/conf.d/x.conf"
check "include 0646" "$T/etc/conf.d/x.conf: refusing include: mode 0646 is writable by group or others"
chmod 0644 "$T/etc/conf.d/x.conf"

# On reload: LD_PRELOAD written by nobody into the env_file never
# reaches the service.
start_vigild "$T/etc/vigild.conf"
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "web not RUNNING"
chmod 0666 "$T/envdir/env"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    sh -c "echo LD_PRELOAD=/tmp/evil.so >>$T/envdir/env" ||
    fail "could not write the env_file as nobody"
out=$(ctl reload 2>&1) && fail "reload accepted a 0666 env_file: $out"
grep -qF "refusing env_file: mode 0666" <<<"$out" || fail "reload: $out"
ctl restart web >/dev/null 2>&1
wait_until 10 bash -c "$VIGILCTL -s $SOCK status web | grep -q RUNNING" ||
    fail "web not RUNNING after restart"
pid=$(ctl pid web)
tr '\0' '\n' </proc/"$pid"/environ | grep -q LD_PRELOAD &&
    fail "LD_PRELOAD reached the service"
note "reload with a 0666 env_file: refused; LD_PRELOAD not in web's environment"
stop_vigild

# log_dir: an existing directory keeps its owner; one nobody cannot
# write is refused, naming it.
mkdir -p "$T/logs"
chmod 0755 "$T/logs"
write_conf "$T/etc/vigild.conf" <<CONF
log_dir: $T/logs
services:
  web: { command: /bin/sleep 1001, user: nobody }
CONF
out=$(timeout 10 "$VIGILD" -d -f "$T/etc/vigild.conf" -p "$T/x.pid" 2>&1) &&
    fail "a log_dir nobody cannot write was accepted"
grep -qF "log_dir $T/logs: user nobody cannot write there (owner uid 0, group gid 0, mode 0755)" <<<"$out" ||
    fail "log_dir: $out"
[ "$(stat -c %U "$T/logs")" = root ] || fail "log_dir was chowned"
note "log_dir not writable: $(grep -F "log_dir $T/logs" <<<"$out")"
exit 0
