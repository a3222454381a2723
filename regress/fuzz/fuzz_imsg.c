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
 * libFuzzer target for the imsg decoder.  The input is what a hostile
 * peer writes into a socketpair:
 *
 *	byte 0		bits 0-1: maxsize (20, 64, 300, default),
 *			bit 2: the reader allows fd passing,
 *			bit 3: lazy reader, reads twice before draining,
 *			bit 4: fd records carry three fds in one cmsg
 *	then records	[ctl][(ctl & 0x7f) + 1 bytes], each one sendmsg;
 *			ctl bit 7 attaches a pipe's write end to it.
 *
 * The reader reads and drains after each record.  Every message must
 * respect the framing limits, survive a compose/write/read round trip
 * unchanged, and at the end no copy of the passed pipe may be left open.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "imsg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const size_t	 fuzz_maxsizes[4] = {
	IMSG_HEADER_SIZE, 64, 300, IMSG_MAXSIZE_DEFAULT
};

struct fuzz_ctx {
	struct imsgbuf	 rd;		/* reads the peer's bytes */
	struct imsgbuf	 ew;		/* echo writer */
	struct imsgbuf	 er;		/* echo reader */
	int		 dead;		/* protocol error seen */
	int		 lazy;		/* read twice, then drain */
};

static void
fuzz_send(int s, const uint8_t *buf, size_t len, int fd, int nfds)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(3 * sizeof(int))];
	}		 cmsgbuf;
	int		 fds[3] = { fd, fd, fd };
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cmsg;

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd != -1) {
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), fds, nfds * sizeof(int));
	}
	/* small records, drained after each: never blocks, never short */
	if (sendmsg(s, &msg, MSG_NOSIGNAL) != (ssize_t)len)
		abort();
}

/* Send one message through the echo pair and check it comes back. */
static void
fuzz_echo(struct fuzz_ctx *c, struct imsg *in)
{
	struct imsg	 out;
	int		 fd, hadfd, r, spins;
	uint32_t	 pid;

	hadfd = in->fd != -1;
	fd = imsg_get_fd(in);
	if (imsg_compose(&c->ew, in->hdr.type, in->hdr.peerid,
	    (pid_t)in->hdr.pid, fd, in->data, in->datalen) == -1)
		abort();	/* anything imsg_get returns fits */
	for (spins = 0; spins < 1000; spins++) {
		if (imsgbuf_write(&c->ew) == -1)
			abort();
		if (imsgbuf_read(&c->er) == -1 && errno != EAGAIN)
			abort();
		if ((r = imsg_get(&c->er, &out)) == -1)
			abort();
		if (r == 1)
			break;
	}
	if (spins == 1000)
		abort();
	pid = in->hdr.pid != 0 ? in->hdr.pid : (uint32_t)c->ew.pid;
	if (out.hdr.type != in->hdr.type || out.hdr.peerid != in->hdr.peerid ||
	    out.hdr.pid != pid || out.hdr.len != in->hdr.len ||
	    out.datalen != in->datalen ||
	    (out.datalen > 0 && memcmp(out.data, in->data, in->datalen)) ||
	    (out.fd != -1) != hadfd ||
	    ((out.hdr.flags & IMSGF_HASFD) != 0) != hadfd)
		abort();
	imsg_free(&out);
}

static void
fuzz_check(struct fuzz_ctx *c, struct imsg *imsg)
{
	uint64_t	 v;

	if (imsg->hdr.len < IMSG_HEADER_SIZE ||
	    imsg->hdr.len > c->rd.maxsize ||
	    imsg->datalen != imsg->hdr.len - IMSG_HEADER_SIZE ||
	    (imsg->datalen == 0) != (imsg->data == NULL) ||
	    (imsg->hdr.flags & ~IMSGF_HASFD) != 0)
		abort();
	if (imsg->fd != -1 && (!(imsg->hdr.flags & IMSGF_HASFD) ||
	    !c->rd.allow_fdpass || fcntl(imsg->fd, F_GETFD) == -1))
		abort();
	if (imsg->datalen != sizeof(v) &&
	    (imsg_get_data(imsg, &v, sizeof(v)) != -1 || errno != EBADMSG))
		abort();
	if (imsg->datalen == sizeof(v) && imsg_get_data(imsg, &v,
	    sizeof(v)) != 0)
		abort();
	fuzz_echo(c, imsg);
}

/* Read and dispatch until the socket would block or EOF. */
static void
fuzz_drain(struct fuzz_ctx *c)
{
	struct imsg	 imsg;
	ssize_t		 n;
	int		 r, spins;

	for (spins = 0; !c->dead; spins++) {
		if (spins > 100000)
			abort();	/* livelock */
		n = imsgbuf_read(&c->rd);
		if (n == 1 && c->lazy) {
			/* may find the buffer full: returns 1, reads nothing */
			n = imsgbuf_read(&c->rd);
			if (n == 0 || (n == -1 && errno == EAGAIN))
				n = 1;
		}
		if (n == 0 || (n == -1 && errno == EAGAIN))
			return;
		if (n == -1) {
			if (errno != EBADMSG)
				abort();
			c->dead = 1;
			return;
		}
		while ((r = imsg_get(&c->rd, &imsg)) == 1) {
			fuzz_check(c, &imsg);
			imsg_free(&imsg);
		}
		if (r == -1) {
			if (errno != EBADMSG)
				abort();
			c->dead = 1;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_ctx	 c;
	size_t		 off, len;
	char		 ch;
	int		 sv[2], ev[2], p[2];

	if (size < 1)
		return (0);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, ev) == -1 ||
	    pipe2(p, O_NONBLOCK) == -1)
		abort();
	memset(&c, 0, sizeof(c));
	if (imsgbuf_init(&c.rd, sv[1]) == -1 ||
	    imsgbuf_init(&c.ew, ev[0]) == -1 ||
	    imsgbuf_init(&c.er, ev[1]) == -1 ||
	    imsgbuf_set_maxsize(&c.rd, fuzz_maxsizes[data[0] & 3]) == -1 ||
	    imsgbuf_set_maxsize(&c.ew, fuzz_maxsizes[data[0] & 3]) == -1 ||
	    imsgbuf_set_maxsize(&c.er, fuzz_maxsizes[data[0] & 3]) == -1)
		abort();
	imsgbuf_allow_fdpass(&c.er);
	if (data[0] & 4)
		imsgbuf_allow_fdpass(&c.rd);
	c.lazy = (data[0] & 8) != 0;

	for (off = 1; off < size && !c.dead; off += len) {
		len = (data[off] & 0x7f) + 1;
		if (len > size - off - 1)
			len = size - off - 1;
		if (len == 0)
			break;
		fuzz_send(sv[0], data + off + 1, len,
		    (data[off] & 0x80) ? p[1] : -1, (data[0] & 0x10) ? 3 : 1);
		off++;
		fuzz_drain(&c);
	}
	close(sv[0]);
	fuzz_drain(&c);		/* up to EOF */

	imsgbuf_clear(&c.rd);
	imsgbuf_clear(&c.ew);
	imsgbuf_clear(&c.er);
	close(sv[1]);
	close(ev[0]);
	close(ev[1]);
	close(p[1]);
	/* every copy of the passed write end must be closed by now */
	if (read(p[0], &ch, 1) != 0)
		abort();
	close(p[0]);
	return (0);
}
