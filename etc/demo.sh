#!/bin/sh
# make demo: run vigild in the foreground on etc/demo.conf, as whoever runs
# it.  Everything it writes goes under build/demo/.  ^C stops it (and every
# service).  In another terminal:  build/vigilctl -s build/demo/vigild.sock status
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
demo=$top/build/demo
mkdir -p "$demo"
chmod 0755 "$demo"
sed "s|@DEMO@|$demo|g; s|@TOP@|$top|g" "$top/etc/demo.conf" >"$demo/vigild.conf"
if [ "$(id -u)" -eq 0 ] && ! getent passwd _vigil >/dev/null; then
	# As root the helpers need an unprivileged user; without the
	# installed _vigil user the demo borrows nobody.
	echo "user: nobody" >>"$demo/vigild.conf"
	echo "vigil demo: running as root without a _vigil user: helpers run as nobody"
fi
chmod 0644 "$demo/vigild.conf"
echo "vigil demo: configuration $demo/vigild.conf"
echo "vigil demo: in another terminal: $top/build/vigilctl -s $demo/vigild.sock status"
echo "vigil demo: logs in $demo/log; ^C to stop"
exec "$top/build/vigild" -d -f "$demo/vigild.conf" -p "$demo/vigild.pid"
