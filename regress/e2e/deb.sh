#!/bin/bash
# The Debian package (make deb, debian/): built, its contents checked,
# lintian clean, then installed (the _vigil user, the directories,
# nothing started for a configuration without services), vigild -n and
# vigilctl version run from it, removed and purged (the user and the
# state go, the logs stay unless VIGIL_PURGE_LOGS=yes).
#
# The package is installed into a private overlay of the root file
# system (a mount namespace of its own, the changes in a tmpfs), never
# into this machine: its /etc, its users, its dpkg database and other
# people's runs of this test are left as they are, by construction, and
# the end checks that nothing of the package reached them.
#
# The build takes about 50 to 85 s on 2 loaded cores; a package newer
# than every file it is made of is used again.  It runs the package's
# programs, not build/asan's, so the ASan pass skips it:
# e2e: once
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "not root: cannot mount an overlay to install into"
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
    skip "no dpkg-buildpackage or debhelper (etc/deps.sh installs them)"
command -v unshare >/dev/null || skip "no unshare"

ARCH=$(dpkg --print-architecture)
VERSION=$(sed -n 's/^VERSION[[:space:]]*=[[:space:]]*//p' "$ROOT/Makefile")
DEB=$ROOT/build/vigil_${VERSION}_$ARCH.deb

# What the machine has, to see that it still has just that at the end.
host_state() {
	{
		getent passwd _vigil; getent group _vigil
		dpkg-query -W -f='${Status}\n' vigil 2>&1
		ls -ld /etc/vigild.conf /var/empty /var/log/vigil \
		    /var/db/vigil /etc/init.d/vigild /usr/sbin/vigild 2>&1
	} | sed 's/^ls: //'
}
host_state >"$T/host.before"

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

# ---- Install, remove, purge: in the overlay, by $T/phase.sh.
cp "$DEB" "$T/vigil.deb"
cat >"$T/phase.sh" <<'PHASE'
# Run by unshare -m: mounts made here vanish with it.  $1: the test's
# directory; the root the package sees is $1/root.
set -u
D=$1
R=$D/root
export DEBIAN_FRONTEND=noninteractive
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$D/ovl" "$R"
mount -t tmpfs -o mode=0755 tmpfs "$D/ovl" || fail "cannot mount a tmpfs"
mkdir "$D/ovl/up" "$D/ovl/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$D/ovl/up,workdir=$D/ovl/work" \
    "$R" || fail "cannot mount an overlay of /"
for m in proc sys dev; do
	mount --rbind "/$m" "$R/$m" || fail "cannot bind /$m"
done
mount -t tmpfs tmpfs "$R/run"
mkdir -p "$R/run/lock"
# Nothing is started in here (as on a machine in a container).
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 0755 "$R/usr/sbin/policy-rc.d"
cp "$D/vigil.deb" "$R/tmp/vigil.deb"
inr() { chroot "$R" "$@"; }
APT="apt-get -y -q"

inr $APT install /tmp/vigil.deb >"$D/install.out" 2>&1 ||
    fail "apt-get install: $(tail -20 "$D/install.out")"
inr getent passwd _vigil >/dev/null || fail "no _vigil user after install"
[ "$(inr stat -c '%U %a' /var/log/vigil)" = "_vigil 750" ] ||
    fail "/var/log/vigil: $(inr stat -c '%U %a' /var/log/vigil)"
[ -d "$R/var/db/vigil" ] && [ -d "$R/var/empty" ] ||
    fail "no /var/db/vigil or /var/empty"
out=$(inr /usr/sbin/vigild -n -f /etc/vigild.conf 2>&1) ||
    fail "vigild -n on the installed configuration: $out"
[ "$out" = "configuration OK" ] || fail "vigild -n printed: $out"
out=$(inr /usr/bin/vigilctl version 2>&1)
echo "$out" | grep -q "vigilctl $VERSION" || fail "vigilctl version: $out"
[ -e "$R/run/vigild.pid" ] &&
    fail "vigild was started for a configuration without services"
# Not started at boot either, by either init system.
out=$(inr /etc/init.d/vigild start 2>&1) || fail "init.d start: $out"
echo "$out" | grep -q "defines no services" || fail "init.d start: $out"
[ -e "$R/run/vigild.pid" ] && fail "init.d start started vigild"
# systemd's ExecCondition (no systemd here to run it): skip, then go.
cond=$(sed -n 's/^ExecCondition=//p' "$R/lib/systemd/system/vigild.service")
[ -n "$cond" ] || fail "the unit has no ExecCondition"
eval "inr $cond" &&
    fail "the unit's ExecCondition lets vigild start without services"
cp "$R/etc/vigild.conf" "$D/shipped.conf"
printf 'services:\n  one: { command: /bin/true, autostart: false }\n' \
    >>"$R/etc/vigild.conf"
eval "inr $cond" || fail "the unit's ExecCondition stops vigild with a service"
cp "$D/shipped.conf" "$R/etc/vigild.conf"
[ -L "$R/etc/systemd/system/multi-user.target.wants/vigild.service" ] ||
    fail "the unit is not enabled"
ls "$R"/etc/rc2.d/S*vigild >/dev/null 2>&1 ||
    fail "the init.d script is not enabled"
inr bash -c '. /usr/share/bash-completion/completions/vigilctl;
    complete -p vigilctl' >/dev/null 2>&1 || fail "bash completion does not load"

# Remove: the programs go, the configuration and the user stay.
inr $APT remove vigil >"$D/remove.out" 2>&1 ||
    fail "apt-get remove: $(tail -20 "$D/remove.out")"
[ -e "$R/usr/sbin/vigild" ] && fail "remove left /usr/sbin/vigild"
[ -e "$R/etc/vigild.conf" ] || fail "remove took the configuration"
inr getent passwd _vigil >/dev/null || fail "remove took the user"

# Purge: the user, the state and the configuration go; the logs stay.
echo "a line" >"$R/var/log/vigil/kept.log"
inr chown _vigil:_vigil /var/log/vigil/kept.log
inr $APT purge vigil >"$D/purge.out" 2>&1 ||
    fail "apt-get purge: $(tail -20 "$D/purge.out")"
inr getent passwd _vigil >/dev/null && fail "purge left the _vigil user"
inr getent group _vigil >/dev/null && fail "purge left the _vigil group"
[ -e "$R/var/db/vigil" ] && fail "purge left /var/db/vigil"
[ -e "$R/etc/vigild.conf" ] && fail "purge left /etc/vigild.conf"
[ -f "$R/var/log/vigil/kept.log" ] || fail "purge took the logs"
[ "$(inr stat -c %U /var/log/vigil/kept.log)" = UNKNOWN ] ||
    fail "purge left a user for the kept logs"
grep -q "kept the logs in /var/log/vigil" "$D/purge.out" ||
    fail "purge did not say it kept the logs: $(cat "$D/purge.out")"
ls "$R"/etc/rc?.d/*vigild >/dev/null 2>&1 && fail "purge left rc.d links"
[ -e "$R/etc/systemd/system/multi-user.target.wants/vigild.service" ] &&
    fail "purge left the unit enabled"

# Installed again: the new _vigil takes the kept logs over; and with
# VIGIL_PURGE_LOGS=yes the logs go too.
inr $APT install /tmp/vigil.deb >"$D/install.out" 2>&1 ||
    fail "apt-get install again: $(tail -20 "$D/install.out")"
[ -f "$R/var/log/vigil/kept.log" ] || fail "a new install took the old logs"
[ "$(inr stat -c %U /var/log/vigil)/$(inr stat -c %U /var/log/vigil/kept.log)" = \
    _vigil/_vigil ] || fail "the new _vigil does not own the kept logs"
inr env VIGIL_PURGE_LOGS=yes $APT purge vigil >"$D/purge.out" 2>&1 ||
    fail "apt-get purge: $(tail -20 "$D/purge.out")"
[ -e "$R/var/log/vigil" ] && fail "VIGIL_PURGE_LOGS=yes left /var/log/vigil"
echo ok
PHASE
out=$(VERSION=$VERSION unshare -m --propagation private bash "$T/phase.sh" "$T" 2>&1)
[ "$(echo "$out" | tail -1)" = ok ] || fail "in the overlay: $out"
mountpoint -q "$T/root" && fail "the overlay outlived its namespace"

# ---- And this machine saw none of it.
host_state >"$T/host.after"
cmp -s "$T/host.before" "$T/host.after" ||
    fail "the machine changed: $(diff "$T/host.before" "$T/host.after")"
note "$((SECONDS - t0)) s in all"
exit 0
