/*
 * Unit tests for the event side of common/imsg.c: imsgev_compose sends
 * a burst as it is made once IMSGEV_EAGER bytes are queued, and keeps
 * what the socket does not take for EV_WRITE, in order.
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

#define MSGLEN	1000	/* payload of each message */

static int	failures;

static void
check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failures++;
}

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

int
main(void)
{
	struct imsgev	 iev;
	struct imsgbuf	 rb;
	unsigned char	 data[MSGLEN];
	int		 sv[2], sz;
	uint32_t	 i, next = 1, below = 0, total;
	size_t		 maxq = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		perror("socketpair");
		return (1);
	}
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) == -1) {
		perror("fcntl");
		return (1);
	}
	/* A small socket buffer, so that part of the burst must wait. */
	sz = 64 * 1024;
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	event_init();
	if (imsgev_init(&iev, sv[0], NULL, no_dispatch, NULL) == -1 ||
	    imsgbuf_init(&rb, sv[1]) == -1) {
		perror("imsgev_init");
		return (1);
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
			return (1);
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
	return (failures ? 1 : 0);
}
