#!/bin/bash
# vigilctl import.  The supervisord and PM2 samples in
# regress/import/ become exactly regress/import/*.expected (the absolute
# path of regress/import written @DIR@), which `vigild -n` accepts; a
# JavaScript ecosystem file is refused with the reason; bad input fails
# with FILE:LINE.  Then vigild runs what was imported, and the programs
# run as the originals did: same users, directories, environments, and
# restart behaviour.
. "$(dirname "$0")/lib.sh"

D=$ROOT/regress/import
[ -x "$VIGILCTL" ] || skip "no $VIGILCTL"
VIGILCTL=$(cd "$(dirname "$VIGILCTL")" && pwd)/$(basename "$VIGILCTL")
VIGILD=$(cd "$(dirname "$VIGILD")" && pwd)/$(basename "$VIGILD")
export DATABASE_URL=postgres://db.example/app
export IMPORT_MARKER=inherited

# import OUT ARGS...: run `vigilctl import ARGS` in regress/import, so that
# file names in the output are relative; stdout to OUT, stderr must be
# empty.
import() {
	local out=$1; shift
	(cd "$D" && "$VIGILCTL" import "$@") >"$out" 2>"$T/err" ||
	    fail "vigilctl import $* exited $?: $(cat "$T/err")"
	[ -s "$T/err" ] && fail "vigilctl import $* wrote to stderr: $(cat "$T/err")"
	return 0
}

# golden EXPECTED ARGS...: the output is EXPECTED and passes vigild -n.
golden() {
	local exp=$1; shift
	local out=$T/$exp.conf res
	import "$out" "$@"
	sed "s|$D|@DIR@|g" "$out" >"$T/got"
	diff -u "$D/$exp" "$T/got" >"$T/diff" ||
	    fail "vigilctl import $*: not as regress/import/$exp:
$(cat "$T/diff")"
	chmod 0644 "$out"
	# As root, -n wants the helpers' user to exist (_vigil, unless the
	# file names one): this host's nobody stands in for it.
	if [ "$(id -u)" -eq 0 ] && ! grep -q '^user:' "$out" &&
	    ! getent passwd _vigil >/dev/null; then
		{ echo "user: nobody"; cat "$out"; } >"$out.n"
		chmod 0644 "$out.n"
		res=$("$VIGILD" -n -f "$out.n" 2>&1)
	else
		res=$("$VIGILD" -n -f "$out" 2>&1)
	fi
	[ "$res" = "configuration OK" ] ||
	    fail "vigild -n refused the import of $*: $res"
}

golden supervisord.conf.expected supervisord.conf
golden ecosystem.json.expected ecosystem.json
golden ecosystem.json.production.expected --env production ecosystem.json
golden ecosystem.yaml.expected ecosystem.yaml
golden container.conf.expected container.conf

# A JavaScript ecosystem is code: refused, exit 1, nothing on stdout.
for f in ecosystem.config.js app.config.cjs app.config.mjs; do
	(cd "$D" && "$VIGILCTL" import "$f") >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 1 ] || fail "import $f exited $rc, not 1"
	[ -s "$T/out" ] && fail "import $f printed on stdout"
	grep -q "^vigilctl import: $f: a JavaScript ecosystem file is code, not data" \
	    "$T/err" || fail "import $f: no reason given: $(cat "$T/err")"
	grep -q "node .*JSON.stringify" "$T/err" ||
	    fail "import $f: no conversion command: $(cat "$T/err")"
done

# Usage errors exit 2; failures exit 1 naming the file (and line).
expect() {
	local want=$1 pattern=$2; shift 2
	(cd "$T" && "$VIGILCTL" import "$@") >"$T/out" 2>"$T/err"
	local rc=$?
	[ $rc -eq "$want" ] || fail "import $* exited $rc, not $want: $(cat "$T/err")"
	[ -s "$T/out" ] && fail "import $* printed on stdout: $(cat "$T/out")"
	grep -qE "$pattern" "$T/err" ||
	    fail "import $*: stderr does not match '$pattern': $(cat "$T/err")"
}
expect 2 "^usage: vigilctl import"
expect 2 "^usage: vigilctl import" a.conf b.conf
expect 2 "unknown option: --bogus" --bogus a.conf
expect 2 "^usage: vigilctl import" --env
expect 1 "^vigilctl import: nothere.conf: No such file" nothere.conf

printf '[program:a]\ncommand=/bin/true\nautostart=maybe\n' >"$T/bool.conf"
expect 1 '^vigilctl import: bool.conf:3: autostart: not a boolean: "maybe"' \
    bool.conf
printf '[program:a]\ncommand=date +%%s\n' >"$T/pct.ini"
expect 1 "^vigilctl import: pct.ini:2: command: a lone %" pct.ini
printf '; nothing\n[program:a]\nthis is not a key\n' >"$T/syntax.ini"
expect 1 "^vigilctl import: syntax.ini:3: expected" syntax.ini
printf '[group:g]\nprograms=a,b\n[program:a]\ncommand=/bin/true\n' \
    >"$T/group.conf"
expect 1 "^vigilctl import: group.conf:2: \\[group:g\\] names unknown program b" \
    group.conf
printf '[supervisord]\n' >"$T/none.conf"
expect 1 "^vigilctl import: none.conf: no \\[program:x\\] section" none.conf
expect 2 "supervisord file" --env production none.conf
printf '{ "apps": [\n  { "name": "a", "script": "x.js" }\n  { "name": "b" }\n] }\n' \
    >"$T/comma.json"
expect 1 "^vigilctl import: comma.json:3:3: " comma.json
printf 'apps:\n  - name: a\n' >"$T/noscript.yml"
expect 1 "^vigilctl import: noscript.yml:2:5: apps\\[0\\] has no script" \
    noscript.yml

# instances: "max" is the number of CPUs here.
ncpu=$(getconf _NPROCESSORS_ONLN)
printf '[{"name": "m", "script": "/bin/sleep", "args": "1", "instances": "max"}]\n' \
    >"$T/max.json"
import "$T/max.out" "$T/max.json"
if [ "$ncpu" -gt 1 ]; then
	grep -qx "    instances: $ncpu" "$T/max.out" ||
	    fail "instances: max did not become $ncpu: $(cat "$T/max.out")"
else
	grep -q "instances:" "$T/max.out" &&
	    fail "instances: max on one CPU: $(cat "$T/max.out")"
fi
grep -q "# note: instances = max: $ncpu, the number of CPUs here" \
    "$T/max.out" || fail "no note for instances: max"

# Every key of a program that has no equivalent is kept as a comment.
for k in stdout_events_enabled serverurl username password logfile \
    pidfile supervisor.rpcinterface_factory events; do
	grep -q "# unsupported: .*$k = " "$D/supervisord.conf.expected" ||
	    fail "$k is not listed as unsupported"
done
for k in cron_restart deploy log_date_format namespace; do
	grep -q "# unsupported: $k = " "$D/ecosystem.json.expected" \
	    "$D/ecosystem.yaml.expected" || fail "$k is not listed as unsupported"
done
# What the PM2 keys without an equivalent become, said in the output.
grep -qF "# unsupported: cron_restart = \"0 3 * * *\" (timed restarts are cron(8)'s or a systemd timer's job, not vigil's: a crontab line \`0 3 * * * vigilctl restart sleep\`)" \
    "$D/ecosystem.json.expected" || fail "cron_restart: no crontab line"
grep -qF "# note: wait_ready = true, listen_timeout = 10s: start_seconds" \
    "$D/ecosystem.json.expected" || fail "wait_ready: not said what it became"
# supervisord's minimums are not caps on the services.
grep -qE "nofile|nproc" "$D/supervisord.conf.expected" "$D/container.conf.expected" &&
    grep -E "^ *(nofile|nproc):" "$D/supervisord.conf.expected" "$D/container.conf.expected" &&
    fail "minfds/minprocs became limits"

# ---- Behaviour: vigild runs the imported files.  Services switch users:
# that needs root.
if [ "$(id -u)" -ne 0 ] || [ -n "$E2E_USER" ]; then
	note "not root: the imported services are not run"
	exit 0
fi
[ -d /proc/1 ] || skip "no /proc"

# The imported file with this test's socket, log_dir and no HTTP server.
runnable() {
	sed -e '/^log_dir:/d' -e '/^socket:/,/^$/d' -e '/^http:/,/^$/d' "$1" |
	    write_conf "$2"
}

# The main process of every instance of SERVICE, from the log's
# "SERVICE[:N]: STARTING -> RUNNING" lines, as pids of the children of
# vigild whose command line matches REGEX.
kids() {
	local p
	for p in $(pgrep -P "$VIGILD_PID"); do
		if tr '\0' ' ' </proc/"$p"/cmdline | grep -qE "$1"; then
			echo "$p"
		fi
	done
}
count() {
	[ "$(kids "$1" | wc -l)" -eq "$2" ]
}
env_of() {
	tr '\0' '\n' </proc/"$1"/environ | grep -Fx "$2" >/dev/null
}
uid_of() {
	awk '/^Uid:/ { print $2 }' /proc/"$1"/status
}

# supervisord: web x3 as nobody in regress/import with its environment
# and supervisord's; worker as root in /tmp; oneshot not started.
runnable "$T/supervisord.conf.expected.conf" "$T/sup.conf"
start_vigild "$T/sup.conf"
wait_until 10 count "^sleep 1000" 3 || fail "web did not start 3 instances"
wait_until 10 count "^/bin/sleep 1000" 1 || fail "worker did not start"
for p in $(kids "^sleep 1000"); do
	[ "$(uid_of "$p")" = "$(id -u nobody)" ] || fail "web runs as $(uid_of "$p")"
	[ "$(readlink /proc/"$p"/cwd)" = "$D" ] ||
	    fail "web runs in $(readlink /proc/"$p"/cwd)"
	env_of "$p" "GREETING=hello, world" || fail "web: no GREETING"
	env_of "$p" "DB_URL=$DATABASE_URL" || fail "web: DB_URL not expanded"
	env_of "$p" "TZ=UTC" || fail "web: [supervisord] environment not set"
	env_of "$p" "HOME=/tmp" || fail "web: HOME not set"
	env_of "$p" "IMPORT_MARKER=inherited" ||
	    fail "web: supervisord's environment not inherited"
	[ "$(awk '/^Umask:/ { print $2 }' /proc/"$p"/status)" = 0002 ] ||
	    fail "web: umask not 002"
done
w=$(kids "^/bin/sleep 1000")
[ "$(uid_of "$w")" = 0 ] || fail "worker does not run as root"
[ "$(readlink /proc/"$w"/cwd)" = /tmp ] || fail "worker not in /tmp"
grep -q "oneshot: .*-> STARTING" "$VIGILD_LOG" && fail "oneshot was started"
# autorestart=true and =unexpected: a kill is restarted.
kill -KILL "$w"
wait_log 10 "worker: (.*restarting|retry 1 of)" ||
    fail "worker was not restarted"
wait_until 10 count "^/bin/sleep 1000" 1 || fail "worker did not come back"
[ "$(kids "^/bin/sleep 1000")" != "$w" ] || fail "worker has the same pid"
web0=$(kids "^sleep 1000" | head -1)
kill -KILL "$web0"
wait_log 10 "web:[0-9]: (.*restarting|retry 1 of)" ||
    fail "web was not restarted"
wait_until 10 count "^sleep 1000" 3 || fail "web did not come back to 3"
stop_vigild

# PM2: api x2 under bash with PORT 3000/3001, NODE_APP_INSTANCE and
# NODE_ENV; sleep as nobody in /tmp with its $ and ${...} intact;
# py_worker under python3 with its arguments, never restarted.
: >"$VIGILD_LOG"
runnable "$T/ecosystem.json.expected.conf" "$T/pm2.conf"
start_vigild "$T/pm2.conf"
wait_until 10 count "^bash $D/server.sh --port 3000 --verbose" 2 ||
    fail "api did not start 2 instances"
for p in $(kids "^bash $D/server.sh"); do
	env_of "$p" "NODE_ENV=development" || fail "api: NODE_ENV"
	env_of "$p" "IMPORT_MARKER=inherited" || fail "api: not inherited"
	[ "$(readlink /proc/"$p"/cwd)" = "$D" ] || fail "api: cwd"
	i=$(tr '\0' '\n' </proc/"$p"/environ | sed -n 's/^NODE_APP_INSTANCE=//p')
	env_of "$p" "PORT=$((3000 + i))" || fail "api:$i: PORT is not $((3000 + i))"
done
wait_until 10 count "^/bin/sleep 1000" 1 || fail "sleep did not start"
s=$(kids "^/bin/sleep 1000")
[ "$(uid_of "$s")" = "$(id -u nobody)" ] || fail "sleep does not run as nobody"
[ "$(readlink /proc/"$s"/cwd)" = /tmp ] || fail "sleep: cwd"
env_of "$s" 'MSG=costs $5, not ${PRICE} été 😀' ||
    fail "sleep: MSG is $(tr '\0' '\n' </proc/"$s"/environ | grep ^MSG=)"
if command -v python3 >/dev/null; then
	wait_until 10 count "python3 -u -X dev $D/worker.py --queue high prio " 1 ||
	    fail "py_worker did not start"
	py=$(kids "python3 -u -X dev $D/worker.py")
	env_of "$py" "PYTHONUNBUFFERED=1" || fail "py_worker: PYTHONUNBUFFERED"
	wait_log 10 "py_worker: STARTING -> RUNNING" ||
	    fail "py_worker is not RUNNING"
	kill -TERM "$py"
	wait_log 10 "py_worker: RUNNING -> EXITED" ||
	    fail "py_worker (autorestart: false) was not left EXITED"
fi
a=$(kids "^bash $D/server.sh" | head -1)
kill -KILL "$a"
wait_log 10 "api:[01]: (.*restarting|retry 1 of)" ||
    fail "api was not restarted"
wait_until 10 count "^bash $D/server.sh" 2 || fail "api did not come back to 2"
grep -qE "py_worker: (.*restarting|retry [0-9])" "$VIGILD_LOG" &&
    fail "py_worker was restarted"
stop_vigild

# PM2 autorestart: false runs once, even when it exits at once.
: >"$VIGILD_LOG"
printf '[{"name": "once", "script": "/bin/sh", "args": ["-c", "echo ran >>%s/once.out; exit 3"], "autorestart": false}]\n' \
    "$T" >"$T/once.json"
import "$T/once.out.conf" "$T/once.json"
runnable "$T/once.out.conf" "$T/once.conf"
start_vigild "$T/once.conf"
wait_log 10 "once: RUNNING -> EXITED" || fail "once was not left EXITED"
grep -qE "once: .*(FATAL|BACKOFF|retry)" "$VIGILD_LOG" && fail "once was retried"
[ "$(wc -l <"$T/once.out")" -eq 1 ] || fail "once ran $(wc -l <"$T/once.out") times"
stop_vigild

# supervisord in a container: numprocs_start numbers the instances from
# 18200 (%(process_num)d), their lines go to vigild's stdout.
: >"$VIGILD_LOG"
runnable "$T/container.conf.expected.conf" "$T/cont.conf"
start_vigild "$T/cont.conf"
for i in 0 1 2; do
	wait_log 10 "^api:$i \| api on 1820$i\$" || fail "no 'api:$i | api on 1820$i' on the console"
done
wait_until 10 count "^/bin/sleep 1002 [56] " 2 || fail "worker: not 5 and 6"
exit 0
