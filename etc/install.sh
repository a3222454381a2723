#!/bin/sh
# Install vigil: called by `make install` with PREFIX, DESTDIR, SBINDIR,
# BINDIR, MANDIR, SYSCONFDIR and BUILD in the environment (the defaults
# below are the Makefile's).  Also:
#   INIT        which boot integration to install: any of "sysv systemd
#               rcd", or "none"; default: rcd on OpenBSD, sysv and systemd
#               elsewhere.  Nothing is enabled: the script says how.
#   UNITDIR     where the systemd unit goes (default
#               $SYSCONFDIR/systemd/system).
#   VIGIL_USER  the helpers' user (default _vigil).
#   BASHCOMPDIR, ZSHCOMPDIR  where the shell completions go (default
#               $PREFIX/share/bash-completion/completions and
#               $PREFIX/share/zsh/site-functions).
#
# Installs the programs, the man pages, $SYSCONFDIR/vigild.conf.sample
# (and $SYSCONFDIR/vigild.conf from it when there is none: as shipped it
# runs nothing), the init files with their paths rewritten to these, the
# chroot directory /var/empty, the log directory /var/log/vigil (0750,
# the helpers' user) and the state directory /var/db/vigil (0755, root),
# and creates the helpers' user and group with the system's tool when
# missing (not with DESTDIR, which is for staging a package).
set -eu

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
SBINDIR=${SBINDIR:-$PREFIX/sbin}
BINDIR=${BINDIR:-$PREFIX/bin}
MANDIR=${MANDIR:-$PREFIX/share/man}
SYSCONFDIR=${SYSCONFDIR:-/etc}
BUILD=${BUILD:-build}
UNITDIR=${UNITDIR:-$SYSCONFDIR/systemd/system}
VIGIL_USER=${VIGIL_USER:-_vigil}
BASHCOMPDIR=${BASHCOMPDIR:-$PREFIX/share/bash-completion/completions}
ZSHCOMPDIR=${ZSHCOMPDIR:-$PREFIX/share/zsh/site-functions}
if [ -z "${INIT:-}" ]; then
	if [ "$(uname -s)" = OpenBSD ]; then INIT=rcd; else INIT="sysv systemd"; fi
fi

SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC"

say() { echo "install: $*"; }
die() { echo "install: $*" >&2; exit 1; }

for d in "$PREFIX" "$SBINDIR" "$BINDIR" "$MANDIR" "$SYSCONFDIR" "$UNITDIR" \
    "$BASHCOMPDIR" "$ZSHCOMPDIR"; do
	case "$d" in
	/*) ;;
	*) die "$d: not an absolute path" ;;
	esac
	case "$d" in
	*[[:space:]\|\&\\]*) die "$d: no spaces, |, & or \\ in paths, please" ;;
	esac
done
for f in "$BUILD/vigild" "$BUILD/vigilctl"; do
	[ -x "$f" ] || die "$f is not built: run make first"
done

# A file with /usr/local/sbin, /usr/local/bin and /etc paths rewritten.
subst() {
	sed -e "s|/usr/local/sbin|$SBINDIR|g" \
	    -e "s|/usr/local/bin|$BINDIR|g" \
	    -e "s|/etc/vigild.conf|$SYSCONFDIR/vigild.conf|g" \
	    -e "s|/etc/default/vigild|$SYSCONFDIR/default/vigild|g" "$1"
}

# install_subst SRC DEST MODE
install_subst() {
	tmp=$(mktemp)
	subst "$1" >"$tmp"
	install -m "$3" "$tmp" "$2"
	rm -f "$tmp"
}

install -d "$DESTDIR$SBINDIR" "$DESTDIR$BINDIR" "$DESTDIR$MANDIR/man5" \
    "$DESTDIR$MANDIR/man8" "$DESTDIR$SYSCONFDIR"
install -m 0755 "$BUILD/vigild" "$DESTDIR$SBINDIR/vigild"
install -m 0755 "$BUILD/vigilctl" "$DESTDIR$BINDIR/vigilctl"
for m in man/vigild.8 man/vigilctl.8 man/vigild.conf.5; do
	if [ -f "$m" ]; then
		install -m 0644 "$m" "$DESTDIR$MANDIR/man${m##*.}/${m##*/}"
	else
		echo "install: warning: $m is missing, not installed" >&2
	fi
done

install -d "$DESTDIR$BASHCOMPDIR" "$DESTDIR$ZSHCOMPDIR"
install -m 0644 etc/completion/vigilctl.bash "$DESTDIR$BASHCOMPDIR/vigilctl"
install -m 0644 etc/completion/_vigilctl "$DESTDIR$ZSHCOMPDIR/_vigilctl"

install -m 0644 etc/vigild.conf.sample "$DESTDIR$SYSCONFDIR/vigild.conf.sample"
if [ -e "$DESTDIR$SYSCONFDIR/vigild.conf" ]; then
	say "kept the existing $DESTDIR$SYSCONFDIR/vigild.conf"
else
	install -m 0644 etc/vigild.conf.sample "$DESTDIR$SYSCONFDIR/vigild.conf"
	say "installed $DESTDIR$SYSCONFDIR/vigild.conf (it runs nothing yet)"
fi

for i in $INIT; do
	case "$i" in
	sysv)
		install -d "$DESTDIR$SYSCONFDIR/init.d"
		install_subst etc/init.d/vigild "$DESTDIR$SYSCONFDIR/init.d/vigild" 0755
		say "init.d script: enable it with update-rc.d vigild defaults"
		;;
	systemd)
		install -d "$DESTDIR$UNITDIR"
		install_subst etc/systemd/vigild.service \
		    "$DESTDIR$UNITDIR/vigild.service" 0644
		say "systemd unit: systemctl daemon-reload; systemctl enable --now vigild"
		;;
	rcd)
		install -d "$DESTDIR$SYSCONFDIR/rc.d"
		install_subst etc/rc.d/vigild "$DESTDIR$SYSCONFDIR/rc.d/vigild" 0555
		say "rc.d script: rcctl enable vigild; rcctl start vigild"
		;;
	none) ;;
	*) die "INIT: unknown \"$i\" (sysv, systemd, rcd or none)" ;;
	esac
done

# The helpers' user and group.
nologin=/usr/sbin/nologin
[ -x "$nologin" ] || nologin=/sbin/nologin
useradd_cmd="useradd -r -M -d /var/empty -s $nologin -U $VIGIL_USER"
have_user=0
if id "$VIGIL_USER" >/dev/null 2>&1; then
	have_user=1
elif [ -n "$DESTDIR" ]; then
	say "DESTDIR is set: not creating the user $VIGIL_USER; on the target: $useradd_cmd"
elif [ "$(id -u)" -ne 0 ]; then
	say "not root: not creating the user $VIGIL_USER; as root: $useradd_cmd"
else
	if [ "$(uname -s)" = OpenBSD ]; then
		groupadd "$VIGIL_USER"
		useradd -d /var/empty -s /sbin/nologin -g "$VIGIL_USER" \
		    -c "vigil helpers" "$VIGIL_USER"
	elif command -v useradd >/dev/null 2>&1; then
		$useradd_cmd -c "vigil helpers"
	elif command -v adduser >/dev/null 2>&1; then
		# BusyBox (Alpine).
		addgroup -S "$VIGIL_USER"
		adduser -S -D -H -h /var/empty -s "$nologin" -G "$VIGIL_USER" \
		    "$VIGIL_USER"
	else
		die "no useradd or adduser to create the user $VIGIL_USER"
	fi
	say "created the user and group $VIGIL_USER"
	have_user=1
fi

# The chroot of the control and monitor processes (root's, empty), the
# logs (written by the logger as $VIGIL_USER), the state (root's).
if [ ! -d "$DESTDIR/var/empty" ]; then
	install -d -m 0755 "$DESTDIR/var/empty"
fi
install -d -m 0755 "$DESTDIR/var/db/vigil"
if [ ! -d "$DESTDIR/var/log/vigil" ]; then
	install -d -m 0750 "$DESTDIR/var/log/vigil"
fi
if [ $have_user -eq 1 ] && [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ]; then
	chown "$VIGIL_USER:$(id -gn "$VIGIL_USER")" /var/log/vigil
	chmod 0750 /var/log/vigil
elif [ -n "$DESTDIR" ]; then
	say "DESTDIR is set: /var/log/vigil must belong to $VIGIL_USER on the target (vigild refuses a log_dir its user cannot write)"
fi
exit 0
