#!/bin/sh
# Print a C file holding the web console's files (control/console/*.js,
# *.css) as byte arrays, for control/control_console.c: the control
# process is chrooted to an empty directory and reads no file.
#   sh embed.sh console.js console.css >control_console_assets.c
set -eu
echo "/* Made by control/console/embed.sh from $*; do not edit. */"
echo "#include <stddef.h>"
for f in "$@"; do
	case "$f" in
	*.js)	name=chttp_console_js ;;
	*.css)	name=chttp_console_css ;;
	*)	echo "embed.sh: $f: neither .js nor .css" >&2; exit 1 ;;
	esac
	echo "extern const unsigned char $name[];"
	echo "extern const size_t ${name}_len;"
	echo "const unsigned char $name[] = {"
	od -An -v -tx1 "$f" | sed -e 's/  */ /g' -e 's/^ //' -e '/^$/d' \
	    -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
	echo "};"
	echo "const size_t ${name}_len = sizeof($name);"
done
