#!/bin/bash
# vigilctl export systemd.  regress/import/export.conf becomes
# exactly regress/import/export.conf.expected: one unit per service, a
# template NAME@.service for instances, the keys with no equivalent as
# comments.  Targets select services (globs, name:N, all; an unknown one
# exits 5), -o writes the files, and systemd-analyze verify accepts every
# unit, also those of an imported supervisord configuration.
. "$(dirname "$0")/lib.sh"

D=$ROOT/regress/import
[ -x "$VIGILCTL" ] || skip "no $VIGILCTL"
VIGILCTL=$(cd "$(dirname "$VIGILCTL")" && pwd)/$(basename "$VIGILCTL")

# ctl_in DIR ARGS...: vigilctl in DIR, stdout and stderr to $T/out, $T/err.
ctl_in() {
	local dir=$1; shift
	(cd "$dir" && "$VIGILCTL" "$@") >"$T/out" 2>"$T/err"
	rc=$?
}

ctl_in "$D" -c export.conf export systemd all
[ $rc -eq 0 ] || fail "export systemd all exited $rc: $(cat "$T/err")"
[ -s "$T/err" ] && fail "export wrote to stderr: $(cat "$T/err")"
diff -u "$D/export.conf.expected" "$T/out" >"$T/diff" ||
    fail "export systemd all: not as regress/import/export.conf.expected:
$(cat "$T/diff")"

# Targets: a glob, name:N (the whole template), each unit once.
ctl_in "$D" -c export.conf export systemd 'w*' web:2 web
[ $rc -eq 0 ] || fail "export 'w*' web:2 web exited $rc: $(cat "$T/err")"
[ "$(grep -c '^\[Service\]' "$T/out")" -eq 1 ] ||
    fail "export 'w*' web:2 web did not print one unit"
grep -q "^# web@.service: " "$T/out" || fail "web is not a template unit"

# An unknown target: the others are printed, exit 5.
ctl_in "$D" -c export.conf export systemd db nosuch
[ $rc -eq 5 ] || fail "export of an unknown service exited $rc, not 5"
grep -qx "nosuch: ERROR (no such process)" "$T/err" ||
    fail "no error for the unknown service: $(cat "$T/err")"
grep -q "^# db@.service: " "$T/out" || fail "db was not printed"

# Usage: 2.  A bad file: 1 with FILE:LINE:COLUMN.
for args in "export" "export systemd" "export upstart web" \
    "export systemd -x web"; do
	# shellcheck disable=SC2086
	ctl_in "$D" -c export.conf $args
	[ $rc -eq 2 ] || fail "$args exited $rc, not 2"
	grep -q "usage: vigilctl export systemd" "$T/err" ||
	    fail "$args: no usage: $(cat "$T/err")"
done
printf 'services:\n  a:\n    command: /bin/true\n    restart: sometimes\n' \
    >"$T/bad.conf"
ctl_in "$T" -c bad.conf export systemd all
[ $rc -eq 1 ] || fail "export with a bad file exited $rc, not 1"
grep -q "^bad.conf:4:14: " "$T/err" || fail "no FILE:LINE:COLUMN: $(cat "$T/err")"

# -o: one file per unit, their paths printed.
mkdir "$T/units"
ctl_in "$D" -c export.conf export systemd -o "$T/units" all
[ $rc -eq 0 ] || fail "export -o exited $rc: $(cat "$T/err")"
[ "$(cat "$T/out")" = "$T/units/db@.service
$T/units/web@.service
$T/units/report.service" ] || fail "export -o printed: $(cat "$T/out")"
for u in db@ web@ report; do
	grep -q "^# $u.service: " "$T/units/$u.service" ||
	    fail "$u.service is not the unit"
done

# The units of an imported supervisord file, too.
(cd "$D" && "$VIGILCTL" import supervisord.conf) >"$T/sup.conf" ||
    fail "import supervisord.conf failed"
mkdir "$T/sup"
ctl_in "$T" -c sup.conf export systemd -o "$T/sup" all
[ $rc -eq 0 ] || fail "export of the imported file exited $rc: $(cat "$T/err")"

if ! command -v systemd-analyze >/dev/null; then
	note "no systemd-analyze: the units were not verified"
	exit 0
fi
# verify: templates as their first instance; nothing may be printed.
for f in "$T"/units/*.service "$T"/sup/*.service; do
	u=$f
	case "$f" in
	*@.service)
		u=${f%@.service}@0.service
		cp "$f" "$u"
		;;
	esac
	# (The imported sample runs a program as nobody, which systemd
	# warns about.)
	out=$(cd "$(dirname "$u")" && systemd-analyze verify --man=no \
	    "./$(basename "$u")" 2>&1) || fail "systemd-analyze verify $u: $out"
	out=$(grep -v "Special user nobody configured" <<<"$out")
	[ -z "$out" ] || fail "systemd-analyze verify $(basename "$u"): $out"
done
exit 0
