#!/bin/bash
# watch: restart a service when a file under its paths changes (debounced,
# ignore: globs skipped, new subdirectories followed); watch_config: true
# reloads when the file or an include changes, and refuses a bad file as
# `vigilctl reload` does; with neither, vigild holds no inotify descriptor.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/app/src" "$T/conf.d"
echo 1 >"$T/app/src/main.js"
conf() {	# $1: watch_config; $2: extra service text
	write_conf "$T/vigild.conf" <<EOF
watch_config: $1
include: $T/conf.d/*.conf
services:
  app:
    command: /bin/sleep 3001
    start_seconds: 0
    watch: [ $T/app ]
    ignore: [ "*.log", tmp ]
  other:
    command: /bin/sleep 3002
    start_seconds: 0
$2
EOF
}
# A relative path is refused, with where it is.
printf 'services:\n  a:\n    command: /bin/true\n    watch: [ src ]\n' >"$T/bad.conf"
out=$("$VIGILD" -n -f "$T/bad.conf" 2>&1)
[ "$out" = "$T/bad.conf:4:12: bad path \"src\" for watch in service \"a\": expected an absolute path" ] ||
    fail "vigild -n of a relative watch path: $out"

conf true ""
start_vigild "$T/vigild.conf" -v
wait_until 10 bash -c "$VIGILCTL -s $SOCK status app other | grep -c RUNNING | grep -qx 2" ||
    fail "not up"
inotify() { ls -l /proc/"$VIGILD_PID"/fd 2>/dev/null | grep -c 'anon_inode:inotify'; }
[ "$(inotify)" -eq 1 ] || fail "no inotify descriptor with watch: set"
pid=$(ctl pid app); other=$(ctl pid other)

restarts() { grep -c 'app: .* changed, restarting' "$VIGILD_LOG"; }
up_again() {	# up_again OLDPID: a new app process, RUNNING
	wait_until 10 bash -c "[ \"\$($VIGILCTL -s $SOCK pid app)\" != $1 ] && $VIGILCTL -s $SOCK status app | grep -q RUNNING"
}

# An ignored name, an ignored directory: nothing.  A new subdirectory is
# a change, and is watched from then on.
echo x >"$T/app/debug.log"
mkdir "$T/app/tmp"; echo x >"$T/app/tmp/cache.js"
mkdir "$T/app/src/new"
wait_log 10 "app: $T/app/src/new changed, restarting \\(watch\\)" ||
    fail "no restart for the new directory src/new"
up_again "$pid" || fail "app was not restarted"
grep -E "(debug\\.log|app/tmp).* changed" "$VIGILD_LOG" && fail "an ignored change restarted app"
[ "$(restarts)" -eq 1 ] || fail "$(restarts) restarts, want 1"
[ "$(ctl pid other)" = "$other" ] || fail "other was restarted"
pid=$(ctl pid app)
echo x >"$T/app/src/new/mod.js"
wait_log 10 "app: $T/app/src/new/mod.js changed, restarting \\(watch\\)" ||
    fail "no restart for src/new/mod.js"
up_again "$pid" || fail "app was not restarted for mod.js"

# A burst of writes is one restart.
pid=$(ctl pid app)
for i in 1 2 3 4 5 6 7 8; do echo $i >>"$T/app/src/main.js"; done
wait_until 10 bash -c "[ \$(grep -c 'app: .* changed, restarting' $VIGILD_LOG) -eq 3 ]" ||
    fail "no restart for the burst"
up_again "$pid" || fail "app did not come back after the burst"
[ "$(restarts)" -eq 3 ] || fail "a burst of 8 writes made $(( $(restarts) - 2 )) restarts"

# watch_config: an edit is a reload; an include that appears too.
conf true "  extra:
    command: /bin/sleep 3003"
wait_log 10 "reload: extra: added process group" || fail "the edit was not reloaded"
printf 'services:\n  inc:\n    command: /bin/sleep 3004\n' >"$T/conf.d/inc.conf"
chmod 0644 "$T/conf.d/inc.conf"
wait_log 10 "reload: inc: added process group" || fail "the new include was not reloaded"
# a bad file is refused, nothing changes
printf 'services:\n  inc:\n    command: /bin/sleep 3004\n    bogus: 1\n' >"$T/conf.d/inc.conf"
wait_log 10 "reload refused: .*inc.conf:4:5: unknown key \"bogus\"" || fail "a bad include was not refused"
ctl status inc | grep -qE "STARTING|RUNNING" || fail "inc changed after a refused reload"

# Neither watch: nor watch_config: no descriptor at all.
: >"$T/conf.d/inc.conf"
write_conf "$T/vigild.conf" <<EOF
services:
  app:
    command: /bin/sleep 3001
EOF
wait_log 10 "reload: other: removed process group" || fail "the last edit was not reloaded"
wait_until 10 bash -c "[ \$(ls -l /proc/$VIGILD_PID/fd | grep -c anon_inode:inotify) -eq 0 ]" ||
    fail "an inotify descriptor is left without watch:"
exit 0
