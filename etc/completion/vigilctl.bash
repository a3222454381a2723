# bash completion for vigilctl(8): commands, their options, and the
# names of the processes the running vigild supervises (asked with
# `vigilctl status`; nothing when no vigild answers).
# Installed as /usr/share/bash-completion/completions/vigilctl.

# The ids ("web", "web:2") and groups ("web", "web:*") vigild knows; -c
# and -s given on the command line are passed on.
_vigilctl_names()
{
	local -a conn=()
	local i w
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-c|-s)	conn+=("$w" "${COMP_WORDS[i+1]}"); ((i++)) ;;
		-*)	;;
		*)	break ;;
		esac
	done
	vigilctl "${conn[@]}" status 2>/dev/null | while read -r w _; do
		[[ -n $w ]] || continue
		printf '%s\n' "$w"
		if [[ $w == *:* ]]; then
			printf '%s\n%s\n' "${w%%:*}" "${w%%:*}:*"
		fi
	done | sort -u
}

_vigilctl()
{
	local cur prev cmd i w
	local cmds="status list ls start stop restart signal pid reload update
	    reread add remove info tail logs monit reopen clear shutdown
	    upgrade import export version avail maintail help"
	local sigs="HUP INT QUIT KILL USR1 USR2 TERM CONT STOP ALRM WINCH"

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# The command: the first word that is neither an option nor the
	# argument of -c or -s.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-c|-s)	((i++)) ;;
		-*)	;;
		*)	cmd=$w; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		-c)	COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
		-s)	COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-j -c -s -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return 0
	fi

	local opts= names=1
	case $cmd in
	status|list|ls)	opts="-l --long -j" ;;
	start|stop)	opts="--no-wait --wait --timeout -j" ;;
	restart)	opts="--no-wait --wait --rolling --timeout -j" ;;
	signal)		opts="-j" ;;
	pid|info|clear)	opts="-j" ;;
	tail)		opts="-f -n -j" ;;
	logs)		opts="-f -n -j" ;;
	monit)		opts="-d -n"; names=0 ;;
	shutdown|upgrade)	opts="--timeout"; names=0 ;;
	reload|update|reread|reopen|version)	opts="-j"; names=0 ;;
	avail|maintail)	opts=""; names=0 ;;
	add|remove)	names=0 ;;
	import)		COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
	export)
		if [[ $prev == export ]]; then
			COMPREPLY=($(compgen -W "systemd" -- "$cur"))
			return 0
		fi
		;;
	help)
		COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		return 0
		;;
	*)		return 0 ;;
	esac
	case $prev in
	--timeout|-t|-n|-d)	return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
	fi
	local -a words=()
	if [[ $cmd == signal && $prev == signal ]]; then
		words=($sigs)
	fi
	if [[ $cmd == tail && $prev != tail && $prev != -* ]]; then
		words=(stdout stderr)
	fi
	if ((names)); then
		local n
		while IFS= read -r n; do
			words+=("$n")
		done < <(_vigilctl_names)
		[[ $cmd == tail || $cmd == pid || $cmd == info ]] ||
		    words+=(all)
	fi
	_vigilctl_reply "${words[@]}"
	return 0
}

# COMPREPLY: the words that start with the word being completed.  Bash
# splits "web:2" at the colon (COMP_WORDBREAKS): the word is taken whole
# from the line, and the part before its last colon left out of the
# replies, as bash will keep it.
_vigilctl_reply()
{
	local line=${COMP_LINE:0:COMP_POINT} word pre= w
	word=${line##*[[:space:]]}
	if [[ $COMP_WORDBREAKS == *:* && $word == *:* ]]; then
		pre=${word%:*}:
	fi
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$word"* ]] && COMPREPLY+=("${w#"$pre"}")
	done
}
complete -F _vigilctl vigilctl
