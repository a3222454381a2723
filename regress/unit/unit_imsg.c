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
 * Helpers shared by the imsg unit tests: socket pairs and pipes, raw
 * frames written past imsg.c, reading the next message, and checking
 * that a passed descriptor works.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"
#include "unit.h"
#include "unit_imsg.h"

void
setnonblock(int fd)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		perror("fcntl");
		exit(2);
	}
}

void
mksockpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		perror("socketpair");
		exit(2);
	}
	setnonblock(sv[0]);
	setnonblock(sv[1]);
}

void
mkpipe(int p[2])
{
	if (pipe(p) == -1) {
		perror("pipe");
		exit(2);
	}
	setnonblock(p[0]);
}

/* Send bytes as one sendmsg, with fd attached when fd != -1. */
void
raw_send(int s, const void *buf, size_t len, int fd)
{
	raw_sendfds(s, buf, len, &fd, fd == -1 ? 0 : 1);
}

/* Send bytes as one sendmsg with nfds (up to 4) fds in one cmsg. */
void
raw_sendfds(int s, const void *buf, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(4 * sizeof(int))];
	}		 cmsgbuf;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cmsg;

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), fds, nfds * sizeof(int));
	}
	if (sendmsg(s, &msg, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("sendmsg");
		exit(2);
	}
}

void
raw_hdr(unsigned char *buf, uint32_t type, uint32_t len, uint32_t flags)
{
	struct imsg_hdr	 hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len;
	hdr.flags = flags;
	hdr.peerid = 7;
	hdr.pid = 1234;
	memcpy(buf, &hdr, sizeof(hdr));
}

/* Is the pipe whose read end is rfd still held open by some writer? */
int
pipe_state(int rfd)
{
	char	 c;
	ssize_t	 n;

	while ((n = read(rfd, &c, 1)) == 1)
		;
	if (n == 0)
		return (PIPE_EOF);
	if (errno == EAGAIN)
		return (PIPE_OPEN);
	return (PIPE_ERR);
}

/*
 * Next message, reading as needed: 1 message, 0 EOF, -1 imsg_get or
 * read error, -2 nothing came within 2 seconds.
 */
int
getmsg(struct imsgbuf *ibuf, struct imsg *imsg)
{
	struct pollfd	 pfd;
	ssize_t		 n;
	int		 r;

	for (;;) {
		if ((r = imsg_get(ibuf, imsg)) != 0)
			return (r);
		if ((n = imsgbuf_read(ibuf)) == 0)
			return (0);
		if (n == -1) {
			if (errno != EAGAIN)
				return (-1);
			pfd.fd = ibuf->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 2000) <= 0)
				return (-2);
		}
	}
}

/* Write s through wfd and check it comes out of rfd. */
int
fd_reaches(int wfd, int rfd, const char *s)
{
	char	 buf[64];
	size_t	 len = strlen(s);

	if (wfd == -1 || write(wfd, s, len) != (ssize_t)len)
		return (0);
	memset(buf, 0, sizeof(buf));
	if (read(rfd, buf, sizeof(buf) - 1) != (ssize_t)len)
		return (0);
	return (strcmp(buf, s) == 0);
}
