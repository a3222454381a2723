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
 * One probe: a non-blocking connect to each address in turn until one
 * answers, then, for an HTTP check, "GET uri HTTP/1.0" and the head of
 * the response (2xx and 3xx are healthy), for a gRPC check the
 * exchange of monitor_grpc.c (SERVING is healthy).  The whole probe,
 * every address included, has one deadline.  The callback runs exactly once
 * (unless the probe is cancelled), after the probe is freed.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "monitor.h"

#define PROBE_REQMAX	(MON_URIMAX + MON_HOSTMAX + 128)

struct mon_probe {
	struct mon_svc		*ms;
	const struct mon_addr	*addrs;
	unsigned int		 naddrs;
	unsigned int		 cur;
	int			 http;
	struct mon_grpc		*grpc;		/* a gRPC check */
	int			 fd;
	int			 connected;
	int			 armed;		/* ev is set and added */
	struct event		 ev;
	struct event		 timeout_ev;
	struct event		 start_ev;
	uint64_t		 timeout_ms;
	mon_probe_cb		 cb;
	char			 req[PROBE_REQMAX];
	size_t			 reqlen, reqoff;
	char			 resp[HTTP_RESP_MAX];
	size_t			 resplen;
	char			 lasterr[MON_TEXTMAX];
};

static void	probe_next(struct mon_probe *);
static void	probe_io(int, short, void *);

static void
probe_start_cb(int fd, short ev, void *arg)
{
	probe_next(arg);
}

static void
probe_addrstr(const struct mon_addr *a, char *buf, size_t len)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	char				 h[INET6_ADDRSTRLEN];

	switch (a->ss.ss_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)&a->ss;
		inet_ntop(AF_INET, &sin->sin_addr, h, sizeof(h));
		snprintf(buf, len, "%s:%u", h, ntohs(sin->sin_port));
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)&a->ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, h, sizeof(h));
		snprintf(buf, len, "[%s]:%u", h, ntohs(sin6->sin6_port));
		break;
	default:
		snprintf(buf, len, "(address family %d)", a->ss.ss_family);
		break;
	}
}

static void
probe_wait(struct mon_probe *p, short what)
{
	if (p->armed)
		event_del(&p->ev);
	event_set(&p->ev, p->fd, what, probe_io, p);
	event_add(&p->ev, NULL);
	p->armed = 1;
}

static void
probe_close(struct mon_probe *p)
{
	if (p->armed) {
		event_del(&p->ev);
		p->armed = 0;
	}
	if (p->fd != -1) {
		close(p->fd);
		p->fd = -1;
	}
}

void
mon_probe_cancel(struct mon_probe *p)
{
	if (p == NULL)
		return;
	probe_close(p);
	evtimer_del(&p->timeout_ev);
	evtimer_del(&p->start_ev);
	mon_grpc_free(p->grpc);
	free(p);
}

static void
probe_done(struct mon_probe *p, int ok, const char *why)
{
	struct mon_svc	*ms = p->ms;
	mon_probe_cb	 cb = p->cb;
	char		 reason[MON_TEXTMAX];

	strlcpy(reason, why != NULL ? why : "", sizeof(reason));
	mon_probe_cancel(p);
	cb(ms, ok, reason);
}

static void
probe_timeout(int fd, short ev, void *arg)
{
	struct mon_probe	*p = arg;
	char			 why[MON_TEXTMAX];

	snprintf(why, sizeof(why), "timed out after %llu ms",
	    (unsigned long long)p->timeout_ms);
	if (p->lasterr[0] != '\0' && !p->connected)
		mon_join(why, sizeof(why), why, p->lasterr);
	else if (p->grpc != NULL && p->connected)
		mon_join(why, sizeof(why), why, mon_grpc_stage(p->grpc));
	probe_done(p, 0, why);
}

/* A connect failed: remember why and try the next address. */
static void
probe_fail_addr(struct mon_probe *p, int eno)
{
	char	 a[64];

	probe_addrstr(&p->addrs[p->cur], a, sizeof(a));
	snprintf(p->lasterr, sizeof(p->lasterr), "connect %s: %s", a,
	    strerror(eno));
	probe_close(p);
	p->cur++;
	probe_next(p);
}

static void
probe_next(struct mon_probe *p)
{
	const struct mon_addr	*a;

	for (; p->cur < p->naddrs; p->cur++) {
		a = &p->addrs[p->cur];
		if ((p->fd = socket(a->ss.ss_family, SOCK_STREAM |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
			snprintf(p->lasterr, sizeof(p->lasterr), "socket: %s",
			    strerror(errno));
			continue;
		}
		if (connect(p->fd, (const struct sockaddr *)&a->ss,
		    (socklen_t)a->len) == -1 && errno != EINPROGRESS) {
			probe_fail_addr(p, errno);
			return;
		}
		probe_wait(p, EV_WRITE);
		return;
	}
	probe_done(p, 0, p->lasterr[0] != '\0' ? p->lasterr :
	    "no address to connect to");
}

static void
probe_http_read(struct mon_probe *p)
{
	const char	*err;
	char		 why[MON_TEXTMAX];
	ssize_t		 n;
	int		 status, r;

	n = read(p->fd, p->resp + p->resplen, sizeof(p->resp) - p->resplen);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			goto again;
		snprintf(why, sizeof(why), "read: %s", strerror(errno));
		probe_done(p, 0, why);
		return;
	}
	p->resplen += (size_t)n;
	r = http_parse_response(p->resp, p->resplen, &status, &err);
	if (r == HTTP_PARSE_ERROR) {
		snprintf(why, sizeof(why), "bad HTTP response: %s", err);
		probe_done(p, 0, why);
		return;
	}
	if (r == HTTP_PARSE_DONE) {
		snprintf(why, sizeof(why), "HTTP status %d", status);
		probe_done(p, status >= 200 && status < 400, why);
		return;
	}
	if (n == 0) {
		probe_done(p, 0, p->resplen == 0 ? "connection closed "
		    "without a response" : "connection closed in the middle "
		    "of the response");
		return;
	}
 again:
	probe_wait(p, EV_READ);
}

static void
probe_grpc(struct mon_probe *p)
{
	char	 why[MON_TEXTMAX];
	short	 events;
	int	 ok;

	if (mon_grpc_io(p->grpc, p->fd, &events, &ok, why, sizeof(why)) ==
	    GRPC_IO_DONE) {
		probe_done(p, ok, why);
		return;
	}
	probe_wait(p, events);
}

static void
probe_io(int fd, short ev, void *arg)
{
	struct mon_probe	*p = arg;
	socklen_t		 len;
	ssize_t			 n;
	int			 err;

	if (!p->connected) {
		len = sizeof(err);
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			probe_fail_addr(p, err);
			return;
		}
		p->connected = 1;
		if (!p->http && p->grpc == NULL) {
			probe_done(p, 1, "connected");
			return;
		}
	}
	if (p->grpc != NULL) {
		probe_grpc(p);
		return;
	}
	if (p->reqoff < p->reqlen) {
		n = send(p->fd, p->req + p->reqoff, p->reqlen - p->reqoff,
		    MSG_NOSIGNAL);
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			char	why[MON_TEXTMAX];

			snprintf(why, sizeof(why), "write: %s",
			    strerror(errno));
			probe_done(p, 0, why);
			return;
		}
		if (n > 0)
			p->reqoff += (size_t)n;
		probe_wait(p, p->reqoff < p->reqlen ? EV_WRITE : EV_READ);
		return;
	}
	probe_http_read(p);
}

static struct mon_probe *
probe_new(struct mon_svc *ms, const struct mon_addr *addrs,
    unsigned int naddrs, uint64_t timeout_ms, mon_probe_cb cb)
{
	struct mon_probe	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal(NULL);
	p->ms = ms;
	p->addrs = addrs;
	p->naddrs = naddrs;
	p->fd = -1;
	p->cb = cb;
	p->timeout_ms = timeout_ms;
	return (p);
}

static struct mon_probe *
probe_go(struct mon_probe *p)
{
	evtimer_set(&p->timeout_ev, probe_timeout, p);
	mon_timer_add(&p->timeout_ev, p->timeout_ms);
	/*
	 * Start from the event loop, so that the callback never runs
	 * before the caller has stored the probe.
	 */
	evtimer_set(&p->start_ev, probe_start_cb, p);
	mon_timer_add(&p->start_ev, 0);
	return (p);
}

/*
 * Probe the addresses in order.  host == NULL: a TCP connect is the
 * whole check; else an HTTP GET of uri with that Host: header.
 */
struct mon_probe *
mon_probe_start(struct mon_svc *ms, const struct mon_addr *addrs,
    unsigned int naddrs, const char *host, const char *uri,
    uint64_t timeout_ms, mon_probe_cb cb)
{
	struct mon_probe	*p;
	int			 n;

	p = probe_new(ms, addrs, naddrs, timeout_ms, cb);
	if (host != NULL) {
		p->http = 1;
		n = snprintf(p->req, sizeof(p->req), "GET %s HTTP/1.0\r\n"
		    "Host: %s\r\nUser-Agent: vigild-monitor\r\n"
		    "Accept: */*\r\nConnection: close\r\n\r\n", uri, host);
		if (n < 0 || (size_t)n >= sizeof(p->req))
			fatalx("%s: request too long", __func__);
		p->reqlen = (size_t)n;
	}
	return (probe_go(p));
}

/* Probe the addresses in order: a grpc.health.v1 Check of service. */
struct mon_probe *
mon_probe_start_grpc(struct mon_svc *ms, const struct mon_addr *addrs,
    unsigned int naddrs, const char *authority, const char *service,
    uint64_t timeout_ms, mon_probe_cb cb)
{
	struct mon_probe	*p;

	p = probe_new(ms, addrs, naddrs, timeout_ms, cb);
	p->grpc = mon_grpc_new(authority, service);
	return (probe_go(p));
}
