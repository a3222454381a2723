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
 * vigild: control -- the HTTP API's connections, kept within bounds a
 * client cannot push:
 *
 *  - a cap on the connections held at once (CHTTP_MAXCONNS, smaller when
 *    the descriptor limit is low, so that the control socket always has
 *    descriptors left); at the cap, accept pauses until one is gone,
 *    looked for CHTTP_CAP_MS later, then at twice that interval each
 *    time up to a second: a backlog of connections their clients have
 *    already closed (what a flood leaves) drains at once, not one cap's
 *    worth a second;
 *  - a header deadline: a request must arrive whole within
 *    CHTTP_HEADER_SEC of the connection (or of the previous answer, for
 *    a kept-alive one), however slowly it trickles; evhttp's own timeout
 *    only bounds the silence between two bytes;
 *  - out of descriptors (accept fails with EMFILE, ENFILE, ENOBUFS,
 *    ENOMEM: the limit shrank beneath the cap, or the host's file table
 *    is full), HTTP gives way to the control socket: it closes its
 *    CHTTP_FD_SHED oldest idle connections, lowers its cap to what it
 *    holds then (kept until the listener is set up again), and pauses
 *    accept, trying again every CHTTP_PAUSE_SEC: never a busy loop.  One
 *    line when it begins, one when accept works again, none between.
 *
 * evhttp (libevent 2.1) has no connection cap and no hook when a
 * connection ends, so each connection's bufferevent is made here
 * (evhttp_set_bevcb) and held with one more reference: when evhttp frees
 * it, its callbacks are cleared, which tells us the connection is gone.
 * The bufferevent is made without BEV_OPT_CLOSE_ON_FREE, so evhttp
 * closes the socket itself at once and the held reference keeps only
 * memory, released at the next sweep.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "control.h"
#include "control_http.h"
#include "log.h"
#include "log_limit.h"
#include "msg_ctl.h"

#define CHTTP_MAXCONNS		512	/* connections held at once */
#define CHTTP_FD_SPARE		32	/* descriptors never given to HTTP */
#define CHTTP_HEADER_SEC	10	/* a whole request, from the first byte */
#define CHTTP_IDLE_SEC		30	/* a kept-alive connection between two */
#define CHTTP_PAUSE_SEC		1	/* accept paused: out of descriptors */
#define CHTTP_FD_SHED		4	/* idle connections closed then */
#define CHTTP_REAP_SEC		1
#define CHTTP_CAP_MS		50	/* at the cap: first look for room */

enum chttp_cstate {
	CHTTP_C_WAITING,	/* for a request: the deadline runs */
	CHTTP_C_SERVING,	/* a request is being answered */
	CHTTP_C_CLOSING,	/* shut down, evhttp to notice */
};

struct chttp_conn {
	TAILQ_ENTRY(chttp_conn)	 entry;
	struct bufferevent	*bev;
	struct event		 timer;
	enum chttp_cstate	 state;
};

static TAILQ_HEAD(, chttp_conn)	 chttp_conns =
    TAILQ_HEAD_INITIALIZER(chttp_conns);
static unsigned int		 chttp_nconns;
static unsigned int		 chttp_maxconns = CHTTP_MAXCONNS;
static struct evconnlistener	*chttp_lev;
static struct event		 chttp_pause_ev;
static int			 chttp_pause_set;
static int			 chttp_paused;
static int			 chttp_cap_ms;	/* 0: not paused at the cap */
static time_t			 chttp_out_since;	/* 0: not out */
static unsigned int		 chttp_out_tries;
static struct log_limit		 chttp_err_limit =
    LOG_LIMIT_INIT("HTTP accept errors", 3);
static struct log_limit		 chttp_cap_limit =
    LOG_LIMIT_INIT("HTTP connection cap lines", 3);

static void	chttp_conn_timer(int, short, void *);

/* Has evhttp let this connection go? */
static int
chttp_conn_dead(struct chttp_conn *c)
{
	bufferevent_data_cb	 rcb, wcb;
	bufferevent_event_cb	 ecb;
	void			*arg;

	bufferevent_getcb(c->bev, &rcb, &wcb, &ecb, &arg);
	return (rcb == NULL && wcb == NULL && ecb == NULL);
}

static void
chttp_conn_free(struct chttp_conn *c)
{
	evtimer_del(&c->timer);
	TAILQ_REMOVE(&chttp_conns, c, entry);
	chttp_nconns--;
	(void)bufferevent_decref(c->bev);
	free(c);
}

static void
chttp_conn_arm(struct chttp_conn *c, int sec)
{
	struct timeval	 tv = { sec, 0 };

	evtimer_add(&c->timer, &tv);
}

/* Forget every connection evhttp has let go; resume accept if room. */
static void
chttp_sweep(void)
{
	struct chttp_conn	*c, *nc;

	TAILQ_FOREACH_SAFE(c, &chttp_conns, entry, nc)
		if (chttp_conn_dead(c))
			chttp_conn_free(c);
}

static void
chttp_accept_pause_ms(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	if (chttp_lev == NULL)
		return;
	if (!chttp_paused)
		evconnlistener_disable(chttp_lev);
	chttp_paused = 1;
	evtimer_add(&chttp_pause_ev, &tv);
}

static void
chttp_accept_pause(int sec)
{
	chttp_cap_ms = 0;
	chttp_accept_pause_ms(sec * 1000);
}

/* At the cap: look for room soon, then less and less often. */
static void
chttp_accept_pause_cap(void)
{
	if (chttp_cap_ms == 0)
		chttp_cap_ms = CHTTP_CAP_MS;
	else if (chttp_cap_ms < 1000)
		chttp_cap_ms = chttp_cap_ms * 2 > 1000 ? 1000 : chttp_cap_ms * 2;
	chttp_accept_pause_ms(chttp_cap_ms);
}

static void
chttp_accept_resume(int fd, short ev, void *arg)
{
	chttp_sweep();
	if (chttp_nconns >= chttp_maxconns) {
		if (chttp_cap_ms != 0)
			chttp_accept_pause_cap();
		else
			chttp_accept_pause(CHTTP_PAUSE_SEC);
		return;
	}
	chttp_paused = 0;
	chttp_cap_ms = 0;
	if (chttp_lev != NULL)
		evconnlistener_enable(chttp_lev);
}

static time_t
chttp_now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (ts.tv_sec);
}

/*
 * Out of descriptors: give some back for the control socket's clients
 * (root's among them) and hold no more than what is left.  evhttp sees
 * the shut connections end and closes them.  Returns how many were shut.
 */
static unsigned int
chttp_shed(void)
{
	struct chttp_conn	*c;
	unsigned int		 n = 0, held;
	int			 sfd;

	chttp_sweep();
	held = chttp_nconns;
	TAILQ_FOREACH(c, &chttp_conns, entry) {
		if (n >= CHTTP_FD_SHED)
			break;
		if (c->state != CHTTP_C_WAITING || chttp_conn_dead(c))
			continue;
		if ((sfd = bufferevent_getfd(c->bev)) != -1)
			(void)shutdown(sfd, SHUT_RDWR);
		c->state = CHTTP_C_CLOSING;
		chttp_conn_arm(c, CHTTP_REAP_SEC);
		n++;
	}
	if (held == 0)
		return (0);	/* others hold them: only wait */
	held = held > CHTTP_FD_SHED ? held - CHTTP_FD_SHED : 1;
	if (held < chttp_maxconns)
		chttp_maxconns = held;
	return (n);
}

static void
chttp_accept_error(struct evconnlistener *lev, void *arg)
{
	unsigned int	 open, shed;
	int		 err = EVUTIL_SOCKET_ERROR();

	if (err != EMFILE && err != ENFILE && err != ENOBUFS &&
	    err != ENOMEM) {
		if (log_limit(&chttp_err_limit))
			log_warnx("http: accept: %s; not accepting for %d s",
			    strerror(err), CHTTP_PAUSE_SEC);
		chttp_accept_pause(CHTTP_PAUSE_SEC);
		return;
	}
	open = chttp_nconns;
	shed = chttp_shed();
	if (chttp_out_since == 0) {
		chttp_out_since = chttp_now();
		chttp_out_tries = 0;
		log_warnx("http: out of descriptors (accept: %s) with %u "
		    "connections open: %u idle ones closed, at most %u "
		    "served from now on; not accepting until there is room",
		    strerror(err), open, shed, chttp_maxconns);
	} else
		chttp_out_tries++;
	chttp_accept_pause(CHTTP_PAUSE_SEC);
}

/* evhttp's new connection: its bufferevent, counted. */
static struct bufferevent *
chttp_conn_new(struct event_base *base, void *arg)
{
	struct chttp_conn	*c;
	struct bufferevent	*bev;

	if (chttp_nconns + 1 >= chttp_maxconns)
		chttp_sweep();
	if ((bev = bufferevent_socket_new(base, -1, 0)) == NULL)
		fatalx("%s: bufferevent_socket_new", __func__);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	if (chttp_out_since != 0) {
		log_warnx("http: accepting again after %lld s out of "
		    "descriptors (%u tries failed), at most %u connections",
		    (long long)(chttp_now() - chttp_out_since),
		    chttp_out_tries, chttp_maxconns);
		chttp_out_since = 0;
	}
	bufferevent_incref(bev);
	c->bev = bev;
	c->state = CHTTP_C_WAITING;
	evtimer_set(&c->timer, chttp_conn_timer, c);
	chttp_conn_arm(c, CHTTP_HEADER_SEC);
	TAILQ_INSERT_TAIL(&chttp_conns, c, entry);
	chttp_nconns++;
	if (chttp_nconns >= chttp_maxconns) {
		if (log_limit(&chttp_cap_limit))
			log_warnx("http: %u connections open, the most "
			    "served at once; not accepting until one closes",
			    chttp_nconns);
		chttp_cap_ms = 0;
		chttp_accept_pause_cap();
	}
	return (bev);
}

static void
chttp_conn_timer(int fd, short ev, void *arg)
{
	struct chttp_conn	*c = arg;
	int			 sfd;

	if (chttp_conn_dead(c)) {
		chttp_conn_free(c);
		return;
	}
	switch (c->state) {
	case CHTTP_C_WAITING:
		/* Too slow or idle: end it; evhttp sees EOF and frees it. */
		if ((sfd = bufferevent_getfd(c->bev)) != -1)
			(void)shutdown(sfd, SHUT_RDWR);
		c->state = CHTTP_C_CLOSING;
		chttp_conn_arm(c, CHTTP_REAP_SEC);
		break;
	case CHTTP_C_CLOSING:
		chttp_conn_arm(c, CHTTP_REAP_SEC);
		break;
	case CHTTP_C_SERVING:
		break;
	}
}

static struct chttp_conn *
chttp_conn_find(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct chttp_conn		*c;

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return (NULL);
	TAILQ_FOREACH(c, &chttp_conns, entry)
		if (c->bev == bev)
			return (c);
	return (NULL);
}

/* The answer went out: the next request has the idle deadline. */
static void
chttp_conn_done(struct evhttp_request *req, void *arg)
{
	struct chttp_conn	*c;

	if ((c = chttp_conn_find(req)) == NULL || c->state != CHTTP_C_SERVING)
		return;
	c->state = CHTTP_C_WAITING;
	chttp_conn_arm(c, CHTTP_IDLE_SEC);
}

/* A whole request arrived: no deadline while it is answered. */
void
chttp_conn_request(struct evhttp_request *req)
{
	struct chttp_conn	*c;

	if ((c = chttp_conn_find(req)) == NULL)
		return;
	if (c->state == CHTTP_C_WAITING) {
		evtimer_del(&c->timer);
		c->state = CHTTP_C_SERVING;
	}
	evhttp_request_set_on_complete_cb(req, chttp_conn_done, NULL);
}

/*
 * The cap: CHTTP_MAXCONNS, or what the descriptor limit leaves once the
 * control socket's clients and a spare have theirs.
 */
static unsigned int
chttp_conn_cap(void)
{
	struct rlimit	 rl;
	rlim_t		 room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return (CHTTP_MAXCONNS);
	if (rl.rlim_cur <= CHTTP_FD_SPARE + control_clients_max() + 8)
		return (8);
	room = rl.rlim_cur - CHTTP_FD_SPARE - control_clients_max();
	return (room < CHTTP_MAXCONNS ? (unsigned int)room : CHTTP_MAXCONNS);
}

/* Serve fd (listening) with http, under the bounds above. */
int
chttp_conn_listen(struct evhttp *http, struct event_base *base, int fd)
{
	if (chttp_lev != NULL) {
		/* A new socket: the old listener went with the old evhttp. */
		chttp_lev = NULL;
		chttp_paused = 0;
		chttp_cap_ms = 0;
		chttp_out_since = 0;
	}
	if (!chttp_pause_set) {
		evtimer_set(&chttp_pause_ev, chttp_accept_resume, NULL);
		chttp_pause_set = 1;
	}
	evtimer_del(&chttp_pause_ev);
	chttp_maxconns = chttp_conn_cap();
	evhttp_set_bevcb(http, chttp_conn_new, NULL);
	if ((chttp_lev = evconnlistener_new(base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd)) == NULL)
		return (-1);
	if (evhttp_bind_listener(http, chttp_lev) == NULL)
		fatalx("%s: evhttp_bind_listener", __func__);
	evconnlistener_set_error_cb(chttp_lev, chttp_accept_error);
	log_debug("http: at most %u connections", chttp_maxconns);
	return (0);
}
