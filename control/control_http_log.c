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
 * GET /api/v1/services/NAME/log?follow=1: `vigilctl tail -f` over HTTP.
 * The parent runs a tail -f for the request's peer id (its logger reads
 * the file); every IMSG_CTL_LOGDATA it sends becomes a chunk of a
 * text/plain reply started at once with 200.  The stream ends when the
 * client leaves (the parent is told with IMSG_CTL_CLOSE), when the
 * parent ends it (its message is the last line, "[vigild: ...]"), or
 * when the client does not read: CHLOG_MAXBUF bytes waiting drop it.
 * At most CHLOG_MAX streams at once; the token was checked before.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "control_http.h"
#include "log.h"
#include "msg_ctl.h"
#include "proc.h"

#define CHLOG_MAX		16
#define CHLOG_MAXBUF		(256 * 1024)
#define CHLOG_TIMEOUT_SEC	3600

struct chlog {
	TAILQ_ENTRY(chlog)		 entry;
	uint32_t			 peerid;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
};

static TAILQ_HEAD(, chlog)	 chlogs = TAILQ_HEAD_INITIALIZER(chlogs);
static unsigned int		 nchlogs;

static struct chlog *
chlog_find(uint32_t peerid)
{
	struct chlog	*l;

	TAILQ_FOREACH(l, &chlogs, entry)
		if (l->peerid == peerid)
			return (l);
	return (NULL);
}

int
chttp_log_has(uint32_t peerid)
{
	return (chlog_find(peerid) != NULL);
}

static void
chlog_forget(struct chlog *l)
{
	TAILQ_REMOVE(&chlogs, l, entry);
	nchlogs--;
	free(l);
}

/* The client left: the parent stops its tail. */
static void
chlog_closed(struct evhttp_connection *evcon, void *arg)
{
	struct chlog	*l = arg;

	(void)proc_child_compose(IMSG_CTL_CLOSE, l->peerid, -1, NULL, 0);
	if (evhttp_request_get_connection(l->req) == NULL)
		evhttp_request_free(l->req);
	chlog_forget(l);
}

/* Close the connection (and its request) now. */
static void
chlog_drop(struct chlog *l, int tell_parent)
{
	struct evhttp_connection	*evcon = l->evcon;

	if (tell_parent)
		(void)proc_child_compose(IMSG_CTL_CLOSE, l->peerid, -1, NULL,
		    0);
	chlog_forget(l);
	evhttp_connection_set_closecb(evcon, NULL, NULL);
	evhttp_connection_free(evcon);
}

static void
chlog_send(struct chlog *l, const void *data, size_t len)
{
	struct bufferevent	*bev;
	struct evbuffer		*b;

	if ((b = evbuffer_new()) == NULL || evbuffer_add(b, data, len) == -1)
		fatal("%s: evbuffer", __func__);
	evhttp_send_reply_chunk(l->req, b);
	evbuffer_free(b);
	bev = evhttp_connection_get_bufferevent(l->evcon);
	if (bev != NULL && evbuffer_get_length(bufferevent_get_output(bev)) >
	    CHLOG_MAXBUF) {
		log_warnx("http: a log follower does not read; dropped");
		chlog_drop(l, 1);
	}
}

/*
 * Start the reply for peerid's tail -f: 0, the caller asks the parent;
 * -1, answered already (too many, out of memory).
 */
int
chttp_log_follow(struct evhttp_request *req, uint32_t peerid)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct chlog		*l;
	struct evbuffer		*b;

	if (nchlogs >= CHLOG_MAX || (l = calloc(1, sizeof(*l))) == NULL) {
		if ((b = evbuffer_new()) == NULL ||
		    evbuffer_add_printf(b, "{\"error\": \"too many log "
		    "followers\"}\n") == -1)
			fatal("%s: evbuffer", __func__);
		evhttp_add_header(h, "Content-Type", "application/json");
		evhttp_send_reply(req, 503, "Service Unavailable", b);
		evbuffer_free(b);
		return (-1);
	}
	l->peerid = peerid;
	l->req = req;
	if ((l->evcon = evhttp_request_get_connection(req)) == NULL) {
		free(l);
		evhttp_request_free(req);
		return (-1);
	}
	TAILQ_INSERT_TAIL(&chlogs, l, entry);
	nchlogs++;
	evhttp_connection_set_timeout(l->evcon, CHLOG_TIMEOUT_SEC);
	evhttp_connection_set_closecb(l->evcon, chlog_closed, l);
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply_start(req, 200, "OK");
	return (0);
}

/* 1: an answer for a log follower, handled; 0: not one. */
int
chttp_log_answer(struct imsg *imsg)
{
	struct chlog		*l;
	struct ctl_logdata	 d;
	struct ctl_end		 end;
	char			 buf[CTL_ENDMSGMAX + 64];
	int			 n;

	if ((l = chlog_find(imsg->hdr.peerid)) == NULL)
		return (0);
	switch (imsg->hdr.type) {
	case IMSG_CTL_LOGDATA:
		if (imsg_get_data(imsg, &d, sizeof(d)) == -1 ||
		    d.len > sizeof(d.text))
			return (1);
		if (d.flags & CTL_LOG_SKIPPED) {
			n = snprintf(buf, sizeof(buf), "[vigild: %llu lines "
			    "skipped]\n", (unsigned long long)d.skipped);
			chlog_send(l, buf, (size_t)n);
		} else if (d.len > 0)
			chlog_send(l, d.text, d.len);
		return (1);
	case IMSG_CTL_END:
		/* The parent forgot the peer: no CLOSE for it. */
		if (imsg_get_data(imsg, &end, sizeof(end)) == 0 &&
		    MSG_STR_OK(end.msg) && end.msg[0] != '\0') {
			n = snprintf(buf, sizeof(buf), "[vigild: %s]\n",
			    end.msg);
			if (n >= (int)sizeof(buf))
				n = sizeof(buf) - 1;
			chlog_send(l, buf, (size_t)n);
			if ((l = chlog_find(imsg->hdr.peerid)) == NULL)
				return (1);
		}
		evhttp_connection_set_closecb(l->evcon, NULL, NULL);
		evhttp_send_reply_end(l->req);
		chlog_forget(l);
		return (1);
	default:
		return (1);
	}
}
