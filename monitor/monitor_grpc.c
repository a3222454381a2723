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
 * One gRPC health check (grpc.health.v1.Health/Check) over cleartext
 * HTTP/2 with prior knowledge, on a socket monitor_probe.c has
 * connected.  libnghttp2 does the framing and HPACK; we feed it what we
 * read (nghttp2_session_mem_recv) and let it write through a
 * non-blocking send callback, and we ask monitor_probe.c for the events
 * to wait for.  The probe's deadline covers the whole exchange.
 *
 * What the server sends is hostile until proven otherwise: at most
 * GRPC_RECV_MAX bytes in all, GRPC_HEADERS_MAX header fields, one
 * response message of at most GRPC_MSG_MAX bytes; headers are only
 * looked at (fixed-size copies of the four we need), and every text
 * that reaches a log line goes through grpc_text().  A frame larger
 * than our SETTINGS_MAX_FRAME_SIZE, a server that is not HTTP/2 and any
 * other protocol error end the check with a reason; a frame that never
 * ends runs into the deadline.
 *
 * No grpc-timeout is sent: the deadline is ours, and a server that
 * stalls is reported as a timeout, not as its own DEADLINE_EXCEEDED
 * racing with it.
 *
 * The verdict waits for the end of the stream: the grpc-status that
 * decides is in the trailers (or in the only HEADERS of a trailers-only
 * response), not in the message.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>
#include <nghttp2/nghttp2.h>

#include "log.h"
#include "monitor.h"

#define GRPC_RECV_MAX		(256 * 1024)	/* bytes from the server */
#define GRPC_HEADERS_MAX	64		/* fields, both blocks */
#define GRPC_BODY_MAX		(GRPC_PREFIX_LEN + GRPC_MSG_MAX)
#define GRPC_VALMAX		96		/* kept of a header value */
#define GRPC_PATH		"/grpc.health.v1.Health/Check"

struct grpc_hdr {
	int		 seen;
	size_t		 len;
	char		 v[GRPC_VALMAX];
};

struct mon_grpc {
	nghttp2_session	*sess;
	int		 fd;
	int32_t		 stream;
	char		 authority[MON_HOSTMAX];
	uint8_t		 req[GRPC_REQ_MAX];
	size_t		 reqlen, reqoff;

	size_t		 nread;			/* bytes from the server */
	int		 wblocked;		/* send would block */
	int		 send_errno;
	int		 done;
	int		 ok;
	char		 why[MON_TEXTMAX];

	/* the response */
	unsigned int	 nheaders;
	int		 status;		/* :status, 0 if none */
	struct grpc_hdr	 ctype, gstatus, gmessage;
	uint8_t		 body[GRPC_BODY_MAX];
	size_t		 bodylen;
	int		 closed;		/* our stream ended */
	uint32_t	 close_code;
	int		 rst;			/* ... by RST_STREAM */
	int		 goaway;		/* a GOAWAY came */
	uint32_t	 goaway_code;
	int		 goaway_sent;		/* we sent one with an error */
	uint32_t	 goaway_sent_code;
	char		 goaway_text[64];
};

static void
grpc_fail(struct mon_grpc *g, const char *fmt, ...)
    __attribute__((__format__ (printf, 2, 3)));

static void
grpc_fail(struct mon_grpc *g, const char *fmt, ...)
{
	va_list	 ap;

	if (g->done)
		return;
	va_start(ap, fmt);
	vsnprintf(g->why, sizeof(g->why), fmt, ap);
	va_end(ap);
	g->done = 1;
	g->ok = 0;
}

/* Where the exchange stands, for a timeout's reason. */
const char *
mon_grpc_stage(const struct mon_grpc *g)
{
	if (g == NULL || g->sess == NULL)
		return ("before the request");
	if (g->nread == 0)
		return ("no answer");
	if (g->status == 0)
		return ("no response headers");
	if (!g->gstatus.seen)
		return ("response incomplete");
	return ("stream not closed");
}

static ssize_t
grpc_send_cb(nghttp2_session *s, const uint8_t *data, size_t len, int flags,
    void *arg)
{
	struct mon_grpc	*g = arg;
	ssize_t		 n;

	if ((n = send(g->fd, data, len, MSG_NOSIGNAL)) == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			g->wblocked = 1;
			return (NGHTTP2_ERR_WOULDBLOCK);
		}
		g->send_errno = errno;
		return (NGHTTP2_ERR_CALLBACK_FAILURE);
	}
	return (n);
}

static ssize_t
grpc_body_cb(nghttp2_session *s, int32_t stream, uint8_t *buf, size_t len,
    uint32_t *flags, nghttp2_data_source *src, void *arg)
{
	struct mon_grpc	*g = arg;
	size_t		 n = g->reqlen - g->reqoff;

	if (n > len)
		n = len;
	memcpy(buf, g->req + g->reqoff, n);
	g->reqoff += n;
	if (g->reqoff == g->reqlen)
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return ((ssize_t)n);
}

static void
grpc_keep(struct grpc_hdr *h, const uint8_t *v, size_t len)
{
	h->seen = 1;
	h->len = len < sizeof(h->v) ? len : sizeof(h->v);
	memcpy(h->v, v, h->len);
}

static int
grpc_header_cb(nghttp2_session *s, const nghttp2_frame *f,
    const uint8_t *name, size_t namelen, const uint8_t *value,
    size_t valuelen, uint8_t flags, void *arg)
{
	struct mon_grpc	*g = arg;
	size_t		 i;

	if (f->hd.stream_id != g->stream)
		return (0);
	if (++g->nheaders > GRPC_HEADERS_MAX) {
		grpc_fail(g, "protocol error: more than %d header fields",
		    GRPC_HEADERS_MAX);
		return (NGHTTP2_ERR_CALLBACK_FAILURE);
	}
#define IS(s)	(namelen == sizeof(s) - 1 && memcmp(name, s, namelen) == 0)
	if (IS(":status")) {
		g->status = valuelen == 3 ? 0 : -1;
		for (i = 0; i < valuelen && g->status != -1; i++)
			g->status = value[i] >= '0' && value[i] <= '9' ?
			    g->status * 10 + (value[i] - '0') : -1;
	} else if (IS("content-type"))
		grpc_keep(&g->ctype, value, valuelen);
	else if (IS("grpc-status"))
		grpc_keep(&g->gstatus, value, valuelen);
	else if (IS("grpc-message"))
		grpc_keep(&g->gmessage, value, valuelen);
#undef IS
	return (0);
}

static int
grpc_data_cb(nghttp2_session *s, uint8_t flags, int32_t stream,
    const uint8_t *data, size_t len, void *arg)
{
	struct mon_grpc	*g = arg;
	const char	*err;
	size_t		 used;
	int		 st;

	if (stream != g->stream)
		return (0);
	if (len > sizeof(g->body) - g->bodylen) {
		grpc_fail(g, "protocol error: response larger than %d bytes",
		    GRPC_BODY_MAX);
		return (NGHTTP2_ERR_CALLBACK_FAILURE);
	}
	memcpy(g->body + g->bodylen, data, len);
	g->bodylen += len;
	/* A bad prefix (a huge length) is refused before the bytes come. */
	if (grpc_decode_response(g->body, g->bodylen, &st, &used, &err) ==
	    GRPC_DECODE_ERROR) {
		grpc_fail(g, "protocol error: %s", err);
		return (NGHTTP2_ERR_CALLBACK_FAILURE);
	}
	return (0);
}

static int
grpc_frame_recv_cb(nghttp2_session *s, const nghttp2_frame *f, void *arg)
{
	struct mon_grpc	*g = arg;

	if (f->hd.type == NGHTTP2_RST_STREAM && f->hd.stream_id == g->stream)
		g->rst = 1;
	else if (f->hd.type == NGHTTP2_GOAWAY && !g->goaway) {
		g->goaway = 1;
		g->goaway_code = f->goaway.error_code;
	}
	return (0);
}

static int
grpc_frame_send_cb(nghttp2_session *s, const nghttp2_frame *f, void *arg)
{
	struct mon_grpc	*g = arg;

	if (f->hd.type == NGHTTP2_GOAWAY && f->goaway.error_code !=
	    NGHTTP2_NO_ERROR && !g->goaway_sent) {
		g->goaway_sent = 1;
		g->goaway_sent_code = f->goaway.error_code;
		grpc_text((const char *)f->goaway.opaque_data,
		    f->goaway.opaque_data_len, g->goaway_text,
		    sizeof(g->goaway_text));
	}
	return (0);
}

static int
grpc_close_cb(nghttp2_session *s, int32_t stream, uint32_t code, void *arg)
{
	struct mon_grpc	*g = arg;

	if (stream == g->stream && !g->closed) {
		g->closed = 1;
		g->close_code = code;
	}
	return (0);
}

static const char *
grpc_h2_error(uint32_t code)
{
	return (nghttp2_http2_strerror(code));
}

/* The stream has ended: the verdict. */
static void
grpc_verdict(struct mon_grpc *g)
{
	char		 t[GRPC_VALMAX + 1];
	const char	*err, *name;
	size_t		 used;
	int		 code, st, r;

	if (g->close_code != NGHTTP2_NO_ERROR) {
		if (g->rst)
			grpc_fail(g, "stream reset by the server (%s)",
			    grpc_h2_error(g->close_code));
		else if (g->goaway)
			grpc_fail(g, "the server went away (GOAWAY %s)",
			    grpc_h2_error(g->goaway_code));
		else
			grpc_fail(g, "protocol error: stream closed (%s)",
			    grpc_h2_error(g->close_code));
		return;
	}
	if (g->status <= 0) {
		grpc_fail(g, "protocol error: %s :status", g->status == 0 ?
		    "no" : "bad");
		return;
	}
	if (g->ctype.seen && (g->ctype.len < 16 ||
	    memcmp(g->ctype.v, "application/grpc", 16) != 0)) {
		grpc_text(g->ctype.v, g->ctype.len, t, sizeof(t));
		grpc_fail(g, "not a gRPC response (HTTP status %d, "
		    "content-type %s)", g->status, t);
		return;
	}
	if (!g->gstatus.seen) {
		if (g->status != 200)
			grpc_fail(g, "HTTP status %d, not a gRPC response",
			    g->status);
		else
			grpc_fail(g, "protocol error: no grpc-status");
		return;
	}
	if (grpc_parse_status(g->gstatus.v, g->gstatus.len, &code) == -1) {
		grpc_text(g->gstatus.v, g->gstatus.len, t, sizeof(t));
		grpc_fail(g, "protocol error: bad grpc-status \"%s\"", t);
		return;
	}
	if (code != 0) {
		name = grpc_code_name(code);
		grpc_text(g->gmessage.v, g->gmessage.len, t, sizeof(t));
		grpc_fail(g, "grpc status %d %s%s%s", code,
		    name != NULL ? name : "(unknown code)",
		    t[0] != '\0' ? ": " : "", t);
		return;
	}
	if (g->status != 200) {
		grpc_fail(g, "HTTP status %d", g->status);
		return;
	}
	r = grpc_decode_response(g->body, g->bodylen, &st, &used, &err);
	if (r == GRPC_DECODE_ERROR) {
		grpc_fail(g, "protocol error: %s", err);
		return;
	}
	if (r == GRPC_DECODE_MORE) {
		grpc_fail(g, "protocol error: %s", g->bodylen == 0 ?
		    "no response message" : "response message cut short");
		return;
	}
	if (used != g->bodylen) {
		grpc_fail(g, "protocol error: more than one response message");
		return;
	}
	if (st == GRPC_HEALTH_SERVING) {
		strlcpy(g->why, "SERVING", sizeof(g->why));
		g->done = 1;
		g->ok = 1;
		return;
	}
	if ((name = grpc_health_name(st)) != NULL)
		grpc_fail(g, "%s", name);
	else
		grpc_fail(g, "unknown serving status %d", st);
}

/* The session could not go on: say why. */
static void
grpc_broken(struct mon_grpc *g, int rv)
{
	/* What we found wrong first: a write fails after it, often. */
	if (g->goaway_sent)
		grpc_fail(g, "protocol error: %s%s%s",
		    grpc_h2_error(g->goaway_sent_code),
		    g->goaway_text[0] != '\0' ? ": " : "", g->goaway_text);
	else if (g->goaway)
		grpc_fail(g, "the server went away (GOAWAY %s)",
		    grpc_h2_error(g->goaway_code));
	else if (g->send_errno != 0)
		grpc_fail(g, "write: %s", strerror(g->send_errno));
	else
		grpc_fail(g, "protocol error: %s", rv != 0 ?
		    nghttp2_strerror(rv) : "session ended");
}

struct mon_grpc *
mon_grpc_new(const char *authority, const char *service)
{
	struct mon_grpc	*g;
	ssize_t		 n;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		fatal(NULL);
	g->fd = -1;
	g->stream = -1;
	strlcpy(g->authority, authority, sizeof(g->authority));
	if ((n = grpc_encode_request(service, g->req, sizeof(g->req))) == -1)
		fatalx("%s: service name too long", __func__);
	g->reqlen = (size_t)n;
	return (g);
}

void
mon_grpc_free(struct mon_grpc *g)
{
	if (g == NULL)
		return;
	if (g->sess != NULL)
		nghttp2_session_del(g->sess);
	free(g);
}

#define NV(n, v)	{ (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, \
			    strlen(v), NGHTTP2_NV_FLAG_NONE }

/* The session, our SETTINGS and the request, once connected. */
static int
grpc_begin(struct mon_grpc *g)
{
	nghttp2_session_callbacks	*cb;
	nghttp2_data_provider		 body;
	int				 rv;
	nghttp2_settings_entry		 set[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 0 },
		{ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 16384 },
	};
	const nghttp2_nv		 nva[] = {
		NV(":method", "POST"),
		NV(":scheme", "http"),
		NV(":path", GRPC_PATH),
		NV(":authority", g->authority),
		NV("content-type", "application/grpc"),
		NV("te", "trailers"),
		NV("user-agent", "vigild-monitor"),
	};

	if (nghttp2_session_callbacks_new(&cb) != 0)
		fatalx("%s: out of memory", __func__);
	nghttp2_session_callbacks_set_send_callback(cb, grpc_send_cb);
	nghttp2_session_callbacks_set_on_header_callback(cb, grpc_header_cb);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb,
	    grpc_data_cb);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb,
	    grpc_frame_recv_cb);
	nghttp2_session_callbacks_set_on_frame_send_callback(cb,
	    grpc_frame_send_cb);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb,
	    grpc_close_cb);
	rv = nghttp2_session_client_new(&g->sess, cb, g);
	nghttp2_session_callbacks_del(cb);
	if (rv != 0)
		fatalx("%s: %s", __func__, nghttp2_strerror(rv));
	if ((rv = nghttp2_submit_settings(g->sess, NGHTTP2_FLAG_NONE, set,
	    sizeof(set) / sizeof(set[0]))) != 0) {
		grpc_fail(g, "HTTP/2: %s", nghttp2_strerror(rv));
		return (-1);
	}
	memset(&body, 0, sizeof(body));
	body.read_callback = grpc_body_cb;
	if ((g->stream = nghttp2_submit_request(g->sess, NULL, nva,
	    sizeof(nva) / sizeof(nva[0]), &body, g)) < 0) {
		grpc_fail(g, "HTTP/2: %s", nghttp2_strerror(g->stream));
		return (-1);
	}
	return (0);
}

/* Read what there is and hand it to nghttp2. */
static void
grpc_read(struct mon_grpc *g)
{
	uint8_t		 buf[16384];
	ssize_t		 n, rv;

	for (;;) {
		if ((n = read(g->fd, buf, sizeof(buf))) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				grpc_fail(g, "read: %s", strerror(errno));
			return;
		}
		if (n == 0) {
			if (g->closed)
				return;
			grpc_fail(g, "connection closed %s", g->nread == 0 ?
			    "without a response" : "in the middle of the "
			    "response");
			return;
		}
		if (g->nread == 0 && n >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
			grpc_fail(g, "not an HTTP/2 server: it answered "
			    "HTTP/1");
			return;
		}
		g->nread += (size_t)n;
		if (g->nread > GRPC_RECV_MAX) {
			grpc_fail(g, "protocol error: more than %d bytes from "
			    "the server", GRPC_RECV_MAX);
			return;
		}
		rv = nghttp2_session_mem_recv(g->sess, buf, (size_t)n);
		if (g->done)
			return;
		if (rv < 0) {
			grpc_broken(g, (int)rv);
			return;
		}
		if (g->closed || (size_t)n < sizeof(buf))
			return;
	}
}

/*
 * Move the exchange on (the socket is connected): GRPC_IO_MORE with the
 * *events to wait for, or GRPC_IO_DONE with *ok and why.
 */
int
mon_grpc_io(struct mon_grpc *g, int fd, short *events, int *ok, char *why,
    size_t whylen)
{
	int	 rv;

	g->fd = fd;
	if (g->sess == NULL && grpc_begin(g) == -1)
		goto done;
	/* What is queued goes first: the request precedes any answer. */
	g->wblocked = 0;
	if ((rv = nghttp2_session_send(g->sess)) != 0) {
		grpc_broken(g, rv);
		goto done;
	}
	grpc_read(g);
	if (g->done)
		goto done;
	if (g->closed) {
		grpc_verdict(g);
		goto done;
	}
	g->wblocked = 0;
	if ((rv = nghttp2_session_send(g->sess)) != 0) {
		grpc_broken(g, rv);
		goto done;
	}
	if (g->closed) {
		grpc_verdict(g);
		goto done;
	}
	if (!nghttp2_session_want_read(g->sess) &&
	    !nghttp2_session_want_write(g->sess)) {
		grpc_broken(g, 0);
		goto done;
	}
	*events = EV_READ | (g->wblocked ? EV_WRITE : 0);
	return (GRPC_IO_MORE);
 done:
	*ok = g->ok;
	strlcpy(why, g->why, whylen);
	return (GRPC_IO_DONE);
}
