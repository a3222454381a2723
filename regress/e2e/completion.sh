#!/bin/bash
# Shell completion (etc/completion/): bash's completes commands, options
# and the running vigild's process names, and nothing when no vigild
# answers; zsh's parses and offers the same names (its _arguments part
# needs an interactive zsh and is not run).
. "$(dirname "$0")/lib.sh"

COMP=$ROOT/etc/completion/vigilctl.bash
BIN=$(dirname "$VIGILCTL")

defaults=""
[ -z "$E2E_USER" ] && defaults="defaults: { user: nobody }"
write_conf "$T/vigild.conf" <<EOF2
$defaults
services:
  web:
    command: /bin/sleep 1000
    instances: 2
  db:
    command: /bin/sleep 1001
EOF2
start_vigild "$T/vigild.conf"

# complete LINE: the replies for the cursor at the end of LINE, one a
# line, sorted, as bash would compute them (COMP_WORDS split at blanks
# and at COMP_WORDBREAKS' colon, like readline does).
complete_line() {
	as_user env PATH="$BIN:$PATH" LINE="$1" COMP="$COMP" bash -c '
		. "$COMP"
		COMP_LINE=$LINE
		COMP_POINT=${#LINE}
		read -ra COMP_WORDS <<< "${LINE//:/ : }"
		[[ $LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_vigilctl vigilctl "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort
	'
}

want() {	# want LINE EXPECTED...
	local line=$1 got exp
	shift
	got=$(complete_line "$line" | tr '\n' ' ')
	exp=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$got" = "$exp" ] || fail "\"$line\": got [$got], want [$exp]"
}

S="vigilctl -s $SOCK"
want "vigilctl st" start status stop
want "vigilctl a" add avail
want "vigilctl re" reload remove reopen reread restart
want "vigilctl -" -j -c -s -h --help
want "vigilctl restart --" --no-wait --wait --rolling --timeout
want "$S stop " all db web web:0 web:1 "web:*"
want "$S stop w" web web:0 web:1 "web:*"
want "$S stop web:" 0 1 "*"
want "$S info d" db
want "$S signal " HUP INT QUIT KILL USR1 USR2 TERM CONT STOP ALRM WINCH \
    all db web web:0 web:1 "web:*"
want "$S tail db " stdout stderr db web web:0 web:1 "web:*"
want "vigilctl help sh" shutdown
want "$S reload " 

# No vigild at that socket: commands still, names quietly none.
S="vigilctl -s $T/none.sock"
out=$(complete_line "$S stop " 2>&1)
[ "$out" = "all" ] || fail "no vigild: got [$out], want only all"
want "$S sta" start status

if command -v zsh >/dev/null 2>&1; then
	zsh -n "$ROOT/etc/completion/_vigilctl" || fail "_vigilctl: zsh syntax"
	# zsh's names, with compadd stood in for: the file's functions
	# without its last line (the call completion makes).
	zsh_names() {	# zsh_names SOCK: what _vigilctl_names offers
		as_user env PATH="$BIN:$PATH" SOCK="$1" \
		    FILE="$ROOT/etc/completion/_vigilctl" zsh -f -c '
			compadd() { print -l -- "${(@P)${@[-1]}}"; }
			eval "$(sed "\$d" "$FILE")"
			words=(vigilctl -s "$SOCK" stop "")
			CURRENT=5
			_vigilctl_names
		' | sort | tr "\n" " "
	}
	got=$(zsh_names "$SOCK")
	[ "$got" = "db web web:* web:0 web:1 " ] ||
	    fail "zsh names: got [$got]"
	got=$(zsh_names "$T/none.sock")
	[ -z "$got" ] || fail "zsh names without vigild: got [$got]"
else
	note "zsh is not installed: its completion not checked"
fi
bash -n "$COMP" || fail "vigilctl.bash: bash syntax"
exit 0
