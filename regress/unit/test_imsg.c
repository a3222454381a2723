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
 * Unit tests for common/imsg.c: framing, partial and coalesced reads,
 * and protocol errors (fd passing: test_imsg_fd.c; the libevent glue:
 * test_imsgev.c).
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
t_roundtrip(void)
{
	struct imsgbuf		 a, b;
	struct imsg		 imsg;
	struct msg_hello	 hello = { VIGIL_IMSG_VERSION, PROC_LOGGER };
	struct msg_hello	 h2;
	char			 s[6];
	int			 sv[2], r;

	mksockpair(sv);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	check(a.pid == getpid(), "init: ibuf->pid is getpid()");
	check(a.maxsize == IMSG_MAXSIZE_DEFAULT && a.allow_fdpass == 0,
	    "init: default maxsize, fd passing off");

	r = imsg_compose(&a, 10, 1, 0, -1, "hello", 6) == 0 &&
	    imsg_compose(&a, 11, 2, 4242, -1, NULL, 0) == 0 &&
	    imsg_compose(&a, IMSG_HELLO, 3, 0, -1, &hello,
	    sizeof(hello)) == 0;
	check(r, "compose three messages");
	check(imsgbuf_queuelen(&a) == 3 &&
	    a.wqbytes == 3 * IMSG_HEADER_SIZE + 6 + sizeof(hello),
	    "queuelen 3, wqbytes counts headers and payloads");
	check(imsgbuf_flush(&a) == 0 && imsgbuf_queuelen(&a) == 0 &&
	    a.wqbytes == 0, "flush empties the queue");

	r = getmsg(&b, &imsg);
	check(r == 1 && imsg.hdr.type == 10 && imsg.hdr.peerid == 1 &&
	    imsg.hdr.pid == (uint32_t)getpid() && imsg.hdr.flags == 0 &&
	    imsg.hdr.len == IMSG_HEADER_SIZE + 6 && imsg.fd == -1 &&
	    imsg_get_data(&imsg, s, sizeof(s)) == 0 &&
	    strcmp(s, "hello") == 0,
	    "message 1: header, pid 0 means ibuf->pid, payload");
	if (r == 1)
		imsg_free(&imsg);
	r = getmsg(&b, &imsg);
	check(r == 1 && imsg.hdr.type == 11 && imsg.hdr.pid == 4242 &&
	    imsg.datalen == 0 && imsg.data == NULL &&
	    imsg_get_data(&imsg, NULL, 0) == 0,
	    "message 2: explicit pid, empty payload");
	if (r == 1)
		imsg_free(&imsg);
	r = getmsg(&b, &imsg);
	check(r == 1 && imsg.hdr.type == IMSG_HELLO &&
	    imsg_get_data(&imsg, &h2, sizeof(h2)) == 0 &&
	    h2.version == VIGIL_IMSG_VERSION && h2.proc == PROC_LOGGER,
	    "message 3: struct payload");
	if (r == 1)
		imsg_free(&imsg);
	check(imsg_get(&b, &imsg) == 0 && b.rlen == 0,
	    "no fourth message, buffer empty");

	errno = 0;
	check(imsgbuf_read(&b) == -1 && errno == EAGAIN,
	    "read on an empty non-blocking socket: -1 with EAGAIN");

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

static void
t_partial(void)
{
	struct imsgbuf	 b;
	struct imsg	 imsg;
	unsigned char	 frame[IMSG_HEADER_SIZE + 100];
	size_t		 i;
	int		 sv[2], early = 0, reads = 1, r = 0;

	mksockpair(sv);
	if (imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	raw_hdr(frame, 42, sizeof(frame), 0);
	for (i = IMSG_HEADER_SIZE; i < sizeof(frame); i++)
		frame[i] = (unsigned char)i;

	for (i = 0; i < sizeof(frame); i++) {
		raw_send(sv[0], frame + i, 1, -1);
		if (imsgbuf_read(&b) != 1)
			reads = 0;
		r = imsg_get(&b, &imsg);
		if (i + 1 < sizeof(frame) && r != 0)
			early = 1;
	}
	check(reads, "partial: every one-byte read returns 1");
	check(!early, "partial: no message before the last byte");
	check(r == 1 && imsg.hdr.type == 42 && imsg.datalen == 100 &&
	    memcmp(imsg.data, frame + IMSG_HEADER_SIZE, 100) == 0,
	    "partial: message complete after the last byte");
	if (r == 1)
		imsg_free(&imsg);
	check(imsg_get(&b, &imsg) == 0, "partial: nothing more");

	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

static void
t_coalesced(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 sv[2], i, v, n = 0, inorder = 1;

	mksockpair(sv);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	for (i = 0; i < 200; i++)
		if (imsg_compose(&a, 5, i, 0, -1, &i, sizeof(i)) == -1)
			exit(2);
	check(imsgbuf_write(&a) == 0 && imsgbuf_queuelen(&a) == 0,
	    "coalesced: 200 messages written");
	check(imsgbuf_read(&b) == 1 &&
	    b.rlen == 200 * (IMSG_HEADER_SIZE + sizeof(int)),
	    "coalesced: one read takes all 200 frames");
	while (imsg_get(&b, &imsg) == 1) {
		if (imsg_get_data(&imsg, &v, sizeof(v)) == -1 || v != n ||
		    imsg.hdr.peerid != (uint32_t)n)
			inorder = 0;
		n++;
		imsg_free(&imsg);
	}
	check(n == 200 && inorder, "coalesced: 200 messages, in order");

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

static void
t_buffull(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	char		 payload[40];
	int		 sv[2], i, n = 0, r, stuck = 0;

	mksockpair(sv);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	check(imsgbuf_set_maxsize(&a, 64) == 0 &&
	    imsgbuf_set_maxsize(&b, 64) == 0, "set_maxsize 64");
	errno = 0;
	check(imsgbuf_set_maxsize(&b, IMSG_HEADER_SIZE - 1) == -1 &&
	    errno == EINVAL, "set_maxsize below the header size: EINVAL");
	errno = 0;
	check(imsgbuf_set_maxsize(&b, IMSG_MAXSIZE_LIMIT + 1) == -1 &&
	    errno == EINVAL, "set_maxsize above the limit: EINVAL");
	for (i = 0; i < 20; i++) {
		memset(payload, i, sizeof(payload));
		if (imsg_compose(&a, 1, i, 0, -1, payload,
		    sizeof(payload)) == -1)
			exit(2);
	}
	check(imsgbuf_flush(&a) == 0, "buffull: 20 frames of 60 bytes sent");
	check(imsgbuf_read(&b) == 1 && b.rlen == 128,
	    "buffull: first read fills the 2 * maxsize buffer");
	check(imsgbuf_read(&b) == 1 && b.rlen == 128,
	    "buffull: full buffer, read returns 1 without reading");
	while (n < 20 && !stuck) {
		while ((r = imsg_get(&b, &imsg)) == 1) {
			memset(payload, n, sizeof(payload));
			if (imsg.hdr.peerid != (uint32_t)n ||
			    imsg.datalen != sizeof(payload) ||
			    memcmp(imsg.data, payload, sizeof(payload)) != 0)
				stuck = 1;
			n++;
			imsg_free(&imsg);
		}
		if (r == -1 || (n < 20 && imsgbuf_read(&b) != 1))
			stuck = 1;
	}
	check(n == 20 && !stuck, "buffull: all 20 frames, intact, in order");

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

static void
t_badframes(void)
{
	struct imsgbuf	 b;
	struct imsg	 imsg;
	unsigned char	 h[IMSG_HEADER_SIZE];
	struct {
		uint32_t	 len;
		uint32_t	 flags;
		const char	*what;
	} bad[] = {
		{ IMSG_MAXSIZE_DEFAULT + 1, 0, "len > maxsize" },
		{ UINT32_MAX, 0, "len 0xffffffff" },
		{ IMSG_HEADER_SIZE - 1, 0, "len < header (truncated)" },
		{ 0, 0, "len 0" },
		{ IMSG_HEADER_SIZE, 0x2, "unknown flag bit" },
		{ IMSG_HEADER_SIZE, 0x80000000, "flag bit 31" },
	};
	size_t		 i;
	int		 sv[2], r1, e1, r2, e2;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mksockpair(sv);
		if (imsgbuf_init(&b, sv[1]) == -1)
			exit(2);
		raw_hdr(h, 1, bad[i].len, bad[i].flags);
		raw_send(sv[0], h, sizeof(h), -1);
		if (imsgbuf_read(&b) != 1)
			exit(2);
		errno = 0;
		r1 = imsg_get(&b, &imsg);
		e1 = errno;
		errno = 0;
		r2 = imsg_get(&b, &imsg);
		e2 = errno;
		check(r1 == -1 && e1 == EBADMSG && r2 == -1 && e2 == EBADMSG,
		    "bad frame (%s): EBADMSG, and it stays so", bad[i].what);
		imsgbuf_clear(&b);
		close(sv[0]);
		close(sv[1]);
	}
}

static void
t_compose_limits(void)
{
	struct imsgbuf	 a;
	char		*big;
	int		 sv[2];

	mksockpair(sv);
	if (imsgbuf_init(&a, sv[0]) == -1)
		exit(2);
	if ((big = calloc(1, IMSG_MAXSIZE_LIMIT)) == NULL)
		exit(2);
	errno = 0;
	check(imsg_compose(&a, 1, 0, 0, -1, big,
	    IMSG_MAXSIZE_DEFAULT - IMSG_HEADER_SIZE + 1) == -1 &&
	    errno == EMSGSIZE && imsgbuf_queuelen(&a) == 0,
	    "compose one byte over maxsize: EMSGSIZE, nothing queued");
	errno = 0;
	check(imsg_compose(&a, 1, 0, 0, -1, big, SIZE_MAX) == -1 &&
	    errno == EMSGSIZE, "compose SIZE_MAX: EMSGSIZE");
	check(imsg_compose(&a, 1, 0, 0, -1, big,
	    IMSG_MAXSIZE_DEFAULT - IMSG_HEADER_SIZE) == 0,
	    "compose exactly maxsize: ok");
	check(imsgbuf_set_maxsize(&a, IMSG_MAXSIZE_LIMIT) == 0 &&
	    imsg_compose(&a, 1, 0, 0, -1, big,
	    IMSG_MAXSIZE_LIMIT - IMSG_HEADER_SIZE) == 0,
	    "compose at IMSG_MAXSIZE_LIMIT after set_maxsize: ok");
	errno = 0;
	check(imsg_compose(&a, 1, 0, 0, -1, NULL, 1) == -1 && errno == EINVAL,
	    "compose NULL data with a length: EINVAL");
	free(big);
	imsgbuf_clear(&a);
	close(sv[0]);
	close(sv[1]);
}

static void
t_get_data(void)
{
	struct imsg	 imsg;
	uint64_t	 v = 0x0102030405060708ULL, w = 0;
	uint32_t	 small;
	char		 large[16];

	memset(&imsg, 0, sizeof(imsg));
	imsg.fd = -1;
	imsg.data = &v;
	imsg.datalen = sizeof(v);
	errno = 0;
	check(imsg_get_data(&imsg, &small, sizeof(small)) == -1 &&
	    errno == EBADMSG, "get_data too small: EBADMSG");
	errno = 0;
	check(imsg_get_data(&imsg, large, sizeof(large)) == -1 &&
	    errno == EBADMSG, "get_data too large: EBADMSG");
	errno = 0;
	check(imsg_get_data(&imsg, NULL, 0) == -1 && errno == EBADMSG,
	    "get_data 0 on a non-empty payload: EBADMSG");
	check(imsg_get_data(&imsg, &w, sizeof(w)) == 0 && w == v,
	    "get_data exact size: copied");
	imsg.data = NULL;
	imsg.datalen = 0;
	check(imsg_get_data(&imsg, NULL, 0) == 0,
	    "get_data 0 on an empty payload: ok");
	errno = 0;
	check(imsg_get_data(&imsg, &w, sizeof(w)) == -1 && errno == EBADMSG,
	    "get_data on an empty payload with a size: EBADMSG");
	check(imsg_get_fd(&imsg) == -1, "get_fd without fd: -1");
}

static void
t_eof(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 sv[2], r1, r2;

	mksockpair(sv);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	if (imsg_compose(&a, 1, 0, 0, -1, "1", 1) == -1 ||
	    imsg_compose(&a, 2, 0, 0, -1, "2", 1) == -1 ||
	    imsgbuf_flush(&a) == -1)
		exit(2);
	imsgbuf_clear(&a);
	close(sv[0]);
	r1 = getmsg(&b, &imsg);
	if (r1 == 1)
		imsg_free(&imsg);
	r2 = getmsg(&b, &imsg);
	if (r2 == 1)
		imsg_free(&imsg);
	check(r1 == 1 && r2 == 1, "eof: queued messages still delivered");
	check(imsgbuf_read(&b) == 0, "eof: then imsgbuf_read returns 0");

	/* EOF in the middle of a frame. */
	imsgbuf_clear(&b);
	close(sv[1]);
	mksockpair(sv);
	if (imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	raw_send(sv[0], "\x01\x00\x00", 3, -1);
	close(sv[0]);
	check(getmsg(&b, &imsg) == 0 && b.rlen == 3,
	    "eof: half a header, no message, EOF reported");

	errno = 0;
	check(imsgbuf_write(&b) == 0, "write with an empty queue: 0");
	if (imsg_compose(&b, 1, 0, 0, -1, NULL, 0) == -1)
		exit(2);
	errno = 0;
	check(imsgbuf_write(&b) == -1 && errno == EPIPE,
	    "write to a closed peer: -1 EPIPE, no SIGPIPE");
	imsgbuf_clear(&b);
	close(sv[1]);
}

static void
t_clear(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	unsigned char	 h[IMSG_HEADER_SIZE];
	int		 sv[2], p[2], q[2], r;

	mksockpair(sv);
	mkpipe(p);
	mkpipe(q);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	imsgbuf_allow_fdpass(&b);

	if (imsg_compose(&a, 1, 0, 0, p[1], NULL, 0) == -1)
		exit(2);
	imsgbuf_clear(&a);
	check(pipe_state(p[0]) == PIPE_EOF && a.wqlen == 0 && a.rbuf == NULL,
	    "clear: queued fd closed, buffer freed");

	raw_hdr(h, 1, sizeof(h), IMSGF_HASFD);
	raw_send(sv[0], h, 1, q[1]);
	close(q[1]);
	check(imsgbuf_read(&b) == 1 && b.nrfds == 1, "clear: fd received");
	imsgbuf_clear(&b);
	check(pipe_state(q[0]) == PIPE_EOF && b.nrfds == 0,
	    "clear: received, unclaimed fd closed");
	errno = 0;
	check(imsgbuf_read(&b) == -1 && errno == EBADF &&
	    imsg_get(&b, &imsg) == 0, "clear: a cleared buffer reads nothing");
	close(p[0]);
	close(q[0]);
	close(sv[0]);
	close(sv[1]);

	/* imsg_free closes an fd nobody took. */
	mksockpair(sv);
	mkpipe(p);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	imsgbuf_allow_fdpass(&b);
	if (imsg_compose(&a, 1, 0, 0, p[1], NULL, 0) == -1 ||
	    imsgbuf_flush(&a) == -1)
		exit(2);
	r = getmsg(&b, &imsg);
	check(r == 1 && imsg.fd != -1 && pipe_state(p[0]) == PIPE_OPEN,
	    "imsg_free: received fd held by the message");
	if (r == 1)
		imsg_free(&imsg);
	check(pipe_state(p[0]) == PIPE_EOF && imsg.fd == -1 &&
	    imsg.data == NULL, "imsg_free: unclaimed fd closed");
	close(p[0]);
	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

/* A large fd-carrying message goes out in pieces; the fd only once. */
static void
t_partial_write(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	unsigned char	*big;
	size_t		 len = 700 * 1024, i, total;
	int		 sv[2], p[2], q[2], sz = 65536, n = 0, r, good = 1;
	int		 partial = 0, spins = 0;

	mksockpair(sv);
	mkpipe(p);
	mkpipe(q);
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) == -1)
		exit(2);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1 ||
	    imsgbuf_set_maxsize(&a, IMSG_MAXSIZE_LIMIT) == -1 ||
	    imsgbuf_set_maxsize(&b, IMSG_MAXSIZE_LIMIT) == -1)
		exit(2);
	imsgbuf_allow_fdpass(&b);
	if ((big = malloc(len)) == NULL)
		exit(2);
	for (i = 0; i < len; i++)
		big[i] = (unsigned char)(i * 7);
	if (imsg_compose(&a, 1, 0, 0, p[1], big, len) == -1 ||
	    imsg_compose(&a, 2, 0, 0, q[1], big, 1000) == -1)
		exit(2);
	total = a.wqbytes;
	check(imsgbuf_write(&a) == 0 && a.wqbytes > 0 && a.wqbytes < total,
	    "partial write: first write leaves part of the queue");
	partial = a.wqlen == 2;
	check(partial, "partial write: big message partially sent");

	while (n < 2 && spins++ < 100000) {
		if (imsgbuf_write(&a) == -1)
			break;
		if ((r = imsgbuf_read(&b)) == 0 || (r == -1 && errno != EAGAIN))
			break;
		while ((r = imsg_get(&b, &imsg)) == 1) {
			if (n == 0 && (imsg.hdr.type != 1 ||
			    imsg.datalen != len ||
			    memcmp(imsg.data, big, len) != 0 ||
			    !fd_reaches(imsg.fd, p[0], "big")))
				good = 0;
			if (n == 1 && (imsg.hdr.type != 2 ||
			    imsg.datalen != 1000 ||
			    !fd_reaches(imsg.fd, q[0], "small")))
				good = 0;
			n++;
			imsg_free(&imsg);
		}
		if (r == -1)
			break;
	}
	check(n == 2 && good, "partial write: payload intact, each fd once, "
	    "in place");
	check(pipe_state(p[0]) == PIPE_EOF && pipe_state(q[0]) == PIPE_EOF,
	    "partial write: no fd copy left");
	free(big);
	close(p[0]);
	close(q[0]);
	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A reader that takes nothing (a stopped helper): the bounded flush gives
 * up with ETIMEDOUT instead of waiting for ever, and what it sent stays
 * whole and in order for a reader that comes back.
 */
static void
t_flush_timeout(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	char		 payload[4096];
	int		 sv[2], i, n = 0, inorder = 1;

	mksockpair(sv);
	if (imsgbuf_init(&a, sv[0]) == -1 || imsgbuf_init(&b, sv[1]) == -1)
		exit(2);
	/* Far more than a socket buffer holds. */
	for (i = 0; i < 2000; i++) {
		memset(payload, i & 0xff, sizeof(payload));
		if (imsg_compose(&a, 7, i, 0, -1, payload,
		    sizeof(payload)) == -1)
			exit(2);
	}
	errno = 0;
	check(imsgbuf_flush_timeout(&a, 50) == -1 && errno == ETIMEDOUT &&
	    imsgbuf_queuelen(&a) > 0,
	    "flush_timeout: a reader that takes nothing: ETIMEDOUT");
	check(imsgbuf_flush_timeout(&a, 0) == -1 && errno == ETIMEDOUT,
	    "flush_timeout: no time at all: ETIMEDOUT at once");
	/* The reader comes back: everything arrives, once, in order. */
	while (n < 2000) {
		if (imsgbuf_read(&b) == -1 && errno != EAGAIN)
			break;
		while (imsg_get(&b, &imsg) == 1) {
			if (imsg.hdr.peerid != (uint32_t)n)
				inorder = 0;
			n++;
			imsg_free(&imsg);
		}
		if (imsgbuf_write(&a) == -1)
			break;
	}
	check(n == 2000 && inorder && imsgbuf_queuelen(&a) == 0,
	    "flush_timeout: after the timeout, all 2000 frames arrive in order");
	check(imsgbuf_flush_timeout(&a, 50) == 0,
	    "flush_timeout: an empty queue: 0");

	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	t_roundtrip();
	t_partial();
	t_coalesced();
	t_buffull();
	t_badframes();
	t_compose_limits();
	t_get_data();
	t_eof();
	t_clear();
	t_partial_write();
	t_flush_timeout();

	if (nfail)
		printf("%d check(s) failed\n", nfail);
	return (nfail ? 1 : 0);
}
