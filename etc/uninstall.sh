#!/bin/sh
# Uninstall vigil: called by `make uninstall` with the environment of
# etc/install.sh (PREFIX, DESTDIR, SBINDIR, BINDIR, MANDIR, SYSCONFDIR,
# UNITDIR, BASHCOMPDIR, ZSHCOMPDIR).  Removes what install.sh installed:
# the programs, the man pages, the shell completions, vigild.conf.sample,
# the init files, and the state directory if it is empty.  Never the configuration ($SYSCONFDIR/vigild.conf), the
# logs (/var/log/vigil), /var/empty (shared with other daemons) or the
# helpers' user (it still owns the logs): it says how to remove those.
set -eu

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
SBINDIR=${SBINDIR:-$PREFIX/sbin}
BINDIR=${BINDIR:-$PREFIX/bin}
MANDIR=${MANDIR:-$PREFIX/share/man}
SYSCONFDIR=${SYSCONFDIR:-/etc}
UNITDIR=${UNITDIR:-$SYSCONFDIR/systemd/system}
VIGIL_USER=${VIGIL_USER:-_vigil}
BASHCOMPDIR=${BASHCOMPDIR:-$PREFIX/share/bash-completion/completions}
ZSHCOMPDIR=${ZSHCOMPDIR:-$PREFIX/share/zsh/site-functions}

say() { echo "uninstall: $*"; }

if [ -z "$DESTDIR" ] && [ -f "$UNITDIR/vigild.service" ] &&
    command -v systemctl >/dev/null 2>&1 &&
    systemctl is-active --quiet vigild 2>/dev/null; then
	say "vigild.service is running: systemctl disable --now vigild first"
fi

rm -f "$DESTDIR$SBINDIR/vigild" "$DESTDIR$BINDIR/vigilctl" \
    "$DESTDIR$MANDIR/man8/vigild.8" "$DESTDIR$MANDIR/man8/vigilctl.8" \
    "$DESTDIR$MANDIR/man5/vigild.conf.5" \
    "$DESTDIR$BASHCOMPDIR/vigilctl" "$DESTDIR$ZSHCOMPDIR/_vigilctl" \
    "$DESTDIR$SYSCONFDIR/vigild.conf.sample" \
    "$DESTDIR$SYSCONFDIR/init.d/vigild" \
    "$DESTDIR$SYSCONFDIR/rc.d/vigild" \
    "$DESTDIR$UNITDIR/vigild.service"
rmdir "$DESTDIR/var/db/vigil" 2>/dev/null || true

[ -e "$DESTDIR$SYSCONFDIR/vigild.conf" ] &&
    say "kept $DESTDIR$SYSCONFDIR/vigild.conf"
[ -d "$DESTDIR/var/log/vigil" ] &&
    say "kept the logs in $DESTDIR/var/log/vigil"
if [ -z "$DESTDIR" ] && id "$VIGIL_USER" >/dev/null 2>&1; then
	say "kept the user $VIGIL_USER (userdel $VIGIL_USER once the logs are gone)"
fi
exit 0
