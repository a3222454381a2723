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
 * vigild: control -- the HTTP API (vigild(8), HTTP API), served with evhttp
 * on the listening socket the parent bound (IMSG_CTL_HTTP: control is
 * chrooted and cannot bind).  Control decides nothing here either: it
 * routes each request (control/control_http_route.c), checks the bearer token of a
 * POST, and asks the parent through the path vigilctl's requests take
 * (TARGETs, then an IMSG_CTL_HTTPREQ with the route and the client's
 * address for the parent's log) under a peer id with CTL_HTTP_PEERBIT;
 * the answer (STATUS, RESULT, LINE ..., END) becomes the HTTP reply
 * (control_http_out.c).  GET /api/v1/events is control_http_sse.c.
 *
 * Bounds: header and body sizes, a timeout per connection, the number
 * of requests waiting for the parent and of event subscribers.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "control.h"
#include "control_http.h"
#include "control_http_route.h"
#include "ctl_status.h"
#include "log.h"
#include "log_limit.h"
#include "msg.h"
#include "msg_ctl.h"
#include "proc.h"

#define CHTTP_MAXHEADERS	8192
#define CHTTP_MAXBODY		4096
#define CHTTP_TIMEOUT_SEC	30	/* silence while reading or writing */
#define CHTTP_ANSWER_SEC	90	/* the parent's answer (--wait: 60) */
#define CHTTP_MAXPENDING	256

struct chttp_pending {
	TAILQ_ENTRY(chttp_pending)	 entry;
	uint32_t			 peerid;
	struct evhttp_request		*req;
	struct event			 timer;
	struct chttp_answer		 a;
};

static TAILQ_HEAD(, chttp_pending) chttp_pending =
    TAILQ_HEAD_INITIALIZER(chttp_pending);
static unsigned int		 chttp_npending;
static struct evhttp		*chttp_http;
static struct ctl_http_setup	 chttp_setup;
static uint32_t			 chttp_next_peerid;
static struct log_limit		 chttp_401_limit =
    LOG_LIMIT_INIT("failed HTTP logins (401)", 10);

static void	chttp_request(struct evhttp_request *, void *);
static void	chttp_pending_free(struct chttp_pending *);

/* The event base control_main() made with event_init(). */
static struct event_base *
chttp_base(void)
{
	struct event	 ev;

	event_set(&ev, -1, 0, NULL, NULL);
	return (event_get_base(&ev));
}

int
control_http_setup(struct imsg *imsg)
{
	struct ctl_http_setup	 s;
	int			 fd;

	if (imsg_get_data(imsg, &s, sizeof(s)) == -1 ||
	    !MSG_STR_OK(s.token))
		return (-1);
	if ((fd = imsg_get_fd(imsg)) == -1 && chttp_http != NULL) {
		/* A reload: the token changed, the socket did not. */
		chttp_setup = s;
		explicit_bzero(&s, sizeof(s));
		log_debug("http: new token%s", chttp_setup.has_token ? "" :
		    " (none: read-only)");
		return (0);
	}
	if (fd == -1) {
		log_warnx("http: the parent's socket did not arrive");
		explicit_bzero(&s, sizeof(s));
		return (0);
	}
	chttp_setup = s;
	explicit_bzero(&s, sizeof(s));
	if (chttp_http != NULL)
		evhttp_free(chttp_http);
	if ((chttp_http = evhttp_new(chttp_base())) == NULL)
		fatalx("%s: evhttp_new", __func__);
	evhttp_set_max_headers_size(chttp_http, CHTTP_MAXHEADERS);
	evhttp_set_max_body_size(chttp_http, CHTTP_MAXBODY);
	evhttp_set_timeout(chttp_http, CHTTP_TIMEOUT_SEC);
	/* Every method reaches chttp_request: a wrong one is 405 there. */
	evhttp_set_allowed_methods(chttp_http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(chttp_http, chttp_request, NULL);
	if (chttp_conn_listen(chttp_http, chttp_base(), fd) == -1) {
		log_warnx("http: cannot serve the socket");
		close(fd);
		return (0);
	}
	log_debug("http: serving the API%s", chttp_setup.has_token ? "" :
	    " (read-only)");
	return (0);
}

static const char *
chttp_method(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET:
		return ("GET");
	case EVHTTP_REQ_POST:
		return ("POST");
	case EVHTTP_REQ_HEAD:
		return ("HEAD");
	case EVHTTP_REQ_PUT:
		return ("PUT");
	case EVHTTP_REQ_DELETE:
		return ("DELETE");
	case EVHTTP_REQ_OPTIONS:
		return ("OPTIONS");
	case EVHTTP_REQ_TRACE:
		return ("TRACE");
	case EVHTTP_REQ_CONNECT:
		return ("CONNECT");
	case EVHTTP_REQ_PATCH:
		return ("PATCH");
	}
	return ("?");
}

void
chttp_headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (strncmp(type, "text/html", 9) == 0)
		evhttp_add_header(h, "Content-Security-Policy", CHTTP_CSP);
}

static const char *
chttp_reason(int code)
{
	switch (code) {
	case 200:
		return ("OK");
	case 400:
		return ("Bad Request");
	case 401:
		return ("Unauthorized");
	case 403:
		return ("Forbidden");
	case 404:
		return ("Not Found");
	case 405:
		return ("Method Not Allowed");
	case 409:
		return ("Conflict");
	case 422:
		return ("Unprocessable Entity");
	case 503:
		return ("Service Unavailable");
	case 504:
		return ("Gateway Timeout");
	default:
		return ("Internal Server Error");
	}
}

/* Send what fp (an open_memstream of buf) holds, then close it. */
static void
chttp_send(struct evhttp_request *req, int code, const char *type, FILE *fp,
    char **buf, size_t *len)
{
	struct evbuffer	*b;

	if (fclose(fp) != 0 || *buf == NULL)
		fatal("%s: memory stream", __func__);
	if ((b = evbuffer_new()) == NULL)
		fatal("%s: evbuffer_new", __func__);
	if (evbuffer_add(b, *buf, *len) == -1)
		fatal("%s: evbuffer_add", __func__);
	free(*buf);
	*buf = NULL;
	chttp_headers(req, type);
	evhttp_send_reply(req, code, chttp_reason(code), b);
	evbuffer_free(b);
}

FILE *
chttp_open(char **buf, size_t *len)
{
	FILE	*fp;

	*buf = NULL;
	*len = 0;
	if ((fp = open_memstream(buf, len)) == NULL)
		fatal("%s: open_memstream", __func__);
	return (fp);
}

void
chttp_error(struct evhttp_request *req, int code, const char *msg,
    const char *name)
{
	FILE	*fp;
	char	*buf;
	size_t	 len;

	fp = chttp_open(&buf, &len);
	chttp_out_error(fp, msg, name);
	chttp_send(req, code, "application/json", fp, &buf, &len);
}

/* The client's address, printable, for the parent's log. */
static void
chttp_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection	*evcon;
	char				*addr = NULL;
	ev_uint16_t			 port = 0;
	size_t				 i;

	strlcpy(buf, "?", len);
	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return;
	evhttp_connection_get_peer(evcon, &addr, &port);
	if (addr == NULL)
		return;
	strlcpy(buf, addr, len);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			buf[i] = '?';
}

static void
chttp_answer_timeout(int fd, short ev, void *arg)
{
	struct chttp_pending	*p = arg;

	log_warnx("http: no answer from the parent for %s", p->a.route.path);
	chttp_error(p->req, 504, "no answer from vigild", NULL);
	p->req = NULL;
	(void)proc_child_compose(IMSG_CTL_CLOSE, p->peerid, -1, NULL, 0);
	chttp_pending_free(p);
}

static void
chttp_pending_free(struct chttp_pending *p)
{
	evtimer_del(&p->timer);
	TAILQ_REMOVE(&chttp_pending, p, entry);
	chttp_npending--;
	free(p->a.sts);
	free(p->a.res);
	free(p->a.lines);
	free(p->a.kvs);
	free(p->a.exits);
	free(p->a.log);
	free(p);
}

static struct chttp_pending *
chttp_pending_find(uint32_t peerid)
{
	struct chttp_pending	*p;

	TAILQ_FOREACH(p, &chttp_pending, entry)
		if (p->peerid == peerid)
			return (p);
	return (NULL);
}

/* A peer id of the HTTP range that no request waiting has. */
static uint32_t
chttp_peerid(void)
{
	uint32_t	 id;

	do {
		id = CTL_HTTP_PEERBIT | (chttp_next_peerid++ &
		    ~CTL_HTTP_PEERBIT);
	} while (chttp_pending_find(id) != NULL || chttp_log_has(id));
	return (id);
}

/* The TARGET and the HTTPREQ of a route, under peerid. */
static void
chttp_compose(struct evhttp_request *req, uint32_t peerid,
    const struct control_http_route *r, const char *method)
{
	struct ctl_target	 t;
	struct ctl_httpreq	 h;

	memset(&h, 0, sizeof(h));
	switch (r->kind) {
	case CTL_HTTP_ACTION:
	case CTL_HTTP_RELOAD:
		h.req.cmd = r->cmd;
		if (r->wait && r->kind == CTL_HTTP_ACTION &&
		    r->cmd != CTL_CMD_SIGNAL)
			h.req.flags = CTL_F_WAIT;
		h.req.signo = r->signo;
		break;
	case CTL_HTTP_INFO:
	case CTL_HTTP_PAGE:
		h.req.cmd = CTL_CMD_INFO;
		break;
	case CTL_HTTP_LOG:
		h.req.cmd = CTL_CMD_TAIL;
		h.req.count = r->lines;
		h.req.flags = (r->follow ? CTL_F_FOLLOW : 0) |
		    (r->err ? CTL_F_STDERR : 0);
		break;
	default:
		h.req.cmd = CTL_CMD_STATUS;
		h.req.flags = CTL_F_LONG;	/* CPU and memory sampled */
		break;
	}
	if (r->name[0] != '\0') {
		memset(&t, 0, sizeof(t));
		strlcpy(t.name, r->name, sizeof(t.name));
		if (proc_child_compose(IMSG_CTL_TARGET, peerid, -1, &t,
		    sizeof(t)) == -1)
			fatal("%s: to parent", __func__);
		h.req.ntargets = 1;
	}
	h.req.pid = -1;
	h.authorized = r->post;		/* the token was checked */
	strlcpy(h.method, method, sizeof(h.method));
	strlcpy(h.path, r->path, sizeof(h.path));
	chttp_peer(req, h.peer, sizeof(h.peer));
	if (proc_child_compose(IMSG_CTL_HTTPREQ, peerid, -1, &h,
	    sizeof(h)) == -1)
		fatal("%s: to parent", __func__);
}

/* Ask the parent; the reply is sent when its END comes. */
static void
chttp_ask(struct evhttp_request *req, const struct control_http_route *r,
    const char *method)
{
	struct chttp_pending	*p;
	struct timeval		 tv = { CHTTP_ANSWER_SEC, 0 };

	if (chttp_npending >= CHTTP_MAXPENDING) {
		chttp_error(req, 503, "too many requests waiting", NULL);
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		chttp_error(req, 503, "out of memory", NULL);
		return;
	}
	p->peerid = chttp_peerid();
	p->req = req;
	p->a.route = *r;
	evtimer_set(&p->timer, chttp_answer_timeout, p);
	evtimer_add(&p->timer, &tv);
	TAILQ_INSERT_TAIL(&chttp_pending, p, entry);
	chttp_npending++;
	chttp_compose(req, p->peerid, r, method);
}

/* The console's script and style sheet, compiled in. */
static void
chttp_asset(struct evhttp_request *req, const struct control_http_route *r)
{
	struct evbuffer		*b;
	const unsigned char	*data;
	const char		*type;
	size_t			 len;

	if (chttp_console_asset(r->asset, &type, &data, &len) == -1) {
		chttp_error(req, 404, "not found", NULL);
		return;
	}
	if ((b = evbuffer_new()) == NULL || evbuffer_add(b, data, len) == -1)
		fatal("%s: evbuffer", __func__);
	chttp_headers(req, type);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
chttp_request(struct evhttp_request *req, void *arg)
{
	struct control_http_route	 r;
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*method;
	uint32_t		 peerid;
	char			 peer[CTL_HTTP_PEERMAX];

	chttp_conn_request(req);
	method = chttp_method(evhttp_request_get_command(req));
	control_http_route(method, evhttp_request_get_uri(req), &r);
	if (r.status == 404) {
		chttp_error(req, 404, r.name[0] != '\0' ? "no such process" :
		    "not found", r.name[0] != '\0' ? r.name : NULL);
		return;
	}
	if (r.status == 400) {
		chttp_error(req, 400, "bad query parameter", NULL);
		return;
	}
	if (r.status == 405) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", r.allow);
		chttp_error(req, 405, "method not allowed", NULL);
		return;
	}
	if (r.post && !chttp_setup.has_token) {
		chttp_error(req, 403, "this API is read-only: vigild has no "
		    "http.token_file", NULL);
		return;
	}
	if (r.post && !control_http_bearer_ok(evhttp_find_header(in,
	    "Authorization"), chttp_setup.token)) {
		if (log_limit(&chttp_401_limit)) {
			chttp_peer(req, peer, sizeof(peer));
			log_warnx("http: %s %s from %s: refused (401): no valid "
			    "bearer token", method, r.path, peer);
		}
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer realm=\"vigild\"");
		chttp_error(req, 401, "a valid bearer token is required",
		    NULL);
		return;
	}
	if (r.kind == CTL_HTTP_EVENTS) {
		chttp_sse_start(req);
		return;
	}
	if (r.kind == CTL_HTTP_ASSET) {
		chttp_asset(req, &r);
		return;
	}
	/* HEAD of a followed log: the headers of the lines so far. */
	if (r.kind == CTL_HTTP_LOG && strcmp(method, "GET") != 0)
		r.follow = 0;
	if (r.kind == CTL_HTTP_LOG && r.follow) {
		peerid = chttp_peerid();
		if (chttp_log_follow(req, peerid) == 0)
			chttp_compose(req, peerid, &r, method);
		return;
	}
	chttp_ask(req, &r, method);
}

/* The parent's END: the reply. */
static void
chttp_reply(struct chttp_pending *p)
{
	FILE		*fp;
	char		*buf;
	size_t		 len;
	int		 code = 500;
	const char	*type = "application/json";

	fp = chttp_open(&buf, &len);
	switch (p->a.route.kind) {
	case CTL_HTTP_SERVICES:
		code = chttp_out_services(fp, &p->a);
		break;
	case CTL_HTTP_SERVICE:
		code = chttp_out_service(fp, &p->a);
		break;
	case CTL_HTTP_ACTION:
		code = chttp_out_action(fp, &p->a);
		break;
	case CTL_HTTP_RELOAD:
		code = chttp_out_reload(fp, &p->a);
		break;
	case CTL_HTTP_METRICS:
		code = chttp_out_metrics(fp, &p->a);
		type = "text/plain; version=0.0.4; charset=utf-8";
		break;
	case CTL_HTTP_INDEX:
		code = chttp_out_index(fp, &p->a);
		type = "text/html; charset=utf-8";
		break;
	case CTL_HTTP_PAGE:
		code = chttp_out_page(fp, &p->a);
		type = "text/html; charset=utf-8";
		break;
	case CTL_HTTP_INFO:
		code = chttp_out_info(fp, &p->a);
		break;
	case CTL_HTTP_LOG:
		code = chttp_out_log(fp, &p->a);
		if (code == 200)
			type = "text/plain; charset=utf-8";
		break;
	default:
		chttp_out_error(fp, "internal error", NULL);
		break;
	}
	chttp_send(p->req, code, type, fp, &buf, &len);
	p->req = NULL;
}

static int
chttp_grow(void **v, size_t n, size_t size, size_t max)
{
	void	*nv;

	if (n >= max)
		return (-1);
	if ((n & (n - 1)) != 0 && n != 0)
		return (0);
	if ((nv = reallocarray(*v, n == 0 ? 1 : n * 2, size)) == NULL)
		return (-1);
	*v = nv;
	return (0);
}

/* The packed records of one STATUS (common/ctl_status.h), up to a bad one. */
static void
chttp_answer_status(struct chttp_answer *a, struct imsg *imsg)
{
	struct ctl_status_iter	 it;

	if (ctl_status_iter_init(&it, imsg->data, imsg->datalen) == -1)
		return;
	for (;;) {
		if (chttp_grow((void **)&a->sts, a->nsts, sizeof(*a->sts),
		    CHTTP_MAXSTATUS) == -1 ||
		    ctl_status_next(&it, &a->sts[a->nsts]) != 1)
			return;
		a->nsts++;
	}
}

/* info's KV and EXIT (of the last STATUS), tail's LOGDATA. */
static void
chttp_answer_more(struct chttp_answer *a, struct imsg *imsg)
{
	struct ctl_logdata	 d;
	size_t			 n;
	char			*nl;

	switch (imsg->hdr.type) {
	case IMSG_CTL_KV:
		if (a->nsts == 0 || chttp_grow((void **)&a->kvs, a->nkvs,
		    sizeof(*a->kvs), CHTTP_MAXKV) == -1 ||
		    imsg_get_data(imsg, &a->kvs[a->nkvs].kv,
		    sizeof(a->kvs[a->nkvs].kv)) == -1 ||
		    !MSG_STR_OK(a->kvs[a->nkvs].kv.key) ||
		    !MSG_STR_OK(a->kvs[a->nkvs].kv.value))
			return;
		a->kvs[a->nkvs++].st = a->nsts - 1;
		return;
	case IMSG_CTL_EXIT:
		if (a->nsts == 0 || chttp_grow((void **)&a->exits, a->nexits,
		    sizeof(*a->exits), CHTTP_MAXEXITS) == -1 ||
		    imsg_get_data(imsg, &a->exits[a->nexits].ex,
		    sizeof(a->exits[a->nexits].ex)) == -1)
			return;
		a->exits[a->nexits++].st = a->nsts - 1;
		return;
	case IMSG_CTL_LOGDATA:
		if (imsg_get_data(imsg, &d, sizeof(d)) == -1 ||
		    d.len > sizeof(d.text) || (d.flags & CTL_LOG_SKIPPED))
			return;
		n = d.len;
		if (a->loglen + n > CHTTP_MAXLOG) {
			a->logskipped += n;
			return;
		}
		if ((nl = realloc(a->log, a->loglen + n + 1)) == NULL) {
			a->logskipped += n;
			return;
		}
		a->log = nl;
		memcpy(a->log + a->loglen, d.text, n);
		a->loglen += n;
		return;
	}
}

/* An answer for an HTTP request (hdr.peerid has CTL_HTTP_PEERBIT). */
void
control_http_answer(struct imsg *imsg)
{
	struct chttp_pending	*p;
	struct chttp_answer	*a;

	if (chttp_log_answer(imsg))
		return;		/* a log follower's */
	if ((p = chttp_pending_find(imsg->hdr.peerid)) == NULL)
		return;		/* timed out meanwhile */
	a = &p->a;
	switch (imsg->hdr.type) {
	case IMSG_CTL_STATUS:
		chttp_answer_status(a, imsg);
		return;
	case IMSG_CTL_RESULT:
		if (chttp_grow((void **)&a->res, a->nres, sizeof(*a->res),
		    CHTTP_MAXRESULTS) == -1 || imsg_get_data(imsg,
		    &a->res[a->nres], sizeof(*a->res)) == -1 ||
		    !MSG_STR_OK(a->res[a->nres].name) ||
		    !MSG_STR_OK(a->res[a->nres].text))
			return;
		a->nres++;
		return;
	case IMSG_CTL_LINE:
		if (chttp_grow((void **)&a->lines, a->nlines,
		    sizeof(*a->lines), CHTTP_MAXLINES) == -1 ||
		    imsg_get_data(imsg, &a->lines[a->nlines],
		    sizeof(*a->lines)) == -1 ||
		    !MSG_STR_OK(a->lines[a->nlines].text))
			return;
		a->nlines++;
		return;
	case IMSG_CTL_END:
		if (imsg_get_data(imsg, &a->end, sizeof(a->end)) == -1 ||
		    !MSG_STR_OK(a->end.msg)) {
			memset(&a->end, 0, sizeof(a->end));
			a->end.result = CTL_RES_FAIL;
			strlcpy(a->end.msg, "bad answer from vigild",
			    sizeof(a->end.msg));
		}
		chttp_reply(p);
		chttp_pending_free(p);
		return;
	case IMSG_CTL_KV:
	case IMSG_CTL_EXIT:
	case IMSG_CTL_LOGDATA:
		chttp_answer_more(a, imsg);
		return;
	default:
		return;		/* not asked for */
	}
}
