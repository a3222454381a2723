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
#include "imsg.h"
#include "msg_ctl.h"

#define CHTTP_MAXSTATUS		100000	/* records one answer may hold */
#define CHTTP_MAXRESULTS	4096
#define CHTTP_MAXLINES		4096
#define CHTTP_MAXKV		(CTL_INFO_MAX * 64)
#define CHTTP_MAXEXITS		(CTL_INFO_MAX * 32)
#define CHTTP_MAXLOG		(1024 * 1024)	/* GET .../log bytes */

/* A key = value of info, and the instance (index in sts) it is of. */
struct chttp_kv {
	size_t			 st;
	struct ctl_kv		 kv;
};

struct chttp_exit {
	size_t			 st;
	struct ctl_exit		 ex;
};

struct evhttp_request;

/* An HTTP request waiting for the parent's answer. */
struct chttp_answer {
	struct control_http_route	 route;
	struct ctl_status	*sts;
	size_t			 nsts;
	struct ctl_result	*res;
	size_t			 nres;
	struct ctl_line		*lines;
	size_t			 nlines;
	struct chttp_kv		*kvs;
	size_t			 nkvs;
	struct chttp_exit	*exits;
	size_t			 nexits;
	char			*log;		/* tail's text */
	size_t			 loglen;
	uint64_t		 logskipped;
	struct ctl_end		 end;
};

/* control_http_out.c: the bodies; each returns the HTTP status. */
int	chttp_out_services(FILE *, struct chttp_answer *);
int	chttp_out_service(FILE *, struct chttp_answer *);
int	chttp_out_action(FILE *, struct chttp_answer *);
int	chttp_out_reload(FILE *, struct chttp_answer *);
int	chttp_out_metrics(FILE *, struct chttp_answer *);
int	chttp_out_info(FILE *, struct chttp_answer *);
int	chttp_out_log(FILE *, struct chttp_answer *);
void	chttp_out_error(FILE *, const char *, const char *);
void	chttp_out_event(FILE *, const struct ctl_event *);

/* control_console.c: the web console's pages and files. */
#define CHTTP_CSP	"default-src 'none'; script-src 'self'; " \
			"style-src 'self'; connect-src 'self'; img-src 'self'; " \
			"base-uri 'none'; form-action 'self'; " \
			"frame-ancestors 'none'"
int	chttp_out_index(FILE *, struct chttp_answer *);
int	chttp_out_page(FILE *, struct chttp_answer *);
int	chttp_console_asset(int, const char **, const unsigned char **,
	    size_t *);

/* control_http.c: answering, for the streams too */
void	chttp_headers(struct evhttp_request *, const char *);
FILE	*chttp_open(char **, size_t *);		/* an open_memstream */
void	chttp_error(struct evhttp_request *, int, const char *, const char *);

/* control_http_sse.c: GET /api/v1/events */
void	chttp_sse_start(struct evhttp_request *);

/* control_http_log.c: GET .../log?follow=1, streamed. */
int	chttp_log_follow(struct evhttp_request *, uint32_t);
int	chttp_log_answer(struct imsg *);
int	chttp_log_has(uint32_t);

/* control_http_conn.c: the connections' cap, deadlines and accept */
struct evhttp;
struct evhttp_request;
struct event_base;
int	chttp_conn_listen(struct evhttp *, struct event_base *, int);
void	chttp_conn_request(struct evhttp_request *);

#endif /* VIGIL_CONTROL_HTTP_H */
