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
 * control/vigilctl/vigilctl_ini.c: the lines of a supervisord INI file,
 * for the importer (import/vigilctl_import_ini.c) and for the socket of
 * supervisorctl -c (vigilctl_supconf.c).
 */

#ifndef VIGILCTL_INI_H
#define VIGILCTL_INI_H

#include <stdio.h>

enum vctl_ini_what {
	VCTL_INI_SECTION,	/* [name]: section */
	VCTL_INI_KEY,		/* key = value: key (lower case), value */
	VCTL_INI_CONT,		/* an indented line that continues the key
				   before it: value, after blanks empty
				   lines */
	VCTL_INI_ERROR		/* a line that is none of these: error */
};

struct vctl_ini_line {
	enum vctl_ini_what	 what;
	size_t			 lineno;	/* 1-based */
	const char		*section;
	const char		*key;
	const char		*value;
	size_t			 blanks;
	const char		*error;
};

/* Called for each line that is not blank or a comment; -1 stops. */
typedef int	(*vctl_ini_cb)(const struct vctl_ini_line *, void *);

int	vctl_ini_read(FILE *, vctl_ini_cb, void *);

#endif /* VIGILCTL_INI_H */
