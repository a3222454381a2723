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
 * Unit tests for common/imsg.c: descriptors passed with messages, one
 * or two, lost when the receiver has no room, extra ones refused, and
 * a message that carries none.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "imsg.h"
#include "msg.h"
#include "unit_imsg.h"

static void
t_fdpass(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	unsigned char	 frame[IMSG_HEADER_SIZE + 10];
	int		 sv[2], p[2], fd, r;

	mksockpair(sv);
	mkpipe(p);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	imsgbuf_allow_fdpass(&b);
	check(imsg_compose(&a, 1, 0, 0, p[1], "x", 1) == 0 &&
	    imsgbuf_flush(&a) == 0, "fdpass: compose and flush with a pipe fd");
	r = getmsg(&b, &imsg);
	check(r == 1 && (imsg.hdr.flags & IMSGF_HASFD) && imsg.fd != -1,
	    "fdpass: message carries an fd");
	fd = r == 1 ? imsg_get_fd(&imsg) : -1;
	check(imsg.fd == -1, "fdpass: imsg_get_fd takes ownership");
	check(fd_reaches(fd, p[0], "hello"),
	    "fdpass: write through the passed fd, read at the pipe");
	check(fd == -1 || (fcntl(fd, F_GETFD) & FD_CLOEXEC),
	    "fdpass: received fd is close-on-exec");
	if (r == 1)
		imsg_free(&imsg);
	if (fd != -1)
		close(fd);
	check(pipe_state(p[0]) == PIPE_EOF,
	    "fdpass: sender's copy was closed after sending");
	close(p[0]);

	/* The fd comes with the first byte; the rest follows later. */
	mkpipe(p);
	raw_hdr(frame, 2, sizeof(frame), IMSGF_HASFD);
	memcpy(frame + IMSG_HEADER_SIZE, "0123456789", 10);
	raw_send(sv[0], frame, 1, p[1]);
	close(p[1]);
	check(imsgbuf_read(&b) == 1 && imsg_get(&b, &imsg) == 0 &&
	    b.nrfds == 1, "fd early: fd queued, message not complete yet");
	raw_send(sv[0], frame + 1, sizeof(frame) - 1, -1);
	r = getmsg(&b, &imsg);
	check(r == 1 && imsg.hdr.type == 2 && b.nrfds == 0 &&
	    fd_reaches(imsg.fd, p[0], "late"),
	    "fd early: complete message gets the fd");
	if (r == 1)
		imsg_free(&imsg);
	check(pipe_state(p[0]) == PIPE_EOF, "fd early: imsg_free closed it");
	close(p[0]);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

static void
t_twofds(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 sv[2], pa[2], pb[2], pc[2], good = 1, i, r;
	int		 exp[6] = { -1, 0, -1, 1, 2, -1 };
	int		*pp[3] = { pa, pb, pc };
	const char	*words[3] = { "alpha", "bravo", "charlie" };

	mksockpair(sv);
	mkpipe(pa);
	mkpipe(pb);
	mkpipe(pc);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	imsgbuf_allow_fdpass(&b);
	for (i = 0; i < 6; i++)
		if (imsg_compose(&a, 100 + i, 0, 0,
		    exp[i] == -1 ? -1 : pp[exp[i]][1], NULL, 0) == -1)
			exit(2);
	check(imsgbuf_flush(&a) == 0, "two fds: six messages, three fds, sent");
	for (i = 0; i < 6; i++) {
		r = getmsg(&b, &imsg);
		if (r != 1 || imsg.hdr.type != (uint32_t)(100 + i)) {
			good = 0;
			break;
		}
		if (exp[i] == -1) {
			if (imsg.fd != -1)
				good = 0;
		} else if (!fd_reaches(imsg.fd, pp[exp[i]][0],
		    words[exp[i]]))
			good = 0;
		imsg_free(&imsg);
	}
	check(good, "two fds: each fd-carrying message gets its own fd");
	check(pipe_state(pa[0]) == PIPE_EOF && pipe_state(pb[0]) == PIPE_EOF &&
	    pipe_state(pc[0]) == PIPE_EOF, "two fds: no copy left open");
	close(pa[0]);
	close(pb[0]);
	close(pc[0]);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

/* A message whose fd was lost must not steal the next message's fd. */
static void
t_fdlost(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	struct rlimit	 rl, low;
	unsigned char	 fa[IMSG_HEADER_SIZE + 100], fb[IMSG_HEADER_SIZE];
	int		 sv[2], p[2], q[2], r, lowest, ok1, ok2;

	mksockpair(sv);
	mkpipe(p);
	if (imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	imsgbuf_allow_fdpass(&b);

	/* Hand-made: A has HASFD but no fd, split; B has its fd. */
	raw_hdr(fa, 1, sizeof(fa), IMSGF_HASFD);
	memset(fa + IMSG_HEADER_SIZE, 'a', 100);
	raw_hdr(fb, 2, sizeof(fb), IMSGF_HASFD);
	raw_send(sv[0], fa, 30, -1);
	check(imsgbuf_read(&b) == 1 && imsg_get(&b, &imsg) == 0,
	    "fd lost: first part of A read");
	raw_send(sv[0], fa + 30, sizeof(fa) - 30, -1);
	raw_send(sv[0], fb, sizeof(fb), p[1]);
	close(p[1]);
	r = getmsg(&b, &imsg);
	check(r == 1 && imsg.hdr.type == 1 && imsg.fd == -1,
	    "fd lost: A (HASFD, no fd sent) gets fd -1");
	if (r == 1)
		imsg_free(&imsg);
	r = getmsg(&b, &imsg);
	check(r == 1 && imsg.hdr.type == 2 &&
	    fd_reaches(imsg.fd, p[0], "mine"), "fd lost: B gets its own fd");
	if (r == 1)
		imsg_free(&imsg);
	close(p[0]);

	/* The real thing: our fd table is full when the fd arrives. */
	if (imsgbuf_init(&a, sv[0]) == -1)
		exit(2);
	mkpipe(p);
	mkpipe(q);
	if (imsg_compose(&a, 3, 0, 0, p[1], "A", 1) == -1 ||
	    imsgbuf_flush(&a) == -1)
		exit(2);
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    (lowest = dup(STDERR_FILENO)) == -1)
		exit(2);
	close(lowest);
	low = rl;
	low.rlim_cur = lowest;
	if (setrlimit(RLIMIT_NOFILE, &low) == -1)
		exit(2);
	r = imsgbuf_read(&b);
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		exit(2);
	check(r == 1, "fd table full: data still read");
	if (imsg_compose(&a, 4, 0, 0, q[1], "B", 1) == -1 ||
	    imsgbuf_flush(&a) == -1)
		exit(2);
	r = getmsg(&b, &imsg);
	ok1 = r == 1 && imsg.hdr.type == 3 && imsg.fd == -1 &&
	    (imsg.hdr.flags & IMSGF_HASFD);
	if (r == 1)
		imsg_free(&imsg);
	r = getmsg(&b, &imsg);
	ok2 = r == 1 && imsg.hdr.type == 4 && fd_reaches(imsg.fd, q[0], "q");
	if (r == 1)
		imsg_free(&imsg);
	check(ok1, "fd table full: message delivered with fd -1");
	check(ok2, "fd table full: next message gets its own fd");
	check(pipe_state(p[0]) == PIPE_EOF && pipe_state(q[0]) == PIPE_EOF,
	    "fd table full: no fd leaked");
	close(p[0]);
	close(q[0]);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

/* A hostile peer puts several fds into one cmsg: keep the first. */
static void
t_extrafds(void)
{
	struct imsgbuf	 b;
	struct imsg	 imsg;
	unsigned char	 h[IMSG_HEADER_SIZE];
	int		 sv[2], p[3][2], w[3], i, n, r;

	for (n = 2; n <= 3; n++) {
		mksockpair(sv);
		if (imsgbuf_init(&b, sv[1]) == -1)
			exit(2);
		imsgbuf_allow_fdpass(&b);
		for (i = 0; i < n; i++) {
			mkpipe(p[i]);
			w[i] = p[i][1];
		}
		raw_hdr(h, 1, sizeof(h), IMSGF_HASFD);
		raw_sendfds(sv[0], h, sizeof(h), w, n);
		for (i = 0; i < n; i++)
			close(p[i][1]);
		r = getmsg(&b, &imsg);
		check(r == 1 && b.nrfds == 0 &&
		    fd_reaches(imsg.fd, p[0][0], "first"),
		    "%d fds in one cmsg: the message gets the first", n);
		if (r == 1)
			imsg_free(&imsg);
		r = 1;
		for (i = 0; i < n; i++) {
			if (pipe_state(p[i][0]) != PIPE_EOF)
				r = 0;
			close(p[i][0]);
		}
		check(r, "%d fds in one cmsg: the extras are closed", n);
		imsgbuf_clear(&b);
		close(sv[0]);
		close(sv[1]);
	}
}

static void
t_nofdpass(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 sv[2], p[2], r;

	mksockpair(sv);
	mkpipe(p);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	if (imsg_compose(&a, 1, 0, 0, p[1], "x", 1) == -1 ||
	    imsgbuf_flush(&a) == -1)
		exit(2);
	r = getmsg(&b, &imsg);
	check(r == 1 && (imsg.hdr.flags & IMSGF_HASFD) && imsg.fd == -1 &&
	    b.nrfds == 0, "no fdpass: message delivered with fd -1");
	if (r == 1)
		imsg_free(&imsg);
	check(pipe_state(p[0]) == PIPE_EOF, "no fdpass: received fd closed");
	close(p[0]);

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	t_fdpass();
	t_twofds();
	t_fdlost();
	t_extrafds();
	t_nofdpass();

	if (nfail)
		printf("%d check(s) failed\n", nfail);
	return (nfail ? 1 : 0);
}
