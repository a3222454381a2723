/*
 * Copyright (c) 2026 The vigil developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The lines of an INI file the way supervisord 4 reads them (Python's
 * RawConfigParser): `;' and `#' comments, also inline after whitespace;
 * `key = value' or `key: value', keys lower-cased; an indented line
 * continues the value before it.  What the sections and keys mean, and
 * what a repeated one does, is the caller's: the importer
 * (import/vigilctl_import_ini.c) and supervisorctl -c
 * (vigilctl_supconf.c) both read through here.
 */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigilctl_ini.h"

static char *
ini_strip(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

/* The line without its comment, as l says: a section, a key, an error. */
static void
ini_parse_line(char *v, int insection, struct vctl_ini_line *l)
{
	char	*p, *e;

	if (*v == '[' && (e = strrchr(v, ']')) != NULL && e > v + 1) {
		*e = '\0';
		l->what = VCTL_INI_SECTION;
		l->section = v + 1;
		return;
	}
	l->what = VCTL_INI_ERROR;
	if (!insection) {
		l->error = "a key outside any [section]";
		return;
	}
	if ((p = strpbrk(v, "=:")) == NULL || p == v) {
		l->error = "expected \"key = value\" or a [section] header";
		return;
	}
	*p++ = '\0';
	for (e = v; *e != '\0'; e++)
		*e = tolower((unsigned char)*e);
	l->what = VCTL_INI_KEY;
	l->key = ini_strip(v);
	l->value = ini_strip(p);
}

/*
 * Reads fp to its end, calling cb for every line that says something.
 * 0; 1 if cb stopped it; -1 with errno if reading failed.  A line with a
 * NUL, \001 or \002 in it is an error (the importer uses those two).
 */
int
vctl_ini_read(FILE *fp, vctl_ini_cb cb, void *arg)
{
	struct vctl_ini_line	 l;
	char			*buf = NULL, *line, *v, *p;
	size_t			 sz = 0, lineno = 0, indent, kv_indent = 0;
	size_t			 blanks = 0;
	ssize_t			 len;
	int			 inkey = 0, insection = 0, rv = 0, eno;

	while ((len = getline(&buf, &sz, fp)) != -1) {
		lineno++;
		line = buf;
		memset(&l, 0, sizeof(l));
		l.lineno = lineno;
		if ((size_t)len != strlen(line) ||
		    strpbrk(line, "\001\002") != NULL) {
			inkey = 0;
			l.what = VCTL_INI_ERROR;
			l.error = "control character in the file";
			if (cb(&l, arg) == -1) {
				rv = 1;
				break;
			}
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';

		/* Inline comments: ';' or '#' at the start or after space. */
		for (p = line; *p != '\0'; p++)
			if ((*p == ';' || *p == '#') && (p == line ||
			    isspace((unsigned char)p[-1]))) {
				*p = '\0';
				break;
			}
		indent = strspn(line, " \t");
		v = ini_strip(line);
		if (*v == '\0') {
			if (inkey)
				blanks++;
			continue;
		}
		if (inkey && indent > kv_indent) {
			l.what = VCTL_INI_CONT;
			l.value = v;
			l.blanks = blanks;
		} else {
			ini_parse_line(v, insection, &l);
			inkey = l.what == VCTL_INI_KEY;
			kv_indent = indent;
			if (l.what == VCTL_INI_SECTION)
				insection = 1;
		}
		blanks = 0;
		if (cb(&l, arg) == -1) {
			rv = 1;
			break;
		}
	}
	eno = errno;
	if (rv == 0 && ferror(fp))
		rv = -1;
	free(buf);
	errno = eno;
	return (rv);
}
