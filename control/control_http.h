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

/* vigild: control -- the HTTP API's files (control/control_http*.c). */

#ifndef VIGIL_CONTROL_HTTP_H
#define VIGIL_CONTROL_HTTP_H

#include <stdio.h>

#include "control_http_route.h"
#include "msg_ctl.h"

#define CHTTP_MAXSTATUS		100000	/* records one answer may hold */
#define CHTTP_MAXRESULTS	4096
#define CHTTP_MAXLINES		4096

/* An HTTP request waiting for the parent's answer. */
struct chttp_answer {
	struct control_http_route	 route;
	struct ctl_status	*sts;
	size_t			 nsts;
	struct ctl_result	*res;
	size_t			 nres;
	struct ctl_line		*lines;
	size_t			 nlines;
	struct ctl_end		 end;
};

/* control_http_out.c: the bodies; each returns the HTTP status. */
int	chttp_out_services(FILE *, struct chttp_answer *);
int	chttp_out_service(FILE *, struct chttp_answer *);
int	chttp_out_action(FILE *, struct chttp_answer *);
int	chttp_out_reload(FILE *, struct chttp_answer *);
int	chttp_out_metrics(FILE *, struct chttp_answer *);
int	chttp_out_index(FILE *, struct chttp_answer *);
void	chttp_out_error(FILE *, const char *, const char *);
void	chttp_out_event(FILE *, const struct ctl_event *);

#endif /* VIGIL_CONTROL_HTTP_H */
