#!/bin/bash
# vigild -nv prints the effective configuration (defaults applied,
# includes merged) as a file vigild -n accepts, and printing that file
# again gives the same text: the round trip of every good-*.conf of
# regress/config, of etc/vigild.conf.sample (as shipped, and with every
# example key taken out of its comment) and of etc/demo.conf.
. "$(dirname "$0")/lib.sh"

cp -r "$ROOT/regress/config" "$T/config"
chmod -R go-w "$T/config"
[ -n "$E2E_USER" ] && chown -R "$E2E_USER" "$T/config"
cd "$T/config" || fail "no copy"
no_vigil_user good-*.conf

# roundtrip FILE: FILE.1 is what -nv prints of FILE, FILE.2 what it prints
# of FILE.1; both load, and they are the same but for the header comment.
roundtrip() {
	local f=$1 out
	out=$(as_user "$VIGILD" -nv -f "$f" 2>&1 >"$f.1") ||
	    fail "vigild -nv -f $f: $out"
	out=$(as_user "$VIGILD" -n -f "$f.1" 2>&1) ||
	    fail "vigild -n refuses what -nv printed of $f: $out"
	[ "$out" = "configuration OK" ] || fail "$f.1: $out"
	as_user "$VIGILD" -nv -f "$f.1" >"$f.2" 2>&1 ||
	    fail "vigild -nv -f $f.1: $(cat "$f.2")"
	diff -u <(grep -v '^#' "$f.1") <(grep -v '^#' "$f.2") >"$T/diff" || {
		cat "$T/diff" >&2
		fail "$f: printing the printed configuration changed it"
	}
}

n=0
for f in good-*.conf; do
	# limits.cpu is refused where the host has no cgroup v2 cpu controller.
	if as_user "$VIGILD" -n -f "$f" 2>&1 | grep -q ': limits.cpu: '; then
		sed -i '/cpu:/d' "$f"
	fi
	roundtrip "$f"
	n=$((n + 1))
done
[ $n -ge 2 ] || fail "only $n good files"

# Defaults applied, includes merged, env_file read.
p=good-full.conf.1
grep -q '^  "extra":$' $p || fail "the included service is not in the output"
grep -q '^      DATABASE_URL: "postgres://localhost/app"$' $p ||
    fail "env_file's variables are not in the environment"
grep -q '^      max_size: 1M$' $p || fail "defaults: log.max_size not applied"
p=good-minimal.conf.1
for want in '    restart: on-failure' '    stop_timeout: 10s' \
    '    stop_signal: TERM' '      keep: 5' '    instances: 1'; do
	grep -qx "$want" $p || fail "good-minimal: no \"$want\" (a built-in default)"
done

# The sample, with users and files that exist here (as initscripts.sh).
hu=$(helper_user)
sed -e "s/^user: _vigil\$/user: $hu/" "$ROOT/etc/vigild.conf.sample" \
    >sample1.conf
: >web.env
echo token >token
sed -e '/^ *##\( \|$\)/d' -e 's/^\( *\)# /\1/' \
    -e "s/^user: _vigil\$/user: $hu/" -e "s/user: www\$/user: $hu/" \
    -e "s/group: www\$/group: $(id -gn "$hu")/" \
    -e "s/group: adm\$/group: $(id -gn "$hu")/" \
    -e "s|/srv/web|$T|" -e "s|/etc/web.env|$T/config/web.env|" \
    -e "s|/etc/vigild.token|$T/config/token|" "$ROOT/etc/vigild.conf.sample" \
    >sample2.conf
if as_user "$VIGILD" -n -f sample2.conf 2>&1 | grep -q ': limits.cpu: '; then
	sed -i '/^ *cpu: /d' sample2.conf
fi
sed "s|@DEMO@|$T/demo|g; s|@TOP@|$ROOT|g" "$ROOT/etc/demo.conf" >demo.conf
no_vigil_user demo.conf
chmod 0644 sample1.conf sample2.conf demo.conf web.env token
[ -n "$E2E_USER" ] && chown "$E2E_USER" sample1.conf sample2.conf demo.conf
for f in sample1.conf sample2.conf demo.conf; do
	roundtrip "$f"
done
grep -q '^  "web":$' sample2.conf.1 || fail "the sample's web service is missing"
grep -q '^  "flaky":$' demo.conf.1 || fail "the demo's flaky service is missing"
note "vigild -nv round trip: $n golden files, the sample twice, the demo"
exit 0
