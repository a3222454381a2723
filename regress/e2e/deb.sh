#!/bin/bash
# The Debian package (make deb, debian/): built, its contents checked,
# lintian clean, installed (the _vigil user, the directories, nothing
# started for a configuration without services), vigild -n and vigilctl
# version run from it, removed and purged (the user and the state go, the
# logs stay unless VIGIL_PURGE_LOGS=yes), and the machine left as it was:
# an /etc/vigild.conf, a _vigil user, /var/empty or /var/log/vigil that
# were there before are there after, and nothing of the package is left.
#
# The build takes about 50 to 85 s on 2 loaded cores; a package newer
# than every file it is made of is used again (the ASan pass runs this
# test too).  Runs of it on one machine wait for each other (a lock).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "not root: cannot install a package"
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
    skip "no dpkg-buildpackage or debhelper (etc/deps.sh installs them)"

# One at a time on a machine: two of these (from two work trees) would
# install and purge the same package under each other, and each take the
# other's _vigil user for one that was there before.  Held until exit.
exec 9>/run/lock/vigil-deb-test.lock
flock -w 900 9 || fail "another regress/e2e/deb.sh held the lock for 15 minutes"
if dpkg-query -W -f='${Status}' vigil 2>/dev/null | grep -q installed; then
	skip "a vigil package is installed here already: not touching it"
fi

ARCH=$(dpkg --print-architecture)
VERSION=$(sed -n 's/^VERSION[[:space:]]*=[[:space:]]*//p' "$ROOT/Makefile")
DEB=$ROOT/build/vigil_${VERSION}_$ARCH.deb
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=300 -y -q)

# ---- What is here before, to leave it so.
had_user=$(getent passwd _vigil || true)
had_group=$(getent group _vigil || true)
had_empty=0; [ -d /var/empty ] && had_empty=1
had_logs=0; [ -e /var/log/vigil ] && had_logs=1
had_state=0; [ -e /var/db/vigil ] && had_state=1
if [ -e /etc/vigild.conf ]; then
	cp -a /etc/vigild.conf "$T/vigild.conf.before"
	rm -f /etc/vigild.conf	# the package's would not be installed
fi
restore() {
	if dpkg-query -W -f='${Status}' vigil 2>/dev/null | grep -q installed ||
	    dpkg-query -W -f='${Status}' vigil 2>/dev/null | grep -q config-files; then
		VIGIL_PURGE_LOGS=no "${APT[@]}" purge vigil >/dev/null 2>&1
	fi
	[ -f "$T/vigild.conf.before" ] && cp -a "$T/vigild.conf.before" /etc/vigild.conf
	if [ -n "$had_group" ] && ! getent group _vigil >/dev/null; then
		groupadd -r -g "$(echo "$had_group" | cut -d: -f3)" _vigil
	fi
	if [ -n "$had_user" ] && ! getent passwd _vigil >/dev/null; then
		IFS=: read -r n _ uid gid gecos home shell <<<"$had_user"
		useradd -r -M -u "$uid" -g "$gid" -c "$gecos" -d "$home" \
		    -s "$shell" "$n"
	fi
	[ $had_empty -eq 0 ] && rmdir /var/empty 2>/dev/null
	[ $had_logs -eq 0 ] && rm -rf /var/log/vigil
	[ $had_state -eq 0 ] && rm -rf /var/db/vigil
	return 0
}
trap 'rc=$?; restore; (exit $rc); cleanup' EXIT

# ---- Build (unless the package is newer than what it is made of).
t0=$SECONDS
if [ ! -f "$DEB" ] || [ -n "$(cd "$ROOT" && find Makefile common control \
    parent logger monitor etc man debian -newer "$DEB" -type f | head -1)" ]; then
	make -C "$ROOT" deb >"$T/build.out" 2>&1 ||
	    fail "make deb: $(tail -30 "$T/build.out")"
	note "make deb took $((SECONDS - t0)) s"
fi
[ -f "$DEB" ] || fail "make deb made no $DEB"

# ---- Its contents.
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/files"
for f in /usr/sbin/vigild /usr/bin/vigilctl /etc/vigild.conf \
    /etc/vigild.conf.sample /etc/init.d/vigild /etc/logrotate.d/vigil \
    /lib/systemd/system/vigild.service \
    /usr/share/man/man8/vigild.8.gz /usr/share/man/man8/vigilctl.8.gz \
    /usr/share/man/man5/vigild.conf.5.gz \
    /usr/share/bash-completion/completions/vigilctl \
    /usr/share/zsh/vendor-completions/_vigilctl \
    /usr/share/doc/vigil/copyright; do
	grep -qx "$f" "$T/files" || fail "the package lacks $f"
done
grep -q '^/var/' "$T/files" && fail "the package ships /var: $(grep '^/var/' "$T/files")"
dpkg-deb -f "$DEB" Depends | grep -q adduser || fail "no Depends on adduser"
dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./conffiles >"$T/conffiles"
grep -qx /etc/vigild.conf "$T/conffiles" || fail "/etc/vigild.conf is no conffile"
dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./lib/systemd/system/vigild.service |
    grep -qx 'ExecStart=/usr/sbin/vigild -d -f /etc/vigild.conf' ||
    fail "the unit does not run /usr/sbin/vigild"

# ---- lintian: no error or warning (debian/ would explain any left).
if command -v lintian >/dev/null; then
	lintian --fail-on error,warning "$DEB" >"$T/lintian" 2>&1 ||
	    fail "lintian: $(grep -v 'root privileges' "$T/lintian")"
	grep -qE '^[EW]: ' "$T/lintian" && fail "lintian: $(cat "$T/lintian")"
else
	fail "no lintian (etc/deps.sh installs it)"
fi

# ---- Install.
"${APT[@]}" install "$DEB" >"$T/install.out" 2>&1 ||
    fail "apt-get install: $(tail -20 "$T/install.out")"
getent passwd _vigil >/dev/null || fail "no _vigil user after install"
[ "$(stat -c '%U %a' /var/log/vigil)" = "_vigil 750" ] ||
    fail "/var/log/vigil: $(stat -c '%U %a' /var/log/vigil)"
[ -d /var/db/vigil ] && [ -d /var/empty ] || fail "no /var/db/vigil or /var/empty"
out=$(/usr/sbin/vigild -n -f /etc/vigild.conf 2>&1) ||
    fail "vigild -n on the installed configuration: $out"
[ "$out" = "configuration OK" ] || fail "vigild -n printed: $out"
out=$(/usr/bin/vigilctl version 2>&1)
grep -q "vigilctl $VERSION" <<<"$out" || fail "vigilctl version: $out"
[ -e /var/run/vigild.pid ] && fail "vigild was started for a configuration without services"
# Not started at boot either, by either init system.
out=$(/etc/init.d/vigild start 2>&1) || fail "init.d start: $out"
grep -q "defines no services" <<<"$out" || fail "init.d start: $out"
[ -e /var/run/vigild.pid ] && fail "init.d start started vigild"
# systemd's ExecCondition (no systemd here to run it): skip, then go.
cond=$(sed -n 's/^ExecCondition=//p' /lib/systemd/system/vigild.service)
[ -n "$cond" ] || fail "the unit has no ExecCondition"
eval "$cond" && fail "the unit's ExecCondition lets vigild start without services"
cp /etc/vigild.conf "$T/shipped.conf"
printf 'services:\n  one: { command: /bin/true, autostart: false }\n' \
    >>/etc/vigild.conf
eval "$cond" || fail "the unit's ExecCondition stops vigild with a service"
cp "$T/shipped.conf" /etc/vigild.conf
[ -L /etc/systemd/system/multi-user.target.wants/vigild.service ] ||
    fail "the unit is not enabled"
ls /etc/rc2.d/S*vigild >/dev/null 2>&1 || fail "the init.d script is not enabled"
bash -c '. /usr/share/bash-completion/completions/vigilctl; complete -p vigilctl' \
    >/dev/null 2>&1 || fail "bash completion does not load"

# ---- Remove: the programs go, the configuration and the user stay.
"${APT[@]}" remove vigil >"$T/remove.out" 2>&1 ||
    fail "apt-get remove: $(tail -20 "$T/remove.out")"
[ -e /usr/sbin/vigild ] && fail "remove left /usr/sbin/vigild"
[ -e /etc/vigild.conf ] || fail "remove took the configuration"
getent passwd _vigil >/dev/null || fail "remove took the user"

# ---- Purge: the user, the state and the configuration go; the logs stay.
echo "a line" >/var/log/vigil/kept.log
"${APT[@]}" purge vigil >"$T/purge.out" 2>&1 ||
    fail "apt-get purge: $(tail -20 "$T/purge.out")"
getent passwd _vigil >/dev/null && fail "purge left the _vigil user"
getent group _vigil >/dev/null && fail "purge left the _vigil group"
[ -e /var/db/vigil ] && fail "purge left /var/db/vigil"
[ -e /etc/vigild.conf ] && fail "purge left /etc/vigild.conf"
[ -f /var/log/vigil/kept.log ] || fail "purge took the logs"
grep -q "kept the logs in /var/log/vigil" "$T/purge.out" ||
    fail "purge did not say it kept the logs: $(cat "$T/purge.out")"
ls /etc/rc?.d/*vigild >/dev/null 2>&1 && fail "purge left rc.d links"
[ -e /etc/systemd/system/multi-user.target.wants/vigild.service ] &&
    fail "purge left the unit enabled"

# ---- And with VIGIL_PURGE_LOGS=yes the logs go too.
"${APT[@]}" install "$DEB" >"$T/install.out" 2>&1 ||
    fail "apt-get install again: $(tail -20 "$T/install.out")"
[ -f /var/log/vigil/kept.log ] || fail "a new install took the old logs"
VIGIL_PURGE_LOGS=yes "${APT[@]}" purge vigil >"$T/purge.out" 2>&1 ||
    fail "apt-get purge: $(tail -20 "$T/purge.out")"
[ -e /var/log/vigil ] && fail "VIGIL_PURGE_LOGS=yes left /var/log/vigil"
note "$((SECONDS - t0)) s in all"
exit 0
