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
 * Unit tests for the event side of common/imsg.c: imsgev_compose sends
 * a burst as it is made once IMSGEV_EAGER bytes are queued, and keeps
 * what the socket does not take for EV_WRITE, in order; dispatch, close
 * and fd passing through the libevent glue.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "imsg.h"
#include "unit_imsg.h"

#define MSGLEN	1000	/* payload of each message */

static int
no_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	return (0);
}

/* Read every whole message the peer has sent so far; -1 on a bad one. */
static int
drain(struct imsgbuf *rb, uint32_t *next)
{
	struct imsg	 imsg;
	unsigned char	 buf[MSGLEN];
	ssize_t		 n;
	int		 r;

	for (;;) {
		n = imsgbuf_read(rb);
		if (n == -1 && errno != EAGAIN)
			return (-1);
		while ((r = imsg_get(rb, &imsg)) == 1) {
			if (imsg.hdr.type != *next ||
			    imsg_get_data(&imsg, buf, sizeof(buf)) == -1 ||
			    buf[0] != (unsigned char)*next) {
				imsg_free(&imsg);
				return (-1);
			}
			imsg_free(&imsg);
			(*next)++;
		}
		if (r == -1)
			return (-1);
		if (n <= 0)
			return (0);
	}
}

static int
t_eager(void)
{
	struct imsgev	 iev;
	struct imsgbuf	 rb;
	unsigned char	 data[MSGLEN];
	int		 sv[2], sz;
	uint32_t	 i, next = 1, below = 0, total;
	size_t		 maxq = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		perror("socketpair");
		return (-1);
	}
	setnonblock(sv[1]);
	/* A small socket buffer, so that part of the burst must wait. */
	sz = 64 * 1024;
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (imsgev_init(&iev, sv[0], NULL, no_dispatch, NULL) == -1 ||
	    imsgbuf_init(&rb, sv[1]) == -1) {
		perror("imsgev_init");
		return (-1);
	}
	imsgbuf_set_maxsize(&rb, IMSG_HEADER_SIZE + MSGLEN);

	/* Fewer bytes than IMSGEV_EAGER: all queued for the event loop. */
	for (i = 1; (i + 1) * (IMSG_HEADER_SIZE + MSGLEN) < IMSGEV_EAGER;
	    i++) {
		memset(data, (int)i, sizeof(data));
		(void)imsgev_compose(&iev, i, 0, 0, -1, data, sizeof(data));
	}
	below = i - 1;
	check(imsgbuf_queuelen(&iev.ibuf) == below,
	    "below IMSGEV_EAGER nothing is written before the event loop");

	/* A burst of 2 MB: it goes out as it is made. */
	total = below + 2000;
	for (; i <= total; i++) {
		memset(data, (int)(i & 0xff), sizeof(data));
		if (imsgev_compose(&iev, i, 0, 0, -1, data, sizeof(data)) ==
		    -1) {
			perror("imsgev_compose");
			return (-1);
		}
		if (iev.ibuf.wqbytes > maxq)
			maxq = iev.ibuf.wqbytes;
		/* The reader keeps up now and then, as a peer would. */
		if (i % 100 == 0 && drain(&rb, &next) == -1)
			break;
	}
	check(next > below + 1, "the burst reached the peer during the burst");
	check(maxq < 2000 * (IMSG_HEADER_SIZE + MSGLEN) / 4,
	    "the queue stayed well below the size of the burst");

	/* What is left goes out with EV_WRITE, in order. */
	while (next <= total) {
		if (event_loop(EVLOOP_ONCE | EVLOOP_NONBLOCK) == -1)
			break;
		if (drain(&rb, &next) == -1)
			break;
	}
	check(next == total + 1, "every message arrived once, in order");
	check(imsgbuf_queuelen(&iev.ibuf) == 0, "the queue is empty at the end");

	imsgev_close(&iev);
	imsgbuf_clear(&rb);
	close(sv[1]);
	return (0);
}

/*
 * libevent glue.
 */

struct peer {
	struct imsgev	 iev;
	const char	*name;
	int		 nmsgs;		/* dispatched */
	int		 nbulk;		/* type 1 messages seen */
	int		 nclosed;	/* closed() calls */
	char		 reason[64];
	uint32_t	 reject;	/* dispatch returns -1 on this type */
	uint32_t	 selfclose;	/* dispatch closes on this type */
	int		 echo;		/* send every message back */
	int		 expect;	/* messages expected (echo side) */
	int		 bad;		/* out of order or corrupt */
	int		 fdok;
	int		 pipe_rd;
	int		 heap;		/* closed() frees the peer */
	int		*closedflag;	/* set by a heap peer's closed() */
};

static struct event	 guard;
static int		 guard_fired;
static int		 pending_closes;

static void
guard_cb(int fd, short ev, void *arg)
{
	guard_fired = 1;
	event_loopexit(NULL);
}

static void
run_loop(int closes)
{
	struct timeval	 tv = { 10, 0 };

	pending_closes = closes;
	guard_fired = 0;
	evtimer_set(&guard, guard_cb, NULL);
	evtimer_add(&guard, &tv);
	event_dispatch();
	evtimer_del(&guard);
}

static void
one_closed(void)
{
	if (--pending_closes <= 0)
		event_loopexit(NULL);
}

static int
peer_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct peer	*p = iev->data;
	unsigned char	 buf[1000];
	int		 i, fd;

	p->nmsgs++;
	if (imsg->hdr.type == p->reject)
		return (-1);
	if (imsg->hdr.type == p->selfclose) {
		imsgev_close(iev);
		one_closed();
		return (0);
	}
	if (imsg->hdr.type == 1) {
		/* numbered bulk message */
		if (imsg->hdr.peerid != (uint32_t)p->nbulk++ ||
		    imsg_get_data(imsg, buf, sizeof(buf)) == -1)
			p->bad++;
		else
			for (i = 0; i < (int)sizeof(buf); i++)
				if (buf[i] != (unsigned char)(imsg->hdr.peerid +
				    i))
					p->bad++;
		if (p->echo && imsgev_compose(iev, 1, imsg->hdr.peerid, 0,
		    -1, imsg->data, imsg->datalen) == -1)
			p->bad++;
	}
	if (imsg->hdr.type == 2) {
		fd = imsg_get_fd(imsg);
		if (fd != -1 && write(fd, "ev", 2) == 2)
			p->fdok = 1;
		if (fd != -1)
			close(fd);
		if (p->echo && imsgev_compose(iev, 3, 0, 0, -1, NULL,
		    0) == -1)
			p->bad++;
	}
	if (p->expect > 0 && p->nmsgs == p->expect) {
		/* the sender has all its echoes: it hangs up */
		imsgev_close(iev);
		one_closed();
	}
	return (0);
}

static void
peer_closed(struct imsgev *iev, const char *reason)
{
	struct peer	*p = iev->data;

	if (p->heap) {
		*p->closedflag = strcmp(reason, "closed") == 0 ? 1 : 2;
		free(p);
		one_closed();
		return;
	}
	p->nclosed++;
	strlcpy(p->reason, reason, sizeof(p->reason));
	one_closed();
}

static void
peer_init(struct peer *p, int fd, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->pipe_rd = -1;
	if (imsgev_init(&p->iev, fd, p, peer_dispatch, peer_closed) == -1) {
		perror("imsgev_init");
		exit(2);
	}
}

static void
t_imsgev_bulk(void)
{
	struct peer	 a, b;
	unsigned char	 buf[1000];
	int		 sv[2], pp[2], i, j, n = 300;
	char		 c[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		exit(2);
	mkpipe(pp);
	peer_init(&a, sv[0], "a");
	peer_init(&b, sv[1], "b");
	check((fcntl(sv[0], F_GETFL) & O_NONBLOCK) && a.iev.active &&
	    a.iev.events == EV_READ && a.iev.ibuf.allow_fdpass == 0,
	    "imsgev_init: non-blocking, active, EV_READ, no fd passing");
	imsgbuf_allow_fdpass(&b.iev.ibuf);
	b.echo = 1;
	a.expect = n + 1;	/* n bulk echoes + the fd message echo */

	for (i = 0; i < n; i++) {
		for (j = 0; j < (int)sizeof(buf); j++)
			buf[j] = (unsigned char)(i + j);
		if (i == 100 && imsgev_compose(&a.iev, 2, 0, 0, pp[1],
		    NULL, 0) == -1)
			exit(2);
		if (imsgev_compose(&a.iev, 1, i, 0, -1, buf,
		    sizeof(buf)) == -1)
			exit(2);
	}
	check(a.iev.events == (EV_READ | EV_WRITE),
	    "imsgev_compose arms EV_WRITE");
	run_loop(2);	/* a closes itself, then b sees EOF */
	check(!guard_fired, "imsgev bulk: loop finished in time");
	check(b.nmsgs == n + 1 && b.bad == 0,
	    "imsgev bulk: %d messages delivered intact, in order", n + 1);
	check(a.nmsgs == n + 1 && a.bad == 0,
	    "imsgev bulk: %d echoes composed from dispatch came back", n + 1);
	check(b.fdok && read(pp[0], c, 2) == 2 && pipe_state(pp[0]) ==
	    PIPE_EOF, "imsgev bulk: fd passed through the glue");
	check(a.nclosed == 0 && !a.iev.active,
	    "imsgev: close from own dispatch, no closed() call");
	check(b.nclosed == 1 && strcmp(b.reason, "closed") == 0 &&
	    !b.iev.active, "imsgev: peer EOF calls closed(\"closed\")");
	errno = 0;
	check(imsgev_compose(&b.iev, 1, 0, 0, -1, NULL, 0) == -1 &&
	    errno == EPIPE, "imsgev_compose after close: EPIPE");
	close(pp[0]);
}

static void
t_imsgev_reject(void)
{
	struct peer	*a, b;
	int		 sv[2], aclosed = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		exit(2);
	if ((a = malloc(sizeof(*a))) == NULL)
		exit(2);
	peer_init(a, sv[0], "a");
	a->heap = 1;
	a->closedflag = &aclosed;
	peer_init(&b, sv[1], "b");
	b.reject = 666;
	/* 666 comes in the same read as its neighbours */
	if (imsgev_compose(&a->iev, 5, 0, 0, -1, NULL, 0) == -1 ||
	    imsgev_compose(&a->iev, 666, 0, 0, -1, NULL, 0) == -1 ||
	    imsgev_compose(&a->iev, 7, 0, 0, -1, NULL, 0) == -1 ||
	    imsgbuf_flush(&a->iev.ibuf) == -1)
		exit(2);
	run_loop(2);
	check(!guard_fired, "imsgev reject: loop finished in time");
	check(b.nmsgs == 2, "imsgev reject: nothing dispatched after -1");
	check(b.nclosed == 1 && strcmp(b.reason, "bad message") == 0 &&
	    !b.iev.active, "imsgev reject: closed(\"bad message\")");
	check(aclosed == 1, "imsgev reject: other side sees EOF, closed() "
	    "frees it");
}

static void
t_imsgev_selfclose(void)
{
	struct peer	 a, b;
	int		 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		exit(2);
	peer_init(&a, sv[0], "a");
	peer_init(&b, sv[1], "b");
	b.selfclose = 6;
	if (imsgev_compose(&a.iev, 5, 0, 0, -1, NULL, 0) == -1 ||
	    imsgev_compose(&a.iev, 6, 0, 0, -1, NULL, 0) == -1 ||
	    imsgev_compose(&a.iev, 7, 0, 0, -1, NULL, 0) == -1 ||
	    imsgbuf_flush(&a.iev.ibuf) == -1)
		exit(2);
	run_loop(2);
	check(!guard_fired, "imsgev selfclose: loop finished in time");
	check(b.nmsgs == 2 && b.nclosed == 0 && !b.iev.active,
	    "imsgev selfclose: dispatching stops, closed() not called");
	check(a.nclosed == 1 && strcmp(a.reason, "closed") == 0,
	    "imsgev selfclose: other side sees EOF");
}

static void
t_imsgev_framing(void)
{
	struct peer	 b;
	unsigned char	 h[IMSG_HEADER_SIZE];
	int		 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		exit(2);
	peer_init(&b, sv[1], "b");
	raw_hdr(h, 1, 3, 0);
	raw_send(sv[0], h, sizeof(h), -1);
	run_loop(1);
	check(!guard_fired && b.nmsgs == 0 && b.nclosed == 1 &&
	    strcmp(b.reason, "bad message framing") == 0,
	    "imsgev framing: closed(\"bad message framing\")");
	close(sv[0]);
}

/*
 * The peer's last word: it sends a message and closes while our own
 * write is pending.  When the event loop sees our side writable first
 * (the peer's message came after its wait), the write fails with EPIPE:
 * the message must still be dispatched before the channel is reported
 * closed (the parent's IMSG_LOG_SHUTDOWN before a clean exit).
 */
static struct {
	struct imsgbuf	 peer;
	int		 peerfd;
	int		 got;		/* last word dispatched */
	int		 got_before_close;
	int		 closed;
} lw;

static int
lw_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	if (imsg->hdr.type == 42 && !lw.closed)
		lw.got = 1;
	return (0);
}

static void
lw_closed(struct imsgev *iev, const char *reason)
{
	lw.closed = 1;
	lw.got_before_close = lw.got;
	imsgev_close(iev);
}

/* Runs first in the loop turn: the peer speaks and hangs up. */
static void
lw_peer_cb(int fd, short ev, void *arg)
{
	char	 c;

	(void)read(fd, &c, 1);
	if (imsg_compose(&lw.peer, 42, 0, 0, -1, "bye", 3) == -1 ||
	    imsgbuf_flush(&lw.peer) == -1)
		exit(2);
	imsgbuf_clear(&lw.peer);
	close(lw.peerfd);
}

static void
t_imsgev_lastword(void)
{
	struct imsgev	 iev;
	struct event	 pev;
	int		 sv[2], p[2], i;

	memset(&lw, 0, sizeof(lw));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 || pipe(p) == -1)
		exit(2);
	lw.peerfd = sv[1];
	if (imsgbuf_init(&lw.peer, sv[1]) == -1 ||
	    imsgev_init(&iev, sv[0], NULL, lw_dispatch, lw_closed) == -1)
		exit(2);
	/*
	 * The peer's turn comes first: its fd is ready before our write is
	 * asked for, so epoll lists it first and libevent runs it first in
	 * the same pass, after both were found ready (ours as writable only).
	 */
	event_set(&pev, p[0], EV_READ, lw_peer_cb, NULL);
	if (event_add(&pev, NULL) == -1 || write(p[1], "x", 1) != 1)
		exit(2);
	/* Our write is pending: the loop waits for EV_WRITE. */
	if (imsgev_compose(&iev, 1, 0, 0, -1, "hi", 2) == -1)
		exit(2);
	for (i = 0; i < 10 && !lw.closed; i++)
		(void)event_loop(EVLOOP_ONCE);
	check(lw.closed, "last word: the channel is reported closed");
	check(lw.got_before_close,
	    "last word: the peer's message before its close is dispatched "
	    "even when our write fails first");
	event_del(&pev);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	event_init();

	if (t_eager() == -1)
		return (1);
	t_imsgev_bulk();
	t_imsgev_reject();
	t_imsgev_selfclose();
	t_imsgev_framing();
	t_imsgev_lastword();

	if (nfail)
		printf("%d check(s) failed\n", nfail);
	return (nfail ? 1 : 0);
}
