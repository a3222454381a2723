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
 * A small JSON emitter on a stdio stream (stdout for vigilctl -j, a
 * memory stream for the HTTP API): objects and arrays nested up to
 * CTL_JSON_MAXDEPTH, two-space indentation, strings escaped per RFC 8259
 * (bytes that are not valid UTF-8 become U+FFFD).  And the one encoding
 * of a service record both use, so that `vigilctl -j status -l` and
 * GET /api/v1/services show the same fields.
 */

#ifndef VIGIL_CTL_JSON_H
#define VIGIL_CTL_JSON_H

#include <stdio.h>

#include "msg_ctl.h"

#define CTL_JSON_MAXDEPTH	16

struct ctl_json {
	FILE		*fp;
	int		 compact;	/* one line: no indentation */
	int		 depth;
	int		 first[CTL_JSON_MAXDEPTH];
	char		 type[CTL_JSON_MAXDEPTH];	/* '{' or '[' */
};

void	ctl_json_init(struct ctl_json *, FILE *);
/* key is ignored (may be NULL) inside an array and at the top */
void	ctl_json_open(struct ctl_json *, const char *, int);
void	ctl_json_close(struct ctl_json *);
void	ctl_json_str(struct ctl_json *, const char *, const char *);
void	ctl_json_int(struct ctl_json *, const char *, long long);
void	ctl_json_bool(struct ctl_json *, const char *, int);
void	ctl_json_num(struct ctl_json *, const char *, double);
void	ctl_json_null(struct ctl_json *, const char *);
void	ctl_json_finish(struct ctl_json *);	/* close all, newline */
void	ctl_json_escape(FILE *, const char *);	/* a quoted string */

/* One service instance, the fields of `vigilctl -j status -l`. */
void	ctl_json_status(struct ctl_json *, const char *,
	    const struct ctl_status *);

#endif /* VIGIL_CTL_JSON_H */
