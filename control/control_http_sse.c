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
 * vigild: control -- GET /api/v1/events: the parent's IMSG_CTL_EVENTs as
 * server-sent events to every subscriber, a keepalive comment every
 * CHTTP_KEEPALIVE_SEC; one that does not read is dropped when
 * CHTTP_SSE_MAXBUF bytes wait for it.
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

#include "control.h"
#include "control_http.h"
#include "log.h"
#include "msg.h"
#include "msg_ctl.h"
#include "proc.h"

#define CHTTP_MAXSSE		64
#define CHTTP_SSE_MAXBUF	(256 * 1024)
#define CHTTP_SSE_TIMEOUT_SEC	3600
#define CHTTP_KEEPALIVE_SEC	15

struct chttp_sse {
	TAILQ_ENTRY(chttp_sse)		 entry;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
};

static TAILQ_HEAD(, chttp_sse)	 chttp_sses = TAILQ_HEAD_INITIALIZER(chttp_sses);
static unsigned int		 chttp_nsse;
static struct event		 chttp_keepalive_ev;
static int			 chttp_keepalive_on;

static void
chttp_sse_closed(struct evhttp_connection *evcon, void *arg)
{
	struct chttp_sse	*s = arg;

	TAILQ_REMOVE(&chttp_sses, s, entry);
	chttp_nsse--;
	/* Given up by evhttp (the client left): ours to free. */
	if (evhttp_request_get_connection(s->req) == NULL)
		evhttp_request_free(s->req);
	free(s);
	log_debug("http: event subscriber gone");
}

/* A subscriber that does not read: close its connection. */
static void
chttp_sse_drop(struct chttp_sse *s)
{
	struct evhttp_connection	*evcon = s->evcon;

	TAILQ_REMOVE(&chttp_sses, s, entry);
	chttp_nsse--;
	free(s);
	evhttp_connection_set_closecb(evcon, NULL, NULL);
	evhttp_connection_free(evcon);	/* and its request */
}

static void
chttp_sse_send(struct chttp_sse *s, const char *data, size_t len)
{
	struct bufferevent	*bev;
	struct evbuffer		*b;

	if ((b = evbuffer_new()) == NULL || evbuffer_add(b, data, len) == -1)
		fatal("%s: evbuffer", __func__);
	evhttp_send_reply_chunk(s->req, b);
	evbuffer_free(b);
	bev = evhttp_connection_get_bufferevent(s->evcon);
	if (bev != NULL && evbuffer_get_length(bufferevent_get_output(bev)) >
	    CHTTP_SSE_MAXBUF) {
		log_warnx("http: an event subscriber does not read; dropped");
		chttp_sse_drop(s);
	}
}

static void
chttp_keepalive(int fd, short ev, void *arg)
{
	struct chttp_sse	*s, *ns;
	struct timeval		 tv = { CHTTP_KEEPALIVE_SEC, 0 };

	TAILQ_FOREACH_SAFE(s, &chttp_sses, entry, ns)
		chttp_sse_send(s, ": keepalive\n\n", 13);
	evtimer_add(&chttp_keepalive_ev, &tv);
}

void
chttp_sse_start(struct evhttp_request *req)
{
	struct chttp_sse	*s;
	struct timeval		 tv = { CHTTP_KEEPALIVE_SEC, 0 };

	if (chttp_nsse >= CHTTP_MAXSSE) {
		chttp_error(req, 503, "too many event subscribers", NULL);
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		chttp_error(req, 503, "out of memory", NULL);
		return;
	}
	s->req = req;
	s->evcon = evhttp_request_get_connection(req);
	if (s->evcon == NULL) {
		free(s);
		evhttp_request_free(req);
		return;
	}
	TAILQ_INSERT_TAIL(&chttp_sses, s, entry);
	chttp_nsse++;
	evhttp_connection_set_timeout(s->evcon, CHTTP_SSE_TIMEOUT_SEC);
	evhttp_connection_set_closecb(s->evcon, chttp_sse_closed, s);
	chttp_headers(req, "text/event-stream");
	evhttp_send_reply_start(req, 200, "OK");
	chttp_sse_send(s, ": vigild events\n\n", 17);
	if (!chttp_keepalive_on) {
		evtimer_set(&chttp_keepalive_ev, chttp_keepalive, NULL);
		evtimer_add(&chttp_keepalive_ev, &tv);
		chttp_keepalive_on = 1;
	}
}

int
control_http_event(struct imsg *imsg)
{
	struct ctl_event	 ev;
	struct chttp_sse	*s, *ns;
	FILE			*fp;
	char			*buf;
	size_t			 len;

	if (imsg_get_data(imsg, &ev, sizeof(ev)) == -1 ||
	    !MSG_STR_OK(ev.type) || !MSG_STR_OK(ev.id) ||
	    !MSG_STR_OK(ev.group) || !MSG_STR_OK(ev.from) ||
	    !MSG_STR_OK(ev.to) || !MSG_STR_OK(ev.health) ||
	    !MSG_STR_OK(ev.reason))
		return (-1);
	if (TAILQ_EMPTY(&chttp_sses))
		return (0);
	fp = chttp_open(&buf, &len);
	chttp_out_event(fp, &ev);
	if (fclose(fp) != 0 || buf == NULL)
		fatal("%s: memory stream", __func__);
	TAILQ_FOREACH_SAFE(s, &chttp_sses, entry, ns)
		chttp_sse_send(s, buf, len);
	free(buf);
	return (0);
}
