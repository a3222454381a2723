#!/bin/bash
# Boot integration.  etc/install.sh into a temporary DESTDIR
# with its own PREFIX and SYSCONFDIR (files, modes, rewritten paths, an
# existing vigild.conf kept), the shipped vigild.conf.sample accepted by
# vigild -n, the systemd unit verified, the rc.d script's values, the
# init.d script started, queried, reloaded, restarted and stopped for
# real from the installed copy, and etc/uninstall.sh (which keeps the
# configuration and the logs).
. "$(dirname "$0")/lib.sh"

export SYSTEMCTL_SKIP_REDIRECT=1

# A vigild started by the init.d script is not this shell's child: hand
# it to lib.sh's cleanup (which kills VIGILD_PID and its tree) whatever
# happens.
initd_cleanup() {
	local p
	p=$(head -n 1 "$T/vigild.pid" 2>/dev/null) || return 0
	[ -n "$p" ] && [ -r /proc/"$p"/cmdline ] &&
	    tr '\0' ' ' </proc/"$p"/cmdline | grep -q '^vigild: parent' &&
	    VIGILD_PID=$p
	return 0
}
trap 'rc_=$?; initd_cleanup; (exit $rc_); cleanup' EXIT
DEST=$T/root
PFX=/opt/vigil-test
CONFDIR=/etc/vigil-test

# ---- Syntax.
sh -n "$ROOT/etc/init.d/vigild" || fail "etc/init.d/vigild: sh -n"
sh -n "$ROOT/etc/rc.d/vigild" || fail "etc/rc.d/vigild: sh -n"
if command -v ksh >/dev/null; then
	ksh -n "$ROOT/etc/rc.d/vigild" || fail "etc/rc.d/vigild: ksh -n"
fi
sh -n "$ROOT/etc/install.sh" || fail "etc/install.sh: sh -n"
sh -n "$ROOT/etc/uninstall.sh" || fail "etc/uninstall.sh: sh -n"
grep -q '^### BEGIN INIT INFO' "$ROOT/etc/init.d/vigild" &&
    grep -q '^# Provides: *vigild$' "$ROOT/etc/init.d/vigild" &&
    grep -q '^### END INIT INFO' "$ROOT/etc/init.d/vigild" ||
    fail "etc/init.d/vigild has no LSB header"

# ---- Install into $DEST.  The binaries under test, wherever they are.
mkdir -p "$T/build"
[ -x "$VIGILD" ] || skip "no $VIGILD"
cp "$VIGILD" "$T/build/vigild"
if [ -x "$VIGILCTL" ]; then
	cp "$VIGILCTL" "$T/build/vigilctl"
	have_ctl=1
else
	printf '#!/bin/sh\necho "vigilctl: not built" >&2\nexit 7\n' \
	    >"$T/build/vigilctl"
	chmod 0755 "$T/build/vigilctl"
	have_ctl=0
	note "no $VIGILCTL: a stand-in is installed, reload is not tested"
fi
inst() {
	(cd "$ROOT" && DESTDIR=$DEST PREFIX=$PFX SYSCONFDIR=$CONFDIR \
	    BUILD=$T/build INIT="sysv systemd rcd" sh etc/install.sh) \
	    >"$T/install.out" 2>&1 || fail "install.sh: $(cat "$T/install.out")"
}
inst
# Whether install.sh has a user to create depends on this machine (a
# package or another install may have made _vigil already).
if id _vigil >/dev/null 2>&1; then
	grep -q "not creating the user" "$T/install.out" &&
	    fail "install.sh talks of creating _vigil, which exists: $(cat "$T/install.out")"
else
	grep -q "DESTDIR is set: not creating the user" "$T/install.out" ||
	    fail "install.sh did not say why it creates no user: $(cat "$T/install.out")"
fi

# mode FILE MODE
mode() {
	[ -e "$DEST$1" ] || fail "not installed: $1"
	[ "$(stat -c %a "$DEST$1")" = "$2" ] ||
	    fail "$1 has mode $(stat -c %a "$DEST$1"), not $2"
}
mode $PFX/sbin/vigild 755
mode $PFX/bin/vigilctl 755
for m in vigild.8 vigilctl.8 vigild.conf.5; do
	[ -f "$ROOT/man/$m" ] && mode "$PFX/share/man/man${m##*.}/$m" 644
done
mode $CONFDIR/vigild.conf.sample 644
mode $PFX/share/bash-completion/completions/vigilctl 644
mode $PFX/share/zsh/site-functions/_vigilctl 644
mode $CONFDIR/vigild.conf 644
mode $CONFDIR/init.d/vigild 755
mode $CONFDIR/rc.d/vigild 555
mode $CONFDIR/systemd/system/vigild.service 644
mode /var/empty 755
mode /var/log/vigil 750
mode /var/db/vigil 755
cmp -s "$ROOT/etc/vigild.conf.sample" "$DEST$CONFDIR/vigild.conf" ||
    fail "vigild.conf is not the sample"

# Paths rewritten to PREFIX and SYSCONFDIR, none left at the defaults.
for f in init.d/vigild rc.d/vigild systemd/system/vigild.service; do
	grep -qE '/usr/local/s?bin|[ "=]/etc/vigild\.conf' "$DEST$CONFDIR/$f" &&
	    fail "$f still names a default path: $(grep -nE '/usr/local|/etc/vigild' "$DEST$CONFDIR/$f")"
done
grep -qx "DAEMON=\${DAEMON:-$PFX/sbin/vigild}" "$DEST$CONFDIR/init.d/vigild" ||
    fail "init.d: DAEMON not rewritten"
grep -qx "VIGILCTL=\${VIGILCTL:-$PFX/bin/vigilctl}" "$DEST$CONFDIR/init.d/vigild" ||
    fail "init.d: VIGILCTL not rewritten"
grep -qx "CONFIG=\${CONFIG:-$CONFDIR/vigild.conf}" "$DEST$CONFDIR/init.d/vigild" ||
    fail "init.d: CONFIG not rewritten"
grep -qx "PIDFILE=\${PIDFILE:-/var/run/vigild.pid}" "$DEST$CONFDIR/init.d/vigild" ||
    fail "init.d: the pid file is not /var/run/vigild.pid"

# An existing vigild.conf survives another install.
echo "# mine" >>"$DEST$CONFDIR/vigild.conf"
inst
grep -q "kept the existing" "$T/install.out" || fail "install did not keep vigild.conf"
tail -1 "$DEST$CONFDIR/vigild.conf" | grep -qx "# mine" ||
    fail "install replaced an existing vigild.conf"

# ---- The sample: vigild -n accepts it as shipped, and with every example
# key taken out of its comment (pointed at users and files that exist).
write_conf "$T/probe.conf" </dev/null
out=$(as_user "$VIGILD" -n -f "$T/probe.conf" 2>&1)
[ "$out" = "configuration OK" ] ||
    fail "vigild -n on a minimal configuration: $out"
hu=$(helper_user)
sed -e "s/^user: _vigil\$/user: $hu/" "$DEST$CONFDIR/vigild.conf.sample" \
    >"$T/sample1.conf"
: >"$T/web.env"
echo token >"$T/token"
sed -e '/^ *##\( \|$\)/d' -e 's/^\( *\)# /\1/' \
    -e "s/^user: _vigil\$/user: $hu/" -e "s/user: www\$/user: $hu/" \
    -e "s/group: www\$/group: $(id -gn "$hu")/" -e "s/group: adm\$/group: $(id -gn "$hu")/" \
    -e "s|/srv/web|$T|" -e "s|/etc/web.env|$T/web.env|" \
    -e "s|/etc/vigild.token|$T/token|" "$DEST$CONFDIR/vigild.conf.sample" \
    >"$T/sample2.conf"
chmod 0644 "$T/sample1.conf" "$T/sample2.conf" "$T/web.env" "$T/token"
# What this vigild or this host cannot do is left out, with a note.
if grep -q "cpu controller is not available" \
    <<<"$(as_user "$VIGILD" -n -f "$T/sample2.conf" 2>&1)"; then
	note "no cgroup v2 cpu controller here: the sample is checked without limits.cpu"
	sed -i '/^ *cpu: /d' "$T/sample2.conf"
fi
for s in sample1 sample2; do
	out=$(as_user "$VIGILD" -n -f "$T/$s.conf" 2>&1) ||
	    fail "vigild -n on the $s of vigild.conf.sample: $out"
	[ "$out" = "configuration OK" ] || fail "vigild -n printed: $out"
done
grep -q "^services:" "$T/sample1.conf" && fail "the shipped sample runs services"
for k in command shell user group directory umask environment env_file \
    inherit_environment autostart instances port listen priority \
    depends_on restart exit_codes start_seconds start_retries backoff \
    restart_limit stop_signal stop_timeout reload_signal ready health \
    interval timeout retries start_period on_unhealthy limits memory cpu \
    nofile nproc core stack as cgroup log stdout stderr max_size keep \
    timestamps include http listen token_file defaults socket log_dir \
    state_dir; do
	grep -qE "^# *$k:|^ *$k:|[{,] $k:" "$ROOT/etc/vigild.conf.sample" ||
	    fail "vigild.conf.sample has no $k:"
done

# ---- systemd: the keys that matter, and systemd-analyze verify.
unit=$DEST$CONFDIR/systemd/system/vigild.service
for kv in "Type=notify" "KillMode=process" "NotifyAccess=main" \
    "ExecStart=$PFX/sbin/vigild -d -f $CONFDIR/vigild.conf" \
    "ExecReload=$PFX/bin/vigilctl -c $CONFDIR/vigild.conf reload" \
    "WantedBy=multi-user.target"; do
	grep -qx "$kv" "$unit" || fail "vigild.service does not set $kv"
done
grep -qE "^(User|DynamicUser|NoNewPrivileges|CapabilityBoundingSet|ProtectSystem|PrivateTmp)=" \
    "$unit" && fail "vigild.service takes from vigild what its services need"
if command -v systemd-analyze >/dev/null; then
	# The installed unit with its paths pointing into $DEST.
	sed -e "s|$PFX/|$DEST$PFX/|g" -e "s|$CONFDIR/|$DEST$CONFDIR/|g" "$unit" \
	    >"$T/vigild.service"
	out=$(systemd-analyze verify --man=no "$T/vigild.service" 2>&1) ||
	    fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
else
	note "no systemd-analyze: the unit's keys were checked only"
fi

# ---- rc.d: run the installed script with a stand-in rc.subr that prints
# what the script set.
cat >"$T/rc.subr" <<'EOF2'
rc_cmd() {
	echo "daemon=$daemon"
	echo "daemon_flags=$daemon_flags"
	echo "pexp=$pexp"
	echo "cmd=$1"
	[ "$1" = reload ] && rc_reload
}
EOF2
sed -e "s|/etc/rc.d/rc.subr|$T/rc.subr|" -e "s|$PFX/bin/vigilctl|echo vigilctl|" \
    "$DEST$CONFDIR/rc.d/vigild" >"$T/rc.vigild"
shell="sh"
command -v ksh >/dev/null && shell=ksh
out=$($shell "$T/rc.vigild" reload 2>&1) || fail "rc.d script: $out"
grep -qx "daemon=$PFX/sbin/vigild" <<<"$out" || fail "rc.d: daemon: $out"
grep -qx "daemon_flags=-f $CONFDIR/vigild.conf" <<<"$out" ||
    fail "rc.d: daemon_flags: $out"
grep -qx "pexp=vigild: parent" <<<"$out" || fail "rc.d: pexp: $out"
grep -qx "cmd=reload" <<<"$out" || fail "rc.d: rc_cmd not given \$1: $out"
grep -qx "vigilctl -c $CONFDIR/vigild.conf reload" <<<"$out" ||
    fail "rc.d: rc_reload does not run vigilctl reload: $out"

# ---- init.d, for real: start-stop-daemon and a pid file, as root.
if [ "$(id -u)" -ne 0 ] || ! command -v start-stop-daemon >/dev/null; then
	note "not root or no start-stop-daemon: init.d not run"
else
	export DAEMON=$DEST$PFX/sbin/vigild VIGILCTL=$DEST$PFX/bin/vigilctl
	export CONFIG=$T/vigild.conf PIDFILE=$T/vigild.pid START_WAIT=20
	INITD=$DEST$CONFDIR/init.d/vigild
	printf '#!/bin/sh\nwhile :; do sleep 1; done\n' >"$T/loop.sh"
	chmod 0755 "$T/loop.sh"
	write_conf "$CONFIG" <<EOF2
services:
  loop:
    command: [ /bin/sh, "$T/loop.sh", one ]
EOF2
	initd() {
		"$INITD" "$@" >"$T/initd.out" 2>&1
		rc=$?
		return $rc
	}
	expect_rc() {
		local want=$1; shift
		initd "$@"
		[ $rc -eq "$want" ] ||
		    fail "init.d $* exited $rc, not $want: $(cat "$T/initd.out")"
	}
	parent_pid() {
		p=$(head -n 1 "$PIDFILE" 2>/dev/null) && [ -n "$p" ] &&
		    tr '\0' ' ' </proc/"$p"/cmdline | grep -q "^vigild: parent" &&
		    echo "$p"
	}

	expect_rc 2 bogus
	expect_rc 3 status
	expect_rc 7 reload
	expect_rc 0 stop
	expect_rc 0 start
	VIGILD_PID=$(parent_pid) || fail "no vigild in $PIDFILE after start"
	expect_rc 0 status
	grep -q "running (pid $VIGILD_PID)" "$T/initd.out" ||
	    fail "status: $(cat "$T/initd.out")"
	wait_until 10 pgrep -f "$T/loop.sh one" || fail "the service did not start"
	expect_rc 0 start
	[ "$(parent_pid)" = "$VIGILD_PID" ] || fail "start started a second vigild"

	if [ $have_ctl -eq 1 ]; then
		write_conf "$CONFIG" <<EOF2
services:
  loop:
    command: [ /bin/sh, "$T/loop.sh", one ]
  loop2:
    command: [ /bin/sh, "$T/loop.sh", two ]
EOF2
		expect_rc 0 reload
		wait_until 10 pgrep -f "$T/loop.sh two" ||
		    fail "reload did not start the new service: $(cat "$T/initd.out")"
		cp "$CONFIG" "$T/good.conf"
		echo "  bad: { command: /bin/true, colour: blue }" >>"$CONFIG"
		expect_rc 1 force-reload
		# A bad file: restart refuses to stop a working vigild.
		expect_rc 6 restart
		[ "$(parent_pid)" = "$VIGILD_PID" ] || fail "restart on a bad file stopped vigild"
		cp "$T/good.conf" "$CONFIG"
	fi

	old=$VIGILD_PID
	expect_rc 0 restart
	VIGILD_PID=$(parent_pid) || fail "no vigild after restart"
	[ "$VIGILD_PID" != "$old" ] || fail "restart kept the same vigild"
	kill -0 "$old" 2>/dev/null && fail "restart left the old vigild running"
	wait_until 10 pgrep -f "$T/loop.sh one" || fail "the service did not restart"

	expect_rc 0 stop
	kill -0 "$VIGILD_PID" 2>/dev/null && fail "stop left vigild running"
	wait_until 10 bash -c "! pgrep -f '$T/[l]oop.sh'" ||
	    fail "stop left the services running"
	[ -e "$PIDFILE" ] && fail "stop left $PIDFILE"
	VIGILD_PID=
	expect_rc 3 status
	expect_rc 0 stop
	expect_rc 0 try-restart
	expect_rc 3 status

	# Dead with a pid file: 1.
	expect_rc 0 start
	VIGILD_PID=$(parent_pid) || fail "no vigild after start"
	kill -KILL "$VIGILD_PID"
	wait_until 10 bash -c "! kill -0 $VIGILD_PID 2>/dev/null"
	expect_rc 1 status
	expect_rc 0 start
	VIGILD_PID=$(parent_pid) || fail "start after a crash did not start vigild"
	expect_rc 0 stop
	VIGILD_PID=
	pkill -KILL -f "$T/[l]oop.sh"

	# Not installed: 5; not configured: 6.
	DAEMON=$T/nothere expect_rc 5 start
	CONFIG=$T/nothere.conf expect_rc 6 start
	# A configuration without services (the sample's): not started.
	write_conf "$T/none.conf" </dev/null
	CONFIG=$T/none.conf expect_rc 0 start
	grep -q "defines no services: vigild not started" "$T/initd.out" ||
	    fail "start without services: $(cat "$T/initd.out")"
	[ -e "$PIDFILE" ] && fail "start without services started vigild"
fi

# ---- Uninstall: everything but the configuration and the logs.
(cd "$ROOT" && DESTDIR=$DEST PREFIX=$PFX SYSCONFDIR=$CONFDIR \
    sh etc/uninstall.sh) >"$T/uninstall.out" 2>&1 ||
    fail "uninstall.sh: $(cat "$T/uninstall.out")"
left=$(cd "$DEST" && find . -type f | sort)
[ "$left" = "./etc/vigil-test/vigild.conf" ] ||
    fail "uninstall left or removed the wrong files: $left"
[ -d "$DEST/var/log/vigil" ] || fail "uninstall removed the log directory"
[ -d "$DEST/var/db/vigil" ] && fail "uninstall left the empty state directory"
exit 0
